"""``manage.py seed_faqs [--if-empty]``: the demo catalogue's FAQs and promotions (SPEC S11 knowledge base, S9
suggestions, issue 17 discounts), and the shipped word lists and answer templates brought up to date on an
existing install (``dialogue.seeding``: a manager's edits are kept)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from dialogue.config import invalidate_config
from dialogue.models import FAQ, AnswerTemplate, ScoringSettings, WordEntry
from dialogue.seeding import seed_defaults
from salescard.demo.faqs import seed_demo_faqs
from salescard.demo.promotions import ensure_demo_promotions


class Command(BaseCommand):
    help = "Add the FAQs and promotions of the demo catalogue and update the shipped defaults a manager left alone."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="Add no FAQs when any FAQ exists.")

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            defaults = seed_defaults(WordEntry, AnswerTemplate, ScoringSettings)
        invalidate_config()
        self.stdout.write(
            f"Defaults: {defaults['words']} words added, {defaults['relabelled']} relabelled; "
            f"{defaults['templates']} answer templates added, {defaults['retired_templates']} retired."
        )
        self.stdout.write(f"Promotions: {ensure_demo_promotions()} added.")
        if options["if_empty"] and FAQ.objects.exists():
            self.stdout.write("FAQs exist; nothing to do.")
            return
        report = seed_demo_faqs()
        self.stdout.write(f"FAQs: {report['created']} added, {report['skipped']} skipped (not in the catalogue).")
