"""Card links (personal, generic, revoked, expired), card events mirrored as behaviour events, and the checks
on an uploaded 3D face."""

from __future__ import annotations

import datetime
import json
import struct

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError

from crm.models import BehaviorEvent
from salescard.avatar_models import validate_avatar_model
from salescard.cards import (
    LinkGoneError,
    LinkNotFoundError,
    issue_link,
    record_card_event,
    resolve_link,
    revoke_link,
)
from salescard.models import CardEvent, CardLink, SmartCard

pytestmark = pytest.mark.django_db


def test_a_customer_keeps_one_live_personal_link(card, customer):
    first = issue_link(card, customer)
    assert issue_link(card, customer).pk == first.pk
    assert len(first.token) >= 40
    assert resolve_link(first.token).customer == customer


def test_tokens_are_unguessable_and_distinct(card, customer):
    generic = [issue_link(card) for _ in range(5)]
    assert len({link.token for link in generic}) == 5
    assert all(link.customer is None for link in generic)


def test_unknown_revoked_and_expired_links(card, customer):
    with pytest.raises(LinkNotFoundError):
        resolve_link("no-such-token")
    link = issue_link(card, customer)
    revoke_link(link)
    with pytest.raises(LinkGoneError):
        resolve_link(link.token)
    fresh = issue_link(card, customer)
    assert fresh.pk != link.pk
    expiring = issue_link(card, valid_for=datetime.timedelta(seconds=-1))
    with pytest.raises(LinkGoneError):
        resolve_link(expiring.token)


def test_an_expired_personal_link_is_replaced(card, customer):
    old = issue_link(card, customer, valid_for=datetime.timedelta(days=1))
    CardLink.objects.filter(pk=old.pk).update(expires_at=old.created_at - datetime.timedelta(days=1))
    new = issue_link(card, customer)
    assert new.pk != old.pk
    old.refresh_from_db()
    assert old.revoked_at is not None


def test_two_live_personal_links_for_one_customer_are_refused_by_the_database(card, customer):
    issue_link(card, customer)
    with pytest.raises(IntegrityError):
        CardLink.objects.create(card=card, customer=customer, token="another-token")


def test_card_events_become_behaviour_events_of_the_customer(card, customer):
    link = issue_link(card, customer)
    record_card_event(link, CardEvent.Kind.OPENED)
    record_card_event(link, CardEvent.Kind.TAB_VIEWED, detail="products")
    kinds = list(BehaviorEvent.objects.filter(customer=customer).order_by("pk").values_list("kind", "staff_id"))
    assert kinds == [
        (BehaviorEvent.Kind.CARD_OPEN, card.salesperson_id),
        (BehaviorEvent.Kind.TAB_VIEW, card.salesperson_id),
    ]


def test_an_anonymous_visit_is_stored_without_a_behaviour_event(card):
    link = issue_link(card)
    record_card_event(link, CardEvent.Kind.OPENED)
    assert CardEvent.objects.filter(link=link).count() == 1
    assert not BehaviorEvent.objects.exists()


def glb(document: dict, *, version: int = 2, truncate: int = 0) -> bytes:
    body = json.dumps(document).encode()
    body += b" " * (-len(body) % 4)
    data = b"glTF" + struct.pack("<II", version, 12 + 8 + len(body)) + struct.pack("<I4s", len(body), b"JSON") + body
    return data[: len(data) - truncate]


MESH = {"asset": {"version": "2.0"}, "meshes": [{"primitives": []}]}


def test_a_valid_glb_and_an_embedded_gltf_are_accepted():
    validate_avatar_model(SimpleUploadedFile("head.glb", glb(MESH)))
    embedded = {**MESH, "buffers": [{"uri": "data:application/octet-stream;base64,AAAA", "byteLength": 3}]}
    validate_avatar_model(SimpleUploadedFile("head.gltf", json.dumps(embedded).encode()))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("face.png", b"\x89PNG\r\n", ".glb or .gltf"),
        ("head.glb", b"not a model at all, just text", "not a binary glTF"),
        ("head.glb", glb(MESH, version=1), "glTF 2.0"),
        ("head.glb", glb(MESH, truncate=8), "truncated"),
        ("head.glb", glb({"asset": {"version": "2.0"}}), "no mesh"),
        ("head.gltf", b"{broken", "not valid JSON"),
        ("head.gltf", json.dumps({**MESH, "buffers": [{"uri": "head.bin"}]}).encode(), "embed its buffers"),
    ],
)
def test_files_that_are_not_usable_models_are_refused(name, content, message, english):
    with pytest.raises(ValidationError, match=message):
        validate_avatar_model(SimpleUploadedFile(name, content))


def test_an_oversized_model_is_refused(english):
    upload = SimpleUploadedFile("head.glb", glb(MESH))
    upload.size = 11 * 1024 * 1024
    with pytest.raises(ValidationError, match="10 MB"):
        validate_avatar_model(upload)


def test_the_card_form_refuses_a_bad_model_and_keeps_the_card(card, english):
    card.avatar_model = SimpleUploadedFile("face.png", b"\x89PNG")
    with pytest.raises(ValidationError):
        card.full_clean()
    assert not SmartCard.objects.get(pk=card.pk).avatar_model
