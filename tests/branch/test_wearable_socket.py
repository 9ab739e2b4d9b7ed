"""The watch socket on the embedded default: authentication codes, binding, a ticket reaching only the bound
watches, tasks kept for a watch that was offline, one winner when two watches accept, heartbeats, bad frames."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import override_settings

from branch.models import Branch, Task, TaskDelivery, Wearable, WearableBinding
from branch.tickets import take_ticket
from branch.tokens import register_wearable, revoke_wearable
from salescard.asgi import application
from tests.conftest import reseed_migrated_defaults
from tests.factories import ProductFactory, UserFactory, sofa_on_sale

pytestmark = pytest.mark.django_db(transaction=True)
ORIGIN = [(b"origin", b"http://127.0.0.1")]


def two_branches() -> tuple[Branch, Branch]:
    reseed_migrated_defaults()
    sofa_on_sale()
    return Branch.objects.create(code="sz-nanshan", name="南山支行"), Branch.objects.create(
        code="sz-futian", name="福田支行"
    )


def new_watch(device: str) -> str:
    _, token = register_wearable(device, staff=UserFactory(role="branch_staff"))
    return token


async def watch_socket(token: str) -> WebsocketCommunicator:
    socket = WebsocketCommunicator(application, "/ws/wearable/", headers=ORIGIN)
    assert (await socket.connect())[0]
    await socket.send_json_to({"action": "auth", "token": token})
    ready = await socket.receive_json_from(timeout=5)
    assert ready["type"] == "ready", ready
    return socket


async def bound_watch(token: str, branch: str) -> WebsocketCommunicator:
    socket = await watch_socket(token)
    await socket.send_json_to({"action": "bind", "branch": branch})
    assert (await socket.receive_json_from(timeout=5))["type"] == "bound"
    return socket


def ticket(branch_code: str, number: str) -> int:
    from django.db import transaction

    branch = Branch.objects.get(code=branch_code)
    with transaction.atomic():
        taken = take_ticket(branch, number=number, phone="13912345678", business="理财")
    return taken.task.pk


def other_company_branch() -> Branch:
    """A branch of another organisation, with a code like ours would be and a category of its own."""
    from crm.models import Organisation, ProductCategory

    bank = Organisation.objects.create(name="招财银行")
    teller = UserFactory(role="branch_staff", username="bank-teller", organisation=bank)
    ProductCategory.objects.create(code="wealth", name="理财", line_of_business="banking", organisation=bank)
    return Branch.objects.create(code="sz-bank", name="招财南山支行", manager=teller)


async def test_a_watch_knows_only_its_organisations_branches_and_categories() -> None:
    """Issue 19: the ready frame lists the watch's organisation's branches and category names; another company's
    branch is unknown to it, and its tasks never reach it."""
    await sync_to_async(two_branches)()
    await sync_to_async(other_company_branch)()
    token = await sync_to_async(new_watch)("watch-org")
    socket = WebsocketCommunicator(application, "/ws/wearable/", headers=ORIGIN)
    assert (await socket.connect())[0]
    await socket.send_json_to({"action": "auth", "token": token})
    ready = await socket.receive_json_from(timeout=5)
    assert {b["code"] for b in ready["branches"]} == {"sz-nanshan", "sz-futian"}
    assert ready["categories"].get("sofa") == "沙发" and "wealth" not in ready["categories"]
    await socket.send_json_to({"action": "bind", "branch": "sz-bank"})
    refused = await socket.receive_json_from(timeout=5)
    assert refused["type"] == "error" and "Unknown branch" in refused["message"]
    await sync_to_async(ticket)("sz-bank", "B001")
    assert await socket.receive_nothing(timeout=0.5)
    await socket.disconnect()


async def test_a_ticket_reaches_the_bound_watches_of_its_branch_only() -> None:
    await sync_to_async(two_branches)()
    tokens = [await sync_to_async(new_watch)(f"watch-{i}") for i in range(3)]
    nanshan = [await bound_watch(tokens[0], "sz-nanshan"), await bound_watch(tokens[1], "sz-nanshan")]
    futian = await bound_watch(tokens[2], "sz-futian")

    task_id = await sync_to_async(ticket)("sz-nanshan", "A001")

    for socket in nanshan:
        frame = await socket.receive_json_from(timeout=5)
        assert frame["type"] == "task" and frame["task"]["id"] == task_id
        assert frame["task"]["recommendations"] and frame["task"]["business"] == "理财"
    assert await futian.receive_nothing(timeout=0.5)
    assert await sync_to_async(TaskDelivery.objects.filter(task_id=task_id).count)() == 2
    for socket in [*nanshan, futian]:
        await socket.disconnect()


async def test_a_watch_that_was_offline_gets_the_task_on_reconnect_until_it_acknowledges() -> None:
    await sync_to_async(two_branches)()
    token = await sync_to_async(new_watch)("watch-1")
    first = await bound_watch(token, "sz-nanshan")
    await first.disconnect()

    task_id = await sync_to_async(ticket)("sz-nanshan", "A002")  # while the watch is offline

    back = await watch_socket(token)  # already bound: no bind needed
    frame = await back.receive_json_from(timeout=5)
    assert frame["type"] == "task" and frame["task"]["id"] == task_id
    await back.send_json_to({"action": "ack", "task": task_id})
    await back.send_json_to({"action": "ping"})
    assert (await back.receive_json_from(timeout=5))["type"] == "pong"
    await back.disconnect()

    again = await watch_socket(token)
    assert await again.receive_nothing(timeout=0.5)  # acknowledged: not sent again
    await again.disconnect()


async def test_two_watches_race_to_accept_and_exactly_one_owns_the_task() -> None:
    await sync_to_async(two_branches)()
    tokens = [await sync_to_async(new_watch)(f"watch-{i}") for i in range(2)]
    watches = [await bound_watch(t, "sz-nanshan") for t in tokens]
    task_id = await sync_to_async(ticket)("sz-nanshan", "A003")
    for socket in watches:
        assert (await socket.receive_json_from(timeout=5))["type"] == "task"

    for socket in watches:
        await socket.send_json_to({"action": "accept", "task": task_id})
    answers = []
    for socket in watches:
        frames = [await socket.receive_json_from(timeout=5) for _ in range(2)]
        answers.append({f["type"] for f in frames})

    assert sorted(tuple(sorted(a)) for a in answers) == [("accepted", "taken"), ("error", "taken")]
    task = await sync_to_async(Task.objects.get)(pk=task_id)
    assert task.wearable_id is not None and task.status == Task.Status.VIEWED
    for socket in watches:
        await socket.disconnect()


async def test_binding_is_stored_and_moving_branch_ends_the_old_binding() -> None:
    await sync_to_async(two_branches)()
    token = await sync_to_async(new_watch)("watch-1")
    socket = await bound_watch(token, "sz-nanshan")
    await socket.send_json_to({"action": "bind", "branch": "sz-futian"})
    assert (await socket.receive_json_from(timeout=5))["branch"] == "sz-futian"
    await socket.disconnect()

    bindings = await sync_to_async(list)(
        WearableBinding.objects.order_by("bound_at").values_list("branch__code", "unbound_at")
    )
    assert [code for code, _ in bindings] == ["sz-nanshan", "sz-futian"]
    assert bindings[0][1] is not None and bindings[1][1] is None


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        ("not json", "Unknown frame"),
        ('{"action": "dance"}', "Unknown frame"),
        ('{"action": "bind", "branch": 7}', "branch"),
        ('{"action": "bind", "branch": "nowhere"}', "Unknown branch"),
        ('{"action": "accept", "task": "1"}', "task"),
        ('{"action": "accept", "task": 999999}', "No such task"),
    ],
)
async def test_bad_frames_get_an_error_and_the_connection_stays_usable(frame: str, message: str) -> None:
    await sync_to_async(two_branches)()
    token = await sync_to_async(new_watch)("watch-1")
    socket = await bound_watch(token, "sz-nanshan")

    await socket.send_to(text_data=frame)
    answer = await socket.receive_json_from(timeout=5)
    await socket.send_json_to({"action": "ping"})

    assert answer["type"] == "error" and message in answer["message"]
    assert (await socket.receive_json_from(timeout=5))["type"] == "pong"
    await socket.disconnect()


async def close_code_for(token_frame: dict) -> int:
    socket = WebsocketCommunicator(application, "/ws/wearable/", headers=ORIGIN)
    await socket.connect()
    await socket.send_json_to(token_frame)
    return (await socket.receive_output(timeout=5))["code"]


async def test_unknown_and_revoked_tokens_are_closed_with_their_codes() -> None:
    await sync_to_async(two_branches)()
    wearable, token = await sync_to_async(register_wearable)("watch-9")
    assert await close_code_for({"action": "auth", "token": "nope"}) == 4401
    assert await close_code_for({"action": "bind", "branch": "sz-nanshan"}) == 4401  # not authenticated first
    await sync_to_async(revoke_wearable)(wearable)
    assert await close_code_for({"action": "auth", "token": token}) == 4403


async def watch_auth_from(client: str, token: str) -> tuple[list[dict], int]:
    """(frames before the close, close code) of a watch at address ``client`` that sends ``token``."""
    socket = WebsocketCommunicator(application, "/ws/wearable/", headers=ORIGIN)
    socket.scope["client"] = [client, 50123]
    await socket.connect()
    await socket.send_json_to({"action": "auth", "token": token})
    frames = []
    while (output := await socket.receive_output(timeout=5))["type"] == "websocket.send":
        frames.append(json.loads(output["text"]))
        if frames[-1]["type"] == "ready":  # authenticated: the watch hangs up itself
            await socket.disconnect()
            return frames, 1000
    return frames, output["code"]


async def test_an_expired_watch_token_is_closed_4403_until_a_new_one_is_issued() -> None:
    from datetime import timedelta

    from django.utils import timezone

    from branch.tokens import issue_wearable_token

    await sync_to_async(two_branches)()
    wearable, token = await sync_to_async(register_wearable)("watch-old")
    old = timezone.now() - timedelta(days=settings.DEVICE_TOKEN_DAYS + 1)
    await Wearable.objects.filter(pk=wearable.pk).aupdate(token_issued_at=old)
    assert await close_code_for({"action": "auth", "token": token}) == 4403
    fresh = await sync_to_async(issue_wearable_token)(await Wearable.objects.aget(pk=wearable.pk))
    await (await watch_socket(fresh)).disconnect()


@override_settings(THROTTLE_DEVICE_TOKENS=(2, 600))
async def test_the_nth_bad_watch_token_is_closed_4429_and_the_right_one_works_after_the_window(
    throttle_clock, caplog
) -> None:
    await sync_to_async(two_branches)()
    token = await sync_to_async(new_watch)("watch-1")
    assert (await watch_auth_from("198.51.100.4", "guess-1"))[1] == 4401
    assert (await watch_auth_from("198.51.100.4", "guess-2"))[1] == 4401

    frames, code = await watch_auth_from("198.51.100.4", token)
    assert code == 4429
    assert frames == [{"type": "error", "message": "尝试次数过多，请 10 分钟后再试。", "retry_after": 600}]
    assert (await watch_auth_from("198.51.100.5", token))[0][0]["type"] == "ready"  # another client is not blocked

    throttle_clock.now += 601
    frames, _ = await watch_auth_from("198.51.100.4", token)
    assert frames[0]["type"] == "ready"
    assert "guess-" not in caplog.text and token not in caplog.text


@override_settings(WATCH_HEARTBEAT_SECONDS=1, WATCH_TIMEOUT_SECONDS=2, WATCH_AUTH_SECONDS=1)
async def test_the_server_pings_and_drops_a_silent_watch() -> None:
    await sync_to_async(two_branches)()
    token = await sync_to_async(new_watch)("watch-1")
    socket = await watch_socket(token)

    assert (await socket.receive_json_from(timeout=3))["type"] == "ping"
    closed = await socket.receive_output(timeout=8)  # never answered: dropped after the timeout
    while closed["type"] != "websocket.close":
        closed = await socket.receive_output(timeout=8)
    assert closed["code"] == 4408


async def test_the_owner_starts_and_ends_the_task_with_feedback_and_the_branch_sees_it_done() -> None:
    await sync_to_async(two_branches)()
    tokens = [await sync_to_async(new_watch)(f"watch-{i}") for i in range(2)]
    owner, colleague = [await bound_watch(t, "sz-nanshan") for t in tokens]
    task_id = await sync_to_async(ticket)("sz-nanshan", "A004")
    product = (await owner.receive_json_from(timeout=5))["task"]["recommendations"][0]["product_id"]
    await colleague.receive_json_from(timeout=5)
    await owner.send_json_to({"action": "accept", "task": task_id})
    await owner.send_json_to({"action": "start", "task": task_id})
    await owner.send_json_to({"action": "end", "task": task_id, "success": True, "product": product, "preferences": []})

    owner_frames = [await owner.receive_json_from(timeout=5) for _ in range(5)]
    colleague_frames = [await colleague.receive_json_from(timeout=5) for _ in range(3)]

    ended = next(f for f in owner_frames if f["type"] == "ended")
    assert ended["tier"] == "very_accurate" and ended["match_score"] == 1.0
    assert [f["status"] for f in colleague_frames if f["type"] == "status"] == ["started", "done"]
    task = await sync_to_async(Task.objects.get)(pk=task_id)
    assert task.status == Task.Status.DONE
    for socket in (owner, colleague):
        await socket.disconnect()


async def test_what_the_customer_says_switches_the_watch_to_the_new_top_3() -> None:
    await sync_to_async(two_branches)()
    await sync_to_async(lambda: ProductFactory(name="奶油风模块沙发", price=8999))()
    token = await sync_to_async(new_watch)("watch-1")
    watch = await bound_watch(token, "sz-nanshan")
    task_id = await sync_to_async(ticket)("sz-nanshan", "A005")
    first = (await watch.receive_json_from(timeout=5))["task"]["recommendations"][0]
    await watch.send_json_to({"action": "segment", "task": task_id, "text": "不要沙发"})
    assert (await watch.receive_json_from(timeout=5))["type"] == "error"  # not started yet: refused
    await watch.send_json_to({"action": "accept", "task": task_id})
    await watch.send_json_to({"action": "start", "task": task_id})
    for _ in range(3):  # accepted, taken, status
        await watch.receive_json_from(timeout=5)

    await watch.send_json_to({"action": "segment", "task": task_id, "text": f"{first['product']}我不考虑"})
    frame = await watch.receive_json_from(timeout=5)

    assert frame["type"] == "recommendations"
    assert frame["recommendations"][0]["product_id"] != first["product_id"]
    assert frame["recommendations"][-1]["product_id"] == first["product_id"]
    stored = await sync_to_async(lambda: list(Task.objects.get(pk=task_id).segments.values_list("text", flat=True)))()
    assert stored == [f"{first['product']}我不考虑"]
    await watch.disconnect()


async def test_a_task_a_colleague_took_is_not_sent_again_on_reconnect() -> None:
    await sync_to_async(two_branches)()
    tokens = [await sync_to_async(new_watch)(f"watch-{i}") for i in range(2)]
    winner, other = [await bound_watch(t, "sz-nanshan") for t in tokens]
    task_id = await sync_to_async(ticket)("sz-nanshan", "A006")
    await winner.receive_json_from(timeout=5)
    await other.receive_json_from(timeout=5)
    await winner.send_json_to({"action": "accept", "task": task_id})
    await other.receive_json_from(timeout=5)  # taken
    await other.disconnect()

    back = await watch_socket(tokens[1])

    assert await back.receive_nothing(timeout=0.5)
    for socket in (winner, back):
        await socket.disconnect()
