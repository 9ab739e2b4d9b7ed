"""Shared fixtures. Settings come from the environment; the Makefile's test target sets it."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.factories import CustomerFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(request, settings) -> None:
    # Tests create many users; a slow hasher only costs time. Server processes started by e2e and
    # integration tests verify passwords with the real hashers, so those tests keep them.
    if request.node.get_closest_marker("e2e") or request.node.get_closest_marker("integration"):
        return
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_intent_config() -> None:
    # The intent configuration and model are cached per process; each test sees the database it set up.
    from intent import inference
    from intent.config import invalidate_config

    invalidate_config()
    inference.forget_loaded_model()  # each test loads the model its database activates


@pytest.fixture(autouse=True)
def _fresh_dialogue_config() -> None:
    # Word lists, the knowledge base and the emotion model are cached per process, like the intent engine's.
    from dialogue import config, emotion, knowledge

    config.invalidate_config()
    knowledge.invalidate_knowledge_base()
    emotion.forget_loaded_model()


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
        from rest_framework.authtoken.models import Token

        client = APIClient()
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_ACCEPT_LANGUAGE="en")
        return client

    return make


@pytest.fixture
def customer(salesperson):
    return CustomerFactory(owner=salesperson)
