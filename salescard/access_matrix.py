"""The access matrix (SPEC X3, S8–S10, P1, B1): for every HTTP route and every WebSocket route, which principals may
use it and what the others get. Views and consumers keep their own checks; this table states the design in one
place, ``tests/security/test_access_matrix.py`` checks every cell with a real request or socket, and the guards here
refuse any route the table does not cover (deny by default): ``AccessMatrixMiddleware`` answers 404 and
``guard_socket_routes`` closes the socket with 4404.

A route is named by its key: ``namespace:name`` for a named route, else its pattern (``admin/crm/…/<path:object_id>/``).
An entry lists keys or ``fnmatch`` globs of keys; an exact key beats a glob, so ``admin:login`` can be its own entry
beside ``admin:*``. Every route must fall to exactly one entry, and a route added later without one fails the test.

Cells (what a principal gets): ``allow`` — it passes the access check (2xx/3xx, or a 4xx about the request itself
such as 400 or 409); ``limited`` — 200, but nothing of the customer; ``login`` — a redirect to a sign-in page; ``400``
(a form refuses the object: not one of yours), ``401``, ``403``, ``404`` (existence hidden or no such link); on
sockets ``accept`` or a close code — 4401 sign in, 4403 not allowed, 4404 unknown (``base.socket_auth``).
``write`` cells, where given, apply to POST/PUT/PATCH/DELETE.

Principals bring only their own credentials: staff a session; the kiosk ``Authorization: Kiosk <token>``; the IM
integration its bearer token and a signed body; the sidebar ``Authorization: Sidebar <access token>`` (and its link
token on ``/sidebar/?t=``); card principals the link in the URL and their browser's cookies; a watch its device token,
which only the ``/ws/wearable/`` auth frame takes. Token-in-frame sockets get the principal's token, whatever it is.
Whoever holds no card link reaches card routes only with an unknown token.

Every cell is within one organisation (issue 19). Across organisations there is one rule for every route and socket:
another organisation's object does not exist — a principal of company A meets company B's customer, conversation,
call, recording, branch or IM id exactly as an id that names nothing (404, 4404, a form's 400, or the refusal its
role meets anyway), sees none of B's data and writes nothing. ``tests/security/test_cross_organisation.py`` checks
it for every entry here with the same probes.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from functools import lru_cache
from types import MappingProxyType

from django.http import Http404, HttpRequest
from django.urls import URLPattern, URLResolver, get_resolver

from base.socket_auth import CLOSE_NOT_FOUND
from salescard.routing import websocket_urlpatterns

logger = logging.getLogger(__name__)


class Principal(enum.StrEnum):
    ANONYMOUS = "anonymous"
    BOUND_DEVICE = "bound device"  # the customer's browser: opened their personal link first
    UNBOUND_HOLDER = "unbound holder"  # the same personal link in another browser
    PUBLIC_VISITOR = "public visitor"  # a generic (public) link of the card
    OWNER = "owning sales"  # owner of the customer and of the card
    UNRELATED_SALES = "unrelated sales"
    BRANCH_STAFF = "branch staff"
    MANAGER = "manager"
    KIOSK = "kiosk token"
    IM_INTEGRATION = "IM integration"  # signed webhook
    SIDEBAR = "sidebar token"  # names the owner and the customer
    WATCH = "watch token"


ALLOW, LIMITED, LOGIN = "allow", "limited", "login"
REJECTED, UNAUTHORISED, FORBIDDEN, HIDDEN = "400", "401", "403", "404"
ACCEPT, CLOSE_SIGN_IN, CLOSE_FORBIDDEN, CLOSE_UNKNOWN = "accept", "4401", "4403", "4404"

P = Principal
CARD_HOLDERS = (P.BOUND_DEVICE, P.UNBOUND_HOLDER, P.PUBLIC_VISITOR)
SIGNED_IN_STAFF = (P.OWNER, P.UNRELATED_SALES, P.BRANCH_STAFF, P.MANAGER)


def cells(default: str, overrides: Mapping[Principal, str] | None = None) -> Mapping[Principal, str]:
    """Every principal's cell: ``default`` unless overridden."""
    table = dict.fromkeys(Principal, default)
    table.update(overrides or {})
    return MappingProxyType(table)


@dataclass(frozen=True)
class Entry:
    group: str
    routes: tuple[str, ...]  # route keys or fnmatch globs of them
    cells: Mapping[Principal, str]
    write: Mapping[Principal, str] | None = None  # for unsafe methods, where they differ
    note: str = ""

    def cell(self, principal: Principal, method: str = "GET") -> str:
        if self.write is not None and method.upper() not in ("GET", "HEAD", "OPTIONS"):
            return self.write[principal]
        return self.cells[principal]


# Recurring rows.
EVERYONE = cells(ALLOW)
API_STAFF = cells(UNAUTHORISED, dict.fromkeys(SIGNED_IN_STAFF, ALLOW))
API_CUSTOMERS = cells(
    UNAUTHORISED, {P.OWNER: ALLOW, P.UNRELATED_SALES: ALLOW, P.MANAGER: ALLOW, P.BRANCH_STAFF: FORBIDDEN}
)
API_ONE_CUSTOMER = cells(
    UNAUTHORISED, {P.OWNER: ALLOW, P.UNRELATED_SALES: HIDDEN, P.MANAGER: ALLOW, P.BRANCH_STAFF: FORBIDDEN}
)
TERMINAL = cells(LOGIN, {P.OWNER: ALLOW, P.UNRELATED_SALES: ALLOW, P.MANAGER: ALLOW, P.BRANCH_STAFF: FORBIDDEN})
TERMINAL_ONE = cells(LOGIN, {P.OWNER: ALLOW, P.UNRELATED_SALES: HIDDEN, P.MANAGER: ALLOW, P.BRANCH_STAFF: FORBIDDEN})
NO_LINK = cells(HIDDEN)  # card routes: an unknown token for whoever holds no card link

HTTP_ENTRIES: tuple[Entry, ...] = (
    Entry("health", ("healthz", "readyz"), EVERYONE, note="load balancers"),
    Entry("home", ("home",), EVERYONE, note="redirects to the terminal"),
    Entry("language switch", ("set_language",), EVERYONE),
    Entry("admin sign-in", ("admin:login", "admin:logout"), EVERYONE),
    Entry("admin", ("admin:*", "admin/*"), cells(LOGIN, {P.MANAGER: ALLOW}), note="managers (is_staff) only"),
    Entry(
        "managers' dashboard",
        ("manage-dashboard",),
        cells(LOGIN, {P.MANAGER: ALLOW}),
        note="the admin's sign-in; managers only, their organisation's figures",
    ),
    Entry("API token sign-in", ("api-token",), EVERYONE, note="username and password"),
    Entry("API roots, schema, docs", ("crm:api-root", "dialogue:api-root", "api-schema", "api-docs"), API_STAFF),
    Entry("customers: list, create", ("crm:customer-list",), API_CUSTOMERS, note="a salesperson lists their own"),
    Entry("a customer, its consents", ("crm:customer-detail", "crm:customer-consents"), API_ONE_CUSTOMER),
    Entry(
        "catalogue",
        ("crm:product-list", "crm:product-detail", "crm:product-category-list", "crm:product-category-detail"),
        API_STAFF,
        write=cells(UNAUTHORISED, {**dict.fromkeys(SIGNED_IN_STAFF, FORBIDDEN), P.MANAGER: ALLOW}),
        note="staff read, managers write",
    ),
    Entry(
        "customer profile (sidebar API)",
        ("crm:profile*",),
        cells(
            UNAUTHORISED,
            {
                P.OWNER: ALLOW,
                P.UNRELATED_SALES: FORBIDDEN,
                P.BRANCH_STAFF: FORBIDDEN,
                P.MANAGER: ALLOW,
                P.SIDEBAR: ALLOW,
            },
        ),
        note="unrelated salespeople are told they are not linked (403); a sidebar token is good for its one customer",
    ),
    Entry(
        "IM integration endpoints",
        ("crm:im-webhook", "crm:im-sidebar-link"),
        cells(UNAUTHORISED, {P.IM_INTEGRATION: ALLOW}),
        note="bearer token and HMAC of the body",
    ),
    Entry("conversations: list, start", ("dialogue:conversation-list",), API_CUSTOMERS),
    Entry(
        "a conversation and its actions",
        ("dialogue:conversation-detail", "dialogue:conversation-*"),
        API_ONE_CUSTOMER,
        note="a closed conversation refuses replies with 409",
    ),
    Entry("calls: list, upload", ("dialogue:call-list",), API_CUSTOMERS),
    Entry("a call and its feedback", ("dialogue:call-detail", "dialogue:call-*"), API_ONE_CUSTOMER),
    Entry("kiosk tickets", ("branch:tickets",), cells(UNAUTHORISED, {P.KIOSK: ALLOW})),
    Entry(
        "card page",
        ("card",),
        cells(HIDDEN, {P.BOUND_DEVICE: ALLOW, P.UNBOUND_HOLDER: LIMITED, P.PUBLIC_VISITOR: ALLOW}),
        note="an unbound browser sees the card without chat, name or intent; a public link shows the consent notice",
    ),
    Entry(
        "card events, consent",
        ("card-event", "card-consent"),
        cells(HIDDEN, {P.BOUND_DEVICE: ALLOW, P.UNBOUND_HOLDER: FORBIDDEN, P.PUBLIC_VISITOR: FORBIDDEN}),
        note="a public link must agree to the notice first",
    ),
    Entry(
        "card vCard, QR",
        ("card-vcard", "card-qr"),
        cells(HIDDEN, dict.fromkeys(CARD_HOLDERS, ALLOW)),
        note="they carry only the public link",
    ),
    Entry(
        "card code verification",
        ("card-verify-send", "card-verify"),
        cells(HIDDEN, {P.BOUND_DEVICE: ALLOW, P.UNBOUND_HOLDER: ALLOW}),
        note='"是本人？": a code to the customer\'s phone; personal links only',
    ),
    Entry("avatar speech", ("card-speech",), NO_LINK, note="the signed URL is the credential; a forged one is 404"),
    Entry("terminal sign-in/out", ("sales-login", "sales-logout"), EVERYONE),
    Entry("terminal pages", ("sales-inbox", "sales-share", "sales-calls"), TERMINAL),
    Entry("terminal: a conversation, a call", ("sales-conversation", "sales-call"), TERMINAL_ONE),
    Entry(
        "terminal: re-issue a card link",
        ("sales-reissue-link",),
        cells(LOGIN, {P.OWNER: ALLOW, P.UNRELATED_SALES: REJECTED, P.MANAGER: ALLOW, P.BRANCH_STAFF: FORBIDDEN}),
        note="the old link stops working at once; another's customer is refused by the form (400)",
    ),
    Entry("sidebar by IM link", ("sidebar-open",), cells(UNAUTHORISED, {P.SIDEBAR: ALLOW}), note="?t=<link token>"),
    Entry(
        "sidebar for signed-in staff",
        ("sidebar-customer",),
        cells(LOGIN, {P.OWNER: ALLOW, P.UNRELATED_SALES: FORBIDDEN, P.BRANCH_STAFF: FORBIDDEN, P.MANAGER: ALLOW}),
    ),
    Entry("watch app", ("watch",), EVERYONE, note="the page holds nothing; the token authenticates the socket"),
    Entry(
        "media: a customer's private file",
        ("media",),
        cells(HIDDEN, {P.OWNER: ALLOW, P.MANAGER: ALLOW}),
        note="public folders (products, cases, cards) to anyone; calls and chat images to staff who see the customer",
    ),
)

SOCKET_ENTRIES: tuple[Entry, ...] = (
    Entry(
        "card chat",
        ("ws/card/<str:token>/",),
        cells(CLOSE_UNKNOWN, {P.BOUND_DEVICE: ACCEPT, P.UNBOUND_HOLDER: CLOSE_FORBIDDEN}),
        note="a public link has no chat until the notice is agreed",
    ),
    Entry(
        "sales terminal",
        ("ws/sales/",),
        cells(
            CLOSE_SIGN_IN,
            {P.OWNER: ACCEPT, P.UNRELATED_SALES: ACCEPT, P.MANAGER: ACCEPT, P.BRANCH_STAFF: CLOSE_FORBIDDEN},
        ),
        note="each joins only their own groups",
    ),
    Entry(
        "call capture",
        ("ws/calls/live/",),
        cells(
            CLOSE_SIGN_IN,
            {P.OWNER: ACCEPT, P.UNRELATED_SALES: ACCEPT, P.MANAGER: ACCEPT, P.BRANCH_STAFF: CLOSE_FORBIDDEN},
        ),
    ),
    Entry(
        "operations",
        ("ws/ops/",),
        cells(
            CLOSE_SIGN_IN,
            {
                P.OWNER: CLOSE_FORBIDDEN,
                P.UNRELATED_SALES: CLOSE_FORBIDDEN,
                P.BRANCH_STAFF: CLOSE_FORBIDDEN,
                P.MANAGER: ACCEPT,
            },
        ),
    ),
    Entry(
        "customer profile live",
        ("ws/customers/<int:customer_id>/",),
        cells(
            CLOSE_SIGN_IN,
            {
                P.OWNER: ACCEPT,
                P.UNRELATED_SALES: CLOSE_FORBIDDEN,
                P.BRANCH_STAFF: CLOSE_FORBIDDEN,
                P.MANAGER: ACCEPT,
                P.SIDEBAR: ACCEPT,
            },
        ),
        note="session, or an auth frame with the sidebar's access token",
    ),
    Entry(
        "watch",
        ("ws/wearable/",),
        cells(CLOSE_SIGN_IN, {P.WATCH: ACCEPT}),
        note="auth frame with the device token",
    ),
)


# --- Routes ----------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Route:
    key: str  # namespace:name, or the pattern of an unnamed route
    pattern: str
    callback: object = field(compare=False, repr=False)


def _join(route1: str, route2: str) -> str:
    # As Django joins the patterns of nested resolvers into ResolverMatch.route.
    return route1 + route2.removeprefix("^") if route1 else route2


def route_key(name: str | None, namespaces: list[str], pattern: str) -> str:
    return ":".join([*namespaces, name]) if name else pattern


def http_routes() -> list[Route]:
    """Every route of the URL configuration, nested includes (admin, DRF routers, i18n) walked."""
    return list(_walk(get_resolver(), "", []))


def _walk(resolver: URLResolver, prefix: str, namespaces: list[str]) -> Iterator[Route]:
    for item in resolver.url_patterns:
        pattern = _join(prefix, str(item.pattern))
        if isinstance(item, URLResolver):
            yield from _walk(item, pattern, [*namespaces, item.namespace] if item.namespace else namespaces)
        elif isinstance(item, URLPattern):
            yield Route(route_key(item.name, namespaces, pattern), pattern, item.callback)


def socket_routes() -> list[Route]:

    return [Route(str(item.pattern), str(item.pattern), item.callback) for item in websocket_urlpatterns]


def _is_glob(text: str) -> bool:
    return any(char in text for char in "*?[")


def entries_for(key: str, entries: tuple[Entry, ...]) -> list[Entry]:
    """The entries that cover the route ``key``: those naming it exactly, else those whose glob matches."""
    exact = [entry for entry in entries if key in entry.routes]
    if exact:
        return exact
    return [entry for entry in entries if any(_is_glob(g) and fnmatchcase(key, g) for g in entry.routes)]


@lru_cache(maxsize=1024)
def entry_for(key: str, socket: bool = False) -> Entry | None:
    """The one entry covering ``key``, or None (no entry, or an ambiguous table)."""
    found = entries_for(key, SOCKET_ENTRIES if socket else HTTP_ENTRIES)
    return found[0] if len(found) == 1 else None


# --- Enforcement -----------------------------------------------------------------------------------------------------
class AccessMatrixMiddleware:
    """Deny by default: a view whose route has no entry in the matrix is not reached (404). Django has resolved the
    request before ``process_view``; the lookup is cached per route key."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        match = request.resolver_match
        key = route_key(match.url_name, match.namespaces, match.route)
        if entry_for(key) is None:
            logger.error("Route %r has no entry in the access matrix (salescard/access_matrix.py): refused.", key)
            raise Http404("No such page.")


def guard_socket_routes(patterns: list[URLPattern]) -> list[URLPattern]:
    """The socket routes, those without an entry in the matrix replaced by a consumer that closes with 4404."""
    guarded = []
    for item in patterns:
        key = str(item.pattern)
        if entry_for(key, socket=True) is None:
            logger.error("Socket route %r has no entry in the access matrix: it refuses every connection.", key)
            item = URLPattern(item.pattern, _refuse_unlisted, name=item.name)
        guarded.append(item)
    return guarded


async def _refuse_unlisted(scope, receive, send) -> None:

    message = await receive()
    if message["type"] == "websocket.connect":
        await send({"type": "websocket.accept"})
        await send({"type": "websocket.close", "code": CLOSE_NOT_FOUND})


def table() -> str:
    """The matrix as a Markdown table (principals × route groups), for the README and the issue's note."""
    principals = list(Principal)
    lines = ["| route group | " + " | ".join(principals) + " |", "|---" * (len(principals) + 1) + "|"]
    for entry in (*HTTP_ENTRIES, *SOCKET_ENTRIES):
        row = []
        for principal in principals:
            cell = entry.cells[principal]
            if entry.write is not None and entry.write[principal] != cell:
                cell = f"{cell}, write {entry.write[principal]}"
            row.append(cell)
        lines.append(f"| {entry.group} | " + " | ".join(row) + " |")
    return "\n".join(lines)
