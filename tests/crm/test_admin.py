"""The managers' admin: every model's pages open for a manager, and only for managers."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from crm.models import BehaviorEvent, Consent, Customer, CustomerTag, Tag
from tests.factories import BehaviorEventFactory, CustomerFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db

PRODUCT_APPS = {"crm", "intent", "dialogue", "branch", "salescard"}


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def registered_product_models():
    return [model for model in admin.site._registry if model._meta.app_label in PRODUCT_APPS]


def test_every_product_model_has_an_admin() -> None:
    from django.apps import apps

    models = {m for m in apps.get_models() if m._meta.app_label in PRODUCT_APPS}
    assert models - set(registered_product_models()) == set()


def test_manager_opens_every_changelist_and_add_page(manager_client) -> None:
    CustomerFactory()
    ProductFactory()
    for model in registered_product_models():
        opts = model._meta
        changelist = manager_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        assert changelist.status_code == 200, opts.label
        if admin.site._registry[model].has_add_permission(changelist.wsgi_request):
            assert manager_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 200


def test_customer_page_shows_tags_consents_and_recent_events(manager_client, manager) -> None:
    customer = CustomerFactory(name="黄嘉欣")
    CustomerTag.objects.create(customer=customer, tag=Tag.objects.create(name="粤语客户"), added_by=manager)
    Consent.objects.create(customer=customer, purpose=Consent.Purpose.USAGE_DATA, granted=True)
    BehaviorEventFactory(customer=customer, kind=BehaviorEvent.Kind.SEARCH, query="重疾险怎么选")
    page = manager_client.get(reverse("admin:crm_customer_change", args=[customer.pk])).content.decode()
    assert "粤语客户" in page
    assert "重疾险怎么选" in page
    assert "consents-TOTAL_FORMS" in page


def test_customer_text_is_escaped_in_the_admin(manager_client) -> None:
    customer = CustomerFactory(name="<script>alert(1)</script>")
    BehaviorEventFactory(customer=customer, kind=BehaviorEvent.Kind.SEARCH, query="<img src=x onerror=alert(1)>")
    page = manager_client.get(reverse("admin:crm_customer_change", args=[customer.pk])).content.decode()
    assert "<img src=x" not in page and "<script>alert(1)" not in page


def test_customer_list_searches_by_phone(manager_client) -> None:
    CustomerFactory(name="周子轩", phone="13712345678")
    CustomerFactory(name="吴雨桐")
    page = manager_client.get(reverse("admin:crm_customer_changelist"), {"q": "13712345678"}).content.decode()
    assert "周子轩" in page and "吴雨桐" not in page


def test_admin_is_in_simplified_chinese_by_default(manager_client) -> None:
    page = manager_client.get(reverse("admin:index")).content.decode()
    assert "客户" in page


def test_salesperson_cannot_enter_the_admin(client, salesperson) -> None:
    client.force_login(salesperson)
    response = client.get(reverse("admin:crm_customer_changelist"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_consent_log_cannot_be_edited_in_place(manager_client) -> None:
    consent = Consent.objects.create(customer=CustomerFactory(), purpose=Consent.Purpose.CONTACT, granted=True)
    url = reverse("admin:crm_consent_change", args=[consent.pk])
    manager_client.post(url, {"purpose": "contact", "granted": "", "customer": consent.customer_id})
    consent.refresh_from_db()
    assert consent.granted is True


def test_non_superuser_manager_cannot_make_superusers(manager_client) -> None:
    other = UserFactory(role="sales")
    page = manager_client.get(reverse("admin:crm_user_change", args=[other.pk])).content.decode()
    assert 'name="is_superuser"' not in page
    assert Customer.objects.count() == 0
