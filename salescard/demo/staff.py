"""The demo staff of the two demo companies (SPEC S8, B2; issue 19 item 4).

招财银行 (the bank): a manager, two wealth managers with cards (陈静 sells banking and insurance, 黄敏 insurance) and
two branch staff at the 南山支行 branch with watches. 好家居生活馆 (the furniture retailer): its own manager and two
showroom salespeople with cards. Staff are the same for every seed so that people can learn the demo log-ins; the
bank manager's username comes from ``settings.DEMO_MANAGER_USERNAME``, which the demo log-in command uses too; the
furniture manager is ``HOME_MANAGER_USERNAME``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from crm.models import ProductCategory, User
from salescard.demo.companies import BANK, HOME

Line = ProductCategory.LineOfBusiness

HOME_MANAGER_USERNAME = "home_manager"


@dataclass(frozen=True)
class StaffMember:
    username: str
    role: str
    last_name: str
    first_name: str
    phone: str
    title: str
    email: str
    company: str  # BANK or HOME
    lines: tuple[str, ...] = ()  # the lines of business they sell or serve; empty = every line of the company

    @property
    def full_name(self) -> str:
        return f"{self.last_name}{self.first_name}"

    @property
    def line(self) -> str:
        """The line of business they mostly sell (the first of ``lines``); empty when they sell every line."""
        return self.lines[0] if self.lines else ""


BANK_LINES = (Line.BANKING, Line.INSURANCE)

SALESPEOPLE = (
    StaffMember(
        "sales_chen",
        User.Role.SALES,
        "陈",
        "静",
        "13802561174",
        "高级理财经理",
        "chenjing@bank.salescard.example",
        BANK,
        BANK_LINES,
    ),
    StaffMember(
        "sales_liu",
        User.Role.SALES,
        "刘",
        "洋",
        "13925873302",
        "家居顾问",
        "liuyang@home.salescard.example",
        HOME,
        (Line.HOME,),
    ),
    StaffMember(
        "sales_huang",
        User.Role.SALES,
        "黄",
        "敏",
        "13570216689",
        "保险理财顾问",
        "huangmin@bank.salescard.example",
        BANK,
        (Line.INSURANCE,),
    ),
    StaffMember(
        "sales_he",
        User.Role.SALES,
        "何",
        "晓婷",
        "13691827745",
        "软装设计顾问",
        "hexiaoting@home.salescard.example",
        HOME,
        (Line.HOME,),
    ),
)

BRANCH_STAFF = (
    StaffMember(
        "branch_zhao",
        User.Role.BRANCH_STAFF,
        "赵",
        "磊",
        "13631457720",
        "大堂经理",
        "zhaolei@bank.salescard.example",
        BANK,
        BANK_LINES,
    ),
    StaffMember(
        "branch_sun",
        User.Role.BRANCH_STAFF,
        "孙",
        "丽",
        "13760398815",
        "理财柜员",
        "sunli@bank.salescard.example",
        BANK,
        BANK_LINES,
    ),
)


def demo_manager() -> StaffMember:
    """The bank's manager (``settings.DEMO_MANAGER_USERNAME``)."""
    return StaffMember(
        settings.DEMO_MANAGER_USERNAME,
        User.Role.MANAGER,
        "周",
        "慧",
        "13500138866",
        "财富管理部总经理",
        "zhouhui@bank.salescard.example",
        BANK,
    )


def home_manager() -> StaffMember:
    """The furniture retailer's manager."""
    return StaffMember(
        HOME_MANAGER_USERNAME,
        User.Role.MANAGER,
        "吴",
        "芳",
        "13723340918",
        "门店店长",
        "wufang@home.salescard.example",
        HOME,
    )


def managers() -> tuple[StaffMember, ...]:
    return (demo_manager(), home_manager())


def demo_team() -> tuple[StaffMember, ...]:
    """Everyone of both companies, managers first, in a fixed order."""
    return (*managers(), *SALESPEOPLE, *BRANCH_STAFF)


def team_of(company: str) -> tuple[StaffMember, ...]:
    return tuple(member for member in demo_team() if member.company == company)


def salespeople_of(company: str) -> tuple[StaffMember, ...]:
    return tuple(member for member in SALESPEOPLE if member.company == company)
