"""Card links and card events (SPEC S1, S9, P5, X3).

A personal link belongs to one customer; a generic link serves unknown visitors (who become leads after the
consent notice, with the card page). Tokens are 32 random URL-safe bytes, so they are unguessable and fit in a
channel-group name. A revoked or expired link is gone (410), an unknown token is not found (404).
Every card event is also written as the customer's behaviour event, so the profile timeline (P5) and the intent
engine see card activity.
"""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from crm.consent import record_consent
from crm.models import BehaviorEvent, Consent, Customer
from salescard.models import CardEvent, CardLink, SmartCard

BEHAVIOUR_OF = {
    CardEvent.Kind.OPENED: BehaviorEvent.Kind.CARD_OPEN,
    CardEvent.Kind.TAB_VIEWED: BehaviorEvent.Kind.TAB_VIEW,
    CardEvent.Kind.SHARED: BehaviorEvent.Kind.SHARE,
    CardEvent.Kind.CONTACT_SAVED: BehaviorEvent.Kind.LINK_CLICK,
    CardEvent.Kind.PURCHASE_CLICKED: BehaviorEvent.Kind.PRODUCT_CLICK,
}


class LinkNotFoundError(LookupError):
    """No card link has this token."""


class LinkGoneError(LookupError):
    """The link existed but was revoked or has expired."""


def new_token() -> str:
    return secrets.token_urlsafe(32)


def issue_link(
    card: SmartCard, customer: Customer | None = None, *, valid_for: datetime.timedelta | None = None
) -> CardLink:
    """The customer's live personal link for this card (created when there is none), or a new generic link.

    A personal link expires after ``CARD_LINK_VALID_DAYS`` unless ``valid_for`` says otherwise (sharing it again
    then issues a fresh one); a generic (public) link is a business card and has no expiry unless given one."""
    if customer is not None and customer.organisation_id != card.organisation_id:
        # A card speaks for its organisation only: another company's customer gets no link of it (issue 19).
        raise ValueError("The customer belongs to another organisation than the card.")
    if valid_for is None and customer is not None:
        valid_for = datetime.timedelta(days=settings.CARD_LINK_VALID_DAYS)
    expires_at = timezone.now() + valid_for if valid_for else None
    with transaction.atomic():
        if customer is not None:
            live = (
                CardLink.objects.select_for_update()
                .filter(card=card, customer=customer, revoked_at__isnull=True)
                .first()
            )
            if live is not None and live.is_live():
                return live
            if live is not None:  # expired: retire it so the new one is the customer's only live link
                live.revoked_at = timezone.now()
                live.save(update_fields=["revoked_at"])
        return CardLink.objects.create(card=card, customer=customer, token=new_token(), expires_at=expires_at)


def resolve_link(token: str) -> CardLink:
    link = CardLink.objects.select_related("card__salesperson", "customer").filter(token=token).first()
    if link is None:
        raise LinkNotFoundError(token)
    if not link.is_live():
        raise LinkGoneError(token)
    return link


def revoke_link(link: CardLink) -> None:
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])


def record_card_event(
    link: CardLink, kind: str, *, detail: str = "", customer: Customer | None = None, product_id: int | None = None
) -> CardEvent:
    """Store a card event and, when the visitor is a known customer, the matching behaviour event."""
    customer = customer or link.customer
    with transaction.atomic():
        event = CardEvent.objects.create(link=link, customer=customer, kind=kind, detail=detail[:200])
        if customer is not None:
            BehaviorEvent.objects.create(
                customer=customer,
                staff=link.card.salesperson,
                kind=BEHAVIOUR_OF[CardEvent.Kind(kind)],
                occurred_at=event.occurred_at,
                product_id=product_id,
                target=f"card:{kind}:{detail}"[:300],
            )
    return event


def create_lead(link: CardLink, *, name: str, phone: str = "", usage_consent: bool = False) -> CardLink:
    """A visitor of a generic link agreed to the consent notice: they become the salesperson's lead.

    Agreeing records the contact consent (the salesperson may follow up); usage data is a separate, optional
    consent. Returns the lead's personal link, which the page moves to.
    """

    if link.customer_id is not None:
        raise ValueError("Only a generic link creates leads.")
    with transaction.atomic():
        # The lead is a customer of the card's company (issue 19), whoever else may know them.
        customer = Customer.objects.create(
            name=name,
            phone=phone,
            owner=link.card.salesperson,
            source=Customer.Source.CARD,
            organisation_id=link.card.organisation_id,
        )
        note = f"card link {link.pk}"
        record_consent(customer, Consent.Purpose.CONTACT, True, Consent.Source.CARD, note=note)
        record_consent(customer, Consent.Purpose.USAGE_DATA, usage_consent, Consent.Source.CARD, note=note)
        return issue_link(link.card, customer)
