"""``manage.py train_intent``: train IntentNet per organisation, evaluate it on held-out customers, save and record it.

Each organisation trains on its own customers, catalogue and history (issue 19). Without ``--organisation`` every
organisation is trained; one with too little history keeps the cold-start ranking (冷启动) and the output says so.
The command fails only when no organisation it tried could be trained.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from crm.models import Organisation
from intent.model_store import active_version
from intent.training import TrainSettings, organisations_to_train, train_organisations


class Command(BaseCommand):
    help = (
        "Train IntentNet per organisation on its own history (deterministic with --seed) and compare it with the "
        "baselines; organisations with too little history stay on the cold-start ranking."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--organisation",
            action="append",
            dest="organisations",
            metavar="ID_OR_NAME",
            help="Train only this organisation (id or exact name); may be repeated. Default: every organisation.",
        )
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--epochs", type=int, default=TrainSettings.epochs)
        parser.add_argument(
            "--if-missing", action="store_true", help="Train only organisations that have no active model."
        )
        parser.add_argument("--activate", action="store_true", help="Activate the new version even if one is active.")
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(  # noqa: PLR0913 - the command's options
        self,
        *args,
        organisations: list[str] | None,
        seed: int,
        epochs: int,
        if_missing: bool,
        activate: bool,
        no_progress: bool,
        **options,
    ) -> None:
        if epochs < 1:
            raise CommandError("--epochs must be at least 1.")
        try:
            chosen = organisations_to_train(organisations)
        except Organisation.DoesNotExist as error:
            raise CommandError(str(error)) from error
        if if_missing:
            for organisation in [o for o in chosen if active_version(o) is not None]:
                self.stdout.write(f"{organisation.name}: an intent model is already active; not retrained.")
            chosen = [o for o in chosen if active_version(o) is None]
        outcomes = train_organisations(
            chosen, TrainSettings(seed=seed, epochs=epochs), progress=not no_progress, activate=activate or None
        )
        for outcome in outcomes:
            name = outcome.organisation.name
            if outcome.cold_start:
                self.stdout.write(f"{name}: 冷启动 (cold start) — {outcome.cold_start_reason}")
                continue
            result = outcome.result
            version = result.version
            self.stdout.write(
                f"{name}: saved {version.version} ({'active' if version.is_active else 'not active'}) in "
                f"{result.seconds} s; examples {result.examples}"
            )
            self.stdout.write(f"  {'held-out customers':22} {'HR@1':>6} {'HR@3':>6} {'NDCG@3':>7} {'MRR':>6}")
            for model in ("intentnet", "logistic_regression", "popularity"):
                m = result.metrics[model]
                self.stdout.write(f"  {model:22} {m['hr@1']:6.3f} {m['hr@3']:6.3f} {m['ndcg@3']:7.3f} {m['mrr']:6.3f}")
            if version.verdict:
                self.stdout.write(f"  {version.verdict['reason']}")
        if outcomes and all(o.cold_start for o in outcomes):  # nothing could be trained at all
            raise CommandError("; ".join(o.cold_start_reason for o in outcomes))
