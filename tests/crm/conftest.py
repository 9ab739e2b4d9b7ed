"""Fixtures of the profile-sidebar tests: an IM integration, staff with IM ids, a customer two salespeople share,
and a client that signs webhook bodies the way the IM platform does."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from crm.consent import record_consent
from crm.im_profile.webhooks import create_integration, sign
from crm.models import Consent, Friendship
from tests.factories import CustomerFactory, UserFactory

WEBHOOK_URL = "/api/crm/im/webhooks/"


@pytest.fixture(autouse=True)
def _extract_in_request(settings) -> None:
    # Unit tests read messages when the transaction commits, in the test's own thread and database transaction.
    settings.CRM_EXTRACT_IN_BACKGROUND = False


@dataclass
class Signer:
    token: str
    secret: str
    client: APIClient

    def post(self, payload: object, *, timestamp: int | None = None, secret: str | None = None,
             token: str | None = None, raw: bytes | None = None, signature: str | None = None):  # fmt: skip
        body = raw if raw is not None else json.dumps(payload, ensure_ascii=False).encode()
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        if signature is None:
            signature = sign(secret or self.secret, stamp, body)
        headers = {
            "HTTP_AUTHORIZATION": f"Bearer {token or self.token}",
            "HTTP_X_SALESCARD_TIMESTAMP": stamp,
            "HTTP_X_SALESCARD_SIGNATURE": signature
            if signature is not None
            else sign(secret or self.secret, stamp, body),
        }
        return self.client.generic("POST", WEBHOOK_URL, body, content_type="application/json", **headers)

    def event(self, kind: str, data: dict, event_id: str | None = None):
        return self.post({"event_id": event_id or uuid.uuid4().hex, "type": kind, "data": data})


@pytest.fixture
def im(db) -> Signer:
    _, token, secret = create_integration("企业微信")
    return Signer(token, secret, APIClient())


@pytest.fixture
def im_sales(salesperson):
    salesperson.im_user_id = "wx-sales1"
    salesperson.save()
    return salesperson


@pytest.fixture
def colleague(db):
    return UserFactory(role="sales", username="sales2", im_user_id="wx-sales2", last_name="赵", first_name="敏")


@pytest.fixture
def stranger(db):
    """A salesperson with no link to the shared customer."""
    return UserFactory(role="sales", username="sales3", im_user_id="wx-sales3")


@pytest.fixture
def shared(im_sales, colleague):
    """A customer who is the IM friend of two salespeople and agreed to profile extraction."""
    customer = CustomerFactory(
        owner=im_sales, external_im_id="wx-cust-1", phone="", email="", company="", job_title="", residence=""
    )
    Friendship.objects.create(staff=im_sales, customer=customer)
    Friendship.objects.create(staff=colleague, customer=customer)
    record_consent(customer, Consent.Purpose.PROFILE_EXTRACTION, True)
    return customer


def text_message(text: str, customer_id: str = "wx-cust-1", staff_id: str = "wx-sales1", **extra) -> dict:
    return {"message_id": uuid.uuid4().hex, "customer_id": customer_id, "staff_id": staff_id, "direction": "in",
            "kind": "text", "text": text, **extra}  # fmt: skip


def page_data(response) -> dict:
    """The data the sidebar page hands its script (``json_script`` "sidebar-data")."""
    import re

    match = re.search(
        r'<script id="sidebar-data" type="application/json">(.*?)</script>', response.content.decode(), re.S
    )
    assert match, "the page carries no sidebar data"
    return json.loads(match.group(1))
