"""``manage.py train_reply_model [--if-missing] [--no-progress]``: load the shipped reply scripts and history
(once), train the reply-script target model (SPEC V6) on every sample, record the version and print its held-out
figures beside the baselines (without emotion, scene majority) and the gate's verdict: the version is activated only
when its choice of reply kind is at least as good as the cue rules' and the scene majority's on the held-out split."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from dialogue.calls.models import ReplyModelVersion
from dialogue.calls.script_library import ReplyModelMissingError, retrain_reply_model, seed_reply_library


class Command(BaseCommand):
    help = "Seed the reply-script library and train the target model that ranks scripts for a call's sentences."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--if-missing", action="store_true", help="Do nothing when a version is active.")
        parser.add_argument("--seed", type=int, default=13)
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(self, *args, **options) -> None:
        scripts, samples = seed_reply_library()
        if scripts or samples:
            self.stdout.write(f"Reply library: {scripts} scripts and {samples} history samples added.")
        if options["if_missing"] and ReplyModelVersion.objects.filter(is_active=True).exists():
            self.stdout.write("A reply model is active; nothing to train.")
            return
        try:
            version = retrain_reply_model(options["seed"], progress=not options["no_progress"])
        except ReplyModelMissingError as error:
            raise CommandError(str(error)) from None
        m = version.metrics
        self.stdout.write(
            f"Reply model {version.version} ({'active' if version.is_active else 'kept inactive'}): "
            f"{m['scripts']} scripts, {m['train_samples']} training / {m['held_out_samples']} held-out samples in "
            f"{version.training['seconds']} s. Held-out top-1 {m['held_out']['top1']}, top-3 {m['held_out']['top3']}; "
            f"without emotion {m['without_emotion']['top1']} / {m['without_emotion']['top3']}; scene majority "
            f"{m['scene_majority']['top1']} / {m['scene_majority']['top3']}; emotion swapped "
            f"{m['emotion_swapped']['top1']}."
        )
        if version.verdict:
            self.stdout.write(f"Gate: {version.verdict['reason']}")
