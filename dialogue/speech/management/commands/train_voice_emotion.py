"""``manage.py train_voice_emotion``: build the voice samples of the keyword→emotion dictionary with espeak-ng, train
the second-emotion model (SPEC V4) and print its held-out accuracy beside the first and the fused emotion."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from dialogue.config import get_scoring
from dialogue.models import WordEntry
from dialogue.speech.voice_emotion import model_path, train


class Command(BaseCommand):
    help = "Train the voice (second) emotion model from espeak-ng renderings of the emotion keywords."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--if-missing", action="store_true", help="Do nothing when a model exists.")
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, **options) -> None:
        path = model_path()
        if options["if_missing"] and path.is_file():
            self.stdout.write(f"Voice emotion model {path} exists; nothing to do.")
            return
        keywords = dict(
            WordEntry.objects.filter(
                kind=WordEntry.Kind.EMOTION_KEYWORD, language="zh-hans", is_active=True
            ).values_list("word", "label")
        )
        if len(keywords) < 30:
            raise CommandError("The keyword→emotion dictionary has fewer than 30 Mandarin entries to learn from.")
        scoring = get_scoring()
        started = time.perf_counter()
        try:
            model = train(keywords, options["seed"], (scoring.call_keyword_weight, scoring.call_voice_weight))
        except (FileNotFoundError, RuntimeError) as error:
            raise CommandError(f"espeak-ng is needed to render the samples: {error}") from error
        held_out, verdict = model.metrics["held_out"], model.metrics["verdict"]
        figures = (
            f"({len(keywords)} keywords, {time.perf_counter() - started:.0f} s). Held-out accuracy on "
            f"{held_out['samples']} samples: first {held_out['first']:.3f}, second {held_out['second']:.3f}, "
            f"fused {held_out['fused']:.3f}. {verdict['reason']}"
        )
        if not verdict["passed"]:
            self.stdout.write(f"Voice emotion model not saved {figures}")
            return
        model.save(path)
        self.stdout.write(f"Voice emotion model written to {path} {figures}")
