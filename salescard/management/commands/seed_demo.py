"""``manage.py seed_demo [--seed N] [--customers N]``: load the deterministic, idempotent demo data set."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from crm.models import Customer
from salescard.demo.seeding import MAX_CUSTOMERS, seed_demo


class Command(BaseCommand):
    help = (
        "Create the two demo companies (a bank and a furniture retailer) with their staff, catalogues and Chinese "
        "customers with consents, IM chats and behaviour events. "
        "The same seed gives the same data; running again creates only what is missing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=42, help="Random seed (default 42).")
        parser.add_argument(
            "--customers",
            type=int,
            default=300,
            help=f"Number of demo customers, 1 to {MAX_CUSTOMERS} (default 300).",
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Seed only when the database holds no customers yet."
        )

    def handle(self, *args: object, seed: int, customers: int, if_empty: bool, **options: object) -> None:
        if not 1 <= customers <= MAX_CUSTOMERS:
            raise CommandError(f"--customers must be between 1 and {MAX_CUSTOMERS}, not {customers}.")
        if if_empty and Customer.objects.exists():
            self.stdout.write("The database already holds customers; demo data not seeded.")
            return
        started = time.perf_counter()
        report = seed_demo(seed=seed, customers=customers)
        elapsed = time.perf_counter() - started
        counts = ", ".join(f"{name} {count}" for name, count in report.as_dict().items())
        if report.total:
            self.stdout.write(self.style.SUCCESS(f"Demo data (seed {seed}) created in {elapsed:.1f} s: {counts}."))
        else:
            self.stdout.write(f"Demo data (seed {seed}, {customers} customers) already complete; nothing created.")
