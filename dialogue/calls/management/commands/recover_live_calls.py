"""``manage.py recover_live_calls [--idle SECONDS]``: live calls left ``transcribing`` by a web process that died
mid-call are turned into recordings and transcribed like uploads (SPEC V1: what arrived is kept and processed)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from dialogue.calls.live_capture import recover_abandoned_calls


class Command(BaseCommand):
    help = "Transcribe the live calls a stopped web process left unfinished."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--idle", type=float, default=300.0, help="Seconds without audio before a call counts.")

    def handle(self, *args, **options) -> None:
        recovered = recover_abandoned_calls(options["idle"])
        if recovered:
            self.stdout.write(f"Live calls recovered and queued for transcription: {', '.join(map(str, recovered))}")
