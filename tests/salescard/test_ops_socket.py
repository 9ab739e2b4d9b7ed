"""The operations socket on the embedded default: who may connect, what it answers, what it pushes."""

from __future__ import annotations

import pytest
from channels.testing import WebsocketCommunicator

from salescard.asgi import application
from salescard.models import PipelineProbe
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


async def connect(user=None, token: str | None = None) -> tuple[WebsocketCommunicator, bool, int | None]:
    headers = [(b"origin", b"http://127.0.0.1")]
    if token:
        headers.append((b"authorization", f"Token {token}".encode()))
    communicator = WebsocketCommunicator(application, "/ws/ops/", headers=headers)
    if user is not None:
        communicator.scope["user"] = user
    connected, _ = await communicator.connect()
    close_code = None
    if connected:
        event = await communicator.receive_output(timeout=2)
        if event["type"] == "websocket.close":
            close_code = event["code"]
    return communicator, connected, close_code


def _token_for(user) -> str:
    from base.api_tokens import issue_token

    return issue_token(user)


async def test_anonymous_socket_is_closed_with_4401() -> None:
    _, _, code = await connect()
    assert code == 4401


async def test_salesperson_is_refused_with_4403() -> None:
    from asgiref.sync import sync_to_async

    sales = await sync_to_async(UserFactory)(role="sales")
    token = await sync_to_async(_token_for)(sales)
    _, _, code = await connect(token=token)
    assert code == 4403


async def test_manager_probe_completes_and_is_pushed() -> None:
    from asgiref.sync import sync_to_async

    manager = await sync_to_async(UserFactory)(role="manager")
    token = await sync_to_async(_token_for)(manager)
    communicator = WebsocketCommunicator(
        application,
        "/ws/ops/",
        headers=[(b"origin", b"http://127.0.0.1"), (b"authorization", f"Token {token}".encode())],
    )
    connected, _ = await communicator.connect()
    assert connected
    await communicator.send_json_to({"action": "probe", "queues": ["inference"]})
    frames = [await communicator.receive_json_from(timeout=5) for _ in range(2)]
    by_type = {frame["type"]: frame for frame in frames}
    assert by_type["probe.completed"]["probe"]["queue"] == "inference"
    assert by_type["probes.requested"]["probes"][0]["queue"] == "inference"
    assert await sync_to_async(PipelineProbe.objects.filter(completed_at__isnull=False).count)() == 1
    await communicator.disconnect()


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        ({"action": "reboot"}, "Unknown frame"),
        ({"action": "probe", "queues": ["gpu"]}, "queues must be a non-empty list"),
        ({"action": "probe", "queues": []}, "queues must be a non-empty list"),
        ([1, 2, 3], "Unknown frame"),
    ],
)
async def test_bad_frames_get_an_error_frame_and_change_nothing(frame, message) -> None:
    from asgiref.sync import sync_to_async

    manager = await sync_to_async(UserFactory)(role="manager")
    token = await sync_to_async(_token_for)(manager)
    communicator = WebsocketCommunicator(
        application,
        "/ws/ops/",
        headers=[(b"origin", b"http://127.0.0.1"), (b"authorization", f"Token {token}".encode())],
    )
    await communicator.connect()
    await communicator.send_json_to(frame)
    reply = await communicator.receive_json_from(timeout=2)
    assert reply["type"] == "error"
    assert message in reply["message"]
    assert await sync_to_async(PipelineProbe.objects.count)() == 0
    await communicator.disconnect()


async def test_socket_from_a_foreign_origin_is_rejected() -> None:
    communicator = WebsocketCommunicator(application, "/ws/ops/", headers=[(b"origin", b"https://evil.example")])
    connected, _ = await communicator.connect()
    assert not connected
