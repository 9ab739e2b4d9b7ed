"""``manage.py ensure_demo_branch``: the bank's demo branch, kiosk and watches; prints the watch URLs and a ticket
command."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from salescard.demo.branch import ensure_demo_branch


class Command(BaseCommand):
    help = "Create the bank's demo branch and watches (when missing), issue fresh tokens and print how to use them."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--base-url", default="http://127.0.0.1:8000", help="Where the product is served.")

    def handle(self, *args, **options) -> None:
        demo = ensure_demo_branch()
        base = options["base_url"].rstrip("/")
        for watch in reversed(demo.watches):  # 赵磊's last, just above the ticket command
            wearer = f" ({watch.staff.last_name}{watch.staff.first_name})" if watch.staff else ""
            self.stdout.write(
                self.style.SUCCESS(f"Watch of {demo.branch.name}{wearer}: {base}/watch/#token={watch.token}")
            )
        body = {"branch": demo.branch.code, "number": "A001", "business": "理财"}
        if demo.customer is not None:
            body["phone"] = demo.customer.phone
        else:
            body["id_number"] = "440305199001011234"
        self.stdout.write(
            "Take a queue ticket:\n"
            f"  curl -X POST {base}/api/branch/tickets/ -H 'Authorization: Kiosk {demo.kiosk_token}' "
            f"-H 'Content-Type: application/json' -d '{json.dumps(body, ensure_ascii=False)}'"
        )
