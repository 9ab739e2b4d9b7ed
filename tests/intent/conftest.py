"""Fixtures shared by the intent engine's tests."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from crm.consent import record_consent
from crm.models import BehaviorEvent, Consent
from tests.factories import BehaviorEventFactory, CustomerFactory, ProductCategoryFactory, ProductFactory


@pytest.fixture
def model_dir(settings, tmp_path):
    settings.MODEL_DIR = tmp_path
    return tmp_path


@pytest.fixture
def history():
    """Customers who look at one product for days and then buy it."""
    products = [
        ProductFactory(
            category=ProductCategoryFactory(code=f"cat{i}", name=f"品类{i}", line_of_business=line),
            price=Decimal(price),
        )
        for i, (line, price) in enumerate(
            (("home", "4000"), ("home", "9000"), ("banking", "50000"), ("insurance", "3000"))
        )
    ]
    now = timezone.now()
    for i in range(40):
        customer = CustomerFactory()
        record_consent(customer, Consent.Purpose.USAGE_DATA, True)
        product = products[i % 4]
        for day in range(5, 1, -1):
            BehaviorEventFactory(
                customer=customer, kind=BehaviorEvent.Kind.BROWSE, product=product, seconds=60 + day * 10,
                occurred_at=now - datetime.timedelta(days=day),
            )  # fmt: skip
        BehaviorEventFactory(
            customer=customer, kind=BehaviorEvent.Kind.TRANSACTION, product=product, amount=1,
            occurred_at=now - datetime.timedelta(hours=3),
        )  # fmt: skip
    return products


@pytest.fixture(scope="module")
def one_torch_thread():
    """Tiny models train fastest on one thread, and several threads stall badly when the test run shares the CPU
    with other work (OpenMP workers wait on each other at every small matrix product)."""
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)
