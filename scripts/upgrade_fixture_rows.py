"""Rows the demo commands leave out, added to the upgrade fixture (run by scripts/make-upgrade-fixture.sh).

This file runs against the code of the fixture's commit (1792999 or 13a5c36), through that commit's ``manage.py
shell``: its imports name the modules of THOSE commits (``pick`` takes a name from the first module that has it, the
1792999 place first, then where issue 18 moved it). Do not move them with today's code — the script describes an old
database.

Each block goes through the product's own functions where one exists (a card chat, a signed IM webhook, a queue
ticket, an API token), and creates the rows directly where only a long-running process would (calls, segments and
their suggestions come from the ASR pipeline; model versions from training).
"""

from __future__ import annotations

import hashlib
import hmac
import importlib
import json
import uuid

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from branch.delivery import accept
from branch.delivery import bind as bind_wearable
from branch.feedback import end_task, start_task
from branch.models import Branch, DemandUpdate, Task, Wearable
from branch.tickets import set_target_customer, take_ticket
from crm.models import Customer, PrivacyRequest, User
from dialogue.models import Conversation, HandOff, ScoringSettingsChange
from dialogue.presence import arrived
from intent.models import IntentModelVersion
from intent.personality_model import record_personality
from intent.portrait import record_portrait
from salescard.card_access import bind as bind_device
from salescard.card_access import send_code
from salescard.card_chat import customer_says, open_session
from salescard.cards import issue_link
from salescard.models import CardDevice, CardLink
from salescard.services import assemble_card


def pick(name: str, *modules: str):  # noqa: ANN201 - a class or a function of the fixture's commit
    """``name`` from the first of ``modules`` that has it: the module it lives in at 1792999, then where it moved."""
    for module in modules:
        try:
            return getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError):
            continue
    raise ImportError(f"{name} is in none of {modules}")


# Moved between apps after 1792999 (issue 18), tables kept: the old module first, then the new one.
IM_MODELS = ("crm.models", "crm.im_profile.models")
CALL_MODELS = ("dialogue.models", "dialogue.calls.models")
add_segment = pick("add_segment", "branch.live_demand", "branch.demand")
client_file = pick("client_file", "crm.demo_im", "salescard.demo.im_integration")
confirm_fact = pick("confirm_fact", "crm.profile", "crm.im_profile.profile")
edit_profile = pick("edit_profile", "crm.profile", "crm.im_profile.profile")
seed_reply_library = pick("seed_reply_library", "dialogue.reply_library", "dialogue.calls.script_library")
issue_token = pick("issue_token", "salescard.api_tokens", "base.api_tokens")
ApiToken = pick("ApiToken", "salescard.models", "base.models")
ClosenessWeights = pick("ClosenessWeights", *IM_MODELS)
ProfileChange = pick("ProfileChange", *IM_MODELS)
ProfileFact = pick("ProfileFact", *IM_MODELS)
WebhookDelivery = pick("WebhookDelivery", *IM_MODELS)
Call = pick("Call", *CALL_MODELS)
CallSegment = pick("CallSegment", *CALL_MODELS)
ReplyModelVersion = pick("ReplyModelVersion", *CALL_MODELS)
ReplySample = pick("ReplySample", *CALL_MODELS)
ReplyScript = pick("ReplyScript", *CALL_MODELS)
ReplySuggestion = pick("ReplySuggestion", *CALL_MODELS)

HOST = "localhost"
now = timezone.now()
sales = User.objects.filter(role=User.Role.SALES).order_by("username")
manager = User.objects.get(username=settings.DEMO_MANAGER_USERNAME)


# --- Card chats: conversations, messages, a hand-off, intent predictions, card visits and devices ---------------------
def chat(link: CardLink, texts: list[str]) -> None:
    assemble_card(link)
    device = f"fixture-{uuid.uuid4().hex}"
    bind_device(link, device, CardDevice.How.FIRST_OPEN)
    session = open_session(link.token, device)
    for text in texts:
        customer_says(session, text)


personal = CardLink.objects.filter(customer__isnull=False).order_by("pk").first()
chat(personal, ["这款产品多少钱？", "有优惠吗", "转人工", "谢谢"])
for customer in Customer.objects.filter(owner=personal.card.salesperson).exclude(pk=personal.customer_id)[:2]:
    chat(issue_link(personal.card, customer), ["你好", "能介绍一下吗？"])


# --- The IM integration: signed webhook deliveries, extracted profile facts, profile changes --------------------------
im = json.loads(client_file().read_text(encoding="utf-8"))
browser = Client(HTTP_HOST=HOST)
for text in ("我换了新号码13912345678，邮箱 li.na@example.com", "我生日是5月20日，住在南山区", "好的，周末去店里看看"):
    data = {"customer_id": im["customer_id"], "staff_id": im["staff_id"], "message_id": uuid.uuid4().hex,
            "direction": "in", "kind": "text", "text": text}  # fmt: skip
    body = json.dumps({"event_id": f"fixture-{uuid.uuid4().hex}", "type": "message.received", "data": data}).encode()
    stamp = str(int(timezone.now().timestamp()))
    signature = hmac.new(im["secret"].encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    response = browser.post(
        reverse("crm:im-webhook"),
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {im['token']}",
        HTTP_X_SALESCARD_TIMESTAMP=stamp,
        HTTP_X_SALESCARD_SIGNATURE=f"sha256={signature}",
    )
    assert response.status_code < 300, (response.status_code, response.content[:300])
fact = ProfileFact.objects.filter(status=ProfileFact.Status.SUGGESTED).order_by("pk").first()
if fact is not None:
    confirm_fact(fact, sales.first())
edit_profile(personal.customer, {"hobbies": ["家居", "徒步"]}, manager)
ClosenessWeights.objects.get_or_create(pk=1)
PrivacyRequest.objects.create(
    customer=personal.customer, customer_ref=personal.customer_id, action=PrivacyRequest.Action.EXPORT,
    performed_by=manager, summary={"fixture": True},
)  # fmt: skip


# --- A staff group with a permission, a signed-in session, an open terminal ---------------------------------------
group, _ = Group.objects.get_or_create(name="升级测试组")
group.permissions.add(Permission.objects.get(codename="view_customer"))
sales.first().groups.add(group)
session = SessionStore()
session["fixture"] = True
session.create()
arrived(sales.first().pk, "fixture.channel!1")


# --- Intent: a portrait and a personality assessment as the sidebar records them; a code sent to bind a phone -------
record_portrait(personal.customer)
record_personality(personal.customer)
send_code(personal, "fixture-second-phone")


# --- API tokens ---------------------------------------------------------------------------------------------------
for user in (manager, sales.first()):
    issue_token(user)


# --- Calls: the shipped reply library, a done call with segments and suggestions, a failed upload --------------------
seed_reply_library()
scripts = list(ReplyScript.objects.filter(language="zh-hans").order_by("pk")[:3]) or list(ReplyScript.objects.all()[:3])
call = Call.objects.create(
    customer=personal.customer, salesperson=personal.card.salesperson, recording="calls/fixture/sofa.mp3",
    audio_format="mp3", duration=12.5, status=Call.Status.DONE, progress=1.0, rtf=0.4, outcome="deal",
    transcribed_at=now,
)  # fmt: skip
lines = [("您好，我想了解一下沙发。", "calm", "opening"), ("价格有点贵。", "anxious", "objection"),
         ("那我考虑一下，周末来看。", "calm", "closing")]  # fmt: skip
for index, (text, emotion, scene) in enumerate(lines):
    segment = CallSegment.objects.create(
        call=call, index=index, start=index * 4.0, end=index * 4.0 + 3.5, text=text, emotion=emotion,
        emotion_scores={emotion: 0.8}, first_emotion=emotion, keywords=[], scene=scene, sound={"pitch": 180.0},
    )  # fmt: skip
    for rank, script in enumerate(scripts, start=1):
        suggestion = ReplySuggestion.objects.create(
            call=call, segment=segment, script=script, rank=rank, score=1.0 / rank, reasons=["fixture"]
        )
        if rank == 1 and index == 1:
            sample = ReplySample.objects.create(
                script=script, text=text, emotion=emotion, scene=scene, source=ReplySample.Source.FEEDBACK, score=90
            )
            ReplySuggestion.objects.filter(pk=suggestion.pk).update(
                used_at=now, rating=90, rated_by=call.salesperson, sample=sample
            )
Call.objects.create(
    customer=personal.customer, source=Call.Source.UPLOAD, recording="calls/fixture/broken.wav", audio_format="wav",
    status=Call.Status.FAILED, error="fixture: unreadable audio",
)  # fmt: skip
# Training takes minutes and the file is not needed to migrate: version rows as train_reply_model records them.
ReplyModelVersion.objects.create(
    version="reply-fixture-1", path="reply/reply-fixture-1.pt", sha256="0" * 64, samples=ReplySample.objects.count()
)
ReplyModelVersion.objects.create(
    version="reply-fixture-2", path="reply/reply-fixture-2.pt", sha256="0" * 64, samples=ReplySample.objects.count(),
    is_active=True,
)  # fmt: skip


# --- Intent: a model version row (training takes minutes; the file is not needed to migrate) ------------------------
IntentModelVersion.objects.get_or_create(
    version="intent-fixture", defaults={"path": "intent/intent-fixture.pt", "sha256": "0" * 64, "is_active": False}
)


# --- Scoring settings edited once ---------------------------------------------------------------------------------
ScoringSettingsChange.objects.create(
    changed_by=manager, field="satisfaction_threshold", old_value="0.4", new_value="0.4"
)


# --- Branch: queue tickets and their tasks; a task taken, started, talked through and ended on the watch ----------
branch = Branch.objects.order_by("pk").first()
wearable = Wearable.objects.order_by("pk").first()
bind_wearable(wearable, branch.code)
phones = list(Customer.objects.exclude(phone="").order_by("pk").values_list("phone", flat=True)[:2])
for number, phone in zip(("A001", "A002"), phones, strict=False):
    take_ticket(branch, number=number, phone=phone, business="理财")
take_ticket(branch, number="A003", phone="13700000003", business="开户")  # a customer the CRM does not know yet
task = accept(wearable, set_target_customer(branch, personal.customer, "理财").pk)
task = start_task(wearable, task.pk)
for said in ("我想看看稳健一点的理财产品", "保险就算了，基金可以了解一下"):
    add_segment(task, wearable.pk, said)
end_task(wearable, task.pk, success=False, product=None, preferences=["稳健"])

print(
    "fixture rows:",
    {
        "conversations": Conversation.objects.count(),
        "handoffs": HandOff.objects.count(),
        "calls": Call.objects.count(),
        "webhook deliveries": WebhookDelivery.objects.count(),
        "facts": ProfileFact.objects.count(),
        "profile changes": ProfileChange.objects.count(),
        "tasks": Task.objects.count(),
        "demand updates": DemandUpdate.objects.count(),
        "api tokens": ApiToken.objects.count(),
    },
)
