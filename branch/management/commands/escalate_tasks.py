"""``manage.py escalate_tasks``: remind the watches of branch tasks nobody accepted in time, then escalate them to
the branch manager (SPEC B5) — one sweep now.

The periodic job ``escalate-branch-tasks`` does the same every ``BRANCH_ESCALATION_SWEEP_SECONDS``; this command is
for a deployment that turns it off and runs it from cron instead, and for checking by hand.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from branch.escalation import sweep_unaccepted


class Command(BaseCommand):
    help = "Remind the watches of overdue branch tasks nobody accepted, then escalate them to the branch manager."

    def handle(self, *args, **options) -> None:
        done = sweep_unaccepted()
        for task_id, step in done:
            self.stdout.write(f"task {task_id}: {step}")
        self.stdout.write(f"{len(done)} task(s) reminded or escalated.")
