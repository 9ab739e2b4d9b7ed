"""``manage.py evaluate_emotion --csv PATH [--text-column review] [--label-column label]``: accuracy and macro-F1
of the trained emotion model, the lexicon and snownlp on a manager's labelled CSV (1 positive, 0 negative),
with sentences per second; a table for people, then one JSON object as the last line (SPEC S16)."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dialogue.emotion_training.evaluation import EvaluationInputError, evaluate_polarity, read_labelled_csv


class Command(BaseCommand):
    help = "Evaluate emotion polarity on a labelled CSV: trained model, lexicon and snownlp side by side."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--csv", required=True, help="UTF-8 CSV with a text column and a 1/0 label column.")
        parser.add_argument("--text-column", default="review")
        parser.add_argument("--label-column", default="label")
        parser.add_argument("--no-snownlp", action="store_true", help="Skip the (slow) snownlp baseline.")

    def handle(self, *args, **options) -> None:
        path = Path(options["csv"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            texts, labels = read_labelled_csv(path.read_bytes(), options["text_column"], options["label_column"])
        except EvaluationInputError as error:
            raise CommandError(str(error)) from error
        results = evaluate_polarity(texts, labels, include_snownlp=not options["no_snownlp"])
        positives = sum(labels)
        self.stdout.write(f"{len(texts)} rows ({positives} positive, {len(texts) - positives} negative) from {path}")
        self.stdout.write(f"{'reader':<40} {'accuracy':>9} {'macro-F1':>9} {'sentences/s':>12}")
        for result in results:
            speed = result.sentences_per_second
            self.stdout.write(f"{result.name:<40} {result.accuracy:>9.4f} {result.macro_f1:>9.4f} {speed:>12,.0f}")
        self.stdout.write(json.dumps({"rows": len(texts), "results": [asdict(r) for r in results]}, ensure_ascii=False))
