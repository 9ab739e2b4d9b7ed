"""User level (S2): points from manager-editable criteria, explained by the inputs that decided it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from intent.level import assess_level
from intent.models import LevelCriterion, LevelThresholds, UserLevel
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_wealthy_executive_is_high_net_worth_with_reasons() -> None:
    customer = CustomerFactory(
        income_band="gt100k",
        job_title="集团副总裁",
        assets={"deposits": 4_000_000, "funds": 3_000_000, "property": 9_000_000},
    )
    result = assess_level(customer)
    assert result.level == UserLevel.HIGH_NET_WORTH
    decided_by = {signal.input for signal in result.signals}
    assert {"financial_assets", "income_band", "job_title", "total_assets"} <= decided_by
    assert any("金融资产600万以上" in reason for reason in result.reasons())


def test_tiers_of_one_input_count_once() -> None:
    customer = CustomerFactory(income_band="", job_title="", monthly_online_spend=None, assets={"deposits": 7_000_000})
    result = assess_level(customer)
    financial = [s for s in result.signals if s.input == "financial_assets"]
    assert len(financial) == 1 and financial[0].points == 60


def test_young_customer_with_little_yet_is_potential_value() -> None:
    customer = CustomerFactory(
        income_band="5k-10k", job_title="运营专员", monthly_online_spend=Decimal("1200"), assets={"deposits": 20_000}
    )
    assert assess_level(customer).level == UserLevel.POTENTIAL


def test_salaried_professional_with_savings_is_general_value() -> None:
    customer = CustomerFactory(income_band="20k-50k", job_title="软件工程师", assets={"deposits": 400_000})
    result = assess_level(customer)
    assert result.level == UserLevel.GENERAL
    assert result.points == 15 + 10 + 15 + 8  # income, job title, financial assets, online spend ¥3,500


def test_manager_edits_change_the_outcome() -> None:
    customer = CustomerFactory(income_band="20k-50k", job_title="软件工程师", assets={"deposits": 400_000})
    thresholds = LevelThresholds.objects.get()
    thresholds.general_points = 50
    thresholds.save()
    from intent.config import invalidate_config

    invalidate_config()
    assert assess_level(customer).level == UserLevel.POTENTIAL


def test_thresholds_must_be_ordered(english) -> None:
    with pytest.raises(ValidationError, match="more points"):
        LevelThresholds(high_net_worth_points=20, general_points=30).full_clean()


def test_criterion_with_unknown_income_band_is_refused(english) -> None:
    criterion = LevelCriterion(name="x", input="income_band", values=["rich"], points=10)
    with pytest.raises(ValidationError, match="Unknown income bands: rich"):
        criterion.full_clean()


def test_numeric_criterion_needs_a_minimum() -> None:
    with pytest.raises(ValidationError):
        LevelCriterion(name="x", input="financial_assets", points=10).full_clean()


def test_malformed_assets_do_not_break_the_level() -> None:
    customer = CustomerFactory.build(assets={"deposits": "很多", "funds": -5, "stocks": True})
    assert assess_level(customer).level in UserLevel.values
