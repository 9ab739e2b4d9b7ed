"""Shared fixtures. Settings come from the environment; the Makefile's test target sets it."""

from __future__ import annotations

import sys

import pytest
from rest_framework.test import APIClient

from tests.factories import CustomerFactory, FAQFactory, ProductCategoryFactory, ProductFactory, UserFactory

# tests.needs: the needs marker (skip without a dependency, fail with CI=true); pytester: tests/test_skip_rule.py.
pytest_plugins = ["tests.needs", "pytester"]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Stop every server process a test started and did not stop (a failed or interrupted test's): a run leaves
    nothing behind. scripts/run-tests.sh checks that afterwards too."""
    servers = sys.modules.get("tests.servers")
    left = servers.stop_leftover_processes() if servers else []
    if left:
        print(f"\nStopped processes that tests left running: {', '.join(left)}", file=sys.stderr)


@pytest.fixture(autouse=True)
def _fast_password_hashing(request, settings) -> None:
    # Tests create many users; a slow hasher only costs time. Server processes started by e2e and
    # integration tests verify passwords with the real hashers, so those tests keep them.
    if request.node.get_closest_marker("e2e") or request.node.get_closest_marker("integration"):
        return
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_process_caches() -> None:
    # What a process keeps between requests — loaded models, values built from tables (word lists, knowledge
    # bases, the card catalogue, company indexes, closeness weights), the intent configuration — is dropped, so
    # each test sees the database and MODEL_DIR it set up.
    from base import model_files, table_cache
    from intent.config import invalidate_config

    model_files.forget_all()
    table_cache.invalidate_all()
    invalidate_config()


@pytest.fixture(autouse=True)
def _fresh_throttles() -> None:
    # Guessing throttles count failures in the cache (base/throttle.py); each test starts with none. On Redis
    # only their keys go: clear() would flush the whole database, channel layer and Celery broker included.
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    from base.throttle import KEY_PREFIX

    cache = caches["default"]
    if not isinstance(cache, RedisCache):
        cache.clear()
        return
    client = cache._cache.get_client(write=True)
    for key in client.scan_iter(match=cache.make_key(f"{KEY_PREFIX}:*")):
        client.delete(key)


class Clock:
    """``time.time()`` under a test's control; the throttle's windows and the in-memory cache both follow it."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def throttle_clock(monkeypatch) -> Clock:
    """Move ``throttle_clock.now`` forward to end a throttle's window without sleeping."""
    clock = Clock()
    monkeypatch.setattr("time.time", clock)
    return clock


@pytest.fixture
def english():
    """Messages in English for assertions (the product defaults to Simplified Chinese)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def manager(db):
    return UserFactory(role="manager", username="mgr")


@pytest.fixture
def salesperson(db):
    return UserFactory(role="sales", username="sales1")


@pytest.fixture
def branch_staff(db):
    return UserFactory(role="branch_staff", username="branch1")


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def client_for():
    """An API client signed in (by token) as the given user."""

    def make(user) -> APIClient:
        from base.api_tokens import issue_token

        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user)}", HTTP_ACCEPT_LANGUAGE="en")
        return client

    return make


@pytest.fixture
def customer(salesperson):
    return CustomerFactory(owner=salesperson)


@pytest.fixture
def sofa(db):
    category = ProductCategoryFactory(code="sofa", name="沙发")
    product = ProductFactory(
        category=category,
        name="云朵布艺沙发",
        specs={"material": "科技布+高回弹海绵", "warranty": "5年", "seats": 3, "price_label": "售价"},
        description="坐感柔软如云，科技布防猫抓、易打理。",
    )
    ProductFactory(category=category, name="头层牛皮电动功能沙发", colour="焦糖棕", specs={"material": "头层黄牛皮"})
    FAQFactory(
        category=category, question="沙发可以拆洗吗？", answer="可以，沙发套带拉链，可以拆下来机洗。", popularity=40
    )
    FAQFactory(category=category, question="沙发多久能送到？", answer="下单后15天内送货上门并免费安装。", popularity=30)
    FAQFactory(category=category, question="沙发有几年质保？", answer="框架质保5年，海绵质保3年。", popularity=20)
    FAQFactory(category=category, question="可以分期付款吗？", answer="支持信用卡12期免息分期。", popularity=15)
    FAQFactory(
        category=category,
        question="科技布和真皮哪个好？",
        answer="科技布防猫抓好打理，真皮更耐用有质感。",
        popularity=12,
    )
    FAQFactory(
        category=category,
        language="en",
        question="Can the sofa cover be washed?",
        answer="Yes, the cover zips off and is machine washable.",
        popularity=9,
    )
    return product


def reseed_migrated_defaults() -> None:
    """Put back what the data migrations seeded (greeting templates, personality and communication types, word
    lists, answer templates, scoring settings): transactional tests empty every table between tests."""
    import importlib

    from django.apps import apps

    from dialogue.models import AnswerTemplate, ScoringSettings, WordEntry
    from dialogue.seeding import seed_defaults
    from intent.models import CommunicationType

    if not CommunicationType.objects.exists():
        importlib.import_module("intent.migrations.0002_default_configuration").load(apps, None)
    seed_defaults(WordEntry, AnswerTemplate, ScoringSettings)
