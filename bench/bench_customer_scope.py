"""Benchmark: a salesperson's customer list at "thousands of customers per salesperson".

Builds a throw-away database (SQLite by default; pass --database-url for PostgreSQL) with N customers, of
which one salesperson owns some, is IM friends with others and shares group chats with more, then times
GET /api/crm/customers/ (first page with its count) for that salesperson and for a manager, through DRF in
process. Side by side it times the naive scope — one OR over joins plus DISTINCT — against the scope the
product uses (crm.access.linked_to: OR over id subqueries).

Run: .venv/bin/python bench/bench_customer_scope.py [--customers 20000] [--repeat 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="salescard-bench-")
    os.environ.update(
        {
            "ENV_FILE": "",
            "DEBUG": "true",
            "ALLOWED_HOSTS": "testserver",
            "DATABASE_URL": args.database_url or f"sqlite:///{tmp}/bench.sqlite3",
            "MEDIA_ROOT": f"{tmp}/media",
            "MODEL_DIR": f"{tmp}/models",
            "DJANGO_SETTINGS_MODULE": "salescard.settings",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Q
    from rest_framework.test import APIClient

    from crm.access import customers_visible_to
    from crm.models import ChatGroup, ChatGroupMembership, Customer, Friendship, User

    call_command("migrate", verbosity=0)
    sales = User.objects.create_user("bench-sales", role=User.Role.SALES)
    others = [User.objects.create_user(f"bench-other{i}", role=User.Role.SALES) for i in range(3)]
    manager = User.objects.create_user("bench-manager", role=User.Role.MANAGER)
    n = args.customers
    Customer.objects.bulk_create(
        Customer(name=f"客户{i}", phone=f"139{i:08d}", owner=sales if i % 7 == 0 else others[i % 3]) for i in range(n)
    )
    ids = list(Customer.objects.values_list("pk", flat=True))
    Friendship.objects.bulk_create(Friendship(staff=sales, customer_id=pk) for pk in ids[1::13])
    groups = ChatGroup.objects.bulk_create(ChatGroup(name=f"群{i}") for i in range(40))
    ChatGroupMembership.objects.bulk_create(ChatGroupMembership(group=g, staff=sales) for g in groups[:20])
    ChatGroupMembership.objects.bulk_create(
        ChatGroupMembership(group=groups[i % 40], customer_id=pk) for i, pk in enumerate(ids[2::11])
    )

    def naive(user: User):
        return Customer.objects.filter(
            Q(owner=user) | Q(friendships__staff=user) | Q(group_memberships__group__memberships__staff=user)
        ).distinct()

    def first_page(queryset) -> int:
        count = queryset.count()
        list(queryset.order_by("-updated_at", "-pk")[:50])
        return count

    def timed(fn) -> list[float]:
        fn()  # warm-up
        samples = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - started) * 1000)
        return samples

    visible = first_page(customers_visible_to(sales))
    assert visible == first_page(naive(sales)), "both scopes must select the same customers"

    def api(user: User, query: str = "") -> None:
        client = APIClient()
        client.force_authenticate(user)
        assert client.get(f"/api/crm/customers/{query}").status_code == 200

    rows = [
        ("scope query, naive OR-join + DISTINCT (baseline)", timed(lambda: first_page(naive(sales)))),
        ("scope query, id subqueries (product)", timed(lambda: first_page(customers_visible_to(sales)))),
        ("API list page 1, salesperson", timed(lambda: api(sales))),
        ("API list page 1, manager", timed(lambda: api(manager))),
        ("API search by phone, salesperson", timed(lambda: api(sales, "?search=13900000007"))),
    ]
    print(f"database: {connection.vendor}; customers: {n}; visible to the salesperson: {visible}")
    print(f"{'measure':52} {'p50 ms':>8} {'p95 ms':>8}")
    for label, samples in rows:
        p95 = statistics.quantiles(samples, n=20)[18]
        print(f"{label:52} {statistics.median(samples):8.2f} {p95:8.2f}")
    ratio = statistics.median(rows[0][1]) / statistics.median(rows[1][1])
    print(f"speed-up of the product scope over the baseline (p50): {ratio:.2f}x")


if __name__ == "__main__":
    main()
