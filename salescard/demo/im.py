"""Demo IM relations and chats: friendships, group chats and one-to-one messages (SPEC P1, P2, P4).

Every customer is a friend of the owning salesperson, some also of a colleague. Chats mention the products the
customer prefers and, now and then, a personal fact for profile extraction to find.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from crm.models import Customer, Product, ProductCategory, User
from salescard.demo import im_lines as say
from salescard.demo.catalogue import CATEGORY_LINES
from salescard.demo.companies import BANK, HOME
from salescard.demo.people import DemoCustomer, draw_mobile_number
from salescard.demo.preferences import HiddenPreferences
from salescard.demo.staff import StaffMember

Line = ProductCategory.LineOfBusiness
CHAT_DAYS = 120  # product chats fall in the last four months


@dataclass(frozen=True)
class GroupSpec:
    external_id: str
    name: str
    company: str  # BANK or HOME: the organisation the group chat belongs to
    staff: tuple[str, ...]  # usernames of the company's salespeople and branch staff in the group
    with_manager: bool  # the company's manager is in it too
    line: str  # what the group talks about
    admits: Callable[[DemoCustomer], bool] = lambda customer: True


def _lives_in(city: str) -> Callable[[DemoCustomer], bool]:
    return lambda customer: customer.place.city.name == city


GROUPS = (
    GroupSpec("demo-g-01", "深圳南山理财交流群", BANK, ("sales_chen", "branch_sun"), True, Line.BANKING,
              _lives_in("深圳")),
    GroupSpec("demo-g-02", "新房装修群", HOME, ("sales_liu",), False, Line.HOME, lambda c: c.household.homeowner),
    GroupSpec("demo-g-03", "广州天河业主群", HOME, ("sales_liu", "sales_he"), False, Line.HOME, _lives_in("广州")),
    GroupSpec("demo-g-04", "宝爸宝妈保障交流群", BANK, ("sales_huang",), False, Line.INSURANCE,
              lambda c: c.household.has_children),
    GroupSpec("demo-g-05", "上海陆家嘴财富沙龙", BANK, ("sales_chen",), True, Line.BANKING, _lives_in("上海")),
    GroupSpec("demo-g-06", "北京朝阳家居优选群", HOME, ("sales_he",), True, Line.HOME, _lives_in("北京")),
    GroupSpec("demo-g-07", "粤语客户服务群", BANK, ("sales_chen", "sales_huang", "branch_zhao"), False, Line.BANKING,
              lambda c: c.fields["language"] == Customer.Language.CANTONESE),
    GroupSpec("demo-g-08", "养老规划交流群", BANK, ("sales_huang", "sales_chen"), False, Line.INSURANCE,
              lambda c: c.age >= 45),
    GroupSpec("demo-g-09", "成都高新新婚家庭群", HOME, ("sales_liu",), False, Line.HOME,
              lambda c: c.place.city.name == "成都" and c.age < 40),
    GroupSpec("demo-g-10", "VIP客户尊享群", BANK, ("sales_chen", "branch_zhao"), True, Line.BANKING,
              lambda c: c.liquid_assets >= 1_000_000),
)  # fmt: skip


@dataclass(frozen=True)
class FriendDraft:
    staff: str  # username
    remark: str
    since: datetime


@dataclass(frozen=True)
class MembershipDraft:
    group: str  # GroupSpec.external_id
    joined_at: datetime


@dataclass(frozen=True)
class MessageDraft:
    sent_at: datetime
    inbound: bool
    staff: str  # username of the staff member the message is to or from
    text: str
    group: str = ""  # GroupSpec.external_id for a group message


@dataclass
class Social:
    friends: list[FriendDraft] = field(default_factory=list)
    memberships: list[MembershipDraft] = field(default_factory=list)
    messages: list[MessageDraft] = field(default_factory=list)


@dataclass(frozen=True)
class Circle:
    """The staff a customer may meet: the owner first, then the colleagues."""

    owner: StaffMember
    colleagues: tuple[StaffMember, ...]
    by_username: dict[str, StaffMember]


def draw_social(
    demo: DemoCustomer,
    preferences: HiddenPreferences,
    circle: Circle,
    products: dict[str, list[Product]],
    rng: random.Random,
    anchor: datetime,
) -> Social:
    return _SocialDrawer(demo, preferences, circle, products, rng, anchor).draw()


class _SocialDrawer:
    def __init__(
        self,
        demo: DemoCustomer,
        preferences: HiddenPreferences,
        circle: Circle,
        products: dict[str, list[Product]],
        rng: random.Random,
        anchor: datetime,
    ) -> None:
        self.demo, self.preferences, self.circle, self.products = demo, preferences, circle, products
        self.rng, self.anchor = rng, anchor
        self.language = str(demo.fields["language"])
        self.social = Social()

    def draw(self) -> Social:
        owner, rng = self.circle.owner, self.rng
        since = self._at(rng.uniform(30, 900))
        self.social.friends.append(FriendDraft(owner.username, self._remark(), since))
        for colleague in self.circle.colleagues:
            share = 0.25 if colleague.role == User.Role.SALES else 0.08  # other salespeople vs. branch staff
            if rng.random() < share:
                self.social.friends.append(
                    FriendDraft(colleague.username, self._remark(), self._at(rng.uniform(5, 600)))
                )
        self._introduce(owner, since)
        chat_from = max(since, self.anchor - timedelta(days=CHAT_DAYS))
        for _ in range(rng.choices((0, 1, 2, 3), weights=(15, 40, 30, 15))[0]):
            self._talk_product(owner, self._between(chat_from))
        if rng.random() < 0.55:
            for kind in self._facts(rng.randint(1, 2)):
                self._share_fact(owner, kind, self._between(chat_from))
        if rng.random() < 0.3:
            moment = self._between(chat_from)
            self._say(owner, moment, False, rng.choice(say.CHECK_INS))
            self._reply(owner, moment, rng.choice(say.CHECK_IN_REPLIES[self.language]))
        self._join_groups()
        return self.social

    # --- one-to-one ------------------------------------------------------------------------------
    def _introduce(self, owner: StaffMember, moment: datetime) -> None:
        text = say.INTRO.format(
            call=self._call(), staff=owner.full_name, title=owner.title, topic=say.intro_topic(owner.lines)
        )
        self._say(owner, moment, False, text)
        self._reply(owner, moment, self.rng.choice(say.INTRO_REPLIES[self.language]).format(surname=owner.last_name))

    def _talk_product(self, owner: StaffMember, moment: datetime) -> None:
        rng, language = self.rng, self.language
        product = self._product()
        topic = say.TOPICS[self._code(product)]
        if rng.random() < 0.35:
            moment = self._say(owner, moment, True, rng.choice(say.ASKS_FIRST[language]).format(product=product.name))
        else:
            moment = self._say(owner, moment, False, self._pitch(product))
        moment = self._reply(owner, moment, rng.choice(say.QUESTIONS[topic][language]))
        moment = self._say(owner, moment + timedelta(minutes=rng.randint(1, 30)), False, self._answer(topic, product))
        closing, reaction = rng.choice(say.CLOSINGS[language])
        moment = self._reply(owner, moment, closing)
        reply = say.CLOSING_REPLIES[reaction].format(url=product.purchase_url)
        self._say(owner, moment + timedelta(minutes=rng.randint(1, 10)), False, reply)

    def _facts(self, count: int) -> list[str]:
        demo = self.demo
        kinds = ["phone", "hometown", "birthday", "hobby"]
        if demo.household.wedding_soon:
            kinds += ["wedding", "wedding"]
        if demo.fields["company"] and demo.fields["job_title"] not in ("退休", "研究生"):
            kinds.append("job")
        if demo.household.has_children:
            kinds.append("child")
        if demo.household.renovating:
            kinds.append("new_home")
        if demo.fields["job_title"] == "退休":
            kinds.append("retired")
        chosen: list[str] = []
        while len(chosen) < count:
            kind = self.rng.choice(kinds)
            if kind not in chosen:
                chosen.append(kind)
        return chosen

    def _share_fact(self, owner: StaffMember, kind: str, moment: datetime) -> None:
        demo = self.demo
        birthday = demo.fields["birthday"]
        values = {
            "new_phone": draw_mobile_number(self.rng),
            "company": demo.fields["company"],
            "job_title": demo.fields["job_title"],
            "child_age": self.rng.randint(1, min(12, max(1, demo.age - 25))),
            "district": demo.place.district,
            "hometown": demo.fields["hometown"],
            "month": birthday.month,  # type: ignore[attr-defined]
            "day": birthday.day,  # type: ignore[attr-defined]
            "hobby": self.rng.choice(demo.hobbies),
        }
        moment = self._say(owner, moment, True, say.FACTS[kind][self.language].format(**values))
        self._say(owner, moment + timedelta(minutes=self.rng.randint(1, 20)), False, say.FACT_REPLIES[kind])

    # --- groups ----------------------------------------------------------------------------------
    def _join_groups(self) -> None:
        rng = self.rng
        for group in GROUPS:
            if (
                group.company != self.circle.owner.company
                or not group.admits(self.demo)
                or rng.random() >= min(0.8, 0.05 + 0.6 * self.preferences.line_weight(group.line))
            ):
                continue
            joined_at = self._at(rng.uniform(20, 400))
            self.social.memberships.append(MembershipDraft(group.external_id, joined_at))
            staff = self.circle.by_username[group.staff[0]]
            for _ in range(rng.choices((0, 1, 2), weights=(50, 35, 15))[0]):
                moment = self._between(max(joined_at, self.anchor - timedelta(days=CHAT_DAYS)))
                product = self._product(line=group.line)
                topic = say.TOPICS[self._code(product)]
                question = rng.choice(say.QUESTIONS[topic][self.language])
                chatter = rng.choice(say.GROUP_CHATTER[self.language]).format(product=product.name, question=question)
                moment = self._say(staff, moment, True, chatter, group.external_id)
                if rng.random() < 0.6:
                    answer = say.GROUP_ANSWER.format(name=self.demo.name, answer=self._answer(topic, product))
                    self._say(staff, moment + timedelta(minutes=rng.randint(1, 45)), False, answer, group.external_id)

    # --- helpers ---------------------------------------------------------------------------------
    def _product(self, line: str = "") -> Product:
        code = self.preferences.draw_category(self.rng, focus=0.7)
        if line and CATEGORY_LINES[code] != line:
            codes = [c for c in self.preferences.codes if CATEGORY_LINES[c] == line]
            code = self.rng.choices(codes, weights=[self.preferences.weights[c] for c in codes])[0]
        return self.rng.choice(self.products[code])

    def _code(self, product: Product) -> str:
        return next(code for code, products in self.products.items() if product in products)

    def _pitch(self, product: Product) -> str:
        details = "，".join(part for part in (product.design, product.colour, product.size) if part)
        return say.PITCH.format(
            call=self._call(),
            product=product.name,
            details=details,
            price_label=product.specs.get("price_label", "价格"),
            price=f"{product.price:,.0f}",
        )

    def _answer(self, topic: str, product: Product) -> str:
        specs = product.specs
        rate = specs.get("annual_rate") or specs.get("expected_rate") or specs.get("seven_day_yield")
        return self.rng.choice(say.ANSWERS[topic]).format(
            waiting=specs.get("waiting_period", "90天"),
            risk=specs.get("risk_level", "R1"),
            rate=f"年化{rate}" if rate else "收益以实际为准",
            term=product.size,
            price_label=specs.get("price_label", "价格"),
            price=f"{product.price:,.0f}",
        )

    def _call(self) -> str:
        """How staff address the customer: 王先生 / 李女士, or the full name."""
        name, gender = self.demo.name, self.demo.fields["gender"]
        suffix = {Customer.Gender.MALE: "先生", Customer.Gender.FEMALE: "女士"}.get(gender)  # type: ignore[call-overload]
        return f"{name[0]}{suffix}" if suffix else name

    def _remark(self) -> str:
        demo = self.demo
        options = [demo.name, f"{demo.name} {demo.place.city.name}{demo.place.district}"]
        if demo.fields["company"]:
            options.append(f"{demo.name}-{demo.fields['company']}")
        return self.rng.choice(options)[:100]

    def _say(self, staff: StaffMember, moment: datetime, inbound: bool, text: str, group: str = "") -> datetime:
        self.social.messages.append(MessageDraft(moment, inbound, staff.username, text, group))
        return moment

    def _reply(self, staff: StaffMember, after: datetime, text: str) -> datetime:
        return self._say(staff, after + timedelta(minutes=self.rng.randint(1, 90)), True, text)

    def _at(self, days_ago: float) -> datetime:
        """``days_ago`` before the anchor, at a daytime hour."""
        moment = self.anchor - timedelta(days=days_ago)
        return self._clip(moment.replace(hour=self.rng.randint(9, 21), minute=self.rng.randrange(60)))

    def _between(self, start: datetime) -> datetime:
        """A daytime moment between ``start`` and a few hours before the anchor, leaving room for replies."""
        end = self.anchor - timedelta(hours=6)
        moment = start + max(timedelta(0), end - start) * self.rng.random()
        return self._clip(moment.replace(hour=self.rng.randint(9, 20), minute=self.rng.randrange(60)))

    def _clip(self, moment: datetime) -> datetime:
        return min(moment, self.anchor - timedelta(hours=6))
