"""CRM models: the invariants a sales team relies on."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from crm.consent import current_consents, record_consent
from crm.models import BehaviorEvent, ChatGroup, ChatGroupMembership, ChatMessage, Consent, Customer, Tag, User
from crm.permissions import RoleBackend
from tests.factories import BehaviorEventFactory, CustomerFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_manager_role_opens_the_admin_and_sales_role_does_not() -> None:
    manager = UserFactory(role=User.Role.MANAGER)
    sales = UserFactory(role=User.Role.SALES)
    assert manager.is_staff and manager.is_manager
    assert not sales.is_staff and not sales.is_manager


def test_role_backend_grants_managers_the_product_apps_only() -> None:
    backend = RoleBackend()
    manager = UserFactory(role=User.Role.MANAGER)
    sales = UserFactory(role=User.Role.SALES)
    assert backend.has_perm(manager, "crm.change_customer")
    assert backend.has_module_perms(manager, "branch")
    assert not backend.has_perm(manager, "auth.change_permission")
    assert not backend.has_perm(sales, "crm.view_customer")
    manager.is_active = False
    assert not backend.has_perm(manager, "crm.view_customer")


def test_customer_age_counts_whole_years() -> None:
    today = timezone.localdate()
    customer = CustomerFactory(birthday=today.replace(year=today.year - 30) + datetime.timedelta(days=1))
    assert customer.age == 29


def test_customer_rejects_future_birthday_and_unknown_asset_class() -> None:
    customer = CustomerFactory.build(
        birthday=timezone.localdate() + datetime.timedelta(days=3), assets={"bitcoin": 5, "deposits": -1}
    )
    with pytest.raises(ValidationError) as error:
        customer.full_clean()
    assert "birthday" in error.value.message_dict
    assert "bitcoin" in error.value.message_dict["assets"][0]


def test_negative_online_spend_is_refused_by_the_database() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        CustomerFactory(monthly_online_spend=Decimal("-1"))


def test_latest_consent_decision_wins_and_no_decision_means_no_consent() -> None:
    customer = CustomerFactory()
    assert not customer.has_consent(Consent.Purpose.USAGE_DATA)
    record_consent(customer, Consent.Purpose.USAGE_DATA, True, source=Consent.Source.CARD)
    assert customer.has_consent(Consent.Purpose.USAGE_DATA)
    record_consent(customer, Consent.Purpose.USAGE_DATA, False, source=Consent.Source.CARD, note="客户撤回")
    assert not customer.has_consent(Consent.Purpose.USAGE_DATA)
    assert current_consents(customer) == {purpose: False for purpose in Consent.Purpose.values}
    assert customer.consents.count() == 2, "withdrawal is recorded, the grant is kept in the log"


def test_unknown_consent_purpose_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown consent purpose"):
        record_consent(CustomerFactory(), "sell_to_third_parties", True)


def test_enterprise_tag_names_are_unique_but_personal_tags_may_repeat_them() -> None:
    Tag.objects.create(name="高净值")
    Tag.objects.create(name="高净值", owner=UserFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        Tag.objects.create(name="高净值")


def test_group_member_is_staff_or_customer_never_both() -> None:
    group = ChatGroup.objects.create(name="深圳南山理财交流群")
    with pytest.raises(IntegrityError), transaction.atomic():
        ChatGroupMembership.objects.create(group=group, staff=UserFactory(), customer=CustomerFactory())


def test_text_message_needs_text() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        ChatMessage.objects.create(customer=CustomerFactory(), direction=ChatMessage.Direction.INBOUND, text="")


def test_event_requires_the_fields_its_kind_needs() -> None:
    event = BehaviorEventFactory.build(
        customer=CustomerFactory(), kind=BehaviorEvent.Kind.TRANSACTION, product=None, amount=None
    )
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert set(error.value.message_dict) >= {"product", "amount"}


def test_event_in_the_future_is_refused() -> None:
    event = BehaviorEventFactory.build(
        customer=CustomerFactory(), occurred_at=timezone.now() + datetime.timedelta(days=1)
    )
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "occurred_at" in error.value.message_dict


def test_usage_kinds_are_marked_as_usage_data() -> None:
    product = ProductFactory()
    browse = BehaviorEventFactory(kind=BehaviorEvent.Kind.BROWSE, product=product, seconds=95)
    click = BehaviorEventFactory(kind=BehaviorEvent.Kind.PRODUCT_CLICK, product=product)
    assert browse.is_usage_data and not click.is_usage_data


def test_customer_listing_uses_recency_index() -> None:
    owner = UserFactory()
    older = CustomerFactory(owner=owner)
    newer = CustomerFactory(owner=owner)
    assert list(Customer.objects.filter(owner=owner)) == [newer, older]


def test_chinese_staff_names_read_family_name_first() -> None:
    assert UserFactory(last_name="陈", first_name="静").get_full_name() == "陈静"
    assert UserFactory(last_name="Smith", first_name="Anna").get_full_name() == "Anna Smith"


def test_group_post_needs_no_customer_but_a_message_needs_a_customer_or_group() -> None:
    group = ChatGroup.objects.create(name="新房装修群")
    post = ChatMessage.objects.create(
        group=group, staff=UserFactory(), direction=ChatMessage.Direction.OUTBOUND, text="本周六样板间开放，欢迎参观"
    )
    assert str(post).startswith("新房装修群")
    with pytest.raises(IntegrityError), transaction.atomic():
        ChatMessage.objects.create(direction=ChatMessage.Direction.OUTBOUND, text="发给谁？")


def test_event_source_id_is_unique() -> None:
    BehaviorEventFactory(external_id="im-evt-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        BehaviorEventFactory(external_id="im-evt-1")
