"""``manage.py train_emotion [--data DIR] [--seed N] [--epochs N] [--max-rows N] [--no-progress]``: retrain the
emotion model on the public data (a progress bar in a terminal, plain lines elsewhere: ``base.progress``), print its
held-out figures next to snownlp, the lexicon and the active model, and activate it only when it is at least as good
as each of them (SPEC S16, ``base.model_gate``)."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from dialogue.emotion_training.data import EmotionDataMissing
from dialogue.emotion_training.network import DEFAULT_SEED
from dialogue.emotion_training.retraining import retrain_emotion


class Command(BaseCommand):
    help = "Retrain the emotion model; activate it only when it is at least as good as its baselines."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--data", default=str(Path(settings.BASE_DIR).parent / "shared" / "data"))
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument("--epochs", type=int, default=None)
        parser.add_argument("--max-rows", type=int, default=None, help="Cap each source file (quick runs).")
        parser.add_argument("--no-snownlp", action="store_true", help="Skip the (slow) snownlp baseline.")
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(self, *args, **options) -> None:
        try:
            result = retrain_emotion(
                options["data"],
                seed=options["seed"],
                epochs=options["epochs"],
                max_rows=options["max_rows"],
                snownlp_baseline=not options["no_snownlp"],
                progress=not options["no_progress"],
            )
        except EmotionDataMissing as error:
            raise CommandError(str(error)) from error
        metrics = result.metrics
        binary = metrics["binary"]
        six = metrics["six_class_smp2020_usual"]
        self.stdout.write(f"version {result.version.version}: held-out review polarity ({binary['model']['n']} rows)")
        self.stdout.write(f"  {'reader':<24} {'accuracy':>9} {'macro-F1':>9}")
        readers = [("this model", binary["model"])]
        if "snownlp" in binary:
            readers.append(("snownlp", binary["snownlp"]))
        for name, scores in readers:
            self.stdout.write(f"  {name:<24} {scores['accuracy']:>9.4f} {scores['macro_f1']:>9.4f}")
        self.stdout.write(
            f"six emotions (SMP2020 general test half): accuracy {six['accuracy']:.4f}, macro-F1 {six['macro_f1']:.4f}"
        )
        for emotion, scores in six["per_class"].items():
            self.stdout.write(f"  {emotion:<8} F1 {scores['f1']:.4f}  (n={scores['support']})")
        for key, verdict in metrics["verdicts"].items():
            baselines = ", ".join(f"{name} {value:.4f}" for name, value in verdict["baselines"].items())
            self.stdout.write(f"{key}: {verdict['metric']} {verdict['candidate']:.4f} beside {baselines}")
        self.stdout.write(("activated: " if result.activated else "kept inactive: ") + result.version.verdict["reason"])
        self.stdout.write(
            json.dumps(
                {"version": result.version.version, "activated": result.activated, "metrics": metrics},
                ensure_ascii=False,
            )
        )
