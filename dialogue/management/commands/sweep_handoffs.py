"""``manage.py sweep_handoffs``: move every hand-off nobody accepted in time to the next colleague (issue 17).

The periodic job ``sweep-handoffs`` (``salescard.housekeeping``) does it every ``HANDOFF_SWEEP_SECONDS``; this
command is for a deployment that turns that off and runs it from cron instead, and for checking by hand.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from dialogue.handoff_escalation import sweep_handoffs


class Command(BaseCommand):
    help = "Offer every overdue pending hand-off to the next colleague (by closeness), then the managers."

    def handle(self, *args, **options) -> None:
        moved = sweep_handoffs()
        for step in moved:
            target = f"user {step.to}" if step.to else "nobody left (the customer was asked for a number)"
            self.stdout.write(f"hand-off {step.handoff_id} (conversation {step.conversation_id}) → {target}")
        self.stdout.write(f"{len(moved)} hand-off(s) moved.")
