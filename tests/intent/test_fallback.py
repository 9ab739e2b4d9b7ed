"""Cold-start ranking from level and profile, used when the model has nothing to go on."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from intent.fallback import fallback_ranking
from intent.level import assess_level
from tests.factories import CustomerFactory, ProductCategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    home = ProductCategoryFactory(code="sofa", name="沙发", line_of_business="home")
    insurance = ProductCategoryFactory(code="ci", name="重疾险", line_of_business="insurance")
    banking = ProductCategoryFactory(code="cd", name="大额存单", line_of_business="banking")
    return {
        "sofa": ProductFactory(category=home, colour="浅灰"),
        "ci": ProductFactory(
            category=insurance, name="守护重疾险", colour="", design="终身保障", price=Decimal("3000")
        ),
        "cd": ProductFactory(
            category=banking, name="3年期大额存单", colour="", design="大额存单", price=Decimal("200000")
        ),
        "old": ProductFactory(category=home, name="停售沙发", is_active=False),
    }


def test_wealthy_customer_starts_with_banking(catalogue) -> None:
    customer = CustomerFactory(income_band="gt100k", job_title="总经理", assets={"deposits": 9_000_000}, married=None)
    ranked, reasons = fallback_ranking(customer, assess_level(customer), list(catalogue.values()))
    assert ranked[0].product == catalogue["cd"]
    assert reasons[0].startswith("user level")


def test_married_parent_gets_protection_first(catalogue) -> None:
    customer = CustomerFactory(
        income_band="10k-20k", assets={"deposits": 100_000}, married=True, birthday=datetime.date(1985, 1, 1)
    )
    ranked, reasons = fallback_ranking(customer, assess_level(customer), list(catalogue.values()))
    assert ranked[0].product == catalogue["ci"]
    assert any("family protection" in r for r in reasons)


def test_inactive_and_excluded_products_never_appear(catalogue) -> None:
    customer = CustomerFactory()
    ranked, _ = fallback_ranking(
        customer, assess_level(customer), list(catalogue.values()), exclude={catalogue["ci"].pk}
    )
    shown = {r.product for r in ranked}
    assert catalogue["old"] not in shown and catalogue["ci"] not in shown
