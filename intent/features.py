"""Inputs of IntentNet built from the CRM (SPEC S1, S4, X3): vocabularies, per-customer inputs, and the
training examples.

- The catalogue becomes product, category and attribute vocabularies; attributes (line of business,
  colour, design, price band, risk level) let the network judge products added after training.
- A customer's inputs, as of a point in time: the browsing branch (products looked at, with dwell time
  and how long ago), the app branch (app categories by daily minutes) and the user-info branch (a dense
  vector of profile fields and the user level). Usage data — browsing, app usage, reading, searches — is
  used only while the customer's usage-data consent is granted; card clicks are not usage data.
- Training examples: each purchase, each click on a product or its purchase link, and each positive
  feedback signal is a target product, with the customer's inputs as they were just before it.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db import connection

from base.db import epoch_seconds_sql, placeholders
from crm.consent import customers_with_consent
from crm.models import BehaviorEvent, Consent, Customer, Product
from intent.level import FINANCIAL_ASSET_CLASSES, assess_level
from intent.models import IntentFeedback, UserLevel

MAX_BROWSE = 50
MAX_APPS = 16
MAX_ATTRIBUTES = 6
HISTORY_DAYS = 180
DAY = 86400.0  # seconds
TOP_HOBBIES = 40

BROWSE_KINDS = (
    BehaviorEvent.Kind.BROWSE,
    BehaviorEvent.Kind.PRODUCT_CLICK,
    BehaviorEvent.Kind.LINK_CLICK,
    BehaviorEvent.Kind.ARTICLE_READ,
)
INCOME_ORDER = [band for band in Customer.IncomeBand.values if band]
POSITIVE_FEEDBACK = (IntentFeedback.Signal.PURCHASED, IntentFeedback.Signal.INTERESTED)
INPUT_KINDS = (*BROWSE_KINDS, BehaviorEvent.Kind.APP_USAGE)  # what customer_inputs reads
TARGET_KINDS = (BehaviorEvent.Kind.TRANSACTION, BehaviorEvent.Kind.PRODUCT_CLICK, BehaviorEvent.Kind.LINK_CLICK)


def price_band(price: Decimal) -> str:
    """Order of magnitude of the price: comparable across lines of business (¥1k sofa vs ¥1M deposit)."""
    return f"price:1e{int(math.log10(max(float(price), 1)))}"


def product_attributes(product: Product) -> list[str]:
    tokens = [f"line:{product.category.line_of_business}", price_band(product.price)]
    if product.colour:
        tokens.append(f"colour:{product.colour}")
    if product.design:
        tokens.append(f"design:{product.design}")
    risk = product.specs.get("risk_level") if isinstance(product.specs, dict) else None
    if risk:
        tokens.append(f"risk:{risk}")
    return tokens[:MAX_ATTRIBUTES]


@dataclass
class Vocabulary:
    """Index 0 is padding/unknown in every list, so indices start at 1."""

    products: list[int] = field(default_factory=list)  # product pk at index i+1
    categories: list[int] = field(default_factory=list)
    attributes: list[str] = field(default_factory=list)
    app_categories: list[str] = field(default_factory=list)
    hobbies: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._index = {
            name: {value: i + 1 for i, value in enumerate(getattr(self, name))}
            for name in ("products", "categories", "attributes", "app_categories")
        }
        self._hobby_index = {hobby: i for i, hobby in enumerate(self.hobbies)}

    def index(self, kind: str, value: object) -> int:
        return self._index[kind].get(value, 0)

    def to_dict(self) -> dict:
        return {
            name: getattr(self, name) for name in ("products", "categories", "attributes", "app_categories", "hobbies")
        }

    @classmethod
    def from_dict(cls, data: dict) -> Vocabulary:
        return cls(**{k: list(v) for k, v in data.items()})

    def add_products(self, pks: list[int]) -> None:
        """Give products created after training an index (after the trained ones)."""
        for pk in pks:
            if pk not in self._index["products"]:
                self.products.append(pk)
                self._index["products"][pk] = len(self.products)

    @property
    def n_user_features(self) -> int:
        return len(_profile_vector(Customer(name="x"), UserLevel.POTENTIAL, self._hobby_index))


def build_vocabulary(products: list[Product], app_categories: list[str], hobbies: list[str]) -> Vocabulary:
    attributes = sorted({token for p in products for token in product_attributes(p)})
    return Vocabulary(
        products=sorted(p.pk for p in products),
        categories=sorted({p.category_id for p in products}),
        attributes=attributes,
        app_categories=sorted(set(app_categories)),
        hobbies=hobbies[:TOP_HOBBIES],
    )


def catalogue_arrays(vocab: Vocabulary, products: dict[int, Product]) -> tuple[list[int], list[list[int]]]:
    """Per product index: its category index and its attribute indices (padded), index 0 = padding."""
    categories = [0]
    attributes = [[0] * MAX_ATTRIBUTES]
    for pk in vocab.products:
        product = products.get(pk)
        if product is None:
            categories.append(0)
            attributes.append([0] * MAX_ATTRIBUTES)
            continue
        categories.append(vocab.index("categories", product.category_id))
        row = [vocab.index("attributes", token) for token in product_attributes(product)]
        attributes.append(row + [0] * (MAX_ATTRIBUTES - len(row)))
    return categories, attributes


class EventRow(NamedTuple):
    """The fields of a behaviour event that the inputs use; a plain tuple is ~10× cheaper to load than a model,
    and the time as epoch seconds is cheaper again than a datetime."""

    customer_id: int
    kind: str
    at: float  # occurred_at, seconds since the Unix epoch
    product_id: int | None
    seconds: int | None
    app_category: str
    minutes: int | None


def load_events(
    customer_ids: list[int], since: datetime.datetime | None = None, kinds: tuple[str, ...] | None = None
) -> dict[int, list[EventRow]]:
    """The customers' events (optionally only those at or after ``since`` and of ``kinds``), grouped by customer,
    oldest first.

    Hand-written SQL read straight from the cursor: Django's per-row converters cost more than everything else
    here for a batch of tens of thousands of events, and building the ORM query costs more than running it for
    one customer. Every column is a plain number or string; the time comes as epoch seconds.
    """
    if not customer_ids:
        return {}
    vendor = connection.vendor
    columns = ["customer_id", "kind", epoch_seconds_sql("occurred_at", vendor), "product_id", "seconds",
               "app_category", "minutes"]  # fmt: skip
    where, params = [f"customer_id IN ({placeholders(len(customer_ids))})"], list(customer_ids)
    if since is not None:
        where.append("occurred_at >= %s")
        params.append(connection.ops.adapt_datetimefield_value(since))
    if kinds:
        where.append(f"kind IN ({placeholders(len(kinds))})")
        params.extend(str(kind) for kind in kinds)
    # The id breaks ties: the same inputs every time, whatever the database's plan.
    sql = (
        f"SELECT {', '.join(columns)} FROM {BehaviorEvent._meta.db_table} "
        f"WHERE {' AND '.join(where)} ORDER BY occurred_at, id"
    )
    grouped: dict[int, list[EventRow]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(5000):
            for row in rows:
                grouped[row[0]].append(EventRow._make(row))
    return grouped


@dataclass
class CustomerInputs:
    browse_products: list[int]
    browse_dwell: list[float]  # seconds
    browse_recency: list[float]  # days before the reference time
    app_categories: list[int]
    app_minutes: list[float]  # average daily minutes
    user_features: list[float]
    used_usage_data: bool

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def is_cold(self) -> bool:
        return not self.browse_products and not self.app_categories


def _profile_vector(customer: Customer, level: str, hobby_index: dict[str, int]) -> list[float]:
    age = customer.age
    vector = [
        (age or 0) / 100,
        1.0 if age is None else 0.0,
        *(1.0 if customer.gender == g else 0.0 for g in Customer.Gender.values),
        (INCOME_ORDER.index(customer.income_band) + 1) / len(INCOME_ORDER)
        if customer.income_band in INCOME_ORDER
        else 0.0,
        math.log1p(float(customer.monthly_online_spend or 0)) / 12,
        *(1.0 if customer.married is m else 0.0 for m in (True, False, None)),
        *(1.0 if customer.language == lang else 0.0 for lang in Customer.Language.values),
        *(1.0 if level == lv else 0.0 for lv in UserLevel.values),
    ]
    assets = customer.assets if isinstance(customer.assets, dict) else {}
    for asset_class in Customer.ASSET_CLASSES:
        amount = assets.get(asset_class, 0)
        ok = isinstance(amount, (int, float)) and not isinstance(amount, bool) and amount > 0
        vector.append(math.log1p(float(amount)) / 18 if ok else 0.0)
    vector.append(sum(1 for c in FINANCIAL_ASSET_CLASSES if assets.get(c)) / len(FINANCIAL_ASSET_CLASSES))
    mbti = customer.mbti or ""
    vector.extend((1.0 if letter in mbti else -1.0 if mbti else 0.0) for letter in "ESTJ")
    hobbies = [0.0] * len(hobby_index)
    for hobby in customer.hobbies or []:
        if hobby in hobby_index:
            hobbies[hobby_index[hobby]] = 1.0
    return vector + hobbies


def customer_inputs(
    customer: Customer,
    vocab: Vocabulary,
    events: list[EventRow],
    at: datetime.datetime | float,
    usage_allowed: bool,
) -> CustomerInputs:
    """Inputs as of ``at`` (a datetime or epoch seconds) from ``events`` (the customer's events as loaded by
    ``load_events``, any order; later ones are ignored)."""
    if isinstance(at, datetime.datetime):
        at = at.timestamp()
    since = at - HISTORY_DAYS * DAY
    visible = [e for e in events if since <= e.at < at and (usage_allowed or e.kind not in BehaviorEvent.USAGE_KINDS)]
    visible.sort(key=lambda e: e.at)
    browse = [e for e in visible if e.kind in BROWSE_KINDS and e.product_id][-MAX_BROWSE:]
    minutes: dict[str, list[int]] = defaultdict(list)
    for e in visible:
        if e.kind == BehaviorEvent.Kind.APP_USAGE and e.app_category and e.minutes is not None:
            minutes[e.app_category].append(e.minutes)
    apps = sorted(((cat, sum(m) / len(m)) for cat, m in minutes.items()), key=lambda item: -item[1])[:MAX_APPS]
    level = assess_level(customer).level
    return CustomerInputs(
        browse_products=[vocab.index("products", e.product_id) for e in browse],
        browse_dwell=[float(e.seconds or 0) for e in browse],
        browse_recency=[(at - e.at) / DAY for e in browse],
        app_categories=[vocab.index("app_categories", cat) for cat, _ in apps],
        app_minutes=[m for _, m in apps],
        user_features=_profile_vector(customer, level, vocab._hobby_index),
        used_usage_data=usage_allowed,
    )


@dataclass(frozen=True)
class TrainingExample:
    customer_id: int
    inputs: CustomerInputs
    targets: tuple[int, ...]  # product indices
    kind: str = "purchase"  # purchase, click or feedback — the intents evaluated — or browse (training only)


MIN_BROWSE_TARGET_SECONDS = 60
MAX_BROWSE_TARGETS = 8


def training_examples(customers: list[Customer], vocab: Vocabulary, browsing: bool = False) -> list[TrainingExample]:
    """One example per purchase, product or link click, or positive feedback, with the inputs as they were
    just before it. With ``browsing``, also self-supervised examples (the seed's 自监督训练): each of the
    customer's last ``MAX_BROWSE_TARGETS`` long product views (≥ 60 s) is a target given what came before —
    only for customers whose usage consent is granted, and only for training, never for evaluation.

    Consent is judged as it stands now: a customer who has withdrawn usage consent contributes no usage
    data to training either.
    """
    ids = [c.pk for c in customers]
    events_by_customer = load_events(ids)
    consenting = customers_with_consent(ids, Consent.Purpose.USAGE_DATA)
    feedback = defaultdict(list)
    for row in IntentFeedback.objects.filter(customer_id__in=ids, signal__in=POSITIVE_FEEDBACK):
        feedback[row.customer_id].append((row.created_at.timestamp(), row.product_id))
    examples = []
    for customer in customers:
        events = events_by_customer[customer.pk]
        usage_allowed = customer.pk in consenting
        moments = [
            (e.at, e.product_id, "purchase" if e.kind == BehaviorEvent.Kind.TRANSACTION else "click")
            for e in events
            if e.kind in TARGET_KINDS and e.product_id
        ]
        moments += [(at, product_id, "feedback") for at, product_id in feedback[customer.pk]]
        if browsing and usage_allowed:
            views = sorted(
                (e for e in events if e.kind == BehaviorEvent.Kind.BROWSE and e.product_id
                 and (e.seconds or 0) >= MIN_BROWSE_TARGET_SECONDS),
                key=lambda e: e.at,
            )[-MAX_BROWSE_TARGETS:]  # fmt: skip
            moments += [(e.at, e.product_id, "browse") for e in views]
        for at, product_id, kind in sorted(moments, key=lambda m: (m[0], m[2])):
            target = vocab.index("products", product_id)
            if not target:
                continue
            inputs = customer_inputs(customer, vocab, events, at, usage_allowed)
            examples.append(TrainingExample(customer.pk, inputs, (target,), kind))
    return examples
