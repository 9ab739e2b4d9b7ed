"""``manage.py ensure_demo_manager``: make sure both demo companies' managers can sign in; print a new password once,
and who else works at each company."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from salescard.demo.companies import COMPANIES
from salescard.demo.login import ensure_demo_managers
from salescard.demo.staff import demo_team, managers


class Command(BaseCommand):
    help = (
        "Ensure the demo managers of both demo companies exist and can sign in (password from DEMO_MANAGER_PASSWORD "
        "or generated) and list each company's demo staff."
    )

    def handle(self, *args, **options) -> None:
        logins = ensure_demo_managers()
        for member, login in zip(managers(), logins, strict=True):
            company = COMPANIES[member.company].name
            if login.password:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Demo manager login of {company} — user: {login.username}  password: {login.password}  "
                        "(shown once; set DEMO_MANAGER_PASSWORD to choose it)"
                    )
                )
            else:
                self.stdout.write(f"Demo manager login of {company}: user {login.username} (password unchanged)")
            staff = [m for m in demo_team() if m.company == member.company and m.username != member.username]
            listed = ", ".join(
                f"{m.username} {m.full_name} {m.title}" + (f" ({'+'.join(m.lines)})" if m.lines else "") for m in staff
            )
            self.stdout.write(f"  {company} staff (the manager sets their passwords in the admin): {listed}")
