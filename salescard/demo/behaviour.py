"""Demo behaviour events drawn from a customer's hidden preferences (SPEC S1, P5, B4, X3).

Browsing dwells longer and more often on preferred categories, installed apps and their minutes follow them,
searches and articles lean to them and transactions mostly land in the most preferred category. Usage events
(``BehaviorEvent.USAGE_KINDS``) are drawn only inside the periods the customer's usage-data consent covers; card
events and transactions exist for everyone.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from crm.models import BehaviorEvent, Customer, Product, ProductCategory, User
from salescard.demo.interests import APPS, ARTICLES, CARD_TABS, CARD_URL, OFFICIAL_SITE, SEARCHES
from salescard.demo.people import DemoCustomer
from salescard.demo.preferences import HiddenPreferences

Kind = BehaviorEvent.Kind
Line = ProductCategory.LineOfBusiness

HISTORY_DAYS = 90
PURCHASE_DAYS = 60  # transactions fall in the most recent part of the history, after some browsing
# How likely an event happens in each hour of the day: quiet at night, peaks at lunch and in the evening.
HOUR_WEIGHTS = (1, 1, 0, 0, 0, 0, 1, 3, 5, 5, 4, 5, 8, 7, 4, 4, 4, 5, 6, 8, 10, 10, 8, 4)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Shelf:
    """The demo products on sale, by category code, in SKU order."""

    products: dict[str, list[Product]]


@dataclass(frozen=True)
class Subject:
    """Whose behaviour is drawn, and what it may draw on."""

    customer: Customer
    demo: DemoCustomer
    preferences: HiddenPreferences
    usage_periods: list[tuple[datetime, datetime]]  # when usage-data consent was granted
    owner: User
    site_url: str = OFFICIAL_SITE  # the official site of the customer's company


def draw_events(subject: Subject, shelf: Shelf, rng: random.Random, anchor: datetime) -> list[BehaviorEvent]:
    """About 60–100 events for a consenting customer over the ``HISTORY_DAYS`` before ``anchor``; fewer without."""
    start = anchor - timedelta(days=HISTORY_DAYS)
    activity = min(3.0, max(0.3, math.exp(rng.gauss(0, 0.45))))
    drawer = _Drawer(subject, shelf, rng, start, anchor)
    if any(end > start for _, end in subject.usage_periods):
        drawer.browse(_poisson(rng, 30 * activity))
        drawer.search(_poisson(rng, 6 * activity))
        drawer.read(_poisson(rng, 8 * activity))
        drawer.use_apps(activity)
    drawer.use_card(_poisson(rng, 3 * activity))
    drawer.buy(rng.choices((0, 1, 2, 3), weights=(45, 35, 15, 5))[0])
    return drawer.events


class _Drawer:
    def __init__(self, subject: Subject, shelf: Shelf, rng: random.Random, start: datetime, end: datetime) -> None:
        self.subject, self.shelf, self.rng, self.start, self.end = subject, shelf, rng, start, end
        self.weights = subject.preferences.weights
        self.events: list[BehaviorEvent] = []

    # --- usage data ------------------------------------------------------------------------------
    def browse(self, count: int) -> None:
        for _ in range(count):
            code = self.subject.preferences.draw_category(self.rng, focus=0.65)
            product = self.rng.choice(self.shelf.products[code])
            seconds = 35 * math.exp(self.rng.gauss(0, 0.6)) * (1 + 8 * self.weights[code])
            self._usage(
                Kind.BROWSE,
                product=product,
                category_id=product.category_id,
                seconds=min(1800, max(5, round(seconds))),
                target=product.purchase_url,
            )

    def search(self, count: int) -> None:
        for _ in range(count):
            code = self.subject.preferences.draw_category(self.rng, focus=0.75)
            self._usage(Kind.SEARCH, query=self.rng.choice(SEARCHES[code]))

    def read(self, count: int) -> None:
        for _ in range(count):
            code = self.subject.preferences.draw_category(self.rng, focus=0.6)
            seconds = 90 * math.exp(self.rng.gauss(0, 0.5)) * (1 + 3 * self.weights[code])
            self._usage(Kind.ARTICLE_READ, target=self.rng.choice(ARTICLES[code]), seconds=min(1800, round(seconds)))

    def use_apps(self, activity: float) -> None:
        """One event per installed app and sampled day, with that day's minutes in the app."""
        young = self.subject.demo.age < 40
        for app in APPS:
            leaning = sum(self.subject.preferences.weight(code) for code in app.hints)
            share = app.install_share + 2.0 * leaning
            if app.name == "王者荣耀" and not young:
                share = 0.02
            if self.rng.random() >= min(0.95, share):
                continue
            for day in self.rng.sample(
                range(HISTORY_DAYS), k=min(HISTORY_DAYS, 1 + _poisson(self.rng, 2.5 * activity))
            ):
                minutes = app.minutes * math.exp(self.rng.gauss(0, 0.5)) * (1 + 3 * leaning)
                moment = (self.start + timedelta(days=day)).replace(
                    hour=23, minute=self.rng.randrange(60), second=self.rng.randrange(60)
                )
                if self._consented(moment):
                    self.events.append(
                        self._event(
                            Kind.APP_USAGE,
                            moment,
                            app_name=app.name,
                            app_category=app.category,
                            minutes=max(1, round(minutes)),
                        )
                    )

    def _usage(self, kind: str, **fields: object) -> None:
        moment = _moment(self.rng, self.start, self.end)
        if self._consented(moment):
            self.events.append(self._event(kind, moment, **fields))

    def _consented(self, moment: datetime) -> bool:
        return any(start <= moment < end for start, end in self.subject.usage_periods)

    # --- card and purchases ----------------------------------------------------------------------
    def use_card(self, opens: int) -> None:
        """Card visits: open, look at some tabs, click products and links, sometimes share."""
        owner = self.subject.owner
        card_url = CARD_URL.format(username=owner.username)
        for _ in range(opens):
            moment = _moment(self.rng, self.start, self.end - timedelta(hours=1))
            self.events.append(self._event(Kind.CARD_OPEN, moment, staff=owner, target=card_url))
            for tab in self.rng.sample(CARD_TABS, k=self.rng.randint(0, 3)):
                moment += timedelta(seconds=self.rng.randint(5, 90))
                self.events.append(self._event(Kind.TAB_VIEW, moment, staff=owner, target=tab))
                if tab == "Products" and self.rng.random() < 0.7:
                    product = self._product(focus=0.7)
                    moment += timedelta(seconds=self.rng.randint(5, 60))
                    self.events.append(
                        self._event(
                            Kind.PRODUCT_CLICK,
                            moment,
                            staff=owner,
                            product=product,
                            category_id=product.category_id,
                            target=product.purchase_url,
                        )
                    )
                    if self.rng.random() < 0.3:
                        moment += timedelta(seconds=self.rng.randint(10, 120))
                        self.events.append(
                            self._event(
                                Kind.LINK_CLICK,
                                moment,
                                staff=owner,
                                product=product,
                                category_id=product.category_id,
                                target=product.purchase_url,
                            )
                        )
                elif tab == "Official site" and self.rng.random() < 0.5:
                    self.events.append(self._event(Kind.LINK_CLICK, moment, staff=owner, target=self.subject.site_url))
            if self.rng.random() < 0.08:
                moment += timedelta(seconds=self.rng.randint(5, 60))
                self.events.append(self._event(Kind.SHARE, moment, staff=owner, target=card_url))

    def buy(self, count: int) -> None:
        """Transactions, nearly always in the customer's most preferred categories."""
        for _ in range(count):
            product = self._product(focus=0.9, power=3.0, affordable=True)
            moment = _moment(self.rng, self.end - timedelta(days=PURCHASE_DAYS), self.end)
            self.events.append(
                self._event(
                    Kind.TRANSACTION,
                    moment,
                    staff=self.subject.owner,
                    product=product,
                    category_id=product.category_id,
                    amount=self._amount(product),
                )
            )

    def _product(self, focus: float, power: float = 1.0, affordable: bool = False) -> Product:
        code = self.subject.preferences.draw_category(self.rng, focus=focus, power=power)
        products = self.shelf.products[code]
        if affordable and code != "loan":
            budget = max(50_000, self.subject.demo.liquid_assets)
            products = [product for product in products if product.price <= budget] or products
        return self.rng.choice(products)

    def _amount(self, product: Product) -> Decimal:
        """What the customer paid, deposited, invested or borrowed, in CNY."""
        rng, demo = self.rng, self.subject.demo
        price = float(product.price)
        code = product.sku.split("-")[1]
        if code == "WAR" and "price_unit" in product.specs:
            amount = price * rng.uniform(6, 15)  # priced per square metre of wardrobe front
        elif product.sku.startswith("HF-"):
            amount = price * rng.uniform(0.85, 1.0)
        elif product.sku.startswith("IN-"):
            amount = price * rng.uniform(0.7, 1.5)
        elif code == "LN":
            amount = round(price * rng.uniform(0.3, 1.0), -4)
        elif code == "CC":
            amount = rng.uniform(200, 5000)  # the first spend on the new card
        else:
            amount = max(price, round(demo.liquid_assets * rng.uniform(0.05, 0.3), -3))
        return Decimal(amount).quantize(CENT)

    def _event(self, kind: str, moment: datetime, **fields: object) -> BehaviorEvent:
        return BehaviorEvent(customer=self.subject.customer, kind=kind, occurred_at=moment, **fields)


def _moment(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A time in [start, end), moved to a waking hour of the same day when that stays inside the range."""
    moment = start + (end - start) * rng.random()
    shifted = moment.replace(
        hour=rng.choices(range(24), weights=HOUR_WEIGHTS)[0], minute=rng.randrange(60), second=rng.randrange(60)
    )
    return shifted if start <= shifted < end else moment


def _poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method; the means here stay below a few hundred."""
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count
