"""Reading one stored chat message for profile facts (SPEC P2, X3): text by ``crm.im_profile.extraction``, images by
``crm.im_profile.ocr`` first. Runs only under the customer's profile-extraction consent; idempotent."""

from __future__ import annotations

import logging

from crm.im_profile.extraction import extract_text
from crm.im_profile.models import ProfileFact
from crm.im_profile.ocr import UnreadableImageError, image_findings
from crm.im_profile.profile import extraction_allowed, record_findings
from crm.models import ChatMessage

logger = logging.getLogger(__name__)


def extract_message(message_id: int) -> list[ProfileFact]:
    message = ChatMessage.objects.select_related("customer").filter(pk=message_id).first()
    if message is None or message.customer is None or message.direction != ChatMessage.Direction.INBOUND:
        return []
    if not extraction_allowed(message.customer):
        return []
    if message.kind == ChatMessage.Kind.IMAGE:
        try:
            with message.image.open("rb") as image:
                reading = image_findings(image.read())
        except (UnreadableImageError, OSError, ValueError) as error:
            logger.warning("Chat image %s could not be read: %s", message_id, error)
            return []
        return record_findings(message, reading.findings, reading.text)
    return record_findings(message, extract_text(message.text), message.text)
