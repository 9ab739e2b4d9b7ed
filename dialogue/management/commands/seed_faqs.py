"""``manage.py seed_faqs [--if-empty]``: the demo catalogue's FAQs (SPEC S11 knowledge base, S9 suggestions)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from dialogue.demo_faqs import seed_demo_faqs
from dialogue.models import FAQ


class Command(BaseCommand):
    help = "Add the FAQs of the demo catalogue (categories and products that exist)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when any FAQ exists.")

    def handle(self, *args, **options) -> None:
        if options["if_empty"] and FAQ.objects.exists():
            self.stdout.write("FAQs exist; nothing to do.")
            return
        report = seed_demo_faqs()
        self.stdout.write(f"FAQs: {report['created']} added, {report['skipped']} skipped (not in the catalogue).")
