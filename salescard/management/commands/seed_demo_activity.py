"""``manage.py seed_demo_activity [--if-empty]``: the last 30 days of card shares, chats, hand-offs and branch tasks
behind the demo managers' dashboard (``salescard.demo.activity``)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from salescard.demo.activity import seed_activity


class Command(BaseCommand):
    help = "Add 30 days of demo card, chat, hand-off and branch activity for the managers' dashboard."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--if-empty", action="store_true", help="Add nothing when any conversation exists.")
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, **options) -> None:
        report = seed_activity(seed=options["seed"], if_empty=options["if_empty"])
        if report.skipped:
            self.stdout.write("Conversations exist; no demo activity added.")
            return
        self.stdout.write(
            f"Demo activity: {report.links} card links, {report.visits} visits, {report.conversations} chats with "
            f"{report.messages} customer messages, {report.handoffs} hand-offs, {report.tasks} branch tasks."
        )
