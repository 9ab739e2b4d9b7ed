"""Demo tags: enterprise tags every colleague sees, each salesperson's personal tags, and which customers carry
them (SPEC P3). Automatic tags follow from the stored profile; manual ones are what the owner noted."""

from __future__ import annotations

import random
from dataclasses import dataclass

from crm.models import Customer, CustomerTag
from salescard.demo.people import DemoCustomer

Source = CustomerTag.Source


@dataclass(frozen=True)
class TagSpec:
    name: str
    colour: str
    owner: str = ""  # username for a personal tag, empty for an enterprise tag


HIGH_NET_WORTH = "高净值"
PROSPECT = "潜在客户"
CANTONESE = "粤语客户"
NEWLYWEDS = "新婚家庭"
INSURED = "已购保险"
CAUTIOUS_INVESTOR = "理财偏好稳健"
MORTGAGE = "有房贷"
RENOVATING = "装修中"
VIP = "VIP"
REFERRAL = "老客户转介绍"

ENTERPRISE_TAGS = (
    TagSpec(HIGH_NET_WORTH, "#d4380d"),
    TagSpec(PROSPECT, "#1677ff"),
    TagSpec(CANTONESE, "#13c2c2"),
    TagSpec(NEWLYWEDS, "#eb2f96"),
    TagSpec(INSURED, "#52c41a"),
    TagSpec(CAUTIOUS_INVESTOR, "#faad14"),
    TagSpec(MORTGAGE, "#722ed1"),
    TagSpec(RENOVATING, "#fa8c16"),
    TagSpec(VIP, "#cf1322"),
    TagSpec(REFERRAL, "#2f54eb"),
)

PERSONAL_TAGS = (
    TagSpec("周末可约", "#8c8c8c", "sales_chen"),
    TagSpec("喜欢喝茶", "#389e0d", "sales_chen"),
    TagSpec("关注大额存单", "#d48806", "sales_chen"),
    TagSpec("看过样板间", "#08979c", "sales_liu"),
    TagSpec("价格敏感", "#cf1322", "sales_liu"),
    TagSpec("喜欢北欧风", "#597ef7", "sales_liu"),
    TagSpec("有二胎计划", "#eb2f96", "sales_huang"),
    TagSpec("关注养老", "#9254de", "sales_huang"),
    TagSpec("在比价", "#fa541c", "sales_huang"),
)


def draw_customer_tags(
    customer: DemoCustomer, owner: str, bought_insurance: bool, rng: random.Random
) -> list[tuple[TagSpec, str]]:
    """(tag, source) pairs for one customer; ``owner`` is the owning salesperson's username."""
    home, fields = customer.household, customer.fields
    risk = fields["preferences"]["risk"]  # type: ignore[index]
    assets: dict[str, int] = fields["assets"]  # type: ignore[assignment]
    auto = {
        HIGH_NET_WORTH: customer.liquid_assets >= 2_000_000,
        CANTONESE: fields["language"] == Customer.Language.CANTONESE or fields["dialect"] == Customer.Dialect.CANTONESE,
        INSURED: assets["insurance"] > 0 or bought_insurance,
        CAUTIOUS_INVESTOR: risk in ("保守", "稳健") and rng.random() < 0.8,
    }
    manual = {
        NEWLYWEDS: (home.newly_married or home.wedding_soon) and rng.random() < 0.6,
        MORTGAGE: home.mortgage and rng.random() < 0.5,
        RENOVATING: home.renovating and rng.random() < 0.5,
        VIP: customer.liquid_assets >= 1_000_000 and rng.random() < 0.6,
        PROSPECT: rng.random() < 0.2,
        REFERRAL: rng.random() < 0.08,
    }
    by_name = {tag.name: tag for tag in ENTERPRISE_TAGS}
    chosen = [(by_name[name], Source.AUTO) for name, applies in auto.items() if applies]
    chosen += [(by_name[name], Source.MANUAL) for name, applies in manual.items() if applies]
    chosen += [(tag, Source.MANUAL) for tag in PERSONAL_TAGS if tag.owner == owner and rng.random() < 0.15]
    return chosen
