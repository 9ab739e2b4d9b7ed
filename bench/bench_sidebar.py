"""Benchmark: the IM profile sidebar's server side (issue 7 targets).

1. Webhook ``message.received`` (a text message with a phone number): p50 ≤ 20 ms. Measured in process through
   Django's full request stack (middleware, DRF, signature check, JSON validation, the transaction that stores the
   delivery and the message); extraction is queued, not run (the Celery broker is kombu's in-memory transport,
   standing in for Redis, so the figure is the web process's own work). Also a ``customer.operation`` event.
2. Sidebar page server time for a customer with 1,000 behaviour events (and 200 chat messages, 30 facts, 5 tags,
   3 linked colleagues, 2 shared groups): p50 ≤ 30 ms. The whole page: every section, closeness included.
3. The profile API (all sections, JSON) and the timeline's last page, for the same customer.
Baseline side by side: ``/healthz``, a minimal Django view through the same stack in the same run.

Run: .venv/bin/python bench/bench_sidebar.py [--repeat 300]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from demo_database import set_up_demo_database  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def timed(call, repeat: int) -> dict[str, float]:
    for _ in range(min(20, repeat)):
        call()  # warm-up: caches, lazy imports, SQLite pages
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return {"p50": statistics.median(samples), "p95": percentile(samples, 0.95), "p99": percentile(samples, 0.99)}


def build_customer():
    from django.utils import timezone

    from crm.consent import record_consent
    from crm.im_profile.extraction import Finding
    from crm.im_profile.profile import record_findings
    from crm.models import (
        BehaviorEvent,
        ChatGroup,
        ChatGroupMembership,
        ChatMessage,
        Consent,
        Customer,
        CustomerTag,
        Friendship,
        Tag,
        User,
    )

    staff = [
        User.objects.create(username=f"bench-{i}", role=User.Role.SALES, im_user_id=f"wx-bench-{i}", last_name="测")
        for i in range(3)
    ]
    customer = Customer.objects.create(name="压测客户", external_im_id="wx-bench-customer", owner=staff[0])
    Customer.objects.create(name="另一位客户", external_im_id="wx-bench-other", owner=staff[0])  # takes the operations
    record_consent(customer, Consent.Purpose.PROFILE_EXTRACTION, True)
    now = timezone.now()
    for member in staff:
        Friendship.objects.create(staff=member, customer=customer, since=now - timedelta(days=90))
    for g in range(2):
        group = ChatGroup.objects.create(name=f"压测群{g}", external_id=f"bench-g{g}")
        ChatGroupMembership.objects.create(group=group, customer=customer)
        ChatGroupMembership.objects.create(group=group, staff=staff[g])
    kinds = ["card_open", "link_click", "article_read", "moments_view", "share"]
    BehaviorEvent.objects.bulk_create(
        BehaviorEvent(
            customer=customer,
            staff=staff[i % 3],
            kind=kinds[i % 5],
            target=f"内容{i}",
            seconds=30,
            occurred_at=now - timedelta(minutes=17 * i),
        )  # fmt: skip
        for i in range(1000)
    )
    messages = ChatMessage.objects.bulk_create(
        ChatMessage(
            customer=customer,
            staff=staff[i % 3],
            direction="in" if i % 2 else "out",
            text=f"消息{i}",
            sent_at=now - timedelta(minutes=9 * i),
        )  # fmt: skip
        for i in range(200)
    )
    for i, message in enumerate(messages[:30]):
        record_findings(message, [Finding("hobby", f"爱好{i}", 0.8, 0, 2)], message.text)
    for i in range(5):
        CustomerTag.objects.create(customer=customer, tag=Tag.objects.create(name=f"标签{i}"))
    return customer, staff


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=300)
    args = parser.parse_args()
    os.environ.setdefault("REDIS_URL", "")
    set_up_demo_database(customers=200)
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from crm.im_profile.sidebar_tokens import issue_access_token, issue_link_token
    from crm.im_profile.webhooks import create_integration, sign
    from salescard.celery import app

    call_command("collectstatic", interactive=False, verbosity=0)  # the page's hashed static URLs, as in production
    setup_test_environment()  # the test client's hooks; DEBUG stays off
    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    # Extraction is queued, not run: an in-memory broker stands in for Redis (no worker consumes it here).
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    app.conf.broker_url = "memory://localhost/"

    customer, staff = build_customer()
    _, token, secret = create_integration("bench")
    client = Client()

    def webhook(kind: str, data: dict) -> None:
        body = json.dumps({"event_id": uuid.uuid4().hex, "type": kind, "data": data}, ensure_ascii=False).encode()
        stamp = str(int(time.time()))
        response = client.generic(
            "POST", "/api/crm/im/webhooks/", body, content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_X_SALESCARD_TIMESTAMP=stamp,
            HTTP_X_SALESCARD_SIGNATURE=sign(secret, stamp, body),
        )  # fmt: skip
        assert response.status_code == 200, response.content

    def message() -> None:
        webhook("message.received", {"message_id": uuid.uuid4().hex, "customer_id": "wx-bench-customer",
                                     "staff_id": "wx-bench-0", "direction": "in", "kind": "text",
                                     "text": "我的新手机号是13912345678，有事打我"})  # fmt: skip

    def operation() -> None:
        webhook("customer.operation", {"customer_id": "wx-bench-other", "staff_id": "wx-bench-1",
                                       "operation": "link_click", "target": "新品图册"})  # fmt: skip

    def healthz() -> None:
        assert client.get("/healthz").status_code == 200

    results = {"healthz (baseline)": timed(healthz, args.repeat)}
    results["webhook message.received"] = timed(message, args.repeat)
    results["webhook customer.operation"] = timed(operation, args.repeat)

    from crm.models import BehaviorEvent

    events = BehaviorEvent.objects.filter(customer=customer).count()
    link = issue_link_token(staff[1], customer)
    access = issue_access_token(staff[1], customer)

    def page() -> None:
        response = client.get(f"/sidebar/?t={link}")
        assert response.status_code == 200

    def profile_api() -> None:
        response = client.get(f"/api/crm/customers/{customer.pk}/profile/", HTTP_AUTHORIZATION=f"Sidebar {access}")
        assert response.status_code == 200

    def last_timeline_page() -> None:
        response = client.get(
            f"/api/crm/customers/{customer.pk}/profile/timeline/?page=100", HTTP_AUTHORIZATION=f"Sidebar {access}"
        )
        assert response.status_code == 200

    results[f"sidebar page ({events} events)"] = timed(page, args.repeat)
    results["profile API, all sections"] = timed(profile_api, args.repeat)
    results["timeline, last page"] = timed(last_timeline_page, args.repeat)

    base = results["healthz (baseline)"]["p50"]
    print(f"{'measure':38} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'× baseline':>11}")
    for name, figures in results.items():
        print(
            f"{name:38} {figures['p50']:8.2f} {figures['p95']:8.2f} {figures['p99']:8.2f} {figures['p50'] / base:11.1f}"
        )
    hook = results["webhook message.received"]["p50"]
    page_p50 = results[f"sidebar page ({events} events)"]["p50"]
    print(f"target webhook p50 ≤ 20 ms: {'PASS' if hook <= 20 else 'FAIL'} ({hook:.2f} ms)")
    print(
        f"target sidebar page p50 ≤ 30 ms at 1,000 events: {'PASS' if page_p50 <= 30 else 'FAIL'} ({page_p50:.2f} ms)"
    )


if __name__ == "__main__":
    main()
