"""``manage.py train_personality``: train the personality model on styles staff observed (SPEC S5)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from intent.personality_model import PersonalityModelError, load_personality_model, train_personality_model


class Command(BaseCommand):
    help = (
        "Train the social-style model from staff observations and report held-out accuracy against the preset database."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--if-missing", action="store_true", help="Train only when no model is saved yet.")
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(self, *args, seed: int, if_missing: bool, no_progress: bool = False, **options) -> None:
        if if_missing and load_personality_model() is not None:
            self.stdout.write("A personality model is already saved; not retrained.")
            return
        try:
            report = train_personality_model(seed=seed, progress=not no_progress)
        except PersonalityModelError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Saved {report.path}; {report.metrics['evaluation']}:")
        for name in ("preset database", "trained model", "combined"):
            m = report.metrics[name]
            self.stdout.write(f"  {name:16} accuracy {m['accuracy']:.3f}  macro-F1 {m['macro_f1']:.3f}")
        self.stdout.write(f"  blend weight of the trained model: {report.metrics['blend_weight']}")
        self.stdout.write(f"  {report.metrics['verdict']['reason']}")
