"""The CRM REST API: authentication, role and relation scoping, validation, atomic writes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from crm.models import ChatGroup, ChatGroupMembership, Consent, Customer, Friendship, Product
from tests.factories import CustomerFactory, ProductCategoryFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db

CUSTOMERS = "/api/crm/customers/"
PRODUCTS = "/api/crm/products/"

NEW_CUSTOMER = {
    "name": "陈晓雯",
    "gender": "female",
    "birthday": "1990-03-08",
    "residence": "广东广州天河区",
    "hobbies": ["茶艺", "徒步"],
    "mbti": "ISFJ",
    "language": "yue",
    "dialect": "cantonese",
    "phone": "13922334455",
    "income_band": "20k-50k",
    "monthly_online_spend": "4200.00",
    "assets": {"deposits": 500000, "insurance": 80000},
}


def test_unauthenticated_request_gets_401(api_client) -> None:
    response = api_client.get(CUSTOMERS)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")


def test_token_is_issued_for_good_credentials_only(api_client) -> None:
    UserFactory(username="li.ming", password="correct-horse-battery-staple")
    bad = api_client.post("/api/auth/token/", {"username": "li.ming", "password": "wrong"})
    assert bad.status_code == 400
    good = api_client.post("/api/auth/token/", {"username": "li.ming", "password": "correct-horse-battery-staple"})
    assert good.status_code == 200 and len(good.json()["token"]) >= 40  # 32 random bytes, URL-safe
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {good.json()['token']}")
    assert api_client.get("/api/crm/customers/").status_code == 200


def test_salesperson_sees_owned_befriended_and_group_customers_only(client_for, salesperson) -> None:
    owned = CustomerFactory(owner=salesperson)
    friend = CustomerFactory(owner=UserFactory())
    Friendship.objects.create(staff=salesperson, customer=friend)
    in_group = CustomerFactory(owner=UserFactory())
    group = ChatGroup.objects.create(name="新房装修群")
    ChatGroupMembership.objects.create(group=group, staff=salesperson)
    ChatGroupMembership.objects.create(group=group, customer=in_group)
    stranger = CustomerFactory(owner=UserFactory())

    response = client_for(salesperson).get(CUSTOMERS)

    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    assert ids == {owned.pk, friend.pk, in_group.pk}
    assert client_for(salesperson).get(f"{CUSTOMERS}{stranger.pk}/").status_code == 404


def test_manager_sees_every_customer_paginated(client_for, manager) -> None:
    CustomerFactory.create_batch(60)
    body = client_for(manager).get(CUSTOMERS, {"page_size": 25}).json()
    assert body["count"] == 60 and len(body["results"]) == 25 and body["next"]


def test_branch_staff_gets_no_customer_access(client_for, branch_staff, customer) -> None:
    assert client_for(branch_staff).get(CUSTOMERS).status_code == 403


def test_salesperson_creates_a_customer_owned_by_themselves(client_for, salesperson) -> None:
    other = UserFactory(role="sales")
    response = client_for(salesperson).post(CUSTOMERS, NEW_CUSTOMER, format="json")
    assert response.status_code == 201, response.json()
    created = Customer.objects.get(pk=response.json()["id"])
    assert created.owner == salesperson and created.assets == {"deposits": 500000, "insurance": 80000}
    refused = client_for(salesperson).post(CUSTOMERS, {**NEW_CUSTOMER, "owner": other.pk}, format="json")
    assert refused.status_code == 400 and "owner" in refused.json()


def test_manager_assigns_a_customer_to_a_salesperson(client_for, manager, salesperson) -> None:
    response = client_for(manager).post(CUSTOMERS, {**NEW_CUSTOMER, "owner": salesperson.pk}, format="json")
    assert response.status_code == 201
    assert Customer.objects.get(pk=response.json()["id"]).owner == salesperson


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("birthday", "2999-01-01", "future"),
        ("assets", {"bitcoin": 1}, "Unknown asset classes"),
        ("assets", {"deposits": -100}, "at least 0"),
        ("mbti", "ABCD", "not a valid choice"),
        ("phone", "call me", "phone number"),
        ("monthly_online_spend", "-5", "greater than or equal to 0"),
        ("hobbies", "读书", "list"),
        ("email", "not-an-email", "valid email"),
        ("preferences", ["灰色"], "object"),
    ],
)
def test_bad_customer_field_is_400_with_field_message_and_nothing_written(
    client_for, salesperson, field, value, message
) -> None:
    before = Customer.objects.count()
    response = client_for(salesperson).post(CUSTOMERS, {**NEW_CUSTOMER, field: value}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert message.lower() in " ".join(map(str, response.json()[field])).lower()
    assert Customer.objects.count() == before


def test_failed_update_leaves_the_customer_unchanged(client_for, salesperson, customer) -> None:
    response = client_for(salesperson).patch(
        f"{CUSTOMERS}{customer.pk}/", {"name": "改名", "assets": {"deposits": "很多"}}, format="json"
    )
    assert response.status_code == 400
    customer.refresh_from_db()
    assert customer.name != "改名"


def test_only_managers_delete_customers(client_for, salesperson, manager, customer) -> None:
    assert client_for(salesperson).delete(f"{CUSTOMERS}{customer.pk}/").status_code == 403
    assert Customer.objects.filter(pk=customer.pk).exists()
    assert client_for(manager).delete(f"{CUSTOMERS}{customer.pk}/").status_code == 204


def test_customers_filter_by_language_and_search_by_phone(client_for, manager) -> None:
    cantonese = CustomerFactory(language="yue", phone="13600001111")
    CustomerFactory(language="zh-hans")
    api = client_for(manager)
    assert [r["id"] for r in api.get(CUSTOMERS, {"language": "yue"}).json()["results"]] == [cantonese.pk]
    assert [r["id"] for r in api.get(CUSTOMERS, {"search": "13600001111"}).json()["results"]] == [cantonese.pk]


def test_consent_decisions_are_recorded_and_shown(client_for, salesperson, customer) -> None:
    api = client_for(salesperson)
    url = f"{CUSTOMERS}{customer.pk}/consents/"
    assert api.post(url, {"purpose": "usage_data", "granted": True, "source": "card"}, format="json").status_code == 201
    assert api.get(f"{CUSTOMERS}{customer.pk}/").json()["consents"]["usage_data"] is True
    assert (
        api.post(url, {"purpose": "usage_data", "granted": False, "source": "phone"}, format="json").status_code == 201
    )
    assert api.get(f"{CUSTOMERS}{customer.pk}/").json()["consents"]["usage_data"] is False
    assert [c["granted"] for c in api.get(url).json()] == [False, True]
    bad = api.post(url, {"purpose": "resell", "granted": True}, format="json")
    assert bad.status_code == 400 and "purpose" in bad.json()
    assert Consent.objects.filter(customer=customer).count() == 2


def test_staff_read_products_and_only_managers_change_them(client_for, salesperson, manager) -> None:
    product = ProductFactory()
    assert client_for(salesperson).get(PRODUCTS).json()["results"][0]["category_name"] == "沙发"
    patch = {"price": "4999.00"}
    assert client_for(salesperson).patch(f"{PRODUCTS}{product.pk}/", patch, format="json").status_code == 403
    assert client_for(manager).patch(f"{PRODUCTS}{product.pk}/", patch, format="json").status_code == 200
    product.refresh_from_db()
    assert product.price == Decimal("4999.00")


def test_product_with_negative_price_or_list_specs_is_refused(client_for, manager) -> None:
    category = ProductCategoryFactory()
    payload = {"sku": "HOME-SOFA-9", "name": "皮质沙发", "category": category.pk, "price": "-1", "specs": ["真皮"]}
    response = client_for(manager).post(PRODUCTS, payload, format="json")
    assert response.status_code == 400
    assert {"price", "specs"} <= set(response.json())
    assert not Product.objects.filter(sku="HOME-SOFA-9").exists()


def test_products_filter_by_line_of_business(client_for, salesperson) -> None:
    ProductFactory()
    deposit = ProductFactory(
        category=ProductCategoryFactory(code="deposit", name="定期存款", line_of_business="banking")
    )
    rows = client_for(salesperson).get(PRODUCTS, {"line_of_business": "banking"}).json()["results"]
    assert [r["id"] for r in rows] == [deposit.pk]


def test_openapi_schema_and_docs_are_served_to_staff(client_for, salesperson, api_client) -> None:
    schema = client_for(salesperson).get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    assert "/api/crm/customers/" in schema.json()["paths"]
    assert api_client.get("/api/schema/").status_code == 401


def test_error_messages_default_to_simplified_chinese(salesperson) -> None:
    from rest_framework.test import APIClient

    from base.api_tokens import issue_token

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(salesperson)}")
    response = api.post(CUSTOMERS, {**NEW_CUSTOMER, "email": "not-an-email"}, format="json")
    assert response.status_code == 400
    assert "邮件地址" in response.json()["email"][0]
