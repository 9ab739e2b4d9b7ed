"""The demo sales team: a manager, three salespeople and two branch staff (SPEC S8, B2).

Staff are the same for every seed so that people can learn the demo log-ins; the manager's username comes from
``settings.DEMO_MANAGER_USERNAME``, which the demo log-in command uses too.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from crm.models import ProductCategory, User

Line = ProductCategory.LineOfBusiness


@dataclass(frozen=True)
class StaffMember:
    username: str
    role: str
    last_name: str
    first_name: str
    phone: str
    title: str
    email: str
    line: str = ""  # the line of business a salesperson mostly sells; empty for everyone else

    @property
    def full_name(self) -> str:
        return f"{self.last_name}{self.first_name}"


SALESPEOPLE = (
    StaffMember(
        "sales_chen",
        User.Role.SALES,
        "陈",
        "静",
        "13802561174",
        "高级理财经理",
        "chenjing@salescard.example",
        Line.BANKING,
    ),
    StaffMember(
        "sales_liu", User.Role.SALES, "刘", "洋", "13925873302", "家居顾问", "liuyang@salescard.example", Line.HOME
    ),
    StaffMember(
        "sales_huang",
        User.Role.SALES,
        "黄",
        "敏",
        "13570216689",
        "保险顾问",
        "huangmin@salescard.example",
        Line.INSURANCE,
    ),
)

BRANCH_STAFF = (
    StaffMember(
        "branch_zhao", User.Role.BRANCH_STAFF, "赵", "磊", "13631457720", "大堂经理", "zhaolei@salescard.example"
    ),
    StaffMember("branch_sun", User.Role.BRANCH_STAFF, "孙", "丽", "13760398815", "理财柜员", "sunli@salescard.example"),
)


def demo_manager() -> StaffMember:
    return StaffMember(
        settings.DEMO_MANAGER_USERNAME,
        User.Role.MANAGER,
        "周",
        "慧",
        "13500138866",
        "销售总监",
        "zhouhui@salescard.example",
    )


def demo_team() -> tuple[StaffMember, ...]:
    """Everyone, manager first, in a fixed order."""
    return (demo_manager(), *SALESPEOPLE, *BRANCH_STAFF)
