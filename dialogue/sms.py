"""Text messages for hand-offs (SPEC S13): a small interface, so an SMS gateway can be plugged in by settings.

``SMS_BACKEND`` names a class with ``send(phone, text) -> str``; the default prints the message to the log,
which is what a product without a gateway contract can honestly do. ``FileSmsBackend`` appends each message as a
JSON line to ``SMS_OUTBOX_FILE`` instead, so that another process (a browser test, a developer) can read the
one-time codes a server sent.
"""

from __future__ import annotations

import json
import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsBackend(Protocol):
    def send(self, phone: str, text: str) -> str:
        """Send ``text`` to ``phone``; return a short delivery note (e.g. the gateway's message id)."""
        ...


class ConsoleSmsBackend:
    """Writes the message to the log instead of sending it."""

    sent: list[tuple[str, str]] = []  # the messages this process "sent", newest last (read by tests and demos)

    def send(self, phone: str, text: str) -> str:
        logger.info("SMS to %s: %s", phone, text)
        ConsoleSmsBackend.sent.append((phone, text))
        del ConsoleSmsBackend.sent[:-100]
        return "logged"


def sms_backend() -> SmsBackend:
    return import_string(settings.SMS_BACKEND)()


class FileSmsBackend:
    """Appends ``{"phone", "text", "sent_at"}`` as one JSON line per message to ``SMS_OUTBOX_FILE``."""

    def send(self, phone: str, text: str) -> str:
        from django.utils import timezone

        path = settings.SMS_OUTBOX_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"phone": phone, "text": text, "sent_at": timezone.now().isoformat()}, ensure_ascii=False)
        with path.open("a", encoding="utf-8") as outbox:
            outbox.write(line + "\n")
        return "written"
