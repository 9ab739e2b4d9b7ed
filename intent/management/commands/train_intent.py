"""``manage.py train_intent``: train IntentNet, evaluate it on held-out customers, save and record it."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from intent.model_store import active_version
from intent.training import TrainingError, TrainSettings, train_intent


class Command(BaseCommand):
    help = "Train IntentNet on the CRM's history (deterministic with --seed) and compare it with the baselines."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--epochs", type=int, default=TrainSettings.epochs)
        parser.add_argument("--if-missing", action="store_true", help="Train only when no model is active.")
        parser.add_argument("--activate", action="store_true", help="Activate the new version even if one is active.")
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(self, *args, seed: int, epochs: int, if_missing: bool, activate: bool, no_progress: bool, **options):
        if epochs < 1:
            raise CommandError("--epochs must be at least 1.")
        if if_missing and active_version() is not None:
            self.stdout.write("An intent model is already active; not retrained.")
            return
        try:
            result = train_intent(
                TrainSettings(seed=seed, epochs=epochs), progress=not no_progress, activate=activate or None
            )
        except TrainingError as error:
            raise CommandError(str(error)) from error
        version = result.version
        self.stdout.write(
            f"Saved {version.version} ({'active' if version.is_active else 'not active'}) in {result.seconds} s; "
            f"examples {result.examples}"
        )
        self.stdout.write(f"{'held-out customers':22} {'HR@1':>6} {'HR@3':>6} {'NDCG@3':>7} {'MRR':>6}")
        for name in ("intentnet", "logistic_regression", "popularity"):
            m = result.metrics[name]
            self.stdout.write(f"{name:22} {m['hr@1']:6.3f} {m['hr@3']:6.3f} {m['ndcg@3']:7.3f} {m['mrr']:6.3f}")
