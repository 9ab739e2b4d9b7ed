"""The IM webhooks (SPEC P1, P2, P5): authentication by token and signature, replays, malformed payloads, and what
each event type stores."""

from __future__ import annotations

import base64
import io
import time
import uuid

import pytest
from PIL import Image

from crm.im_profile.models import ProfileFact, WebhookDelivery
from crm.models import BehaviorEvent, ChatGroup, ChatMessage, Customer, Friendship
from tests.crm.conftest import page_data, text_message

pytestmark = pytest.mark.django_db


def stored_counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count() for model in (Customer, ChatMessage, ProfileFact, BehaviorEvent, WebhookDelivery)
    )


# --- Authentication -----------------------------------------------------------------------------------------------
def test_a_signed_event_is_processed(im, shared, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = im.event("message.received", text_message("我的新手机号是13912345678，有事打我"))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "processed"
    assert response.json()["customer_id"] == shared.pk
    fact = ProfileFact.objects.get(customer=shared)
    assert (fact.field, fact.value, fact.status) == ("phone", "13912345678", "suggested")
    assert fact.source_message.text.startswith("我的新手机号")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"secret": "another-secret"}, "signature does not match"),
        ({"signature": ""}, "signature does not match"),
        ({"signature": "sha256=00"}, "signature does not match"),
        ({"token": "not-the-token"}, "Unknown or disabled integration token"),
        ({"timestamp": int(time.time()) - 3600}, "too old"),
        ({"timestamp": int(time.time()) + 3600}, "too old or in the future"),
    ],
)
def test_bad_credentials_are_refused_and_store_nothing(im, shared, change, message):
    before = stored_counts()
    response = im.post({"event_id": "e1", "type": "message.received", "data": text_message("13912345678")}, **change)
    assert response.status_code == 401
    assert message in response.json()["detail"]
    assert stored_counts() == before


def test_a_body_altered_after_signing_is_refused(im, shared):
    body = b'{"event_id": "e1", "type": "message.received", "data": {}}'
    stamp = str(int(time.time()))
    from crm.im_profile.webhooks import sign

    signature = sign(im.secret, stamp, body)
    response = im.post(None, raw=body.replace(b"e1", b"e2"), timestamp=int(stamp), signature=signature)
    assert response.status_code == 401


def test_missing_authorization_is_refused(im, shared):
    response = im.client.post("/api/crm/im/webhooks/", {"event_id": "e"}, format="json")
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]


def test_a_disabled_integration_is_refused(im, shared):
    from crm.im_profile.models import ImIntegration

    ImIntegration.objects.update(is_active=False)
    assert im.event("message.received", text_message("你好")).status_code == 401


def test_a_replayed_event_id_changes_nothing(im, shared, django_capture_on_commit_callbacks):
    data = text_message("我邮箱是 Wang.Fang@Example.com")
    with django_capture_on_commit_callbacks(execute=True):
        first = im.event("message.received", data, event_id="evt-1")
    before = stored_counts()
    again = im.event("message.received", {**data, "message_id": "other"}, event_id="evt-1")
    assert first.json()["status"] == "processed"
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    assert stored_counts() == before
    assert ProfileFact.objects.get().value == "wang.fang@example.com"


# --- Malformed payloads -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"type": "message.received", "data": {}}, "event_id"),
        ({"event_id": "e", "type": "nonsense", "data": {}}, "type"),
        ({"event_id": "e", "type": "message.received", "data": "text"}, "data"),
        ({"event_id": "e", "type": "message.received", "data": {"message_id": "m"}}, "data"),
        ({"event_id": "e", "type": "friend.added", "data": {"staff_id": "wx-sales1"}}, "data"),
        ({"event_id": "e", "type": "customer.operation",
          "data": {"customer_id": "wx-cust-1", "operation": "hack"}}, "data"),
        ({"event_id": "e", "type": "message.received", "occurred_at": "2999-01-01T00:00:00Z",
          "data": text_message("你好")}, "occurred_at"),
        ({"event_id": "x" * 101, "type": "message.received", "data": text_message("你好")}, "event_id"),
    ],
)  # fmt: skip
def test_malformed_events_get_400_naming_the_field_and_store_nothing(im, shared, payload, field):
    before = stored_counts()
    response = im.post(payload)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert stored_counts() == before


@pytest.mark.parametrize("raw", [b"not json", b"[1, 2]", b"\xff\xfe", b""])
def test_a_body_that_is_not_a_json_object_is_refused(im, shared, raw):
    response = im.post(None, raw=raw)
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]


def test_an_unknown_staff_member_or_customer_is_refused_and_nothing_is_stored(im, shared):
    before = stored_counts()
    response = im.event("message.received", text_message("你好", staff_id="wx-nobody"))
    assert response.status_code == 400
    assert response.json() == {
        "detail": "No active staff member has the IM account id 'wx-nobody'.",
        "field": "staff_id",
    }
    response = im.event("message.received", text_message("你好", customer_id="wx-nobody"))
    assert response.status_code == 400 and response.json()["field"] == "customer_id"
    assert stored_counts() == before
    # A refused event may be sent again, fixed, with the same id.
    assert WebhookDelivery.objects.count() == 0


def test_an_oversized_body_is_refused(im, shared, settings):
    settings.IM_WEBHOOK_MAX_BYTES = 1000
    response = im.event("message.received", text_message("好" * 2000))
    assert response.status_code == 413


def test_an_image_that_is_not_an_image_is_refused(im, shared):
    data = text_message("", kind="image", image_base64=base64.b64encode(b"GIF89a nonsense").decode())
    response = im.event("message.received", data)
    assert response.status_code == 400
    assert response.json()["field"] == "image_base64"
    assert not ChatMessage.objects.exists()
    bad = im.event("message.received", text_message("", kind="image", image_base64="***"))
    assert bad.status_code == 400 and "base64" in bad.json()["detail"]


# --- What each event stores ---------------------------------------------------------------------------------------
def test_friend_added_creates_the_customer_and_the_friendship(im, im_sales):
    data = {
        "staff_id": "wx-sales1",
        "remark": "王女士-理财",
        "customer": {
            "external_id": "wx-new",
            "name": "王丽",
            "gender": "female",
            "avatar_url": "https://img.example/a.png",
        },
    }
    response = im.event("friend.added", data)
    assert response.status_code == 200, response.content
    customer = Customer.objects.get(external_im_id="wx-new")
    assert (customer.name, customer.gender, customer.source, customer.owner) == ("王丽", "female", "im", im_sales)
    assert Friendship.objects.get(customer=customer).remark == "王女士-理财"
    assert BehaviorEvent.objects.get(customer=customer).kind == BehaviorEvent.Kind.FRIEND_ADDED


def test_friend_added_never_overwrites_what_staff_entered(im, shared):
    shared.name = "王芳（老客户）"
    shared.phone = "13800000000"
    shared.save()
    data = {"staff_id": "wx-sales1", "customer": {"external_id": "wx-cust-1", "name": "芳芳", "phone": "13999999999"}}
    assert im.event("friend.added", data).status_code == 200
    shared.refresh_from_db()
    assert (shared.name, shared.phone) == ("王芳（老客户）", "13800000000")


def test_group_changes_join_and_leave(im, shared, colleague):
    data = {
        "group": {"external_id": "g-1", "name": "南山理财群"},
        "joined": [
            {"staff_id": "wx-sales2"},
            {"customer": {"external_id": "wx-cust-1"}},
            {"customer": {"external_id": "wx-g"}},
        ],
    }
    assert im.event("group.changed", data).status_code == 200
    group = ChatGroup.objects.get(external_id="g-1")
    assert group.memberships.count() == 3
    assert BehaviorEvent.objects.filter(kind=BehaviorEvent.Kind.JOINED_GROUP).count() == 2
    left = {
        "group": {"external_id": "g-1", "name": "南山理财群（新）"},
        "left": [{"customer": {"external_id": "wx-g"}}],
    }
    assert im.event("group.changed", left).status_code == 200
    group.refresh_from_db()
    assert group.name == "南山理财群（新）" and group.memberships.count() == 2
    bad = {
        "group": {"external_id": "g-1", "name": "x"},
        "joined": [{"staff_id": "wx-sales2", "customer": {"external_id": "c"}}],
    }
    assert im.event("group.changed", bad).status_code == 400


def test_a_customer_operation_joins_the_timeline(im, shared, im_sales):
    data = {
        "customer_id": "wx-cust-1",
        "staff_id": "wx-sales1",
        "operation": "moments_view",
        "target": "朋友圈：新品沙发",
    }
    assert im.event("customer.operation", data).status_code == 200
    event = BehaviorEvent.objects.get(customer=shared, kind=BehaviorEvent.Kind.MOMENTS_VIEW)
    assert (event.staff, event.target) == (im_sales, "朋友圈：新品沙发")


def test_staff_messages_are_stored_but_not_read_for_facts(im, shared, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = im.event("message.received", {**text_message("我的电话是13812345678"), "direction": "out"})
    assert response.status_code == 200
    assert ChatMessage.objects.get().direction == "out"
    assert not ProfileFact.objects.exists()


def test_without_extraction_consent_messages_are_stored_but_not_read(im, shared, django_capture_on_commit_callbacks):
    from crm.consent import record_consent
    from crm.models import Consent

    record_consent(shared, Consent.Purpose.PROFILE_EXTRACTION, False)
    with django_capture_on_commit_callbacks(execute=True):
        assert im.event("message.received", text_message("我的电话是13812345678")).status_code == 200
    assert ChatMessage.objects.count() == 1
    assert not ProfileFact.objects.exists()


def test_a_message_id_seen_before_is_a_duplicate(im, shared):
    data = text_message("你好")
    assert im.event("message.received", data).json()["status"] == "processed"
    assert im.event("message.received", data).json()["status"] == "duplicate"
    assert ChatMessage.objects.count() == 1


def card_png() -> bytes:
    from PIL import ImageDraw, ImageFont

    font = ImageFont.truetype("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 30)
    image = Image.new("RGB", (720, 400), "white")
    draw = ImageDraw.Draw(image)
    for row, line in enumerate(
        ["李娜  客户经理", "深圳市前海星河科技有限公司", "手机：139 2233 4455", "邮箱：lina@xinghe.cn"]
    ):
        draw.text((40, 40 + row * 70), line, font=font, fill="black")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def test_an_image_message_is_read_by_ocr_and_its_facts_point_to_it(im, shared, django_capture_on_commit_callbacks):
    data = text_message("", kind="image", image_base64=base64.b64encode(card_png()).decode(), image_type="image/png")
    with django_capture_on_commit_callbacks(execute=True):
        assert im.event("message.received", data).status_code == 200
    message = ChatMessage.objects.get()
    assert message.kind == "image" and message.image.name.endswith(".png")
    facts = {(f.field, f.value) for f in ProfileFact.objects.filter(source_message=message)}
    assert {("phone", "13922334455"), ("email", "lina@xinghe.cn"), ("company", "深圳市前海星河科技有限公司")} <= facts
    assert all(f.from_image for f in ProfileFact.objects.all())


def test_sidebar_links_open_the_sidebar_for_that_staff_member(im, shared, client):
    import json as jsonlib

    from crm.im_profile.webhooks import sign

    body = jsonlib.dumps({"staff_id": "wx-sales2", "customer_id": "wx-cust-1"}).encode()
    stamp = str(int(time.time()))
    response = im.client.generic(
        "POST", "/api/crm/im/sidebar-links/", body, content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {im.token}", HTTP_X_SALESCARD_TIMESTAMP=stamp,
        HTTP_X_SALESCARD_SIGNATURE=sign(im.secret, stamp, body),
    )  # fmt: skip
    assert response.status_code == 200, response.content
    url = response.json()["url"]
    assert "/sidebar/?t=" in url
    page = client.get(url.split("testserver", 1)[1])
    assert page.status_code == 200
    assert page_data(page)["me"]["name"] == "赵敏"
    unknown = jsonlib.dumps({"staff_id": "wx-sales2", "customer_id": uuid.uuid4().hex}).encode()
    response = im.client.generic(
        "POST", "/api/crm/im/sidebar-links/", unknown, content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {im.token}", HTTP_X_SALESCARD_TIMESTAMP=stamp,
        HTTP_X_SALESCARD_SIGNATURE=sign(im.secret, stamp, unknown),
    )  # fmt: skip
    assert response.status_code == 400 and response.json()["field"] == "customer_id"


def test_the_payloads_are_documented_in_the_openapi_schema(client_for, salesperson):
    schema = client_for(salesperson).get("/api/schema/", {"format": "json"}).json()
    body = schema["paths"]["/api/crm/im/webhooks/"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/ImWebhookEvent"}
    components = schema["components"]["schemas"]
    assert set(components["ImWebhookEvent"]["discriminator"]["mapping"]) == {
        "friend.added", "friend.removed", "group.changed", "message.received", "customer.operation",
    }  # fmt: skip
    assert "image_base64" in components["MessageReceived"]["properties"]
    headers = {p["name"] for p in schema["paths"]["/api/crm/im/webhooks/"]["post"]["parameters"]}
    assert {"X-SalesCard-Signature", "X-SalesCard-Timestamp"} <= headers
