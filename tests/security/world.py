"""The principals of the access matrix (``salescard.access_matrix``) and one object of each kind they act on, built
for real: a salesperson's card with a customer's personal link opened (and so bound) by the customer's browser, a
public link of the same card, a conversation and a call recording of that customer, a branch with a kiosk token, a
watch, an IM integration and a sidebar link. Also how each principal presents itself to an HTTP route or a socket,
and what a socket's first answer was — shared by the unit test and the integration test on Redis."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

from django.apps import apps
from django.core.files.base import ContentFile
from django.test import Client

from branch.models import Branch
from branch.tokens import issue_kiosk_token, register_wearable
from crm.im_profile.sidebar_tokens import issue_access_token, issue_link_token
from crm.im_profile.webhooks import create_integration, sign
from crm.models import Customer, Organisation, Product, ProductCategory, User
from dialogue.calls.models import Call
from dialogue.models import FAQ, Conversation
from salescard.access_matrix import ACCEPT, Principal
from salescard.cards import issue_link
from salescard.models import CardLink, SmartCard
from tests.factories import CustomerFactory, UserFactory, sofa_on_sale

P = Principal
UNKNOWN_TOKEN = "no-such-card-link-0000000000000000000000000"
STAFF = {P.OWNER: "owner", P.UNRELATED_SALES: "unrelated", P.BRANCH_STAFF: "branch_staff", P.MANAGER: "manager"}


@dataclass
class World:
    owner: User
    unrelated: User
    branch_staff: User
    manager: User
    customer: Customer
    card: SmartCard
    personal: CardLink
    public: CardLink
    conversation: Conversation
    call: Call
    branch: Branch
    kiosk_token: str
    watch_token: str
    im_token: str
    im_secret: str
    sidebar_link: str
    sidebar_access: str
    customer_browser: Client  # opened the personal link first: the bound device
    clients: dict[Principal, Client] = field(default_factory=dict)

    def values(self, principal: Principal) -> dict[str, object]:
        """What a probe's path may name: the objects, and the card link and sidebar link this principal holds."""
        token = {P.BOUND_DEVICE: self.personal.token, P.UNBOUND_HOLDER: self.personal.token}.get(principal)
        token = self.public.token if principal is P.PUBLIC_VISITOR else token
        return {
            "customer": self.customer.pk,
            "conversation": self.conversation.pk,
            "call": self.call.pk,
            "recording": self.call.recording.name,
            "branch": self.branch.code,
            "token": token or UNKNOWN_TOKEN,
            "t": self.sidebar_link if principal is P.SIDEBAR else "",
        }

    def client(self, principal: Principal) -> Client:
        """The principal's browser or HTTP client (one per principal and world)."""
        if principal not in self.clients:
            if principal is P.BOUND_DEVICE:
                client = self.customer_browser
            else:
                client = Client()
                if principal in STAFF:
                    client.force_login(getattr(self, STAFF[principal]))
            self.clients[principal] = client
        return self.clients[principal]

    def http_headers(self, principal: Principal, body: bytes) -> dict[str, str]:
        """Request headers that carry the principal's credentials (WSGI style, for the test client)."""
        if principal is P.KIOSK:
            return {"HTTP_AUTHORIZATION": f"Kiosk {self.kiosk_token}"}
        if principal is P.SIDEBAR:
            return {"HTTP_AUTHORIZATION": f"Sidebar {self.sidebar_access}"}
        if principal is P.IM_INTEGRATION:
            stamp = str(int(time.time()))
            return {
                "HTTP_AUTHORIZATION": f"Bearer {self.im_token}",
                "HTTP_X_SALESCARD_TIMESTAMP": stamp,
                "HTTP_X_SALESCARD_SIGNATURE": sign(self.im_secret, stamp, body),
            }
        return {}

    def socket_headers(self, principal: Principal) -> dict[str, str]:
        """A socket's handshake headers: the browser's cookies, and any Authorization header the principal has."""
        headers = {"Origin": "http://127.0.0.1"}
        cookies = self.client(principal).cookies
        if cookies:
            headers["Cookie"] = "; ".join(f"{name}={morsel.value}" for name, morsel in cookies.items())
        authorization = self.http_headers(principal, b"").get("HTTP_AUTHORIZATION")
        if authorization:
            headers["Authorization"] = authorization
        return headers

    def frame_token(self, principal: Principal) -> str:
        """The bearer token a principal puts in a socket's auth frame (none: an empty one)."""
        return {
            P.SIDEBAR: self.sidebar_access,
            P.WATCH: self.watch_token,
            P.KIOSK: self.kiosk_token,
            P.IM_INTEGRATION: self.im_token,
        }.get(principal, "")


def build_world(suffix: str = "", organisation: Organisation | None = None, customer_name: str = "王芳") -> World:
    """One company's principals and objects. ``suffix`` keeps usernames, IM ids, codes and devices apart when a
    second company is built beside the first (``organisation``; the default organisation when None)."""
    org = {"organisation": organisation} if organisation else {}
    owner = UserFactory(
        role="sales", username=f"matrix-owner{suffix}", first_name="静", last_name="陈", im_user_id=f"wx-owner{suffix}",
        **org,
    )  # fmt: skip
    unrelated = UserFactory(role="sales", username=f"matrix-unrelated{suffix}", **org)
    branch_staff = UserFactory(role="branch_staff", username=f"matrix-branch{suffix}", **org)
    manager = UserFactory(role="manager", username=f"matrix-manager{suffix}", **org)
    product = sofa_on_sale(code=f"sofa-matrix{suffix}")
    if organisation is not None:  # the catalogue of this company
        ProductCategory.objects.filter(pk=product.category_id).update(organisation=organisation)
        Product.objects.filter(pk=product.pk).update(organisation=organisation)
        FAQ.objects.filter(category_id=product.category_id).update(organisation=organisation)
    customer = CustomerFactory(owner=owner, name=customer_name, external_im_id=f"wx-customer{suffix}")
    card = SmartCard.objects.create(salesperson=owner, display_name="陈静", company="家居生活馆", phone="13802561174")
    personal = issue_link(card, customer)
    public = issue_link(card)
    customer_browser = Client()
    opened = customer_browser.get(f"/c/{personal.token}/")
    assert opened.status_code == 200, opened.status_code
    conversation = Conversation.objects.filter(customer=customer).order_by("-pk").first()
    assert conversation is not None, "opening the card starts the customer's conversation"
    call = Call(customer=customer, salesperson=owner)
    call.recording.save("matrix-call.wav", ContentFile(b"RIFF\x24\x00\x00\x00WAVEfmt "), save=True)
    branch = Branch.objects.create(code=f"sz-matrix{suffix}", name=f"南山支行{suffix}", manager=branch_staff)
    _, watch_token = register_wearable(f"watch-matrix{suffix}", staff=branch_staff)
    integration, im_token, im_secret = create_integration(f"企业微信{suffix}")
    if organisation is not None:
        integration.organisation = organisation
        integration.save(update_fields=["organisation"])
    return World(
        owner=owner,
        unrelated=unrelated,
        branch_staff=branch_staff,
        manager=manager,
        customer=customer,
        card=card,
        personal=personal,
        public=public,
        conversation=conversation,
        call=call,
        branch=branch,
        kiosk_token=issue_kiosk_token(branch),
        watch_token=watch_token,
        im_token=im_token,
        im_secret=im_secret,
        sidebar_link=issue_link_token(owner, customer),
        sidebar_access=issue_access_token(owner, customer),
        customer_browser=customer_browser,
    )


def row_counts() -> dict[str, int]:
    """Rows per model (auto-created many-to-many tables included): what a refused request must leave alone."""
    return {model._meta.label: model._base_manager.count() for model in apps.get_models(include_auto_created=True)}


@dataclass(frozen=True)
class SocketProbe:
    path: str  # may name {token} and {customer}
    auth_frame: str = ""  # "type" or "action": the key of an auth frame {key: "auth", "token": …}, if it takes one


def first_frame(probe: SocketProbe, world: World, principal: Principal) -> str:
    """What the socket is sent after the handshake: the auth frame with the principal's token, or a frame of no
    known action (a consumer that accepted answers it with an error frame, so acceptance shows)."""
    if probe.auth_frame:
        return json.dumps({probe.auth_frame: "auth", "token": world.frame_token(principal)})
    return json.dumps({"action": "access-matrix-probe"})


def socket_outcome(message: dict) -> str:
    """The cell a socket's first message from the server shows: a frame means accepted, a close its code."""
    if message["type"] == "websocket.send":
        return ACCEPT
    if message["type"] == "websocket.close":
        return str(message.get("code", 1000))
    return message["type"]
