"""``manage.py ensure_demo_cards``: smart cards for the demo salespeople; prints, for each demo company, the URLs to
open."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.urls import reverse

from salescard.demo.cards import ensure_demo_cards


class Command(BaseCommand):
    help = (
        "Create smart cards for the demo salespeople (when missing) and print a customer's and a visitor's card URL "
        "for each demo company."
    )

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--base-url", default="http://127.0.0.1:8000", help="Where the product is served.")

    def handle(self, *args, **options) -> None:
        links = ensure_demo_cards()
        base = options["base_url"].rstrip("/")
        self.stdout.write(f"Smart cards created: {links.created_cards}")
        for company in links.companies:
            self.stdout.write(f"{company.company} — card of {company.salesperson}:")
            if company.customer_link:
                customer = company.customer_link.customer
                url = base + reverse("card", args=[company.customer_link.token])
                self.stdout.write(self.style.SUCCESS(f"  Open as the customer {customer.name}: {url}"))
            if company.visitor_link:
                self.stdout.write(
                    f"  Open as a new visitor: {base}{reverse('card', args=[company.visitor_link.token])}"
                )
        self.stdout.write(f"Sales terminal: {base}{reverse('sales-inbox')}")
