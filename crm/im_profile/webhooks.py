"""The IM platform's webhooks (SPEC P1, P2, P5): who sent it, is it genuine, has it been seen, and what it changes.

Each request carries three headers:
- ``Authorization: Bearer <integration token>`` names the integration (only the token's SHA-256 is stored);
- ``X-SalesCard-Timestamp: <unix seconds>``, at most ``IM_WEBHOOK_TOLERANCE_SECONDS`` away from now;
- ``X-SalesCard-Signature: sha256=<hex>``, the HMAC-SHA256 of ``"<timestamp>.<raw body>"`` under the integration's
  signing secret — so a captured request cannot be replayed later or altered.
An event id seen before is answered "duplicate" and changes nothing. The event and everything it stores commit in
one transaction: a refused event stores nothing.

Extraction does not run here: a stored inbound message is queued for it (``crm.im_profile.tasks``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from crm import tenancy
from crm.im_profile.models import ImIntegration, ProfileChange, WebhookDelivery
from crm.im_profile.ocr import UnreadableImageError, open_image
from crm.im_profile.pushes import publish_changed
from crm.models import (
    BehaviorEvent,
    ChatGroup,
    ChatGroupMembership,
    ChatMessage,
    Customer,
    Friendship,
    User,
    token_hash,
)

SIGNATURE_PREFIX = "sha256="


class WebhookRefusedError(Exception):
    """The request is refused; ``status`` is the HTTP status and the message says why."""

    def __init__(self, status: int, message: str, field: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.field = field


def assign_credentials(integration: ImIntegration) -> tuple[str, str]:
    """Give the (unsaved or saved) integration a new bearer token and signing secret; returns both to show once."""
    token, secret = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    integration.token_hash = token_hash(token)
    integration.signing_secret = secret
    return token, secret


def create_integration(name: str, chat_link_template: str = "") -> tuple[ImIntegration, str, str]:
    integration = ImIntegration(name=name, chat_link_template=chat_link_template)
    token, secret = assign_credentials(integration)
    integration.save()
    return integration, token, secret


def rotate_credentials(integration: ImIntegration) -> tuple[str, str]:
    token, secret = assign_credentials(integration)
    integration.save(update_fields=["token_hash", "signing_secret", "updated_at"])
    return token, secret


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return SIGNATURE_PREFIX + digest


def authenticate(authorization: str, timestamp: str, signature: str, body: bytes) -> ImIntegration:
    """The integration that genuinely sent ``body`` now, or ``WebhookRefusedError`` (401) saying what is wrong."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise WebhookRefusedError(401, "Send the integration token as 'Authorization: Bearer <token>'.")
    integration = ImIntegration.objects.filter(token_hash=token_hash(token.strip())).first()
    if integration is None or not integration.is_active:
        raise WebhookRefusedError(401, "Unknown or disabled integration token.")
    try:
        sent_at = int(timestamp)
    except (TypeError, ValueError):
        raise WebhookRefusedError(401, "X-SalesCard-Timestamp must be the unix time in seconds.") from None
    if abs(time.time() - sent_at) > settings.IM_WEBHOOK_TOLERANCE_SECONDS:
        raise WebhookRefusedError(401, "The timestamp is too old or in the future: a replayed or delayed request.")
    if not signature or not hmac.compare_digest(sign(integration.signing_secret, timestamp, body), signature):
        raise WebhookRefusedError(401, "The signature does not match the body.")
    return integration


@dataclass
class Outcome:
    status: str  # "processed" or "duplicate"
    customer: Customer | None = None
    extract_message_ids: list[int] = field(default_factory=list)


def handle(integration: ImIntegration, event: dict[str, Any]) -> Outcome:
    """Apply one validated event (see ``crm.im_profile.serializers``) exactly once."""
    with transaction.atomic():
        if WebhookDelivery.objects.filter(integration=integration, event_id=event["event_id"]).exists():
            return Outcome("duplicate")
        delivery = WebhookDelivery.objects.create(
            integration=integration, event_id=event["event_id"], event_type=event["type"]
        )
        occurred_at = event.get("occurred_at") or timezone.now()
        outcome = HANDLERS[event["type"]](integration, event["data"], occurred_at, event["event_id"])
        if outcome.customer is not None:
            delivery.customer = outcome.customer
            delivery.save(update_fields=["customer"])
    return outcome


# --- People ----------------------------------------------------------------------------------------------------------
def staff_for(im_user_id: str, field_name: str = "staff_id", organisation: int | None = None) -> User:
    """The active member of staff with this IM id — of the integration's organisation (issue 19): another
    company's staff member is as unknown as nobody."""
    staff = tenancy.staff_of(organisation).filter(im_user_id=im_user_id).first() if organisation else None
    if staff is None:
        raise WebhookRefusedError(400, f"No active staff member has the IM account id {im_user_id!r}.", field_name)
    return staff


def upsert_customer(info: dict[str, Any], staff: User | None, organisation: int) -> tuple[Customer, bool]:
    """The customer of ``organisation`` with this IM id, created there from the platform's information when new.
    Fields the platform gives fill empty ones only: what staff entered or confirmed is never overwritten."""
    customer = Customer.objects.of(organisation).select_for_update().filter(external_im_id=info["external_id"]).first()
    created = customer is None
    if created:
        customer = Customer(
            external_im_id=info["external_id"], source=Customer.Source.IM, owner=staff, organisation_id=organisation
        )
        customer.name = info.get("name") or info["external_id"]
    changed = []
    for name in ("gender", "avatar_url", "phone", "company", "residence"):
        value = info.get(name)
        if value and not getattr(customer, name) or (name == "gender" and value and customer.gender == "unknown"):
            if getattr(customer, name) != value:
                changed.append((name, getattr(customer, name), value))
                setattr(customer, name, value)
    if not created and info.get("name") and customer.name == customer.external_im_id:
        changed.append(("name", customer.name, info["name"]))
        customer.name = info["name"]
    customer.save()
    if not created:
        ProfileChange.objects.bulk_create(
            ProfileChange(
                customer=customer, field=n, old_value=str(o or ""), new_value=str(v), via=ProfileChange.Via.IM
            )
            for n, o, v in changed
        )
    return customer, created


def customer_for(data: dict[str, Any], staff: User | None, organisation: int) -> Customer:
    if data.get("customer"):
        return upsert_customer(data["customer"], staff, organisation)[0]
    customer = Customer.objects.of(organisation).filter(external_im_id=data["customer_id"]).first()
    if customer is None:
        raise WebhookRefusedError(
            400, f"Unknown customer {data['customer_id']!r}: send friend.added first or include 'customer'.",
            "customer_id",
        )  # fmt: skip
    return customer


def _event_id(integration: ImIntegration, event_id: str) -> str:
    return f"im:{integration.pk}:{event_id}"[:100]


# --- Handlers --------------------------------------------------------------------------------------------------------
def friend_added(integration: ImIntegration, data: dict, occurred_at: datetime, event_id: str) -> Outcome:
    organisation = integration.organisation_id
    staff = staff_for(data["staff_id"], organisation=organisation)
    customer, _ = upsert_customer(data["customer"], staff, organisation)
    friendship, created = Friendship.objects.get_or_create(
        staff=staff, customer=customer, defaults={"since": occurred_at, "remark": data.get("remark", "")}
    )
    if not created and data.get("remark") and friendship.remark != data["remark"]:
        friendship.remark = data["remark"]
        friendship.save(update_fields=["remark"])
    BehaviorEvent.objects.create(
        customer=customer, staff=staff, kind=BehaviorEvent.Kind.FRIEND_ADDED, occurred_at=occurred_at,
        external_id=_event_id(integration, event_id),
    )  # fmt: skip
    publish_changed(customer.pk, ["profile", "closeness", "timeline"])
    return Outcome("processed", customer)


def friend_removed(integration: ImIntegration, data: dict, occurred_at: datetime, event_id: str) -> Outcome:
    staff = staff_for(data["staff_id"], organisation=integration.organisation_id)
    customer = customer_for(data, staff, integration.organisation_id)
    Friendship.objects.filter(staff=staff, customer=customer).delete()
    publish_changed(customer.pk, ["closeness"])
    return Outcome("processed", customer)


def group_changed(integration: ImIntegration, data: dict, occurred_at: datetime, event_id: str) -> Outcome:
    info = data["group"]
    group, _ = ChatGroup.objects.get_or_create(
        organisation_id=integration.organisation_id, external_id=info["external_id"], defaults={"name": info["name"]}
    )
    if info.get("name") and group.name != info["name"]:
        group.name = info["name"]
        group.save(update_fields=["name", "updated_at"])
    touched: set[int] = set()
    for member in data.get("joined", []):
        touched |= _join(group, member, occurred_at)
    for member in data.get("left", []):
        touched |= _leave(group, member, occurred_at)
    if data.get("dismissed"):
        touched |= set(group.memberships.filter(customer__isnull=False).values_list("customer_id", flat=True))
        group.memberships.all().delete()
    if not touched:
        # A renamed group, or a staff member joining: every customer of the group sees another closeness.
        touched = set(group.memberships.filter(customer__isnull=False).values_list("customer_id", flat=True))
    for customer_id in touched:
        publish_changed(customer_id, ["closeness", "timeline"])
    return Outcome("processed")


def _join(group: ChatGroup, member: dict, occurred_at: datetime) -> set[int]:
    if member.get("staff_id"):
        ChatGroupMembership.objects.get_or_create(
            group=group,
            staff=staff_for(member["staff_id"], "joined", organisation=group.organisation_id),
            defaults={"joined_at": occurred_at},
        )
        return set(group.memberships.filter(customer__isnull=False).values_list("customer_id", flat=True))
    customer, _ = upsert_customer(member["customer"], None, group.organisation_id)
    _, created = ChatGroupMembership.objects.get_or_create(
        group=group, customer=customer, defaults={"joined_at": occurred_at}
    )
    if created:
        BehaviorEvent.objects.create(
            customer=customer, kind=BehaviorEvent.Kind.JOINED_GROUP, occurred_at=occurred_at, target=group.name[:300]
        )
    return {customer.pk}


def _leave(group: ChatGroup, member: dict, occurred_at: datetime) -> set[int]:
    if member.get("staff_id"):
        group.memberships.filter(staff__im_user_id=member["staff_id"]).delete()
        return set(group.memberships.filter(customer__isnull=False).values_list("customer_id", flat=True))
    external_id = member["customer"]["external_id"]
    deleted, _ = group.memberships.filter(customer__external_im_id=external_id).delete()
    customer = Customer.objects.of(group.organisation_id).filter(external_im_id=external_id).first()
    if deleted and customer:
        BehaviorEvent.objects.create(
            customer=customer, kind=BehaviorEvent.Kind.LEFT_GROUP, occurred_at=occurred_at, target=group.name[:300]
        )
    return {customer.pk} if customer else set()


def message_received(integration: ImIntegration, data: dict, occurred_at: datetime, event_id: str) -> Outcome:
    organisation = integration.organisation_id
    staff = staff_for(data["staff_id"], organisation=organisation) if data.get("staff_id") else None
    customer = customer_for(data, staff, organisation)
    group = None
    if data.get("group_id"):
        group = ChatGroup.objects.of(integration.organisation_id).filter(external_id=data["group_id"]).first()
        if group is None:
            raise WebhookRefusedError(400, f"Unknown group {data['group_id']!r}: send group.changed first.", "group_id")
    # The same message id may exist at another company: a duplicate is one of this customer's (or group's) messages.
    earlier = ChatMessage.objects.filter(external_id=data["message_id"])
    earlier = earlier.filter(customer=customer) if customer is not None else earlier.filter(group=group)
    if earlier.exists():
        return Outcome("duplicate", customer)
    message = ChatMessage(
        customer=customer, staff=staff, group=group, direction=data["direction"], kind=data["kind"],
        text=data.get("text", ""), sent_at=data.get("sent_at") or occurred_at, external_id=data["message_id"],
    )  # fmt: skip
    if data["kind"] == ChatMessage.Kind.IMAGE:
        message.image.save(f"{data['message_id'][:40]}.{_image_suffix(data)}", _decode_image(data), save=False)
    message.save()
    outcome = Outcome("processed", customer)
    if message.direction == ChatMessage.Direction.INBOUND:
        outcome.extract_message_ids.append(message.pk)
    publish_changed(customer.pk, ["closeness"])
    return outcome


def _decode_image(data: dict) -> ContentFile:
    try:
        raw = base64.b64decode(data.get("image_base64", ""), validate=True)
    except (binascii.Error, ValueError):
        raise WebhookRefusedError(400, "image_base64 is not valid base64.", "image_base64") from None
    try:
        open_image(raw)
    except UnreadableImageError as error:
        raise WebhookRefusedError(400, str(error), "image_base64") from None
    return ContentFile(raw)


def _image_suffix(data: dict) -> str:
    return {"image/png": "png", "image/webp": "webp", "image/gif": "gif"}.get(data.get("image_type", ""), "jpg")


OPERATION_KINDS = {
    "card_open": BehaviorEvent.Kind.CARD_OPEN,
    "link_click": BehaviorEvent.Kind.LINK_CLICK,
    "article_read": BehaviorEvent.Kind.ARTICLE_READ,
    "moments_view": BehaviorEvent.Kind.MOMENTS_VIEW,
    "share": BehaviorEvent.Kind.SHARE,
    "tab_view": BehaviorEvent.Kind.TAB_VIEW,
}


def customer_operation(integration: ImIntegration, data: dict, occurred_at: datetime, event_id: str) -> Outcome:
    organisation = integration.organisation_id
    staff = staff_for(data["staff_id"], organisation=organisation) if data.get("staff_id") else None
    customer = customer_for(data, staff, organisation)
    BehaviorEvent.objects.create(
        customer=customer, staff=staff, kind=OPERATION_KINDS[data["operation"]], occurred_at=occurred_at,
        target=data.get("target", "")[:300], seconds=data.get("seconds"), external_id=_event_id(integration, event_id),
    )  # fmt: skip
    publish_changed(customer.pk, ["timeline", "closeness"])
    return Outcome("processed", customer)


HANDLERS = {
    "friend.added": friend_added,
    "friend.removed": friend_removed,
    "group.changed": group_changed,
    "message.received": message_received,
    "customer.operation": customer_operation,
}
