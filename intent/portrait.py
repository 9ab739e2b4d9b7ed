"""Portrait (SPEC S3): features from the customer's information and usage, grouped into the preset
categories — attributes, preferences, consumption scenes — together with the user level (S2).

Usage data (browsing, app usage, reading, searches) goes in only while the customer's usage-data consent is
granted (X3); without it the portrait is built from profile fields and transactions alone and says so.
Transactions are the company's own records of what the customer bought, not usage data.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, F, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from crm.models import BehaviorEvent, Consent, Customer, ProductCategory
from crm.tenancy import categories_for
from intent.config import IntentConfig, get_config
from intent.constellation import CHINESE_NAMES, constellation_of
from intent.level import LevelResult, assess_level
from intent.models import Portrait

USAGE_WINDOW_DAYS = 90
TOP_N = 3

# Consumption scenes a line of business stands for, as staff would name them.
SCENES = {
    ProductCategory.LineOfBusiness.HOME: "居家焕新",
    ProductCategory.LineOfBusiness.INSURANCE: "家庭保障规划",
    ProductCategory.LineOfBusiness.BANKING: "财富管理与资金安排",
}
PREFERENCE_TOPICS = {
    "colours": "颜色",
    "styles": "风格",
    "risk": "风险偏好",
    "contact_time": "联系时间",
    "brands": "品牌",
    "interests": "感兴趣的品类",
}
NO_USAGE_NOTE = "未获得行为数据授权：画像仅基于客户资料与交易记录"


@dataclass(frozen=True)
class Feature:
    label: str
    value: str
    source: str  # "profile", "usage" or "transactions"

    def as_dict(self) -> dict[str, str]:
        return {"label": self.label, "value": self.value, "source": self.source}


@dataclass(frozen=True)
class PortraitData:
    level: LevelResult
    attributes: list[Feature] = field(default_factory=list)
    preferences: list[Feature] = field(default_factory=list)
    consumption_scenes: list[Feature] = field(default_factory=list)
    uses_usage_data: bool = False
    note: str = ""


def build_portrait(
    customer: Customer, config: IntentConfig | None = None, now: datetime.datetime | None = None
) -> PortraitData:
    now = now or timezone.now()
    level = assess_level(customer, config or get_config())
    uses_usage = customer.has_consent(Consent.Purpose.USAGE_DATA)
    preferences = _profile_preferences(customer)
    interest_lines: Counter[str] = Counter()
    if uses_usage:
        usage_preferences, interest_lines = _usage_preferences(
            customer, now - datetime.timedelta(days=USAGE_WINDOW_DAYS)
        )
        preferences.extend(usage_preferences)
    return PortraitData(
        level=level,
        attributes=_attributes(customer, level),
        preferences=preferences,
        consumption_scenes=_scenes(customer, interest_lines),
        uses_usage_data=uses_usage,
        note="" if uses_usage else NO_USAGE_NOTE,
    )


def record_portrait(customer: Customer, config: IntentConfig | None = None) -> Portrait:
    data = build_portrait(customer, config)
    return Portrait.objects.create(
        customer=customer,
        level=data.level.level,
        level_points=data.level.points,
        level_reasons=data.level.reasons(),
        attributes=[f.as_dict() for f in data.attributes],
        preferences=[f.as_dict() for f in data.preferences],
        consumption_scenes=[f.as_dict() for f in data.consumption_scenes],
        uses_usage_data=data.uses_usage_data,
        note=data.note,
    )


def latest_portrait(customer: Customer) -> Portrait | None:
    return customer.portraits.order_by("-computed_at", "-pk").first()


def _age_band(age: int) -> str:
    low = max(18, age // 10 * 10)
    return f"{low}–{low + 9}岁"


def _attributes(customer: Customer, level: LevelResult) -> list[Feature]:
    items: list[tuple[str, str]] = [("用户等级", level.label)]
    if customer.age is not None:
        items.append(("年龄段", _age_band(customer.age)))
    if customer.gender != Customer.Gender.UNKNOWN:
        items.append(("性别", customer.get_gender_display()))
    items += [("常住地", customer.residence), ("家乡", customer.hometown), ("职业", customer.job_title)]
    if customer.company:
        items.append(("单位", customer.company))
    if customer.married is not None:
        items.append(("婚姻", "已婚" if customer.married else "未婚"))
    if customer.income_band:
        items.append(("月收入", customer.get_income_band_display()))
    items.append(
        (
            "语言",
            customer.get_language_display() + (f"（{customer.get_dialect_display()}）" if customer.dialect else ""),
        )
    )
    if customer.mbti:
        items.append(("MBTI", customer.mbti))
    if customer.birthday:
        items.append(("星座", CHINESE_NAMES[constellation_of(customer.birthday)]))
    return [Feature(label, str(value), "profile") for label, value in items if value]


def _profile_preferences(customer: Customer) -> list[Feature]:
    features = []
    if customer.hobbies:
        features.append(Feature("爱好", "、".join(str(h) for h in customer.hobbies), "profile"))
    if isinstance(customer.preferences, dict):
        interests = customer.preferences.get("interests") or []
        names = {}
        if interests:
            # Category codes are unique per organisation: the customer's own organisation's categories name them.
            names = dict(
                categories_for(customer.organisation_id).filter(code__in=interests).values_list("code", "name")
            )
        for topic, values in customer.preferences.items():
            values = values if isinstance(values, list) else [values]
            if topic == "interests":  # category codes, shown by name
                values = [names.get(str(code), code) for code in values]
            shown = "、".join(str(v) for v in values if v not in (None, ""))
            if shown:
                label = PREFERENCE_TOPICS.get(topic, topic.replace("_", " "))
                features.append(Feature(f"偏好：{label}", shown, "profile"))
    return features


def _usage_preferences(customer: Customer, since: datetime.datetime) -> tuple[list[Feature], Counter[str]]:
    events = customer.events.filter(occurred_at__gte=since)
    kind = BehaviorEvent.Kind
    browse = (
        events.filter(kind=kind.BROWSE)
        .annotate(cat=Coalesce("category", "product__category"))
        .exclude(cat=None)
        .values("cat")
        .annotate(seconds=Sum("seconds"))
        .order_by("-seconds")
    )
    categories = {
        c.pk: c for c in categories_for(customer.organisation_id).filter(pk__in=[row["cat"] for row in browse])
    }
    top_browse = [(categories[row["cat"]], row["seconds"] or 0) for row in browse[:TOP_N] if row["cat"] in categories]
    lines: Counter[str] = Counter()
    for category, seconds in top_browse:
        lines[category.line_of_business] += seconds
    features = []
    if top_browse:
        shown = "、".join(f"{c.name}（{seconds // 60}分钟）" for c, seconds in top_browse)
        features.append(Feature("常浏览品类", shown, "usage"))
    apps = (
        events.filter(kind=kind.APP_USAGE)
        .exclude(app_category="")
        .values("app_category")
        .annotate(minutes=Sum("minutes"), days=Count("id"))
        .order_by("-minutes")[:TOP_N]
    )
    if apps:
        shown = "、".join(f"{row['app_category']}（日均{row['minutes'] // max(row['days'], 1)}分钟）" for row in apps)
        features.append(Feature("常用应用类型", shown, "usage"))
    searches = list(
        events.filter(kind=kind.SEARCH).values("query").annotate(n=Count("id")).order_by("-n", "query")[:TOP_N]
    )
    if searches:
        features.append(Feature("近期搜索", "、".join(row["query"] for row in searches), "usage"))
    articles = list(
        events.filter(kind=kind.ARTICLE_READ)
        .exclude(target="")
        .values("target")
        .annotate(seconds=Sum(F("seconds")))
        .order_by("-seconds")[:TOP_N]
    )
    if articles:
        features.append(Feature("阅读兴趣", "、".join(f"《{row['target']}》" for row in articles), "usage"))
    return features, lines


def _scenes(customer: Customer, browse_lines: Counter[str]) -> list[Feature]:
    bought = Counter(
        customer.events.filter(kind=BehaviorEvent.Kind.TRANSACTION, product__isnull=False).values_list(
            "product__category__line_of_business", flat=True
        )
    )
    scenes = []
    for line, count in bought.most_common():
        scenes.append(Feature(SCENES.get(line, line), f"已购 {count} 笔", "transactions"))
    for line, _seconds in browse_lines.most_common():
        if line not in bought:
            scenes.append(Feature(SCENES.get(line, line), "近期关注", "usage"))
    spend = customer.monthly_online_spend
    if spend is not None:
        level = "高" if spend >= 8000 else "中" if spend >= 2000 else "低"
        scenes.append(Feature("线上消费", f"{level}（月均¥{spend:,.0f}）", "profile"))
    return scenes
