"""A demo branch with a kiosk and a watch for ``make run`` (``manage.py ensure_demo_branch``).

Tokens are shown once and only their hashes are kept, so each run issues fresh ones and prints them with the
watch URL and a curl command that takes a ticket.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from branch.models import Branch, Wearable
from branch.tokens import issue_kiosk_token, issue_wearable_token, register_wearable
from crm.models import Customer, User
from salescard.demo.staff import BRANCH_STAFF

BRANCH_CODE = "sz-nanshan"
DEVICE_ID = "demo-watch-1"


@dataclass(frozen=True)
class DemoBranch:
    branch: Branch
    kiosk_token: str
    device_token: str
    customer: Customer | None


def ensure_demo_branch() -> DemoBranch:
    with transaction.atomic():
        manager = User.objects.filter(username=settings.DEMO_MANAGER_USERNAME).first()
        branch, _ = Branch.objects.get_or_create(
            code=BRANCH_CODE, defaults={"name": "南山支行", "address": "深圳市南山区科技园", "manager": manager}
        )
        staff = User.objects.filter(username=BRANCH_STAFF[0].username).first()
        wearable = Wearable.objects.filter(device_id=DEVICE_ID).first()
        if wearable is None:
            wearable, device_token = register_wearable(DEVICE_ID, staff=staff)
        else:
            device_token = issue_wearable_token(wearable)
        kiosk_token = issue_kiosk_token(branch)
        customer = Customer.objects.exclude(phone="").order_by("pk").first()
    return DemoBranch(branch, kiosk_token, device_token, customer)
