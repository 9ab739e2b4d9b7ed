"""``manage.py ensure_demo_im``: the demo IM integration with fresh credentials; prints sidebar links and how to
post a signed webhook."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from salescard.demo.im_integration import client_file, ensure_demo_im


class Command(BaseCommand):
    help = "Create (or re-key) the demo IM integration and print demo sidebar links and a webhook command."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--base-url", default="http://127.0.0.1:8000", help="Where the product is served.")

    def handle(self, *args, **options) -> None:
        demo = ensure_demo_im(options["base_url"])
        if demo.customer is None:
            self.stdout.write("No customer with IM friends yet: seed the demo data first (manage.py seed_demo).")
            return
        for username, url in demo.links.items():
            self.stdout.write(self.style.SUCCESS(f"Profile sidebar of {demo.customer.name} as {username}: {url}"))
        self.stdout.write(
            "  (IM links are valid for IM_SIDEBAR_TOKEN_SECONDS; `.venv/bin/python scripts/im_webhook.py link` asks "
            f"for a fresh one; signed-in staff open {options['base_url'].rstrip('/')}"
            f"/sidebar/customers/{demo.customer.pk}/)"
        )
        self.stdout.write(
            f"Post a signed IM webhook (credentials in {client_file()}):\n"
            "  .venv/bin/python scripts/im_webhook.py message '我换了新号码13912345678，邮箱 li.na@example.com'"
        )
