"""The bank's demo IM integration (``manage.py ensure_demo_im``): staff IM ids, a bank customer two of the bank's
salespeople share, fresh credentials on every run, and signed sidebar links to open as each of them. The integration
is in the bank's organisation (issue 19): its webhooks reach only the bank's staff and customers."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from crm.consent import current_consents, record_consent
from crm.im_profile.models import ImIntegration
from crm.im_profile.sidebar_tokens import issue_link_token
from crm.im_profile.webhooks import create_integration, rotate_credentials
from crm.models import Consent, Customer, Friendship, Organisation, User
from salescard.demo.companies import BANK, login_organisation

DEMO_INTEGRATION = "演示企业微信"
IM_PREFIX = "wx-"


@dataclass(frozen=True)
class DemoIm:
    integration: ImIntegration
    token: str
    secret: str
    customer: Customer | None
    links: dict[str, str]  # staff username → sidebar URL


def ensure_demo_im(base_url: str) -> DemoIm:
    with transaction.atomic():
        for user in User.objects.filter(im_user_id__isnull=True, is_active=True):
            user.im_user_id = IM_PREFIX + user.username
            user.save(update_fields=["im_user_id"])
        organisation = login_organisation(BANK)
        integration = ImIntegration.objects.filter(name=DEMO_INTEGRATION).first()
        if integration is None:
            integration, token, secret = create_integration(DEMO_INTEGRATION)
        else:
            token, secret = rotate_credentials(integration)
        if integration.organisation_id != organisation.pk:
            integration.organisation = organisation
            integration.save(update_fields=["organisation"])
        customer = shared_customer(organisation)
        links: dict[str, str] = {}
        if customer is not None:
            if not current_consents(customer)[Consent.Purpose.PROFILE_EXTRACTION]:
                record_consent(
                    customer, Consent.Purpose.PROFILE_EXTRACTION, True, Consent.Source.IM, note="demo: agreed in chat"
                )
            staff = User.objects.filter(
                friendships__customer=customer, organisation=organisation, is_active=True
            ).order_by("username")
            for member in staff:
                url = base_url.rstrip("/") + reverse("sidebar-open") + "?t=" + issue_link_token(member, customer)
                links[member.username] = url
    demo = DemoIm(integration, token, secret, customer, links)
    write_client_file(demo, base_url)
    return demo


def shared_customer(organisation: Organisation | None = None) -> Customer | None:
    """A customer of ``organisation`` (the bank's unless named) with an IM id who is the IM friend of two of its
    salespeople or more (the sync demo needs two)."""
    organisation = organisation or login_organisation(BANK)
    friends = Friendship.objects.filter(
        staff__role=User.Role.SALES,
        staff__organisation=organisation,
        customer__organisation=organisation,
        customer__external_im_id__isnull=False,
    )
    for customer_id in friends.values_list("customer_id", flat=True).order_by("customer_id"):
        if friends.filter(customer_id=customer_id).count() >= 2:
            return Customer.objects.get(pk=customer_id)
    first = friends.order_by("customer_id").first()
    return first.customer if first else None


def client_file() -> Path:
    return Path(settings.DATA_DIR) / "demo-im.json"


def write_client_file(demo: DemoIm, base_url: str) -> None:
    """What ``scripts/im_webhook.py`` needs to post signed demo events."""
    staff = (
        User.objects.filter(friendships__customer=demo.customer).order_by("username").first() if demo.customer else None
    )
    data = {
        "url": base_url.rstrip("/") + reverse("crm:im-webhook"),
        "token": demo.token,
        "secret": demo.secret,
        "customer_id": demo.customer.external_im_id if demo.customer else "",
        "staff_id": staff.im_user_id if staff else "",
    }
    path = client_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    path.chmod(0o600)
