"""Organisations as the tenant boundary (issue 19), unit by unit: who sees which customers (``crm.access``), the
admin shown one organisation at a time (``crm.admin_scoping``), API serializers that take only the caller's
organisation's ids, the IM integration's and the kiosk's organisation, and managers' pushes per organisation."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client

from branch.models import Branch
from branch.tickets import take_ticket
from crm import tenancy
from crm.access import customer_exists_for, customers_visible_to
from crm.admin_scoping import TenantAdminMixin, is_scoped, visible_rows
from crm.im_profile.webhooks import create_integration, handle
from crm.models import Customer, Friendship, Organisation, ProductCategory, Tag, User
from dialogue.handoff_delivery import manager_group_of, managers_groups_for
from dialogue.models import ScoringSettings
from tests.factories import CustomerFactory, ProductCategoryFactory, UserFactory


@pytest.fixture
def two(db):
    """Two companies, each with a manager, two salespeople and a customer of the first salesperson."""
    orgs = {}
    for key, name in (("a", "家居生活馆"), ("b", "招财银行")):
        org = Organisation.default() if key == "a" else Organisation.objects.create(name=name)
        manager = UserFactory(username=f"mgr-{key}", role="manager", organisation=org)
        sales = UserFactory(username=f"sales-{key}", role="sales", organisation=org, im_user_id=f"wx-sales-{key}")
        other = UserFactory(username=f"other-{key}", role="sales", organisation=org)
        customer = CustomerFactory(owner=sales, name=f"客户{key.upper()}", phone="13900000000", external_im_id="wx-c")
        orgs[key] = {"org": org, "manager": manager, "sales": sales, "other": other, "customer": customer}
    return orgs


# --- crm.access ------------------------------------------------------------------------------------------------------
def test_a_manager_sees_only_their_organisations_customers(two) -> None:
    a, b = two["a"], two["b"]
    assert list(customers_visible_to(a["manager"])) == [a["customer"]]
    assert list(customers_visible_to(b["manager"])) == [b["customer"]]


def test_a_superuser_without_an_organisation_sees_every_customer(two) -> None:
    root = User.objects.create_superuser("root", "root@example.cn", "x" * 12)
    assert root.organisation_id is None
    assert set(customers_visible_to(root)) == {two["a"]["customer"], two["b"]["customer"]}


def test_a_salesperson_sees_linked_customers_of_their_organisation_only(two) -> None:
    a, b = two["a"], two["b"]
    assert list(customers_visible_to(a["sales"])) == [a["customer"]]
    assert list(customers_visible_to(a["other"])) == []
    # A friendship with another company's customer (bad data) links nothing across the boundary.
    Friendship.objects.create(staff=a["other"], customer=b["customer"])
    assert list(customers_visible_to(a["other"])) == []


def test_customer_exists_for_knows_only_the_own_organisation(two) -> None:
    a, b = two["a"], two["b"]
    assert customer_exists_for(a["other"], a["customer"].pk)  # exists, not linked: 403 territory
    assert not customer_exists_for(a["other"], b["customer"].pk)  # another company's: 404
    assert not customer_exists_for(a["other"], "nope")


def test_managers_of_and_their_groups(two) -> None:
    a, b = two["a"], two["b"]
    assert list(tenancy.managers_of(a["org"])) == [a["manager"]]
    assert manager_group_of(a["manager"]) == f"managers.{a['org'].pk}"
    assert manager_group_of(b["manager"]) != manager_group_of(a["manager"])
    assert managers_groups_for(b["org"].pk) == [f"managers.{b['org'].pk}", tenancy.ALL_MANAGERS_GROUP]


# --- API serializers -------------------------------------------------------------------------------------------------
def test_a_customer_cannot_be_given_to_another_organisations_salesperson(two, client_for) -> None:
    a, b = two["a"], two["b"]
    api = client_for(a["manager"])
    answer = api.patch(f"/api/crm/customers/{a['customer'].pk}/", {"owner": b["sales"].pk}, format="json")
    assert answer.status_code == 400
    assert "does not exist" in str(answer.json()["owner"])
    assert Customer.objects.get(pk=a["customer"].pk).owner == a["sales"]


def test_a_product_goes_only_into_a_category_of_the_organisation(two, client_for) -> None:
    b_category = ProductCategoryFactory(code="wealth", name="理财")
    ProductCategory.objects.filter(pk=b_category.pk).update(organisation=two["b"]["org"])
    api = client_for(two["a"]["manager"])
    answer = api.post("/api/crm/products/", {"sku": "X1", "name": "沙发", "category": b_category.pk}, format="json")
    assert answer.status_code == 400 and "category" in answer.json()
    assert api.get(f"/api/crm/product-categories/{b_category.pk}/").status_code == 404


def test_a_category_created_by_a_manager_belongs_to_their_organisation(two, client_for) -> None:
    api = client_for(two["b"]["manager"])
    category = {"code": "deposits", "name": "存款", "line_of_business": "banking"}
    answer = api.post("/api/crm/product-categories/", category, format="json")
    assert answer.status_code == 201
    assert ProductCategory.objects.get(pk=answer.json()["id"]).organisation == two["b"]["org"]


# --- IM integration and kiosk ----------------------------------------------------------------------------------------
def test_webhooks_resolve_ids_within_the_integrations_organisation(two) -> None:
    a, b = two["a"], two["b"]
    integration, _, _ = create_integration("企业微信 B")
    integration.organisation = b["org"]
    integration.save()
    data = {"message_id": "m1", "customer_id": "wx-c", "direction": "in", "kind": "text", "text": "你好"}
    event = {"event_id": "e1", "type": "message.received", "data": data}
    outcome = handle(integration, event)
    assert outcome.customer == b["customer"]  # the same IM id in company A is another customer
    from crm.im_profile.webhooks import WebhookRefusedError

    refused = {"event_id": "e2", "type": "friend.added",
               "data": {"staff_id": "wx-sales-a", "customer": {"external_id": "wx-new", "name": "新客"}}}  # fmt: skip
    with pytest.raises(WebhookRefusedError):
        handle(integration, refused)  # company A's salesperson is nobody to B's integration
    added = {"event_id": "e3", "type": "friend.added",
             "data": {"staff_id": "wx-sales-b", "customer": {"external_id": "wx-new", "name": "新客"}}}  # fmt: skip
    assert handle(integration, added).customer.organisation == b["org"]
    assert not Customer.objects.of(a["org"]).filter(external_im_id="wx-new").exists()


def test_a_kiosk_knows_customers_of_its_branchs_organisation_only(two) -> None:
    b = two["b"]
    staff_b = UserFactory(username="teller-b", role="branch_staff", organisation=b["org"])
    branch = Branch.objects.create(code="sz", name="南山支行", manager=staff_b)
    assert branch.organisation == b["org"]
    taken = take_ticket(branch, number="A001", phone="13900000000")
    assert taken.ticket.customer == b["customer"]  # not company A's customer with the same phone
    fresh = take_ticket(branch, number="A002", phone="13911112222")
    assert fresh.ticket.customer.organisation == b["org"]


# --- Admin -----------------------------------------------------------------------------------------------------------
def test_every_model_admin_of_every_app_is_scoped() -> None:
    unscoped = [type(a).__name__ for a in admin.site._registry.values() if not is_scoped(a)]
    assert not unscoped, f"admins without crm.admin_scoping: {unscoped}"


def test_a_manager_gets_404_on_another_organisations_change_page(two) -> None:
    a, b = two["a"], two["b"]
    browser = Client()
    browser.force_login(a["manager"])
    assert browser.get(f"/admin/crm/customer/{a['customer'].pk}/change/").status_code == 200
    assert browser.get(f"/admin/crm/customer/{b['customer'].pk}/change/").status_code == 404
    assert browser.get(f"/admin/crm/user/{b['sales'].pk}/change/").status_code == 404
    listing = browser.get("/admin/crm/customer/").content.decode()
    assert a["customer"].name in listing and b["customer"].name not in listing
    # The owner filter and the owner choices list only the manager's colleagues.
    page = browser.get(f"/admin/crm/customer/{a['customer'].pk}/change/").content.decode()
    assert "sales-b" not in page and 'name="organisation"' not in page


def test_a_superuser_sees_all_and_filters_by_organisation(two) -> None:
    root = User.objects.create_superuser("root", "root@example.cn", "x" * 12)
    browser = Client()
    browser.force_login(root)
    listing = browser.get("/admin/crm/customer/").content.decode()
    assert two["a"]["customer"].name in listing and two["b"]["customer"].name in listing
    assert "organisation__id__exact" in listing
    page = browser.get(f"/admin/crm/customer/{two['b']['customer'].pk}/change/").content.decode()
    assert 'name="organisation"' in page


def test_a_manager_adds_rows_to_their_organisation(two) -> None:
    b = two["b"]
    browser = Client()
    browser.force_login(b["manager"])
    answer = browser.post("/admin/crm/tag/add/", {"name": "高净值", "colour": "#336699"})
    assert answer.status_code == 302, answer.content.decode()[:500]
    assert Tag.objects.get(name="高净值").organisation == b["org"]


def test_product_wide_defaults_are_read_only_for_a_manager(two, rf) -> None:
    default = ScoringSettings.objects.filter(organisation__isnull=True).first() or ScoringSettings.objects.create()
    own = ScoringSettings.objects.create(organisation=two["b"]["org"])
    model_admin = admin.site._registry[ScoringSettings]
    request = rf.get("/admin/")
    request.user = two["a"]["manager"]
    assert isinstance(model_admin, TenantAdminMixin)
    assert set(visible_rows(ScoringSettings.objects.all(), request)) == {default}
    assert not model_admin.has_change_permission(request, default)
    request.user = two["b"]["manager"]
    assert set(model_admin.get_queryset(request)) == {default, own}
    assert model_admin.has_change_permission(request, own)


def test_every_admin_page_opens_for_a_manager_and_for_a_superuser(two) -> None:
    """The scoping mixed into every admin (list filters, fieldsets, choices) breaks no page."""
    from django.urls import NoReverseMatch, reverse

    root = User.objects.create_superuser("root", "root@example.cn", "x" * 12)
    for user in (two["a"]["manager"], root):
        browser = Client()
        browser.force_login(user)
        for model in admin.site._registry:
            info = (model._meta.app_label, model._meta.model_name)
            for page in ("changelist", "add"):
                try:
                    url = reverse(f"admin:{info[0]}_{info[1]}_{page}")
                except NoReverseMatch:
                    continue
                status = browser.get(url).status_code
                assert status in (200, 302, 403), f"{url} as {user.username}: {status}"
