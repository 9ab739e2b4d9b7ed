"""Smart cards for the demo salespeople and a link to open as a customer (``manage.py ensure_demo_cards``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from crm.models import Customer, ProductCategory, User
from salescard.cards import issue_link
from salescard.demo.staff import SALESPEOPLE
from salescard.models import CardLink, SmartCard

Line = ProductCategory.LineOfBusiness
COMPANY = {
    Line.BANKING: (
        "招财银行 · 深圳分行",
        "https://bank.salescard.example/",
        "我专注家庭理财规划十年，帮您稳健配置存款、基金与保险。",
    ),
    Line.HOME: (
        "好家居生活馆",
        "https://home.salescard.example/",
        "为您的家挑选舒适耐用的北欧与现代家具，免费上门量尺。",
    ),
    Line.INSURANCE: (
        "安心人寿",
        "https://insurance.salescard.example/",
        "为家人规划重疾、医疗与养老保障，理赔全程协助。",
    ),
}
THEME = {
    Line.BANKING: SmartCard.Theme.CLASSIC,
    Line.HOME: SmartCard.Theme.WARM,
    Line.INSURANCE: SmartCard.Theme.CLASSIC,
}


@dataclass(frozen=True)
class DemoLinks:
    created_cards: int
    customer_link: CardLink | None
    visitor_link: CardLink | None


def ensure_demo_cards() -> DemoLinks:
    """A card for every demo salesperson that has none, then a customer's link and a generic link of the first."""
    created = 0
    with transaction.atomic():
        for member in SALESPEOPLE:
            user = User.objects.filter(username=member.username).first()
            if user is None or SmartCard.objects.filter(salesperson=user).exists():
                continue
            company, site, bio = COMPANY[member.line]
            SmartCard.objects.create(
                salesperson=user,
                display_name=member.full_name,
                title=member.title,
                company=company,
                phone=member.phone,
                email=member.email,
                im_id=f"wx_{member.username}",
                bio=bio,
                site_url=site,
                theme=THEME[member.line],
            )
            created += 1
        card = SmartCard.objects.filter(salesperson__username=SALESPEOPLE[0].username).first()
        if card is None:
            return DemoLinks(created, None, None)
        customer = (
            Customer.objects.filter(owner=card.salesperson, language=Customer.Language.MANDARIN).order_by("pk").first()
        )
        customer_link = issue_link(card, customer) if customer else None
        visitor_link = CardLink.objects.filter(card=card, customer__isnull=True, revoked_at__isnull=True).first()
        if visitor_link is None:
            visitor_link = issue_link(card)
    return DemoLinks(created, customer_link, visitor_link)
