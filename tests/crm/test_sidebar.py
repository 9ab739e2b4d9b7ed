"""The sidebar's API, page and socket (SPEC P2–P6, X3): who may see a profile, sidebar tokens, the sections, live
updates to every linked colleague, export and erasure."""

from __future__ import annotations

import datetime

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.core import signing
from django.utils import timezone

from crm.im_profile.models import ProfileChange, ProfileFact
from crm.im_profile.profile import record_findings
from crm.im_profile.sidebar_tokens import issue_access_token, issue_link_token
from crm.models import BehaviorEvent, ChatMessage, Customer, PrivacyRequest, Tag
from salescard.asgi import application
from tests.crm.conftest import page_data
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def api(pk: int, path: str = "") -> str:
    return f"/api/crm/customers/{pk}/profile/{path}"


def suggest(customer, field="phone", value="13912345678") -> ProfileFact:
    from crm.im_profile.extraction import Finding

    message = ChatMessage.objects.create(customer=customer, direction="in", text=f"我的{field}是{value}")
    return record_findings(message, [Finding(field, value, 0.9, 0, 1)], message.text)[0]


# --- Who may see the profile -----------------------------------------------------------------------------------------
def test_linked_staff_and_managers_see_the_profile_others_get_403(shared, client_for, colleague, stranger, manager):
    assert client_for(colleague).get(api(shared.pk)).status_code == 200
    assert client_for(manager).get(api(shared.pk)).status_code == 200
    refused = client_for(stranger).get(api(shared.pk))
    assert refused.status_code == 403
    assert "not linked" in refused.json()["detail"]
    assert client_for(stranger).get(api(999_999)).status_code == 404
    assert client_for(UserFactory(role="branch_staff", username="b")).get(api(shared.pk)).status_code == 403
    assert client_for(stranger).post(api(shared.pk, "tags/"), {"name": "x"}, format="json").status_code == 403


def test_a_shared_group_links_a_colleague(shared, client_for, stranger):
    from crm.models import ChatGroup, ChatGroupMembership

    group = ChatGroup.objects.create(name="群", external_id="g")
    ChatGroupMembership.objects.create(group=group, customer=shared)
    ChatGroupMembership.objects.create(group=group, staff=stranger)
    assert client_for(stranger).get(api(shared.pk)).status_code == 200


def test_anonymous_requests_are_refused(shared, api_client):
    assert api_client.get(api(shared.pk)).status_code == 401


def test_a_sidebar_token_names_one_customer_and_expires(shared, colleague, api_client, monkeypatch):
    token = issue_access_token(colleague, shared)
    api_client.credentials(HTTP_AUTHORIZATION=f"Sidebar {token}")
    assert api_client.get(api(shared.pk)).status_code == 200
    other = Customer.objects.create(name="别人", owner=colleague)
    assert api_client.get(api(other.pk)).status_code == 403
    api_client.credentials(HTTP_AUTHORIZATION="Sidebar forged")
    assert api_client.get(api(shared.pk)).status_code == 401
    forged = signing.dumps({"s": colleague.pk, "c": shared.pk}, salt="another.salt", compress=True)
    api_client.credentials(HTTP_AUTHORIZATION=f"Sidebar {forged}")
    assert api_client.get(api(shared.pk)).status_code == 401
    monkeypatch.setattr("crm.im_profile.sidebar_tokens.ACCESS_SECONDS", -1)  # every token is older than that
    api_client.credentials(HTTP_AUTHORIZATION=f"Sidebar {token}")
    assert api_client.get(api(shared.pk)).status_code == 401
    monkeypatch.undo()
    # A sidebar token opens the profile API only: not the customer list.
    api_client.credentials(HTTP_AUTHORIZATION=f"Sidebar {token}")
    assert api_client.get("/api/crm/customers/").status_code == 401


# --- Sections and actions ---------------------------------------------------------------------------------------------
def test_the_sections(shared, client_for, colleague, im_sales):
    suggest(shared)
    Tag.objects.create(name="高净值")
    BehaviorEvent.objects.create(customer=shared, staff=im_sales, kind="card_open")
    data = client_for(colleague).get(api(shared.pk)).json()
    assert set(data) == {"profile", "facts", "tags", "closeness", "timeline", "portrait"}
    assert data["facts"]["suggested"][0]["source"]["excerpt"] == "我的phone是13912345678"
    assert {row["name"] for row in data["closeness"]["ranking"]} == {"赵敏", "李明"}
    assert [t["name"] for t in data["tags"]["available"]] == ["高净值"]
    assert data["timeline"]["events"][0]["kind"] == "card_open"
    assert data["profile"]["extraction_allowed"] is True
    only = client_for(colleague).get(api(shared.pk) + "?sections=tags,facts").json()
    assert set(only) == {"tags", "facts"}
    bad = client_for(colleague).get(api(shared.pk) + "?sections=secrets")
    assert bad.status_code == 400


def test_confirm_and_reject_through_the_api(shared, client_for, colleague):
    fact = suggest(shared)
    response = client_for(colleague).post(api(shared.pk, f"facts/{fact.pk}/confirm/"))
    assert response.status_code == 200
    assert response.json()["facts"]["decided"][0]["status"] == "confirmed"
    shared.refresh_from_db()
    assert shared.phone == "13912345678"
    again = client_for(colleague).post(api(shared.pk, f"facts/{fact.pk}/reject/"))
    assert again.status_code == 409
    other = Customer.objects.create(name="别人")
    assert client_for(colleague).post(api(shared.pk, f"facts/{suggest(other).pk}/confirm/")).status_code == 404


def test_edits_through_the_api_are_validated(shared, client_for, colleague):
    shared.married = None
    shared.save()
    client = client_for(colleague)
    ok = client.patch(api(shared.pk), {"company": "平安银行", "married": True, "hobbies": ["钓鱼"]}, format="json")
    assert ok.status_code == 200, ok.content
    assert ProfileChange.objects.filter(customer=shared, via="edit").count() == 3
    for bad in ({"email": "not-an-email"}, {"children": -1}, {"birthday": "2999-01-01"}, {"mbti": "ABCD"}, {}):
        response = client.patch(api(shared.pk), bad, format="json")
        assert response.status_code == 400, bad
    shared.refresh_from_db()
    assert shared.company == "平安银行" and shared.email == ""


def test_tags_through_the_api(shared, client_for, colleague, im_sales):
    client = client_for(colleague)
    vip = Tag.objects.create(name="高净值")
    assert client.post(api(shared.pk, "tags/"), {"tag_id": vip.pk}, format="json").status_code == 201
    response = client.post(api(shared.pk, "tags/"), {"name": "周末有空"}, format="json")
    assert {t["name"] for t in response.json()["tags"]["tags"]} == {"高净值", "周末有空"}
    # A colleague's personal tag is theirs alone.
    seen_by_owner = client_for(im_sales).get(api(shared.pk) + "?sections=tags").json()["tags"]["tags"]
    assert [t["name"] for t in seen_by_owner] == ["高净值"]
    assert client.post(api(shared.pk, "tags/"), {"tag_id": 1, "name": "x"}, format="json").status_code == 400
    assert client.delete(api(shared.pk, f"tags/{vip.pk}/")).status_code == 200
    assert client.delete(api(shared.pk, f"tags/{vip.pk}/")).status_code == 404


def test_the_timeline_is_paginated_newest_first(shared, client_for, colleague):
    now = timezone.now()
    BehaviorEvent.objects.bulk_create(
        BehaviorEvent(
            customer=shared, kind="link_click", target=f"链接{i}", occurred_at=now - datetime.timedelta(hours=i)
        )
        for i in range(45)
    )
    client = client_for(colleague)
    first = client.get(api(shared.pk, "timeline/")).json()
    assert (first["count"], first["pages"], first["events"][0]["detail"]) == (45, 3, "链接0")
    third = client.get(api(shared.pk, "timeline/") + "?page=3").json()
    assert [e["detail"] for e in third["events"]] == [f"链接{i}" for i in range(40, 45)]
    assert client.get(api(shared.pk, "timeline/") + "?page=0").status_code == 400
    assert client.get(api(shared.pk, "timeline/") + "?page=x").status_code == 400


# --- Privacy ----------------------------------------------------------------------------------------------------------
def test_managers_export_everything_stored_about_a_customer(shared, client_for, manager, colleague):
    suggest(shared)
    response = client_for(manager).get(api(shared.pk, "export/"))
    assert response.status_code == 200
    tables = response.json()["tables"]
    assert tables["crm.Customer"][0]["external_im_id"] == "wx-cust-1"
    assert {"crm.ChatMessage", "im_profile.ProfileFact", "crm.Friendship", "crm.Consent"} <= set(tables)
    assert PrivacyRequest.objects.get().action == "export"
    assert client_for(colleague).get(api(shared.pk, "export/")).status_code == 403


def test_erasure_anonymises_and_deletes_what_was_said(shared, client_for, manager, colleague):
    suggest(shared)
    BehaviorEvent.objects.create(customer=shared, kind="card_open")
    assert client_for(colleague).post(api(shared.pk, "erase/")).status_code == 403
    response = client_for(manager).post(api(shared.pk, "erase/"))
    assert response.status_code == 200
    assert response.json()["deleted"]["facts"] == 1
    shared.refresh_from_db()
    assert shared.name.startswith("已删除客户") and shared.phone == "" and shared.external_im_id is None
    assert shared.birthday is None and shared.hobbies == [] and shared.company == ""
    assert not ChatMessage.objects.filter(customer=shared).exists()
    assert not ProfileFact.objects.exists() and not ProfileChange.objects.exists()
    assert BehaviorEvent.objects.filter(customer=shared).count() == 1  # anonymous statistics stay
    log = PrivacyRequest.objects.get(action="erase")
    assert (log.customer_ref, log.performed_by) == (shared.pk, manager)


# --- The page ---------------------------------------------------------------------------------------------------------
def test_the_page_opens_with_a_link_token_and_may_be_framed_by_the_im_client(shared, colleague, client, settings):
    settings.IM_FRAME_ORIGINS = ["https://work.weixin.qq.com"]
    response = client.get(f"/sidebar/?t={issue_link_token(colleague, shared)}")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"].split("; ")
    assert "frame-ancestors 'self' https://work.weixin.qq.com" in policy  # the rest of the site's policy stays
    assert "script-src 'self'" in policy
    assert "X-Frame-Options" not in response
    data = page_data(response)
    assert data["customer_id"] == shared.pk and data["me"]["name"] == "赵敏"
    assert set(data["sections"]) == {"profile", "facts", "tags", "closeness", "timeline", "portrait"}


def test_the_page_refuses_bad_tokens_and_unlinked_staff(shared, stranger, client):
    assert client.get("/sidebar/?t=forged").status_code == 401
    assert client.get("/sidebar/").status_code == 401
    refused = client.get(f"/sidebar/?t={issue_link_token(stranger, shared)}")
    assert refused.status_code == 403
    # The access token is not a link token (different salt), so a page's token cannot be reused as a link.
    assert client.get(f"/sidebar/?t={issue_access_token(stranger, shared)}").status_code == 401


def test_the_nth_bad_or_expired_sidebar_link_is_429_and_a_good_one_works_after_the_window(
    shared, colleague, client, settings, throttle_clock
):
    settings.THROTTLE_SIDEBAR_TOKENS = (3, 600)
    expired = issue_link_token(colleague, shared)
    throttle_clock.now += settings.IM_SIDEBAR_TOKEN_SECONDS + 1
    assert client.get(f"/sidebar/?t={expired}").status_code == 401
    assert [client.get(f"/sidebar/?t=forged-{n}").status_code for n in range(2)] == [401, 401]

    blocked = client.get(f"/sidebar/?t={issue_link_token(colleague, shared)}", HTTP_ACCEPT_LANGUAGE="en")
    assert blocked.status_code == 429
    assert blocked["Retry-After"] == "600"
    assert "Too many attempts. Try again in 10 minutes." in blocked.content.decode()

    throttle_clock.now += 601
    assert client.get(f"/sidebar/?t={issue_link_token(colleague, shared)}").status_code == 200


def test_a_new_password_or_a_deactivated_account_revokes_sidebar_tokens(shared, colleague, client, api_client):
    link, access = issue_link_token(colleague, shared), issue_access_token(colleague, shared)
    colleague.set_password("a-brand-new-passphrase")
    colleague.save()
    assert client.get(f"/sidebar/?t={link}").status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION=f"Sidebar {access}")
    assert api_client.get(api(shared.pk)).status_code == 401

    fresh = issue_link_token(colleague, shared)
    assert client.get(f"/sidebar/?t={fresh}").status_code == 200
    colleague.is_active = False
    colleague.save()
    assert client.get(f"/sidebar/?t={fresh}").status_code == 401


def test_the_page_for_signed_in_staff(shared, colleague, stranger, client):
    assert client.get(f"/sidebar/customers/{shared.pk}/").status_code == 302
    client.force_login(colleague)
    assert client.get(f"/sidebar/customers/{shared.pk}/").status_code == 200
    client.force_login(stranger)
    assert client.get(f"/sidebar/customers/{shared.pk}/").status_code == 403
    assert client.get("/sidebar/customers/999999/").status_code == 404


def test_customer_text_is_escaped_on_the_page(shared, colleague, client):
    shared.name = "<script>alert(1)</script>"
    shared.save()
    suggest(shared, "company", "</script><img src=x onerror=alert(1)>")
    client.force_login(colleague)
    html = client.get(f"/sidebar/customers/{shared.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x" not in html


# --- The socket -------------------------------------------------------------------------------------------------------
async def _connect(customer_id: int):
    communicator = WebsocketCommunicator(
        application, f"/ws/customers/{customer_id}/", headers=[(b"origin", b"http://localhost")]
    )
    connected, _ = await communicator.connect()
    assert connected
    return communicator


@pytest.mark.django_db(transaction=True)
def test_the_socket_authenticates_by_token_and_pushes_changes(shared, colleague, im_sales, stranger, settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    settings.ALLOWED_HOSTS = ["*"]

    async def scenario():
        from channels.db import database_sync_to_async

        watcher = await _connect(shared.pk)
        await watcher.send_json_to({"type": "auth", "token": issue_access_token(colleague, shared)})
        first = await watcher.receive_json_from(timeout=5)
        assert first["type"] == "profile" and "facts" in first["sections"]
        await database_sync_to_async(suggest)(shared)
        pushed = await watcher.receive_json_from(timeout=5)
        assert pushed["type"] == "profile" and list(pushed["sections"]) == ["facts"]
        assert pushed["sections"]["facts"]["suggested"][0]["value"] == "13912345678"
        await watcher.send_json_to({"type": "ping"})
        assert (await watcher.receive_json_from(timeout=5))["type"] == "pong"
        await watcher.send_to(text_data="not json")
        assert (await watcher.receive_json_from(timeout=5))["type"] == "error"
        await watcher.disconnect()

        outsider = await _connect(shared.pk)
        await outsider.send_json_to({"type": "auth", "token": issue_access_token(stranger, shared)})
        assert (await outsider.receive_output(timeout=5))["code"] == 4403
        forged = await _connect(shared.pk)
        await forged.send_json_to({"type": "auth", "token": "forged"})
        assert (await forged.receive_output(timeout=5))["code"] == 4401
        other = await _connect(shared.pk + 1)
        await other.send_json_to({"type": "auth", "token": issue_access_token(colleague, shared)})
        assert (await other.receive_output(timeout=5))["code"] == 4401

    async_to_sync(scenario)()
