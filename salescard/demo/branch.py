"""The bank's demo branch with a kiosk and a watch per branch employee for ``make run`` (``manage.py
ensure_demo_branch``).

The branch, 招财银行 南山支行, serves the bank's banking and insurance lines; its watches belong to 赵磊 (大堂经理) and
孙丽 (理财柜员). Everything is created in the bank's organisation (issue 19). Tokens are shown once and only their
hashes are kept, so each run issues fresh ones and prints them with the watch URLs and a curl command that takes a
ticket for one of the bank's customers.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from branch.models import Branch, Wearable
from branch.tokens import issue_kiosk_token, issue_wearable_token, register_wearable
from crm.models import Customer, User
from salescard.demo.companies import BANK, COMPANIES, login_organisation
from salescard.demo.staff import BRANCH_STAFF

BRANCH_CODE = "sz-nanshan"
DEVICE_ID = "demo-watch-1"
WATCHES = ((DEVICE_ID, BRANCH_STAFF[0].username), ("demo-watch-2", BRANCH_STAFF[1].username))


@dataclass(frozen=True)
class DemoWatch:
    device_id: str
    staff: User | None
    token: str


@dataclass(frozen=True)
class DemoBranch:
    branch: Branch
    kiosk_token: str
    watches: tuple[DemoWatch, ...]  # the first is 赵磊's
    customer: Customer | None

    @property
    def device_token(self) -> str:
        return self.watches[0].token


def ensure_demo_branch() -> DemoBranch:
    with transaction.atomic():
        organisation = login_organisation(BANK)
        manager = User.objects.filter(username=settings.DEMO_MANAGER_USERNAME, organisation=organisation).first()
        lines = list(COMPANIES[BANK].lines)
        branch, _ = Branch.objects.get_or_create(
            organisation=organisation,
            code=BRANCH_CODE,
            defaults={
                "name": "南山支行",
                "address": "深圳市南山区科技园",
                "manager": manager,
                "lines_of_business": lines,
            },
        )
        if not branch.lines_of_business:
            branch.lines_of_business = lines
            branch.save(update_fields=["lines_of_business"])
        watches = []
        for device_id, username in WATCHES:
            staff = User.objects.filter(username=username, organisation=organisation).first()
            wearable = Wearable.objects.filter(device_id=device_id).first()
            if wearable is None:
                wearable, token = register_wearable(device_id, staff=staff)
            else:
                token = issue_wearable_token(wearable)
            if wearable.organisation_id != organisation.pk:
                wearable.organisation = organisation
                wearable.save(update_fields=["organisation"])
            watches.append(DemoWatch(device_id, staff, token))
        kiosk_token = issue_kiosk_token(branch)
        customer = Customer.objects.filter(organisation=organisation).exclude(phone="").order_by("pk").first()
    return DemoBranch(branch, kiosk_token, tuple(watches), customer)
