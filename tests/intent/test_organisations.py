"""Issue 19: one intent engine, trained and applied per organisation and line of business.

A bank and a furniture retailer share the database: each trains on its own customers, catalogue and history;
predictions, the line-restricted top 3, greetings, thresholds and portraits never cross from one to the other.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from crm.consent import record_consent
from crm.models import BehaviorEvent, Consent, Organisation
from intent.communication import CommunicationStyle
from intent.config import invalidate_config
from intent.greeting import compose_greeting, greet, greeting_for_card
from intent.inference import loaded_model, predict_intent, predict_intents, rank_products
from intent.level import assess_level, level_thresholds
from intent.model_store import activate_version, active_version, engine_status
from intent.models import CommunicationType, GreetingTemplate, IntentModelVersion, IntentPrediction, LevelThresholds
from intent.portrait import build_portrait
from intent.ranking_scope import scoped_intents
from intent.training import organisations_to_train, train_organisations
from tests.factories import BehaviorEventFactory, CustomerFactory, ProductCategoryFactory, ProductFactory, UserFactory
from tests.intent.test_training import SMALL

pytestmark = pytest.mark.django_db


def style(ctype: str = "parameter_focused", language: str = "zh-hans") -> CommunicationStyle:
    return CommunicationStyle(ctype, ctype, language, "", "analytical", ("test",))


def catalogue(organisation, prefix: str, rows) -> list:
    return [
        ProductFactory(
            category=ProductCategoryFactory(
                code=f"{prefix}-{i}", name=category, line_of_business=line, organisation=organisation
            ),
            name=name,
            price=Decimal(price),
        )
        for i, (line, category, name, price) in enumerate(rows)
    ]


def buyers(organisation, products, count: int) -> None:
    """Customers of ``organisation`` who look at one product for days and then buy it."""
    now = timezone.now()
    for i in range(count):
        customer = CustomerFactory(organisation=organisation)
        record_consent(customer, Consent.Purpose.USAGE_DATA, True)
        product = products[i % len(products)]
        for day in range(5, 1, -1):
            BehaviorEventFactory(
                customer=customer, kind=BehaviorEvent.Kind.BROWSE, product=product, seconds=60 + day * 10,
                occurred_at=now - datetime.timedelta(days=day),
            )  # fmt: skip
        BehaviorEventFactory(
            customer=customer, kind=BehaviorEvent.Kind.TRANSACTION, product=product, amount=1,
            occurred_at=now - datetime.timedelta(hours=3),
        )  # fmt: skip


@pytest.fixture
def bank():
    return Organisation.objects.create(name="招财银行")


@pytest.fixture
def furniture():
    return Organisation.objects.create(name="宜居家居")


@pytest.fixture
def bank_products(bank):
    return catalogue(
        bank,
        "bank",
        (
            ("banking", "理财", "稳健理财30天", "50000"),
            ("banking", "存款", "三年期大额存单", "200000"),
            ("insurance", "保险", "百万医疗险", "3000"),
            ("insurance", "意外险", "户外运动意外险", "300"),
        ),
    )


@pytest.fixture
def furniture_products(furniture):
    return catalogue(
        furniture,
        "home",
        (
            ("home", "沙发", "奶油风模块沙发", "8999"),
            ("home", "床", "实木双人床", "6999"),
            ("home", "衣柜", "全屋定制衣柜", "15999"),
        ),
    )


@pytest.fixture
def two_companies(bank, furniture, bank_products, furniture_products):
    buyers(bank, bank_products, 40)
    buyers(furniture, furniture_products, 36)
    return bank_products, furniture_products


def organisation_of(product_ids) -> set[int]:
    from crm.models import Product

    return set(Product.objects.filter(pk__in=product_ids).values_list("organisation_id", flat=True))


# --- Training and prediction per organisation -----------------------------------------------------------------------
def test_each_organisation_trains_on_its_own_catalogue_and_predicts_only_its_products(
    model_dir, bank, furniture, two_companies
) -> None:
    bank_products, furniture_products = two_companies
    outcomes = {o.organisation: o for o in train_organisations([bank, furniture], SMALL, progress=False)}

    for organisation, products in ((bank, bank_products), (furniture, furniture_products)):
        outcome = outcomes[organisation]
        assert not outcome.cold_start
        version = outcome.result.version
        assert version.organisation == organisation and version.is_active and active_version(organisation) == version
        loaded = loaded_model(organisation.pk)
        assert set(loaded.products) == {p.pk for p in products}  # the catalogue is the organisation's alone
        assert set(loaded.vocab.products) == {p.pk for p in products}
    assert IntentModelVersion.objects.filter(is_active=True).count() == 2

    from crm.models import Customer

    customers = list(Customer.objects.order_by("?"))  # one batch, both companies mixed
    predictions = predict_intents(customers)
    for customer, prediction in zip(customers, predictions, strict=True):
        assert prediction.customer_id == customer.pk
        assert organisation_of(i["product_id"] for i in prediction.intents) == {customer.organisation_id}
        assert len(prediction.intents) == 3
        if prediction.model_version_id:
            assert prediction.model_version.organisation_id == customer.organisation_id
    ranked = rank_products(customers[0], k=10)
    assert ranked and organisation_of(r["product_id"] for r in ranked) == {customers[0].organisation_id}


def test_an_organisation_with_little_history_stays_on_cold_start_and_says_so(model_dir, bank, bank_products) -> None:
    buyers(bank, bank_products, 40)
    newcomer = Organisation.objects.create(name="新开家居")
    sofa = catalogue(newcomer, "new", (("home", "沙发", "新款沙发", "5999"),))[0]
    walk_in = CustomerFactory(organisation=newcomer)

    out = StringIO()
    call_command(
        "train_intent", "--no-progress", "--epochs", "3", "--organisation", "新开家居", "--organisation", str(bank.pk),
        stdout=out,
    )  # fmt: skip
    text = out.getvalue()
    assert "新开家居: 冷启动" in text and "Not enough purchase or click history to train 新开家居" in text
    assert f"{bank.name}: saved intent-{bank.pk}-" in text
    assert active_version(newcomer) is None and not IntentModelVersion.objects.filter(organisation=newcomer).exists()
    status = engine_status(newcomer)
    with translation.override("zh-hans"):
        assert status.cold_start and "冷启动" in status.describe()
    assert not engine_status(bank).cold_start

    prediction = predict_intent(walk_in)
    assert prediction.is_fallback and prediction.reasons[0] == "no active intent model (cold start)"
    assert [i["product_id"] for i in prediction.intents] == [sofa.pk]  # its own catalogue only, not the bank's


def test_organisations_are_named_by_id_or_name_and_every_one_by_default(bank, furniture) -> None:
    assert organisations_to_train([str(bank.pk), "宜居家居"]) == [bank, furniture]
    assert set(organisations_to_train()) >= {bank, furniture}
    with pytest.raises(Organisation.DoesNotExist):
        organisations_to_train(["无此公司"])


def test_activating_a_version_leaves_other_organisations_active(model_dir, bank, furniture) -> None:
    from base.model_files import file_sha256

    def version(organisation, name):
        path = model_dir / f"{name}.pt"
        path.write_bytes(name.encode())
        return IntentModelVersion.objects.create(
            organisation=organisation, version=name, path=path.name, sha256=file_sha256(path)
        )

    bank_v1, bank_v2, home_v1 = version(bank, "b1"), version(bank, "b2"), version(furniture, "h1")
    activate_version(bank_v1)
    activate_version(home_v1)
    activate_version(bank_v2)
    assert active_version(bank) == bank_v2 and active_version(furniture) == home_v1
    bank_v1.refresh_from_db()
    assert not bank_v1.is_active


def test_the_retraining_task_trains_one_organisation_and_fans_out_per_organisation(
    model_dir, bank, furniture, bank_products, monkeypatch
) -> None:
    from intent import tasks

    buyers(bank, bank_products, 40)
    sent = []
    monkeypatch.setattr(tasks, "send_now", lambda task, *args: sent.append((task.name, args)))
    assert tasks.retrain_all_intent_task.run() == sorted(Organisation.objects.values_list("pk", flat=True))
    assert ("intent.tasks.retrain_intent_task", (bank.pk,)) in sent and len(sent) == Organisation.objects.count()

    from intent.training import train_intent

    monkeypatch.setattr(tasks, "train_intent", lambda options=None, **kw: train_intent(SMALL, **kw))
    assert tasks.retrain_intent_task.run(bank.pk).startswith(f"intent-{bank.pk}-")
    assert tasks.retrain_intent_task.run(furniture.pk) is None  # no history: stays on cold start
    assert not IntentModelVersion.objects.filter(organisation=furniture).exists()


# --- Lines of business --------------------------------------------------------------------------------------------
def test_intents_are_restricted_to_an_organisations_lines_and_filled_from_its_cold_start(
    bank, furniture, bank_products, furniture_products
) -> None:
    deposit, wealth, medical, accident = bank_products[1], bank_products[0], bank_products[2], bank_products[3]
    customer = CustomerFactory(organisation=bank)
    # A stale prediction (e.g. made before the catalogue was divided) names a sofa, a deposit and accident cover.
    stored = IntentPrediction.objects.create(
        customer=customer,
        intents=[
            {"product_id": furniture_products[0].pk, "product": "沙发", "probability": 0.5, "association": "x"},
            {"product_id": deposit.pk, "product": deposit.name, "probability": 0.3, "association": "x"},
            {"product_id": accident.pk, "product": accident.name, "probability": 0.2, "association": "x"},
        ],
    )
    banking = scoped_intents(customer, bank, ["banking"], prediction=stored)
    assert [i["product_id"] for i in banking] == [deposit.pk, wealth.pk]  # only two banking products exist
    assert banking[0]["association"] == "x" and banking[1]["association"] == "fallback"
    every_line = scoped_intents(customer, bank, prediction=stored)
    assert [i["product_id"] for i in every_line][:2] == [deposit.pk, accident.pk]
    assert every_line[2]["product_id"] in {wealth.pk, medical.pk}
    # The furniture company's scope never yields a bank product, even for a bank customer.
    assert organisation_of(i["product_id"] for i in scoped_intents(customer, furniture, prediction=stored)) == {
        furniture.pk
    }
    assert scoped_intents(customer, bank, ["home"], prediction=stored) == []  # the bank sells no furniture


def test_a_customer_without_history_gets_the_cold_start_product_of_the_lines(bank, bank_products) -> None:
    customer = CustomerFactory(organisation=bank)
    intents = scoped_intents(customer, bank, ["insurance"])
    assert {i["product_id"] for i in intents} == {bank_products[2].pk, bank_products[3].pk}
    assert all(i["association"] == "fallback" for i in intents)


# --- Greetings ------------------------------------------------------------------------------------------------------
def make_card(organisation, lines, name):
    from salescard.models import SmartCard

    salesperson = UserFactory(organisation=organisation, lines_of_business=lines)
    return SmartCard.objects.create(salesperson=salesperson, display_name=name)


def test_a_bank_card_greets_with_a_bank_product_and_a_furniture_card_with_furniture(
    bank, furniture, bank_products, furniture_products
) -> None:
    bank_card = make_card(bank, ["banking"], "陈静")
    home_card = make_card(furniture, [], "李明")
    for card, allowed in ((bank_card, bank_products[:2]), (home_card, furniture_products)):
        visitor = CustomerFactory(organisation=card.organisation)  # no history: the cold-start product
        greeting = greeting_for_card(visitor, card, None, style())
        assert greeting is not None and greeting.product_id in {p.pk for p in allowed}
        assert any(p.name in greeting.text for p in allowed)
    assert "沙发" not in greeting_for_card(CustomerFactory(organisation=bank), bank_card, None, style()).text


def test_greet_uses_the_salespersons_organisation_and_lines(bank, bank_products, furniture_products) -> None:
    salesperson = UserFactory(organisation=bank, lines_of_business=["insurance"])
    greeting = greet(CustomerFactory(organisation=bank), salesperson)
    assert greeting.product_id in {bank_products[2].pk, bank_products[3].pk}


def test_an_organisations_own_greeting_template_beats_the_product_wide_one(bank, furniture, bank_products) -> None:
    ctype = CommunicationType.objects.get(code="concise_results")
    category = bank_products[0].category
    GreetingTemplate.objects.create(
        communication_type=ctype, line_of_business="banking", language="zh-hans", text="通用：{product}"
    )
    own = GreetingTemplate.objects.create(
        organisation=bank, communication_type=ctype, line_of_business="banking", language="zh-hans",
        text="招财银行为您推荐{product}",
    )  # fmt: skip
    other = GreetingTemplate.objects.create(
        organisation=furniture, communication_type=ctype, category=category, language="zh-hans", text="别家：{product}"
    )
    invalidate_config()
    customer = CustomerFactory(organisation=bank)
    greeting = compose_greeting(customer, bank_products[0], style("concise_results"))
    assert greeting.template_id == own.pk and greeting.text == "招财银行为您推荐稳健理财30天"
    assert greeting.template_id != other.pk  # another company's template is never used, however specific


# --- Thresholds and portrait ------------------------------------------------------------------------------------------
def test_level_thresholds_are_the_organisations_own_else_product_wide(bank, furniture) -> None:
    product_wide = LevelThresholds.objects.filter(organisation__isnull=True).first()
    LevelThresholds.objects.create(organisation=bank, high_net_worth_points=500, general_points=400)
    invalidate_config()
    assert level_thresholds(bank.pk).high_net_worth_points == 500
    if product_wide is not None:
        assert level_thresholds(furniture.pk).pk == product_wide.pk
    rich = {"income_band": "gt100k", "assets": {"deposits": 9_000_000}}
    assert assess_level(CustomerFactory(organisation=bank, **rich)).level == "potential"
    assert assess_level(CustomerFactory(organisation=furniture, **rich)).level != "potential"


def test_portrait_names_interests_by_the_customers_own_organisations_categories(bank, furniture) -> None:
    ProductCategoryFactory(code="wealth", name="银行理财", organisation=bank)
    ProductCategoryFactory(code="wealth-home", name="别家品类", organisation=furniture)
    from crm.models import ProductCategory

    ProductCategory.objects.filter(code="wealth-home").update(code="wealth")  # the same code in both companies
    customer = CustomerFactory(organisation=bank, preferences={"interests": ["wealth"]})
    shown = [f.value for f in build_portrait(customer).preferences]
    assert "银行理财" in shown and "别家品类" not in shown
