"""The cross-organisation matrix (issue 19): the staff, managers, watches, kiosks, IM integrations and sidebar tokens
of company A against every route and socket of the access matrix, each probe naming company B's objects (customer,
conversation, call, recording, branch, IM ids).

Every route is enumerated from ``salescard.access_matrix`` and probed with the probes of
``tests/security/test_access_matrix.py``. What must hold, cell by cell:

- a probe that names one of B's objects is refused (never 2xx) with exactly what the same principal gets for an
  object that does not exist at all — B's objects do not exist for A (404, a close code 4404, a 400 of a form that
  knows no such row, or the role refusal the principal meets on any object), and where A's principal may use the
  route on its own objects it is 404 (a form's 400 where the matrix says so);
- nothing is written (every table's rows counted before and after);
- no body names B's customer, staff or branch; B's rows are unchanged whatever A did with its own.

Card holders and anonymous visitors belong to no organisation (a card link is its own capability) and are left to
``test_access_matrix.py``.
"""

from __future__ import annotations

import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.apps import apps

from crm import tenancy
from crm.models import Organisation
from salescard.access_matrix import (
    ACCEPT,
    ALLOW,
    CLOSE_UNKNOWN,
    HIDDEN,
    HTTP_ENTRIES,
    LIMITED,
    REJECTED,
    SOCKET_ENTRIES,
    Entry,
    Principal,
)
from tests.conftest import reseed_migrated_defaults
from tests.security.test_access_matrix import PROBES, SOCKET_PROBES, Probe, observed
from tests.security.world import World, build_world, first_frame, row_counts, socket_outcome

P = Principal
ORGANISED = (
    P.OWNER, P.UNRELATED_SALES, P.BRANCH_STAFF, P.MANAGER, P.KIOSK, P.IM_INTEGRATION, P.SIDEBAR, P.WATCH,
)  # fmt: skip
OBJECT_FIELDS = ("{customer}", "{conversation}", "{call}", "{recording}", "{branch}")
B_CUSTOMER = "Beatrix Borg 贝雅"
GHOST_ID = 987654


class Companies:
    def __init__(self, a: World, b: World) -> None:
        self.a, self.b = a, b
        self.organisation_b = b.owner.organisation_id

    def values(self, principal: Principal, ghost: bool = False) -> dict[str, object]:
        """What a probe's path and body name: B's objects (or objects that exist nowhere), with A's own sidebar link."""
        values = self.b.values(principal)
        values["t"] = self.a.values(principal)["t"]
        if ghost:
            values.update(customer=GHOST_ID, conversation=GHOST_ID, call=GHOST_ID, branch="no-such-branch")
            values["recording"] = "calls/no-such-recording.wav"
        return values

    def im_ids(self, ghost: bool) -> dict[str, str]:
        return {"wx-customer": "wx-ghost-customer" if ghost else self.b.customer.external_im_id,
                "wx-owner": "wx-ghost-owner" if ghost else self.b.owner.im_user_id}  # fmt: skip

    def markers(self) -> list[str]:
        """Strings only B's data contains."""
        return [B_CUSTOMER, self.b.owner.username, self.b.branch.name, self.b.customer.phone]


def outcome(response) -> str:
    """The cell a response shows, a form's or serializer's 400 told apart from success."""
    return REJECTED if response.status_code == 400 else observed(response)


def names_objects(probe: Probe) -> bool:
    body = json.dumps(probe.body or {}, ensure_ascii=False)
    return any(field in probe.path or field in body for field in OBJECT_FIELDS) or "wx-" in body


def _rewrite(value: object, replacements: dict[str, str]) -> object:
    if isinstance(value, str):
        return replacements.get(value, value)
    if isinstance(value, dict):
        return {key: _rewrite(item, replacements) for key, item in value.items()}
    return value


def send(companies: Companies, principal: Principal, probe: Probe, ghost: bool = False):
    world = companies.a  # A's credentials, always
    values = companies.values(principal, ghost)
    path = probe.path.format(**values)
    client = world.client(principal)
    if probe.method == "GET":
        return client.get(path, **world.http_headers(principal, b""))
    body = _rewrite(probe.body or {}, companies.im_ids(ghost))
    body = {key: value.format(**values) if isinstance(value, str) else value for key, value in body.items()}
    if probe.form:
        return client.post(path, body, **world.http_headers(principal, b""))
    raw = json.dumps(body, ensure_ascii=False).encode()
    return client.generic(
        probe.method, path, raw, content_type="application/json", **world.http_headers(principal, raw)
    )


def rows_of(organisation_id: int) -> dict[str, int]:
    """Rows per model that belong to one organisation (models without a path to one are skipped)."""
    counts = {}
    for model in apps.get_models():
        try:
            counts[model._meta.label] = tenancy.scoped(model._base_manager.all(), organisation_id).count()
        except LookupError:
            continue
    return counts


@pytest.fixture
def companies(db, settings, tmp_path) -> Companies:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TTS_CACHE_DIR = tmp_path / "tts"
    from django.core.cache import cache

    cache.clear()
    a = build_world()
    b = build_world("-b", Organisation.objects.create(name="招财银行 B"), customer_name=B_CUSTOMER)
    assert a.owner.organisation_id != b.owner.organisation_id
    return Companies(a, b)


def _cells(entries: tuple[Entry, ...]) -> list:
    return [
        pytest.param(entry, principal, id=f"{entry.group} × A's {principal}")
        for entry in entries
        for principal in ORGANISED
    ]


@pytest.mark.parametrize("entry", [pytest.param(entry, id=entry.group) for entry in HTTP_ENTRIES])
def test_http_route_against_the_other_organisation(entry: Entry, companies: Companies) -> None:
    """Each of A's principals in turn (one pair of companies per route group: refused probes write nothing)."""
    for principal in ORGANISED:
        companies.a.client(principal)  # staff sign in before anything is counted
    for principal in ORGANISED:
        _check_http(entry, principal, companies)


def _check_http(entry: Entry, principal: Principal, companies: Companies) -> None:
    has_rejected_cell = REJECTED in entry.cells.values() or REJECTED in (entry.write or {}).values()
    for probe in PROBES[entry.group]:
        where = f"{probe.method} {probe.path} as A's {principal}"
        before, before_b = row_counts(), rows_of(companies.organisation_b)

        response = send(companies, principal, probe)

        body = response.content.decode(errors="replace")
        for marker in companies.markers():
            assert marker not in body, f"{where}: the body shows B's {marker!r}"
        assert rows_of(companies.organisation_b) == before_b, f"{where}: B's rows changed"
        if not names_objects(probe):
            continue
        shown = outcome(response)
        assert shown not in (ALLOW, LIMITED), f"{where}: B's object was reached ({response.status_code})"
        assert row_counts() == before, f"{where}: a refused request wrote to the database"
        own_cell = entry.cell(principal, probe.method)
        if own_cell in (ALLOW, LIMITED):  # the principal may use the route: B's object is simply not there
            expected = {HIDDEN, REJECTED} if has_rejected_cell or probe.body else {HIDDEN}
            assert shown in expected, f"{where}: expected {sorted(expected)}, got {response.status_code}"
        ghost = outcome(send(companies, principal, probe, ghost=True))
        assert shown == ghost, f"{where}: B's object answers {shown}, a missing one {ghost}: existence shows"


# --- Sockets ---------------------------------------------------------------------------------------------------------
@pytest.fixture
def socket_companies(transactional_db, settings, tmp_path) -> Companies:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TTS_CACHE_DIR = tmp_path / "tts"
    reseed_migrated_defaults()
    a = build_world()
    b = build_world("-b", Organisation.objects.create(name="招财银行 B"), customer_name=B_CUSTOMER)
    for principal in Principal:
        a.client(principal)
    return Companies(a, b)


async def _socket_outcome(companies: Companies, principal: Principal, group: str, ghost: bool = False) -> str:
    from salescard.asgi import application

    probe = SOCKET_PROBES[group]
    path = probe.path.format(**companies.values(principal, ghost))
    headers = [(k.lower().encode(), v.encode()) for k, v in companies.a.socket_headers(principal).items()]
    socket = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await socket.connect(timeout=5)
    assert connected
    await socket.send_to(text_data=first_frame(probe, companies.a, principal))
    shown = socket_outcome(await socket.receive_output(timeout=5))
    await socket.disconnect()
    return shown


OBJECT_SOCKETS = [entry for entry in SOCKET_ENTRIES if "<" in entry.routes[0] and "token" not in entry.routes[0]]


@pytest.mark.parametrize(("entry", "principal"), _cells(tuple(OBJECT_SOCKETS)))
async def test_socket_against_the_other_organisation(
    entry: Entry, principal: Principal, socket_companies: Companies
) -> None:
    before = await sync_to_async(row_counts)()
    shown = await _socket_outcome(socket_companies, principal, entry.group)
    ghost = await _socket_outcome(socket_companies, principal, entry.group, ghost=True)
    where = f"{entry.routes[0]} of B as A's {principal}"
    assert shown != ACCEPT, f"{where}: accepted"
    assert shown == ghost, f"{where}: B's object closes {shown}, a missing one {ghost}"
    if entry.cells[principal] == ACCEPT and principal is not P.SIDEBAR:
        assert shown == CLOSE_UNKNOWN, f"{where}: expected 4404, got {shown}"
    assert await sync_to_async(row_counts)() == before, f"{where}: a refused socket wrote"


def test_every_object_socket_is_probed() -> None:
    assert {entry.group for entry in OBJECT_SOCKETS} == {"customer profile live"}
