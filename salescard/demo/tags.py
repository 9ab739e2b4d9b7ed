"""Demo tags: enterprise tags every colleague of a company sees, each salesperson's personal tags, and which customers
carry them (SPEC P3). Automatic tags follow from the stored profile; manual ones are what the owner noted. Each demo
company has its own enterprise tags (a name may be used by both: tags are unique per organisation)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from crm.models import Customer, CustomerTag
from salescard.demo.companies import BANK, HOME
from salescard.demo.people import DemoCustomer

Source = CustomerTag.Source


@dataclass(frozen=True)
class TagSpec:
    name: str
    colour: str
    company: str  # BANK or HOME
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

FURNISHED_WITH_US = "已购家具"
PET_OWNER = "家有萌宠"

ENTERPRISE_TAGS = (
    TagSpec(HIGH_NET_WORTH, "#d4380d", BANK),
    TagSpec(PROSPECT, "#1677ff", BANK),
    TagSpec(CANTONESE, "#13c2c2", BANK),
    TagSpec(INSURED, "#52c41a", BANK),
    TagSpec(CAUTIOUS_INVESTOR, "#faad14", BANK),
    TagSpec(MORTGAGE, "#722ed1", BANK),
    TagSpec(VIP, "#cf1322", BANK),
    TagSpec(REFERRAL, "#2f54eb", BANK),
    TagSpec(PROSPECT, "#1677ff", HOME),
    TagSpec(CANTONESE, "#13c2c2", HOME),
    TagSpec(NEWLYWEDS, "#eb2f96", HOME),
    TagSpec(RENOVATING, "#fa8c16", HOME),
    TagSpec(FURNISHED_WITH_US, "#52c41a", HOME),
    TagSpec(PET_OWNER, "#a0d911", HOME),
    TagSpec(VIP, "#cf1322", HOME),
    TagSpec(REFERRAL, "#2f54eb", HOME),
)

PERSONAL_TAGS = (
    TagSpec("周末可约", "#8c8c8c", BANK, "sales_chen"),
    TagSpec("喜欢喝茶", "#389e0d", BANK, "sales_chen"),
    TagSpec("关注大额存单", "#d48806", BANK, "sales_chen"),
    TagSpec("有二胎计划", "#eb2f96", BANK, "sales_huang"),
    TagSpec("关注养老", "#9254de", BANK, "sales_huang"),
    TagSpec("在比价", "#fa541c", BANK, "sales_huang"),
    TagSpec("看过样板间", "#08979c", HOME, "sales_liu"),
    TagSpec("价格敏感", "#cf1322", HOME, "sales_liu"),
    TagSpec("喜欢北欧风", "#597ef7", HOME, "sales_liu"),
    TagSpec("喜欢奶油风", "#ffc069", HOME, "sales_he"),
    TagSpec("等交房", "#8c8c8c", HOME, "sales_he"),
    TagSpec("带娃看店", "#ff85c0", HOME, "sales_he"),
)


def draw_customer_tags(
    customer: DemoCustomer, company: str, owner: str, bought: bool, rng: random.Random
) -> list[tuple[TagSpec, str]]:
    """(tag, source) pairs for one customer of ``company``; ``owner`` is the owning salesperson's username and
    ``bought`` whether the customer bought insurance (at the bank) or furniture (at the retailer)."""
    home, fields = customer.household, customer.fields
    risk = fields["preferences"]["risk"]  # type: ignore[index]
    assets: dict[str, int] = fields["assets"]  # type: ignore[assignment]
    auto = {
        HIGH_NET_WORTH: customer.liquid_assets >= 2_000_000,
        CANTONESE: fields["language"] == Customer.Language.CANTONESE or fields["dialect"] == Customer.Dialect.CANTONESE,
        INSURED: assets["insurance"] > 0 or bought,
        CAUTIOUS_INVESTOR: risk in ("保守", "稳健") and rng.random() < 0.8,
        FURNISHED_WITH_US: bought,
    }
    manual = {
        NEWLYWEDS: (home.newly_married or home.wedding_soon) and rng.random() < 0.6,
        MORTGAGE: home.mortgage and rng.random() < 0.5,
        RENOVATING: home.renovating and rng.random() < 0.5,
        VIP: customer.liquid_assets >= 1_000_000 and rng.random() < 0.6,
        PROSPECT: rng.random() < 0.2,
        REFERRAL: rng.random() < 0.08,
        PET_OWNER: rng.random() < 0.12,
    }
    by_name = {tag.name: tag for tag in ENTERPRISE_TAGS if tag.company == company}
    chosen = [(by_name[name], Source.AUTO) for name, applies in auto.items() if applies and name in by_name]
    chosen += [(by_name[name], Source.MANUAL) for name, applies in manual.items() if applies and name in by_name]
    chosen += [(tag, Source.MANUAL) for tag in PERSONAL_TAGS if tag.owner == owner and rng.random() < 0.15]
    return chosen
