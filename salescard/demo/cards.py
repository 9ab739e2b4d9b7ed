"""Smart cards for the demo salespeople and links to open as a customer (``manage.py ensure_demo_cards``).

Both demo companies get their links: a known customer's personal link and the public (visitor) link of the first
salesperson of each — 陈静 at 招财银行, 刘洋 at 好家居生活馆. Each card is in its salesperson's organisation, and a
customer's link goes to a customer of that organisation.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from crm.models import Customer, User
from salescard.cards import issue_link
from salescard.demo.companies import COMPANIES
from salescard.demo.staff import SALESPEOPLE, salespeople_of
from salescard.models import CardLink, SmartCard

BIO = {
    "sales_chen": "我专注家庭理财规划十年，帮您稳健配置存款、基金与保险。",
    "sales_huang": "银行保险理财顾问，为家人规划重疾、医疗与养老保障，理赔全程协助。",
    "sales_liu": "为您的家挑选舒适耐用的北欧与现代家具，免费上门量尺。",
    "sales_he": "软装设计顾问，帮您把沙发、床、灯和收纳搭成一个整体，免费出搭配方案。",
}


@dataclass(frozen=True)
class CompanyLinks:
    company: str  # the organisation's name
    salesperson: str  # username of the card's salesperson
    customer_link: CardLink | None
    visitor_link: CardLink | None


@dataclass(frozen=True)
class DemoLinks:
    created_cards: int
    companies: tuple[CompanyLinks, ...]  # the bank's first

    @property
    def customer_link(self) -> CardLink | None:
        """The bank's customer link (the first company's)."""
        return self.companies[0].customer_link if self.companies else None

    @property
    def visitor_link(self) -> CardLink | None:
        return self.companies[0].visitor_link if self.companies else None


def ensure_demo_cards() -> DemoLinks:
    """A card for every demo salesperson that has none, then per company a customer's link and a public link."""
    created = 0
    links: list[CompanyLinks] = []
    with transaction.atomic():
        for member in SALESPEOPLE:
            user = User.objects.filter(username=member.username).first()
            if user is None or SmartCard.objects.filter(salesperson=user).exists():
                continue
            company = COMPANIES[member.company]
            SmartCard.objects.create(
                salesperson=user,
                organisation_id=user.organisation_id,
                display_name=member.full_name,
                title=member.title,
                company=company.card_company,
                phone=member.phone,
                email=member.email,
                im_id=f"wx_{member.username}",
                bio=BIO.get(member.username, ""),
                site_url=company.site_url,
                theme=company.card_theme,
            )
            created += 1
        for key, company in COMPANIES.items():
            first = salespeople_of(key)[0]
            card = SmartCard.objects.filter(salesperson__username=first.username).select_related("salesperson").first()
            if card is None:
                continue
            customer = (
                Customer.objects.filter(
                    organisation=card.organisation_id, owner=card.salesperson, language=Customer.Language.MANDARIN
                )
                .order_by("pk")
                .first()
            )
            customer_link = issue_link(card, customer) if customer else None
            visitor_link = CardLink.objects.filter(card=card, customer__isnull=True, revoked_at__isnull=True).first()
            if visitor_link is None:
                visitor_link = issue_link(card)
            links.append(CompanyLinks(company.name, first.username, customer_link, visitor_link))
    return DemoLinks(created, tuple(links))
