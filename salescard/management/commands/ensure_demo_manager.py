"""``manage.py ensure_demo_manager``: make sure the demo manager can sign in; print a new password once."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from salescard.demo.login import ensure_demo_manager


class Command(BaseCommand):
    help = "Ensure the demo manager account exists and can sign in (password from DEMO_MANAGER_PASSWORD or generated)."

    def handle(self, *args, **options) -> None:
        login = ensure_demo_manager()
        if login.password:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo manager login — user: {login.username}  password: {login.password}  "
                    "(shown once; set DEMO_MANAGER_PASSWORD to choose it)"
                )
            )
        else:
            self.stdout.write(f"Demo manager login: user {login.username} (password unchanged)")
