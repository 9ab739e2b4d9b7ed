"""The access matrix (``salescard.access_matrix``, SPEC X3): every HTTP and WebSocket route falls to exactly one
entry, no entry is stale, and every cell — one route group × one principal — holds for a real request through
Django's test client or a real socket on ``salescard.asgi.application`` (embedded default: the in-memory channel
layer). A refused request writes nothing: the rows of every table are counted before and after it."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from salescard import access_matrix
from salescard.access_matrix import (
    ACCEPT,
    ALLOW,
    HTTP_ENTRIES,
    LIMITED,
    LOGIN,
    REJECTED,
    SOCKET_ENTRIES,
    Entry,
    Principal,
    entries_for,
    http_routes,
    socket_routes,
)
from tests.conftest import reseed_migrated_defaults
from tests.security.world import SocketProbe, World, build_world, first_frame, row_counts, socket_outcome

REFUSED_STATUSES = {401, 403, 404, 405, 410, 429}


@dataclass(frozen=True)
class Probe:
    method: str
    path: str  # may name {customer}, {conversation}, {call}, {recording}, {branch}, {token}, {t}
    body: dict | None = None
    form: bool = False  # a form post (the browser's pages) rather than JSON


# One or more real requests per entry: by id where the route takes one, a write where the route writes.
PROBES: dict[str, tuple[Probe, ...]] = {
    "health": (Probe("GET", "/healthz"),),
    "home": (Probe("GET", "/"),),
    "language switch": (Probe("POST", "/i18n/setlang/", {"language": "en", "next": "/"}, form=True),),
    "admin sign-in": (Probe("GET", "/admin/login/"),),
    "admin": (Probe("GET", "/admin/"), Probe("GET", "/admin/crm/customer/{customer}/change/")),
    "managers' dashboard": (Probe("GET", "/manage/"), Probe("GET", "/manage/?section=funnel&format=csv")),
    "API token sign-in": (Probe("POST", "/api/auth/token/", {"username": "nobody", "password": "wrong-password"}),),
    "API roots, schema, docs": (Probe("GET", "/api/crm/"), Probe("GET", "/api/dialogue/"), Probe("GET", "/api/docs/")),
    "customers: list, create": (
        Probe("GET", "/api/crm/customers/"),
        Probe("POST", "/api/crm/customers/", {"name": "李雷", "phone": "13912345678"}),
    ),
    "a customer, its consents": (
        Probe("GET", "/api/crm/customers/{customer}/"),
        Probe("POST", "/api/crm/customers/{customer}/consents/", {"purpose": "usage_data", "granted": False}),
    ),
    "catalogue": (
        Probe("GET", "/api/crm/products/"),
        Probe("POST", "/api/crm/product-categories/", {"code": "matrix", "name": "床垫", "line_of_business": "home"}),
    ),
    "customer profile (sidebar API)": (
        Probe("GET", "/api/crm/customers/{customer}/profile/"),
        Probe("PATCH", "/api/crm/customers/{customer}/profile/", {"hobbies": ["钓鱼"]}),
    ),
    "IM integration endpoints": (
        Probe(
            "POST",
            "/api/crm/im/webhooks/",
            {
                "event_id": "matrix-1",
                "type": "message.received",
                "data": {
                    "message_id": "m-1",
                    "customer_id": "wx-customer",
                    "staff_id": "wx-owner",
                    "direction": "in",
                    "kind": "text",
                    "text": "你好",
                },
            },
        ),
        Probe("POST", "/api/crm/im/sidebar-links/", {"staff_id": "wx-owner", "customer_id": "wx-customer"}),
    ),
    "conversations: list, start": (Probe("GET", "/api/dialogue/conversations/"),),
    "a conversation and its actions": (
        Probe("GET", "/api/dialogue/conversations/{conversation}/"),
        Probe("POST", "/api/dialogue/conversations/{conversation}/reply/", {"text": "您好，我是陈静，马上为您处理。"}),
    ),
    "calls: list, upload": (Probe("GET", "/api/dialogue/calls/"),),
    "a call and its feedback": (
        Probe("GET", "/api/dialogue/calls/{call}/"),
        Probe("POST", "/api/dialogue/calls/{call}/outcome/", {"outcome": "deal"}),
    ),
    "kiosk tickets": (
        Probe("POST", "/api/branch/tickets/", {"branch": "{branch}", "number": "A001", "phone": "13912345678"}),
    ),
    "card page": (Probe("GET", "/c/{token}/"),),
    "card events, consent": (
        Probe("POST", "/c/{token}/events", {"kind": "tab_viewed", "detail": "products"}),
        Probe("POST", "/c/{token}/consent", {"usage_data": True}),
    ),
    "card vCard, QR": (Probe("GET", "/c/{token}/contact.vcf"), Probe("GET", "/c/{token}/qr.svg")),
    "card code verification": (
        Probe("POST", "/c/{token}/verify/send", {}, form=True),
        Probe("POST", "/c/{token}/verify", {"code": "000000"}, form=True),
    ),
    "avatar speech": (Probe("GET", "/speech/forged-speech-token.wav"),),
    "terminal sign-in/out": (Probe("GET", "/sales/login/"),),
    "terminal pages": (Probe("GET", "/sales/"), Probe("GET", "/sales/share/"), Probe("GET", "/sales/calls/")),
    "terminal: a conversation, a call": (
        Probe("GET", "/sales/conversations/{conversation}/"),
        Probe("GET", "/sales/calls/{call}/"),
    ),
    "terminal: re-issue a card link": (Probe("POST", "/sales/customers/{customer}/card-link/", {}, form=True),),
    "sidebar by IM link": (Probe("GET", "/sidebar/?t={t}"),),
    "sidebar for signed-in staff": (Probe("GET", "/sidebar/customers/{customer}/"),),
    "watch app": (Probe("GET", "/watch/"),),
    "media: a customer's private file": (Probe("GET", "/media/{recording}"),),
}

SOCKET_PROBES: dict[str, SocketProbe] = {
    "card chat": SocketProbe("/ws/card/{token}/"),
    "sales terminal": SocketProbe("/ws/sales/"),
    "call capture": SocketProbe("/ws/calls/live/"),
    "operations": SocketProbe("/ws/ops/"),
    "customer profile live": SocketProbe("/ws/customers/{customer}/", auth_frame="type"),
    "watch": SocketProbe("/ws/wearable/", auth_frame="action"),
}


def _routes_of(entry: Entry, socket: bool) -> list[str]:
    entries = SOCKET_ENTRIES if socket else HTTP_ENTRIES
    keys = [route.key for route in (socket_routes() if socket else http_routes())]
    return [key for key in keys if entries_for(key, entries) == [entry]]


def _cells(entries: tuple[Entry, ...]) -> list:
    return [
        pytest.param(entry, principal, id=f"{entry.group} × {principal}")
        for entry in entries
        for principal in Principal
    ]


# --- Completeness ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("socket", [False, True], ids=["http", "socket"])
def test_every_route_falls_to_exactly_one_entry(socket: bool) -> None:
    entries = SOCKET_ENTRIES if socket else HTTP_ENTRIES
    routes = socket_routes() if socket else http_routes()
    uncovered = [route.pattern for route in routes if not entries_for(route.key, entries)]
    ambiguous = {
        route.key: [entry.group for entry in entries_for(route.key, entries)]
        for route in routes
        if len(entries_for(route.key, entries)) > 1
    }
    assert not uncovered, f"routes without an entry in salescard/access_matrix.py: {uncovered}"
    assert not ambiguous, f"routes in more than one entry: {ambiguous}"


@pytest.mark.parametrize("socket", [False, True], ids=["http", "socket"])
def test_no_entry_is_stale(socket: bool) -> None:
    entries = SOCKET_ENTRIES if socket else HTTP_ENTRIES
    stale = [entry.group for entry in entries if not _routes_of(entry, socket)]
    assert not stale, f"entries that match no route: {stale}"


def test_every_entry_has_a_cell_for_every_principal_and_a_probe() -> None:
    groups = [entry.group for entry in (*HTTP_ENTRIES, *SOCKET_ENTRIES)]
    assert len(groups) == len(set(groups)), "group names are unique"
    for entry in (*HTTP_ENTRIES, *SOCKET_ENTRIES):
        assert set(entry.cells) == set(Principal), entry.group
    assert set(PROBES) == {entry.group for entry in HTTP_ENTRIES}
    assert set(SOCKET_PROBES) == {entry.group for entry in SOCKET_ENTRIES}


def test_the_readme_shows_the_current_matrix() -> None:
    from django.conf import settings

    readme = (settings.BASE_DIR / "README.md").read_text()
    assert access_matrix.table() in readme, "README.md's access matrix is stale: paste salescard.access_matrix.table()"


def test_a_route_added_without_an_entry_is_caught_and_refused(client, settings, db) -> None:
    """What a new ``path()`` without an entry meets: the completeness test names it and the guard answers 404."""
    from django.http import HttpResponse
    from django.urls import clear_url_caches, include, path

    urlconf = type("Urlconf", (), {})()
    urlconf.urlpatterns = [
        path("new-feature/", lambda request: HttpResponse("secret"), name="new-feature"),
        path("", include("salescard.urls")),
    ]
    settings.ROOT_URLCONF = urlconf
    clear_url_caches()
    try:
        keys = [route.key for route in http_routes()]
        assert "new-feature" in keys and not entries_for("new-feature", HTTP_ENTRIES)
        assert client.get("/new-feature/").status_code == 404
        assert client.get("/healthz").status_code == 200
    finally:
        clear_url_caches()


async def test_a_socket_route_without_an_entry_closes_4404() -> None:
    from django.urls import path

    from salescard.consumers import OpsConsumer

    guarded = access_matrix.guard_socket_routes([path("ws/new-feature/", OpsConsumer.as_asgi())])
    socket = WebsocketCommunicator(guarded[0].callback, "/ws/new-feature/")
    connected, _ = await socket.connect()
    assert connected
    assert await socket.receive_output(timeout=5) == {"type": "websocket.close", "code": 4404}


# --- HTTP cells ------------------------------------------------------------------------------------------------------
@pytest.fixture
def world(db, settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TTS_CACHE_DIR = tmp_path / "tts"
    return build_world()


@pytest.fixture(autouse=True)
def _no_throttle_counts() -> None:
    from django.core.cache import cache

    cache.clear()


def observed(response) -> str:
    """The cell a response shows."""
    status = response.status_code
    if status in (301, 302, 303) and "/login/" in response.get("Location", ""):
        return LOGIN
    if status in REFUSED_STATUSES or status >= 500:
        return str(status)
    return ALLOW


def send(world: World, principal: Principal, probe: Probe):
    values = world.values(principal)
    path = probe.path.format(**values)
    client = world.client(principal)
    if probe.method == "GET":
        return client.get(path, **world.http_headers(principal, b""))
    body = {
        key: value.format(**values) if isinstance(value, str) else value for key, value in (probe.body or {}).items()
    }
    if probe.form:
        return client.post(path, body, **world.http_headers(principal, b""))
    raw = json.dumps(body, ensure_ascii=False).encode()
    headers = world.http_headers(principal, raw)
    return client.generic(probe.method, path, raw, content_type="application/json", **headers)


@pytest.mark.parametrize(("entry", "principal"), _cells(HTTP_ENTRIES))
def test_http_cell(entry: Entry, principal: Principal, world: World) -> None:
    world.client(principal)  # signs staff in before anything is counted
    for probe in PROBES[entry.group]:
        expected = entry.cell(principal, probe.method)
        refused = expected not in (ALLOW, LIMITED)
        before = row_counts() if refused else None

        response = send(world, principal, probe)

        shown = observed(response)
        where = f"{probe.method} {probe.path} as {principal}"
        if expected == REJECTED:
            assert response.status_code == 400, f"{where}: expected 400, got {response.status_code}"
        elif expected == LIMITED:
            assert response.status_code == 200, f"{where}: {response.status_code}"
            assert world.customer.name not in response.content.decode(), f"{where}: the customer's name is shown"
        else:
            assert shown == expected, f"{where}: expected {expected}, got {response.status_code} ({shown})"
        if refused:
            assert row_counts() == before, f"{where}: a refused request wrote to the database"


# --- Socket cells ----------------------------------------------------------------------------------------------------
@pytest.fixture
def socket_world(transactional_db, settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TTS_CACHE_DIR = tmp_path / "tts"
    reseed_migrated_defaults()
    world = build_world()
    for principal in Principal:  # staff sign in here: the test body runs on the event loop
        world.client(principal)
    return world


@pytest.mark.parametrize(("entry", "principal"), _cells(SOCKET_ENTRIES))
async def test_socket_cell(entry: Entry, principal: Principal, socket_world: World) -> None:
    from salescard.asgi import application

    world, probe = socket_world, SOCKET_PROBES[entry.group]
    path = probe.path.format(**world.values(principal))
    headers = [(name.lower().encode(), value.encode()) for name, value in world.socket_headers(principal).items()]
    expected = entry.cells[principal]
    before = await sync_to_async(row_counts)()

    socket = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await socket.connect(timeout=5)
    assert connected, f"{path} as {principal}: the handshake was refused"
    await socket.send_to(text_data=first_frame(probe, world, principal))
    shown = socket_outcome(await socket.receive_output(timeout=5))
    await socket.disconnect()

    assert shown == expected, f"{path} as {principal}: expected {expected}, got {shown}"
    if expected != ACCEPT:
        assert await sync_to_async(row_counts)() == before, f"{path} as {principal}: a refused socket wrote"
