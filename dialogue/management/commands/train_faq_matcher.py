"""``manage.py train_faq_matcher [--seed 13] [--epochs 40] [--no-ecd] [--output PATH] [--no-progress]``: retrain
the FAQ matcher (issue 17 item 5) on the shipped paraphrase set and, when ``../shared/data/dialogue/`` is there, the
e-commerce dialogue sample; tune its calibration on the validation split and write
``dialogue/trained/faq_matcher.pt``."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from dialogue.semantic_match import MATCHER, WEIGHTS
from dialogue.semantic_training import ECD_DIR, TrainingSettings, load_ecd_pairs, train_faq_matcher


class Command(BaseCommand):
    help = "Train the semantic FAQ matcher that helps BM25 find paraphrased questions."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--seed", type=int, default=13)
        parser.add_argument("--epochs", type=int, default=TrainingSettings.epochs)
        parser.add_argument("--no-ecd", action="store_true", help="Train on the paraphrase set alone.")
        parser.add_argument("--output", type=Path, default=WEIGHTS)
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(self, *args, **options) -> None:
        use_ecd = not options["no_ecd"]
        if use_ecd and load_ecd_pairs() is None:
            self.stdout.write(
                f"The e-commerce dialogue sample is not at {ECD_DIR}: training on the shipped paraphrase set alone."
            )
            use_ecd = False
        cfg = TrainingSettings(seed=options["seed"], epochs=options["epochs"], use_ecd=use_ecd)
        report = train_faq_matcher(cfg, options["output"], progress=not options["no_progress"])
        MATCHER.forget()
        c, v = report.combined, report.validation
        ecd = f", {report.ecd_pairs} of them from the dialogue sample" if report.ecd_pairs else ""
        self.stdout.write(
            f"FAQ matcher written to {report.path} ({report.size_bytes / 1e6:.1f} MB) from {report.pairs} pairs{ecd} "
            f"in {report.seconds} s. Blend w={c.w} (lexical share), calibration k={c.k:.2f} c={c.c:.2f}."
        )
        for name in ("bm25", "semantic", "combined"):
            f = v[name]
            self.stdout.write(
                f"  validation {name:>8}: top-1 {f['top1']:.3f}, MRR@5 {f['mrr5']:.3f}, answered correctly "
                f"{f['answered_correctly']:.3f}, off-topic answered {f['false_answers']:.3f}"
            )
        self.stdout.write(f"  {report.verdict['reason']}")
