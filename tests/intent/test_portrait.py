"""Portrait (S3): grouped features plus the level; usage data only under consent (X3)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from crm.consent import record_consent
from crm.models import BehaviorEvent, Consent
from intent.portrait import NO_USAGE_NOTE, build_portrait, latest_portrait, record_portrait
from tests.factories import BehaviorEventFactory, CustomerFactory, ProductCategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def browsing_customer():
    customer = CustomerFactory(name="赵敏", hobbies=["瑜伽"], preferences={"colours": ["浅灰"]})
    insurance = ProductCategoryFactory(code="ci", name="重疾险", line_of_business="insurance")
    sofa = ProductFactory(category=ProductCategoryFactory(code="sofa", name="沙发", line_of_business="home"))
    now = timezone.now()
    for minutes_ago, seconds in ((10, 600), (20, 900)):
        BehaviorEventFactory(
            customer=customer,
            kind=BehaviorEvent.Kind.BROWSE,
            category=insurance,
            seconds=seconds,
            occurred_at=now - datetime.timedelta(minutes=minutes_ago),
        )
    BehaviorEventFactory(customer=customer, kind=BehaviorEvent.Kind.SEARCH, query="少儿重疾险 推荐")
    BehaviorEventFactory(
        customer=customer, kind=BehaviorEvent.Kind.APP_USAGE, app_name="平安好医生", app_category="医疗健康", minutes=30
    )
    BehaviorEventFactory(customer=customer, kind=BehaviorEvent.Kind.TRANSACTION, product=sofa, amount=5999)
    return customer


def labels(features) -> set[str]:
    return {f.label for f in features}


def test_consented_portrait_uses_browsing_apps_and_searches(browsing_customer) -> None:
    record_consent(browsing_customer, Consent.Purpose.USAGE_DATA, True)
    portrait = build_portrait(browsing_customer)
    assert portrait.uses_usage_data and portrait.note == ""
    assert {"常浏览品类", "常用应用类型", "近期搜索", "爱好", "偏好：颜色"} <= labels(portrait.preferences)
    browsed = next(f for f in portrait.preferences if f.label == "常浏览品类")
    assert browsed.value == "重疾险（25分钟）" and browsed.source == "usage"
    scenes = {f.label: f.value for f in portrait.consumption_scenes}
    assert scenes["居家焕新"] == "已购 1 笔" and scenes["家庭保障规划"] == "近期关注"
    assert "用户等级" in labels(portrait.attributes)


def test_without_consent_no_usage_data_is_used_and_the_portrait_says_so(browsing_customer) -> None:
    portrait = build_portrait(browsing_customer)
    assert not portrait.uses_usage_data and portrait.note == NO_USAGE_NOTE
    assert all(f.source != "usage" for f in portrait.preferences + portrait.consumption_scenes)
    assert "常浏览品类" not in labels(portrait.preferences)
    assert "居家焕新" in labels(portrait.consumption_scenes), "transactions are not usage data"


def test_withdrawn_consent_stops_usage_at_once(browsing_customer) -> None:
    record_consent(browsing_customer, Consent.Purpose.USAGE_DATA, True)
    record_consent(browsing_customer, Consent.Purpose.USAGE_DATA, False)
    assert not build_portrait(browsing_customer).uses_usage_data


def test_portrait_is_stored_with_time_and_readable_groups(browsing_customer) -> None:
    record_consent(browsing_customer, Consent.Purpose.USAGE_DATA, True)
    stored = record_portrait(browsing_customer)
    assert latest_portrait(browsing_customer) == stored
    assert stored.computed_at and stored.level
    assert {"label", "value", "source"} == set(stored.preferences[0])


def test_usage_older_than_the_window_is_ignored() -> None:
    customer = CustomerFactory()
    record_consent(customer, Consent.Purpose.USAGE_DATA, True)
    BehaviorEventFactory(
        customer=customer,
        kind=BehaviorEvent.Kind.SEARCH,
        query="去年的搜索",
        occurred_at=timezone.now() - datetime.timedelta(days=200),
    )
    assert "近期搜索" not in labels(build_portrait(customer).preferences)
