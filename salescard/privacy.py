"""A customer's right to their data (SPEC X3): export everything stored about them, or erase it. Managers only;
both are logged in ``PrivacyRequest``.

Export walks every row that belongs to the customer — in every app, through the same relations a deletion would
follow (Django admin's ``NestedObjects``) — so a table added later is exported without touching this module.
Erasure anonymises the personal fields, deletes what they said and what was found in it (chat messages and their
images, facts, the audit log's old values, card-chat and branch transcripts, calls with their recordings and the
reply-model samples made from them, portraits and personality assessments) and keeps the anonymous remainder
(behaviour counts, tickets, tasks) for the statistics.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.admin.utils import NestedObjects
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import router, transaction
from django.utils import timezone

from branch.models import TranscriptSegment
from crm import tenancy
from crm.im_profile.models import ProfileChange, ProfileFact
from crm.im_profile.pushes import publish_erased
from crm.models import ChatMessage, Customer, CustomerTag, PrivacyRequest, User
from dialogue.calls.models import Call, ReplySample
from dialogue.models import Message
from intent.models import PersonalityAssessment, Portrait

ANONYMOUS_NAME = "已删除客户"
ERASED_FIELDS = {
    "phone": "", "email": "", "company": "", "job_title": "", "birthday": None, "birth_month_day": "",
    "birth_year": None, "hometown": "", "residence": "", "hobbies": [], "mbti": "", "avatar_url": "",
    "external_im_id": None, "assets": {}, "preferences": {}, "married": None, "children": None, "budget": None,
    "monthly_online_spend": None, "income_band": "", "observed_social_style": "", "gender": Customer.Gender.UNKNOWN,
}  # fmt: skip


class OtherOrganisationError(PermissionError):
    """The customer belongs to another organisation than the one ``by`` acts for (issue 19)."""


def _within_organisation(customer: Customer, by: User) -> None:
    if not tenancy.for_user(Customer.objects.filter(pk=customer.pk), by).exists():
        raise OtherOrganisationError(f"{by} may not export or erase customers of another organisation.")


def export_customer(customer: Customer, by: User) -> dict[str, Any]:
    """Every stored row about the customer, grouped by table, as JSON-ready data; logged. Only within the
    organisation ``by`` acts for."""
    _within_organisation(customer, by)
    collector = NestedObjects(using=router.db_for_write(Customer))
    collector.collect([customer])
    tables: dict[str, list[dict[str, Any]]] = {}
    for model, instances in collector.data.items():
        if model is PrivacyRequest:
            continue
        rows = serializers.serialize("python", sorted(instances, key=lambda obj: obj.pk))
        tables[model._meta.label] = [{"id": row["pk"], **row["fields"]} for row in rows]
    document = {
        "customer_id": customer.pk,
        "exported_at": timezone.now().isoformat(),
        "exported_by": by.username,
        "tables": tables,
    }
    document = json.loads(json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False))
    PrivacyRequest.objects.create(
        customer=customer, customer_ref=customer.pk, action=PrivacyRequest.Action.EXPORT, performed_by=by,
        summary={label: len(rows) for label, rows in tables.items()},
    )  # fmt: skip
    return document


def erase_customer(customer: Customer, by: User) -> PrivacyRequest:
    """Anonymise the customer and delete what they said and what was found in it; logged with the counts. Only
    within the organisation ``by`` acts for."""
    _within_organisation(customer, by)

    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        images = [m.image.name for m in ChatMessage.objects.filter(customer=customer).exclude(image="")]
        recordings = [c.recording.name for c in Call.objects.filter(customer=customer) if c.recording]
        summary = {
            # the reply model's samples made from their sentences, then the calls (segments, suggestions)
            "call_training_samples": ReplySample.objects.filter(replysuggestion__call__customer=customer).delete()[0],
            "calls": Call.objects.filter(customer=customer).delete()[0],
            "facts": ProfileFact.objects.filter(customer=customer).delete()[0],
            "chat_messages": ChatMessage.objects.filter(customer=customer).delete()[0],
            "profile_changes": ProfileChange.objects.filter(customer=customer).delete()[0],
            "card_chat_messages": Message.objects.filter(conversation__customer=customer).delete()[0],
            "branch_transcripts": TranscriptSegment.objects.filter(task__customer=customer).delete()[0],
            "portraits": Portrait.objects.filter(customer=customer).delete()[0],
            "personality_assessments": PersonalityAssessment.objects.filter(customer=customer).delete()[0],
            "tags": CustomerTag.objects.filter(customer=customer).delete()[0],
        }
        for name, value in ERASED_FIELDS.items():
            setattr(customer, name, value)
        customer.name = f"{ANONYMOUS_NAME} #{customer.pk}"
        customer.save()
        log = PrivacyRequest.objects.create(
            customer=customer, customer_ref=customer.pk, action=PrivacyRequest.Action.ERASE, performed_by=by,
            summary=summary,
        )  # fmt: skip
        storage = ChatMessage._meta.get_field("image").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in images + recordings if name])
        publish_erased(customer.pk)
    return log
