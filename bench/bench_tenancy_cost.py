"""Benchmark: the cost of scoping by organisation (issue 19) — the same pages before and after, in one run.

"Before" is the code of a commit without organisations as the tenant boundary (default 13a5c36, the parent of the
data layer), taken with ``git archive`` into a temporary folder; "after" is this working tree. Each runs in a child
process of its own (its own interpreter, its own throw-away SQLite database, the same virtual environment) that
builds the same data shape and then answers "time page P, R times" over a pipe. The parent asks both children in
turn, page by page and round by round, so both versions see the same machine load, and prints p50 / p95 per page
per version and the after / before ratio of the p50s.

The data, built the same way in both versions (``seed_demo`` for the catalogue, staff, cards and 200 demo
customers, then bulk-created customers up to ``--customers``):
- company A: the demo (catalogue, salespeople, the manager, the demo cards) and half the customers, owned by A's
  salespeople (one in seven by the salesperson whose card and sidebar are timed);
- company B: three salespeople and a manager of their own, a copy of the catalogue (codes and SKUs prefixed ``b-`` /
  ``B-``) and the other half of the customers, owned by B's salespeople.
After, A is the organisation of the demo's salespeople and B a second organisation (if the demo already seeds a
second organisation with salespeople, that one is B and the catalogue is not copied); before, A and B are one
undivided company — the same rows with nothing telling them apart, so the manager and the product list see both.

Timed, in process through Django's whole request stack (Django test client, DEBUG off, as ``bench_sidebar.py``):
- ``/healthz``, the minimal view (baseline: how the two processes compare on a page scoping does not touch);
- the customer list API, page 1 with its count, as A's manager and as the salesperson (DRF, forced authentication);
- the product list API, page 1, as the salesperson;
- the card page of a personal link (``/c/<token>/``) opened from the customer's bound browser, with a stored
  prediction;
- the IM sidebar page (``/sidebar/?t=<link token>``) of the salesperson for that customer.

Run: .venv/bin/python bench/bench_tenancy_cost.py [--before 13a5c36] [--after TREE] [--customers 20000]
     [--repeat 40] [--rounds 3]
(``--after`` times another checkout's code as "after", e.g. a patched copy; its children use this file.)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROTOCOL = "TENANCY-BENCH "
PAGES = {
    "healthz": "/healthz (baseline)",
    "customers_manager": "customer list API, manager",
    "customers_sales": "customer list API, salesperson",
    "products": "product list API, salesperson",
    "card": "card page (personal link)",
    "sidebar": "sidebar page",
}
DEVICE = "bench-customer-browser"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


# --- child: one code version, its own database ------------------------------------------------------------------
def say(kind: str, payload: object) -> None:
    print(PROTOCOL + json.dumps({"kind": kind, "payload": payload}), flush=True)


def child(customers: int) -> None:  # noqa: C901, PLR0915 - one linear set-up script
    # Import the code of the current directory (before or after), never this file's checkout.
    sys.path[:] = [os.getcwd(), *[p for p in sys.path[1:] if Path(p).resolve() != Path(__file__).resolve().parent]]
    files = Path(tempfile.mkdtemp(prefix="salescard-bench-tenancy-"))
    os.environ.update(
        {
            "ENV_FILE": "",
            "DEBUG": "false",
            "SECRET_KEY": "bench-" + "x" * 60,
            "ALLOWED_HOSTS": "testserver,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "DATABASE_URL": f"sqlite:///{files}/bench.sqlite3",
            "MEDIA_ROOT": f"{files}/media",
            "MODEL_DIR": f"{files}/models",
            "STATIC_ROOT": f"{files}/static",
            "TTS_CACHE_DIR": f"{files}/tts",
            "REDIS_URL": "",
            "EMAIL_URL": "dummymail://",
            "HANDOFF_CHANNELS": "inapp",
            "HANDOFF_SWEEP_SECONDS": "0",
            "BRANCH_ESCALATION_SWEEP_SECONDS": "0",
            "DJANGO_SETTINGS_MODULE": "salescard.settings",
        }
    )
    import io

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from rest_framework.test import APIClient

    quiet = io.StringIO()
    started = time.perf_counter()
    call_command("migrate", verbosity=0, stdout=quiet)
    call_command("collectstatic", interactive=False, verbosity=0, stdout=quiet)
    call_command("seed_demo", customers=200, seed=42, verbosity=0, stdout=quiet)
    call_command("seed_faqs", verbosity=0, stdout=quiet)
    call_command("ensure_demo_manager", verbosity=0, stdout=quiet)
    call_command("ensure_demo_cards", verbosity=0, stdout=quiet)

    from crm.im_profile.sidebar_tokens import issue_link_token
    from crm.models import Customer, Organisation, Product, ProductCategory, User
    from intent.inference import predict_intents
    from salescard.card_access import DEVICE_COOKIE, bind, signed_device
    from salescard.cards import issue_link
    from salescard.models import CardDevice, SmartCard

    tenant = hasattr(Customer, "tenant_parent")  # organisations are the tenant boundary (issue 19)
    card = SmartCard.objects.select_related("salesperson").order_by("pk").first()
    sales = card.salesperson
    manager = User.objects.get(username=settings.DEMO_MANAGER_USERNAME)
    org_a = sales.organisation if tenant else None
    a_staff = User.objects.filter(role=User.Role.SALES)
    if tenant:
        a_staff = a_staff.filter(organisation=org_a)
    a_staff = list(a_staff.exclude(pk=sales.pk).order_by("pk")) or [sales]

    # Company B: a second organisation after, the same rows in one undivided company before.
    org_b, copy_catalogue = None, True
    if tenant:
        org_b = (
            Organisation.objects.exclude(pk=org_a.pk)
            .filter(pk__in=User.objects.filter(role=User.Role.SALES).values("organisation"))
            .order_by("pk")
            .first()
        )
        copy_catalogue = org_b is None
        if org_b is None:
            org_b = Organisation.objects.create(name="压测第二公司")
    in_b = {"organisation": org_b} if tenant else {}
    if copy_catalogue:
        b_staff = [User.objects.create_user(f"bench-b-sales{i}", role=User.Role.SALES, **in_b) for i in range(3)]
        User.objects.create_user("bench-b-manager", role=User.Role.MANAGER, **in_b)
        categories = {}
        for category in ProductCategory.objects.order_by("pk"):
            old = category.pk
            category.pk = category.id = None
            category._state.adding = True
            category.code = f"b-{category.code}"[:50]
            if tenant:
                category.organisation = org_b
            category.save()
            categories[old] = category
        for product in Product.objects.order_by("pk"):
            product.category = categories[product.category_id]
            product.pk = product.id = None
            product._state.adding = True
            product.sku = f"B-{product.sku}"[:50]
            if tenant:
                product.organisation = org_b
            product.save()
    else:
        b_staff = list(User.objects.filter(role=User.Role.SALES, organisation=org_b).order_by("pk"))

    half = customers // 2
    a_missing = max(0, half - Customer.objects.count())
    rows = [
        Customer(name=f"客户A{i}", phone=f"139{i:08d}", owner=sales if i % 7 == 0 else a_staff[i % len(a_staff)])
        for i in range(a_missing)
    ]
    rows += [
        Customer(name=f"客户B{i}", phone=f"138{i:08d}", owner=b_staff[i % len(b_staff)])
        for i in range(customers - half)
    ]
    for start in range(0, len(rows), 2000):
        Customer.objects.bulk_create(rows[start : start + 2000])

    # The card page of a personal link, opened from the customer's bound browser, with a stored prediction.
    customer = Customer.objects.filter(owner=sales).order_by("pk").first()
    predict_intents([customer])
    link = issue_link(card, customer)
    bind(link, DEVICE, CardDevice.How.FIRST_OPEN)
    sidebar_token = issue_link_token(sales, customer)

    setup_test_environment()
    browser = Client()
    browser.cookies[DEVICE_COOKIE] = signed_device(DEVICE)
    as_manager, as_sales = APIClient(), APIClient()
    as_manager.force_authenticate(manager)
    as_sales.force_authenticate(sales)

    def get(client, path: str) -> object:  # noqa: ANN001
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code, response.content[:300])
        return response

    calls = {
        "healthz": lambda: get(browser, "/healthz"),
        "customers_manager": lambda: get(as_manager, "/api/crm/customers/"),
        "customers_sales": lambda: get(as_sales, "/api/crm/customers/"),
        "products": lambda: get(as_sales, "/api/crm/products/"),
        "card": lambda: get(browser, f"/c/{link.token}/"),
        "sidebar": lambda: get(browser, f"/sidebar/?t={sidebar_token}"),
    }

    def count(response) -> int | None:  # noqa: ANN001
        data = getattr(response, "data", None)
        return data.get("count") if isinstance(data, dict) else None

    listed = {name: count(calls[name]()) for name in ("customers_manager", "customers_sales", "products")}
    for call in calls.values():
        for _ in range(10):
            call()  # warm-up: templates, caches, lazy imports, SQLite pages
    say(
        "ready",
        {
            "organisations": tenant,
            "customers": Customer.objects.count(),
            "products": Product.objects.count(),
            "listed": listed,
            "setup_s": round(time.perf_counter() - started, 1),
        },
    )
    for line in sys.stdin:
        request = json.loads(line)
        if request.get("quit"):
            break
        call, samples = calls[request["page"]], []
        for _ in range(request["repeat"]):
            start = time.perf_counter()
            call()
            samples.append((time.perf_counter() - start) * 1000)
        say("samples", samples)


# --- parent: both versions side by side ---------------------------------------------------------------------------
class Version:
    def __init__(self, name: str, tree: Path, customers: int) -> None:
        self.name = name
        tag = name.split()[0]
        self.log = tempfile.NamedTemporaryFile(prefix=f"bench-tenancy-{tag}-", suffix=".log", delete=False)
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--child", "--customers", str(customers)],
            cwd=tree,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )
        self.samples: dict[str, list[float]] = {page: [] for page in PAGES}

    def receive(self) -> object:
        for line in self.process.stdout:
            if line.startswith(PROTOCOL):
                return json.loads(line.removeprefix(PROTOCOL))["payload"]
        raise SystemExit(f"{self.name}: the child stopped; its log: {self.log.name}")

    def measure(self, page: str, repeat: int) -> None:
        self.process.stdin.write(json.dumps({"page": page, "repeat": repeat}) + "\n")
        self.process.stdin.flush()
        self.samples[page] += self.receive()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.write(json.dumps({"quit": True}) + "\n")
            self.process.stdin.close()
            self.process.wait(timeout=60)


def before_tree(commit: str, into: Path) -> str:
    """The code of ``commit`` in ``into`` (git archive), with this checkout's vendored static files."""
    sha = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", f"{commit}^{{commit}}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    archive = subprocess.Popen(["git", "-C", str(ROOT), "archive", sha], stdout=subprocess.PIPE)
    subprocess.run(["tar", "-x", "-C", str(into)], stdin=archive.stdout, check=True)
    archive.wait()
    vendor = ROOT / "static" / "vendor"
    if vendor.is_dir() and not (into / "static" / "vendor").exists():
        shutil.copytree(vendor, into / "static" / "vendor")
    return sha


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="13a5c36", help="the commit without organisations (default 13a5c36)")
    parser.add_argument(
        "--after", type=Path, default=ROOT, help="the code with organisations (default: this working tree)"
    )
    parser.add_argument("--customers", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=40, help="requests per page per version per round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of every page, before and after in turn")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.customers)
        return

    work = Path(tempfile.mkdtemp(prefix="salescard-bench-before-"))
    try:
        sha = before_tree(args.before, work)
        versions = [
            Version(f"before ({sha})", work, args.customers),
            Version("after", args.after.resolve(), args.customers),
        ]
        try:
            ready = [version.receive() for version in versions]  # both set up at once
            for version, info in zip(versions, ready, strict=True):
                print(
                    f"{version.name}: organisations as tenants: {info['organisations']}; customers {info['customers']};"
                    f" products {info['products']}; listed on page 1's count: {info['listed']};"
                    f" set up in {info['setup_s']} s"
                )
            for _ in range(args.rounds):
                for page in PAGES:
                    for version in versions:
                        version.measure(page, args.repeat)
        finally:
            for version in versions:
                version.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    before, after = versions
    print(f"\n{args.rounds} rounds × {args.repeat} requests per page and version, before and after in turn")
    head = f"{'page':34} {'before p50':>10} {'p95':>8} {'after p50':>10} {'p95':>8} {'after/before':>13}"
    print(head)
    print("-" * len(head))
    for page, label in PAGES.items():
        old, new = before.samples[page], after.samples[page]
        ratio = statistics.median(new) / statistics.median(old)
        print(
            f"{label:34} {statistics.median(old):10.2f} {percentile(old, 0.95):8.2f}"
            f" {statistics.median(new):10.2f} {percentile(new, 0.95):8.2f} {ratio:13.2f}"
        )
    print("(milliseconds, in process through the whole Django stack; ratio of the p50s)")


if __name__ == "__main__":
    main()
