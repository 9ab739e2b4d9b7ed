"""Benchmark: the managers' dashboard page /manage/ (issue 21 target: p50 ≤ 300 ms with every filter).

Builds a throw-away database at the issue's volume with ``bulk_create`` in batches (no per-row save): one
organisation with ~20 salespeople and their cards, 20,000 customers, 1,000,000 behaviour events over 180 days
(transactions with products among them), card links, visits and events, conversations with messages (emotions,
satisfaction, purchase-link offers), hand-offs (accepted, escalated), intent predictions under two model versions
and "purchased" feedback, three branches with tasks and feedback, calls with segments and reply suggestions; and a
second, smaller organisation with the same kinds of rows, which the manager's figures must never count.

Then a signed-in manager GETs /manage/ through Django's whole request stack (DEBUG off, the hashed static files as
in production) with each filter set, and one section as CSV; ``/healthz`` through the same stack is the baseline.

SQLite by default (a temporary file); PostgreSQL when DATABASE_URL names one, e.g.
    scripts/with-services.sh .venv/bin/python bench/bench_dashboard.py
Run: .venv/bin/python bench/bench_dashboard.py [--customers 20000] [--events 1000000] [--repeat 30]
Smoke: .venv/bin/python bench/bench_dashboard.py --customers 500 --events 20000 --repeat 3
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_sidebar import percentile  # noqa: E402 (the same nearest-rank percentile as the other benches)

BATCH = 5000
DAYS = 180
SEED = 21


def timed(call, repeat: int) -> dict[str, float]:
    for _ in range(min(3, repeat)):
        call()  # warm-up: caches, lazy imports, database pages
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return {"p50": statistics.median(samples), "p95": percentile(samples, 0.95), "n": repeat}


def set_up_database() -> tuple[str, Path]:
    """Configure Django (DEBUG off) on PostgreSQL when DATABASE_URL names one, else on a fresh SQLite file; migrate."""
    sys.path.insert(0, str(ROOT))
    tmp = Path(tempfile.mkdtemp(prefix="salescard-bench-"))
    url = os.environ.get("DATABASE_URL", "")
    vendor = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    os.environ.setdefault("REDIS_URL", "")
    os.environ.update(
        {
            "ENV_FILE": "",
            "DEBUG": "false",
            "SECRET_KEY": "bench-" + "x" * 60,
            "ALLOWED_HOSTS": "localhost",
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "DATABASE_URL": url if vendor == "postgresql" else f"sqlite:///{tmp}/bench.sqlite3",
            "MEDIA_ROOT": f"{tmp}/media",
            "MODEL_DIR": f"{tmp}/models",
            "STATIC_ROOT": f"{tmp}/static",
            "DJANGO_SETTINGS_MODULE": "salescard.settings",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return vendor, tmp


@contextlib.contextmanager
def own_timestamps():
    """Let ``bulk_create`` keep the creation times the rows were given (``auto_now_add`` / ``auto_now`` would
    overwrite them with the time of the insert); a row given none still gets now. Restored afterwards."""
    from django.db.models import DateField, DateTimeField

    originals = {cls: cls.__dict__["pre_save"] for cls in (DateField, DateTimeField)}

    def keeping(original):
        def pre_save(self, model_instance, add):
            if (self.auto_now or self.auto_now_add) and getattr(model_instance, self.attname) is not None:
                return getattr(model_instance, self.attname)
            return original(self, model_instance, add)

        return pre_save

    for cls, original in originals.items():
        cls.pre_save = keeping(original)
    try:
        yield
    finally:
        for cls, original in originals.items():
            cls.pre_save = original


def bulk(model, rows, batch: int = BATCH) -> list:
    """Insert ``rows`` (an iterable of unsaved instances) in batches; returns the saved instances (with pks)."""
    saved, pending = [], []
    for row in rows:
        pending.append(row)
        if len(pending) >= batch:
            saved += model.objects.bulk_create(pending)
            pending = []
    if pending:
        saved += model.objects.bulk_create(pending)
    return saved


def build_world(customers: int, events: int, rng: random.Random) -> dict:
    """Every table the dashboard reads, at ``customers`` customers and ``events`` behaviour events (organisation A),
    with a second organisation at a twentieth of the volume."""
    from django.db import transaction
    from django.utils import timezone

    from branch.models import Branch, Task, TaskFeedback
    from crm.models import BehaviorEvent, Customer, Organisation, Product, ProductCategory, User
    from dialogue.calls.models import Call, CallSegment, ReplyScript, ReplySuggestion
    from dialogue.models import Conversation, HandOff, Message
    from intent.models import IntentFeedback, IntentModelVersion, IntentPrediction
    from salescard.models import CardEvent, CardLink, CardVisit, SmartCard

    now = timezone.now()
    horizon = timedelta(days=DAYS)

    def when() -> object:
        return now - timedelta(seconds=rng.uniform(0, horizon.total_seconds()))

    lines = ["home", "banking", "insurance"]
    emotions = ["angry", "low", "lost", "calm", "joyful", "excited"]
    emotion_weights = [1, 2, 1, 6, 3, 1]
    kinds = [k for k in BehaviorEvent.Kind.values]
    kind_weights = [5 if k == BehaviorEvent.Kind.TRANSACTION else 10 for k in kinds]
    script_kinds = list(ReplyScript.Kind.values)
    counts: dict[str, int] = {}

    def note(name: str, rows: list) -> list:
        counts[name] = counts.get(name, 0) + len(rows)
        return rows

    # Product-wide scripts, as the shipped library.
    scripts = bulk(ReplyScript, [ReplyScript(key=f"bench-{k}", kind=k, text=f"话术 {k}") for k in script_kinds])

    with own_timestamps(), transaction.atomic():
        world: dict = {}
        for tag, share, staff_n in (("A", 1.0, 20), ("B", 0.05, 3)):
            org = Organisation.objects.create(name=f"压测公司{tag}")
            n_customers = max(1, int(customers * share))
            n_events = int(events * share)
            manager = User.objects.create(
                username=f"manager-{tag}", role=User.Role.MANAGER, is_staff=True, organisation=org
            )
            staff = bulk(User, [
                User(username=f"sales-{tag}-{i}", role=User.Role.SALES, organisation=org, last_name=f"销售{i}",
                     lines_of_business=[[lines[i % 3]], [lines[i % 3], lines[(i + 1) % 3]], []][i % 3])
                for i in range(staff_n)
            ])  # fmt: skip
            categories = bulk(ProductCategory, [
                ProductCategory(organisation=org, code=f"{tag}-{line}-{j}", name=f"{line}{j}", line_of_business=line)
                for line in lines for j in range(2)
            ])  # fmt: skip
            products = bulk(Product, [
                Product(organisation=org, category=category, sku=f"{tag}-{category.code}-{j}",
                        name=f"产品{category.code}-{j}", price=100 + j)
                for category in categories for j in range(10)
            ])  # fmt: skip
            cards = bulk(SmartCard, [
                SmartCard(organisation=org, salesperson=person, display_name=person.last_name) for person in staff
            ])  # fmt: skip
            card_of = {card.salesperson_id: card for card in cards}
            people = note("customers", bulk(Customer, (
                Customer(organisation=org, name=f"客户{tag}{i}", owner=staff[rng.randrange(staff_n)],
                         created_at=(created := when()), updated_at=created)
                for i in range(n_customers)
            )))  # fmt: skip
            note("behaviour events", bulk(BehaviorEvent, (
                _event(people[rng.randrange(n_customers)], kind, products, rng, when())
                for kind in rng.choices(kinds, kind_weights, k=n_events)
            ), batch=10000))  # fmt: skip

            # Cards: one link per customer, most opened, some with a chat, some clicked through to buy.
            links = note("card links", bulk(CardLink, (
                CardLink(card=card_of[person.owner_id], customer=person, token=f"{tag}{i:012x}", created_at=when())
                for i, person in enumerate(people)
            )))  # fmt: skip
            chatting = rng.sample(links, min(len(links), int(8000 * share * customers / 20000) or 1))
            conversations = note("conversations", bulk(Conversation, (
                Conversation(customer_id=link.customer_id, salesperson_id=link.card.salesperson_id,
                             product=rng.choice(products), channel="card",
                             started_at=(started := link.created_at + timedelta(minutes=rng.randint(1, 600))),
                             updated_at=started)
                for link in chatting
            )))  # fmt: skip
            chat_of_link = {link.pk: chat for link, chat in zip(chatting, conversations, strict=True)}
            messages = []
            for chat in conversations:
                start = chat.started_at
                for m in range(5):
                    sender = "customer" if m % 2 == 0 else "bot"
                    at = start + timedelta(minutes=2 * m)
                    if sender == "customer":
                        messages.append(Message(
                            conversation=chat, sender=sender, text="想了解一下", created_at=at,
                            emotion=rng.choices(emotions, emotion_weights)[0],
                            satisfaction=round(rng.uniform(-2, 2), 2),
                        ))  # fmt: skip
                    else:
                        offer = m == 3 and rng.random() < 0.3
                        actions = [{"type": "offer_purchase_link", "product_id": chat.product_id,
                                    "url": "https://shop.example/p"}] if offer else []  # fmt: skip
                        messages.append(Message(conversation=chat, sender=sender, text="好的", created_at=at,
                                                actions=actions))  # fmt: skip
            note("messages", bulk(Message, messages))
            visits = []
            for link in links:
                chat = chat_of_link.get(link.pk)
                if chat is None and rng.random() > 0.5:
                    continue  # shared, never opened
                for v in range(1 + (rng.random() < 0.3)):
                    visits.append(CardVisit(
                        link=link, customer_id=link.customer_id, conversation=chat if v == 0 else None,
                        greeting="你好", language="zh-hans",
                        opened_at=link.created_at + timedelta(minutes=1 + 30 * v),
                    ))  # fmt: skip
            note("card visits", bulk(CardVisit, visits))
            note("card events", bulk(CardEvent, (
                CardEvent(link=link, customer_id=link.customer_id, kind=CardEvent.Kind.PURCHASE_CLICKED,
                          occurred_at=link.created_at + timedelta(hours=1))
                for link in rng.sample(chatting, len(chatting) // 4)
            )))  # fmt: skip
            handed = rng.sample(conversations, len(conversations) // 4)
            handoffs = []
            for chat in handed:
                created = chat.started_at + timedelta(minutes=5)
                accepted = rng.random() < 0.7
                handoffs.append(HandOff(
                    conversation=chat, reason=rng.choice(HandOff.Reason.values), created_at=created,
                    status="accepted" if accepted else "pending",
                    accepted_at=created + timedelta(seconds=rng.randint(10, 1800)) if accepted else None,
                    escalations=[{"to": "manager"}] if rng.random() < 0.2 else [],
                ))  # fmt: skip
            note("hand-offs", bulk(HandOff, handoffs))

            # Intent engine: two model versions (and some cold-start rankings), purchases to judge them by.
            versions = bulk(IntentModelVersion, [
                IntentModelVersion(organisation=org, version=f"{tag}-v{v}", path=f"intent/{tag}-v{v}",
                                   sha256="0" * 64, is_active=v == 2, created_at=now - timedelta(days=200 - 90 * v))
                for v in (1, 2)
            ])  # fmt: skip

            def intents(products: list = products) -> list[dict]:
                chosen = rng.sample(products, 3)
                probabilities = sorted((rng.random() for _ in chosen), reverse=True)
                return [{"product_id": p.pk, "product": p.name, "probability": round(q, 3)}
                        for p, q in zip(chosen, probabilities, strict=True)]  # fmt: skip

            note("intent predictions", bulk(IntentPrediction, (
                IntentPrediction(customer=people[rng.randrange(n_customers)], intents=intents(),
                                 model_version=rng.choice([*versions, *versions, *versions, None]),
                                 is_fallback=False, created_at=when())
                for _ in range(int(20000 * share * customers / 20000) or 1)
            )))  # fmt: skip
            note("intent feedback", bulk(IntentFeedback, (
                IntentFeedback(customer=people[rng.randrange(n_customers)], product=rng.choice(products),
                               signal=IntentFeedback.Signal.PURCHASED, source="card", created_at=when())
                for _ in range(int(3000 * share * customers / 20000) or 1)
            )))  # fmt: skip

            # Branches: one per line of business, tasks with feedback.
            branches = bulk(Branch, [
                Branch(organisation=org, code=f"{tag}-b{b}", name=f"{line}网点{tag}", manager=manager,
                       lines_of_business=[line])
                for b, line in enumerate(lines)
            ])  # fmt: skip
            world.setdefault("branches", {})[tag] = branches
            tasks = []
            for _ in range(int(5000 * share * customers / 20000) or 1):
                created = when()
                accepted = rng.random() < 0.8
                tasks.append(Task(
                    branch=rng.choice(branches), customer=people[rng.randrange(n_customers)], created_at=created,
                    status="done" if accepted else "pending",
                    accepted_at=created + timedelta(seconds=rng.randint(5, 900)) if accepted else None,
                ))  # fmt: skip
            tasks = note("branch tasks", bulk(Task, tasks))
            note("task feedback", bulk(TaskFeedback, (
                TaskFeedback(task=task, success=rng.random() < 0.5, tier=rng.choice(TaskFeedback.Tier.values),
                             match_score=round(rng.random(), 3), purchased_product=rng.choice(products),
                             created_at=task.created_at + timedelta(hours=1))
                for task in tasks if task.accepted_at and rng.random() < 0.75
            )))  # fmt: skip

            # Calls: five segments each, a suggestion per segment.
            calls = note("calls", bulk(Call, (
                Call(customer=people[rng.randrange(n_customers)], salesperson=rng.choice(staff),
                     recording=f"calls/bench-{tag}-{i}.wav", status="done", created_at=when(),
                     outcome=rng.choice(["deal", "no_deal", ""]))
                for i in range(int(1000 * share * customers / 20000) or 1)
            )))  # fmt: skip
            segments = note("call segments", bulk(CallSegment, (
                CallSegment(call=call, index=s, start=10.0 * s, end=10.0 * s + 9, text="客户说…",
                            emotion=rng.choice(emotions), first_emotion=rng.choice(emotions))
                for call in calls for s in range(5)
            )))  # fmt: skip
            suggestions = []
            for segment in segments:
                used = rng.random() < 0.4
                at = segment.call.created_at + timedelta(seconds=segment.start)
                suggestions.append(ReplySuggestion(
                    call=segment.call, segment=segment, script=rng.choice(scripts), rank=1, score=rng.random(),
                    created_at=at, used_at=at + timedelta(seconds=5) if used else None,
                    sent_at=at + timedelta(seconds=8) if used and rng.random() < 0.5 else None,
                    rating=rng.randint(1, 5) if used and rng.random() < 0.5 else None,
                ))  # fmt: skip
            note("reply suggestions", bulk(ReplySuggestion, suggestions))
            world[tag] = {"org": org, "manager": manager, "staff": staff}
    world["counts"] = counts
    return world


def _event(customer, kind: str, products: list, rng: random.Random, occurred_at) -> object:
    from crm.models import BehaviorEvent

    product = rng.choice(products) if kind in ("transaction", "product_click") else None
    return BehaviorEvent(
        customer=customer,
        staff_id=customer.owner_id,
        kind=kind,
        occurred_at=occurred_at,
        product=product,
        category_id=product.category_id if product else None,
        amount=product.price if kind == "transaction" else None,
        seconds=rng.randint(5, 300),
        target="内容",
    )


def load_figures(path: Path):
    """Import another version of ``salescard.dashboard_figures`` from ``path`` as its own module."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("dashboard_figures_before", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def section_times(organisation: int, params: dict, repeat: int = 3) -> dict[str, float]:
    """Each section's own time (the figures alone, no request or template) for one filter set."""
    from datetime import date

    from django.utils import timezone

    from salescard.dashboard_figures import SECTIONS, Filters

    end = date.fromisoformat(params["end"]) if "end" in params else timezone.localdate()
    start = date.fromisoformat(params["start"]) if "start" in params else end - timedelta(days=29)
    f = Filters(organisation, start, end, salesperson=params.get("salesperson"), branch=params.get("branch"),
                line=params.get("line", ""))  # fmt: skip
    times = {}
    for key, section in SECTIONS.items():
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            section(f)
            samples.append((time.perf_counter() - started) * 1000)
        times[key] = statistics.median(samples)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=20000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--queries", action="store_true", help="also print each filter's slowest SQL queries")
    parser.add_argument(
        "--before",
        type=Path,
        help="another version of salescard/dashboard_figures.py (e.g. `git show main:salescard/dashboard_figures.py "
        "> /tmp/before.py`): each filter is also timed with its figures, on the same data, side by side",
    )
    args = parser.parse_args()
    rng = random.Random(SEED)

    started = time.perf_counter()
    vendor, tmp = set_up_database()
    atexit.register(shutil.rmtree, tmp, True)  # the throw-away database and static files
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    call_command("collectstatic", interactive=False, verbosity=0)  # the page's hashed static URLs, as in production
    setup_test_environment()  # the test client's hooks; DEBUG stays off
    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    migrated = time.perf_counter() - started
    before = load_figures(args.before) if args.before else None  # fails before the long build, if it fails

    started = time.perf_counter()
    world = build_world(args.customers, args.events, rng)
    built = time.perf_counter() - started
    started = time.perf_counter()
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum does soon after a bulk load
    analysed = time.perf_counter() - started
    print(f"database: {vendor}; migrate + collectstatic {migrated:.1f} s; build {built:.1f} s"
          + (f"; ANALYZE {analysed:.1f} s" if vendor == "postgresql" else ""))  # fmt: skip
    print("rows:", ", ".join(f"{name} {n:,}" for name, n in world["counts"].items()))

    client = Client()
    client.force_login(world["A"]["manager"])
    today = timezone.localdate()
    wide = {"start": (today - timedelta(days=DAYS - 1)).isoformat(), "end": today.isoformat()}
    filter_sets = {
        "default (last 30 days)": {},
        "180 days": wide,
        "180 days + salesperson": {**wide, "salesperson": world["A"]["staff"][0].pk},
        "180 days + branch": {**wide, "branch": world["branches"]["A"][0].pk},
        "180 days + line (banking)": {**wide, "line": "banking"},
        "180 days, CSV of intent": {**wide, "section": "intent", "format": "csv"},
    }

    def healthz() -> None:
        assert client.get("/healthz").status_code == 200

    def page(params: dict):
        def call() -> None:
            response = client.get("/manage/", params)
            assert response.status_code == 200, response.content[:500]

        return call

    from salescard import dashboard_views

    after = {name: getattr(dashboard_views, name) for name in ("SECTIONS", "Filters", "all_sections")}
    results = {"healthz (baseline)": timed(healthz, args.repeat)}
    for name, params in filter_sets.items():
        if before is not None:  # the same page with the other version's figures, just before this one's
            for attribute in after:
                setattr(dashboard_views, attribute, getattr(before, attribute))
            results[f"{name} [before]"] = timed(page(params), args.repeat)
            for attribute, value in after.items():
                setattr(dashboard_views, attribute, value)
        results[name] = timed(page(params), args.repeat)
        if args.queries:
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as captured:
                page(params)()
            slowest = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:3]
            print(f"  {name}: {len(captured.captured_queries)} queries; slowest:")
            for query in slowest:
                print(f"    {float(query['time']) * 1000:8.1f} ms  {query['sql'][:300]}")
            sections = section_times(world["A"]["org"].pk, params)
            print("    sections (median ms): " + ", ".join(f"{key} {ms:.0f}" for key, ms in sections.items()))

    base = results["healthz (baseline)"]["p50"]
    print(f"\n{'GET (' + vendor + ')':43} {'p50 ms':>9} {'p95 ms':>9} {'× baseline':>11}")
    for name, figures in results.items():
        print(f"{name:43} {figures['p50']:9.1f} {figures['p95']:9.1f} {figures['p50'] / base:11.0f}")
    worst = max(
        figures["p50"] for name, figures in results.items() if name != "healthz (baseline)" and "[before]" not in name
    )
    print(f"target p50 ≤ 300 ms with every filter: {'PASS' if worst <= 300 else 'FAIL'} (worst p50 {worst:.1f} ms)")
    print(json.dumps({
        "bench": "dashboard", "database": vendor, "customers": args.customers, "events": args.events,
        "repeat": args.repeat, "build_s": round(built, 1), "rows": world["counts"],
        "results": {name: {k: round(v, 2) for k, v in figures.items()} for name, figures in results.items()},
        "target_met": worst <= 300,
    }, ensure_ascii=False))  # fmt: skip


if __name__ == "__main__":
    main()
