"""Issue 19 at the branch: the top 3 of a queue ticket, the live demand and the feedback stay inside the branch's
organisation and the lines of business it serves. A 理财 ticket at a bank branch gets bank products only."""

from __future__ import annotations

from decimal import Decimal

import pytest

from branch.analysis import analyse_demand
from branch.demand import add_segment, catalogue_targets
from branch.feedback import FeedbackRefusedError, accuracy_by_branch_and_week, end_task
from branch.models import Branch, Task
from branch.tickets import take_ticket
from branch.tokens import register_wearable
from crm.models import Organisation, Product
from intent.models import IntentPrediction
from tests.factories import CustomerFactory, ProductCategoryFactory, ProductFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("inline_background")]


def product(organisation, code, line, category, name, price="1000"):
    return ProductFactory(
        category=ProductCategoryFactory(code=code, name=category, line_of_business=line, organisation=organisation),
        name=name,
        price=Decimal(price),
    )


@pytest.fixture
def companies():
    bank = Organisation.objects.create(name="招财银行")
    furniture = Organisation.objects.create(name="宜居家居")
    bank_products = [
        product(bank, "wealth", "banking", "理财", "稳健理财30天", "50000"),
        product(bank, "deposit", "banking", "存款", "三年期大额存单", "200000"),
        product(bank, "fund", "banking", "基金", "债券基金A", "10000"),
        product(bank, "accident", "insurance", "意外险", "户外运动意外险", "300"),
    ]
    home_products = [
        product(furniture, "sofa", "home", "沙发", "头层牛皮电动功能沙发", "12999"),
        product(furniture, "wardrobe", "home", "衣柜", "全屋定制衣柜", "15999"),
    ]
    manager = UserFactory(organisation=bank, role="manager")
    branch = Branch.objects.create(code="sz-futian", name="福田支行", manager=manager, lines_of_business=["banking"])
    assert branch.organisation == bank
    return bank, furniture, bank_products, home_products, branch


def ids(rows) -> list[int]:
    return [r["product_id"] for r in rows]


def test_a_wealth_ticket_at_a_bank_branch_gets_bank_products_of_its_lines_only(
    companies, django_capture_on_commit_callbacks
):
    bank, furniture, bank_products, home_products, branch = companies
    # The same phone is a furniture customer too: the bank branch must not pick that customer up.
    elsewhere = CustomerFactory(organisation=furniture, phone="13800138000")
    with django_capture_on_commit_callbacks(execute=True):
        taken = take_ticket(branch, number="A001", phone="13800138000", business="理财")
    task = Task.objects.get(pk=taken.task.pk)

    assert task.customer != elsewhere and task.customer.organisation == bank and task.analysed_at is not None
    assert len(task.recommendations) == 3
    banking = {p.pk for p in bank_products[:3]}
    assert set(ids(task.recommendations)) <= banking
    assert set(ids(task.demand["needs"])) <= banking


def test_a_stale_prediction_naming_other_companies_products_is_re_ranked_within_the_branch(companies):
    bank, _, bank_products, home_products, branch = companies
    customer = CustomerFactory(organisation=bank)
    IntentPrediction.objects.create(
        customer=customer,
        intents=[
            {"product_id": home_products[0].pk, "product": "沙发", "probability": 0.6, "association": "browsing_user"},
            {
                "product_id": bank_products[3].pk,
                "product": "意外险",
                "probability": 0.2,
                "association": "browsing_user",
            },
            {"product_id": bank_products[1].pk, "product": "存单", "probability": 0.1, "association": "browsing_user"},
        ],
    )
    task = Task.objects.create(branch=branch, customer=customer, business="理财")
    demand = analyse_demand(task)
    top = ids(demand.recommendations)
    assert top[0] == bank_products[1].pk  # the deposit the engine named, first
    assert set(top) <= {p.pk for p in bank_products[:3]} and len(top) == 3
    assert home_products[0].pk not in ids(demand.info["needs"]) and bank_products[3].pk not in ids(demand.info["needs"])


def test_live_demand_names_and_brings_in_only_the_branchs_products(companies):
    bank, _, bank_products, home_products, branch = companies
    targets = catalogue_targets(branch)
    named = {(t.kind, t.id) for t in targets}
    assert ("product", home_products[0].pk) not in named and ("product", bank_products[3].pk) not in named
    assert {t.id for t in targets if t.kind == "product"} == {p.pk for p in bank_products[:3]}

    wearable, _ = register_wearable("watch-b1", staff=UserFactory(organisation=bank))
    wearable.branch = branch
    wearable.save()
    needs = [
        {"product_id": p.pk, "product": p.name, "probability": 0.5 - i * 0.1, "reason": "r"}
        for i, p in enumerate(bank_products[:3])
    ]
    task = Task.objects.create(
        branch=branch,
        customer=CustomerFactory(organisation=bank),
        status=Task.Status.STARTED,
        wearable=wearable,
        recommendations=needs[:3],
        demand={"needs": needs},
    )
    # Neither the sofa (another company) nor accident cover (a line this branch does not serve) can come in.
    assert add_segment(task, wearable.pk, "我对沙发很感兴趣，意外险也感兴趣")[1] is None
    _, update = add_segment(task, wearable.pk, "理财不考虑")
    assert set(ids(update.recommendations)) <= {p.pk for p in bank_products[:3]}
    assert ids(update.recommendations)[-1] == bank_products[0].pk


def test_feedback_refuses_another_companys_product_and_accuracy_is_per_organisation(companies):
    bank, furniture, bank_products, home_products, branch = companies
    wearable, _ = register_wearable("watch-b2", staff=UserFactory(organisation=bank))
    wearable.branch = branch
    wearable.save()
    task = Task.objects.create(
        branch=branch,
        customer=CustomerFactory(organisation=bank),
        status=Task.Status.STARTED,
        wearable=wearable,
        recommendations=[{"product_id": bank_products[0].pk}],
        demand={"needs": []},
    )
    with pytest.raises(FeedbackRefusedError, match="No such product"):
        end_task(wearable, task.pk, success=True, product=home_products[0].pk, preferences=[])
    end_task(wearable, task.pk, success=True, product=bank_products[0].pk, preferences=[])
    assert accuracy_by_branch_and_week(bank)[0]["tasks"] == 1
    assert accuracy_by_branch_and_week(furniture) == []
    assert Product.objects.get(pk=home_products[0].pk).organisation == furniture
