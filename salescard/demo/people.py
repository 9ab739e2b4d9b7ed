"""Demo customers with plausible demographics (SPEC S1, S5, B6).

Each customer is drawn from its own random stream (seed and index), so customer 17 is the same person whether the
demo was seeded with 20 or 300 customers. Part of a customer's life — children, a wedding next month, a flat being
renovated — is kept in :class:`Household`, which is never stored: it drives the hidden preferences and surfaces only
indirectly, in chats, tags and behaviour.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from faker import Faker

from crm.models import Customer, Organisation, User
from salescard.demo.places import City, Place, draw_hometown, draw_language, draw_residence

Income = Customer.IncomeBand

INCOME_BANDS = (Income.BELOW_5K, Income.FROM_5K, Income.FROM_10K, Income.FROM_20K, Income.FROM_50K, Income.ABOVE_100K)
MONTHLY_INCOME = (3500, 7500, 15000, 32000, 70000, 150000)  # a typical income in each band, CNY

# Population shares of the sixteen types (large survey samples), so that ISFJ and ESFJ are common, INFJ rare.
MBTI_SHARES = {
    "ISTJ": 11.6, "ISFJ": 13.8, "INFJ": 1.5, "INTJ": 2.1, "ISTP": 5.4, "ISFP": 8.8, "INFP": 4.4, "INTP": 3.3,
    "ESTP": 4.3, "ESFP": 8.5, "ENFP": 8.1, "ENTP": 3.2, "ESTJ": 8.7, "ESFJ": 12.3, "ENFJ": 2.5, "ENTJ": 1.8,
}  # fmt: skip

RISK_APPETITES = ("保守", "稳健", "平衡", "进取")
COLOURS = ("浅灰", "米白", "原木色", "胡桃木色", "雾霾蓝", "墨绿", "焦糖棕", "奶油白", "黑色", "香槟金")
STYLES = ("北欧", "现代简约", "新中式", "奶油风", "意式极简", "法式复古", "日式原木", "轻奢")
CONTACT_TIMES = ("工作日晚上", "周末", "午休时间", "随时")
SOURCES = (Customer.Source.IM, Customer.Source.CARD, Customer.Source.BRANCH, Customer.Source.MANUAL,
           Customer.Source.IMPORT)  # fmt: skip
SOURCE_WEIGHTS = (35, 30, 15, 10, 10)

# (hobby, youngest, oldest, weight)
HOBBIES = (
    ("瑜伽", 22, 60, 3), ("烘焙", 22, 55, 2), ("跑步", 22, 55, 3), ("羽毛球", 22, 60, 3), ("钓鱼", 30, 70, 2),
    ("摄影", 22, 65, 2), ("旅行", 22, 70, 4), ("登山", 22, 55, 2), ("读书", 22, 70, 3), ("书法", 40, 70, 1),
    ("茶艺", 30, 70, 2), ("广场舞", 50, 70, 2), ("游泳", 22, 65, 2), ("追剧", 22, 60, 3), ("打游戏", 22, 38, 3),
    ("高尔夫", 35, 65, 1), ("露营", 22, 45, 2), ("骑行", 22, 55, 2), ("插花", 25, 65, 1), ("做饭", 22, 70, 2),
    ("健身", 22, 50, 3), ("麻将", 35, 70, 2), ("收藏", 40, 70, 1), ("音乐", 22, 60, 2), ("看球", 22, 60, 2),
    ("养花", 40, 70, 2), ("太极", 55, 70, 1), ("滑雪", 22, 45, 1), ("剧本杀", 22, 35, 1),
)  # fmt: skip
OUTDOOR_HOBBIES = ("登山", "骑行", "露营", "滑雪", "跑步")

TECH = ("腾讯", "华为", "阿里巴巴", "字节跳动", "网易", "京东", "美团", "小米", "大疆", "百度", "比亚迪")
CORPORATES = ("中国平安", "招商局集团", "美的集团", "万科", "格力电器", "顺丰速运", "中国移动", "国家电网",
              "华润集团", "宝洁（中国）")  # fmt: skip
LAW_FIRMS = ("金杜律师事务所", "君合律师事务所", "大成律师事务所", "中伦律师事务所")
UNIVERSITIES = ("中山大学", "深圳大学", "暨南大学", "华南理工大学", "复旦大学", "浙江大学", "武汉大学", "四川大学")


@dataclass(frozen=True)
class Job:
    title: str
    employer: str  # tech, corporate, hospital, school, government, law, small, own, none
    income: tuple[int, int]  # lowest and highest income level (index into INCOME_BANDS)
    ages: tuple[int, int]
    weight: int


JOBS = (
    Job("产品经理", "tech", (3, 4), (24, 45), 4), Job("软件工程师", "tech", (2, 4), (22, 45), 6),
    Job("数据分析师", "tech", (2, 3), (22, 40), 2), Job("教师", "school", (1, 2), (23, 60), 5),
    Job("医生", "hospital", (2, 4), (26, 60), 3), Job("护士", "hospital", (1, 2), (22, 55), 3),
    Job("会计", "small", (1, 2), (22, 60), 4), Job("财务总监", "corporate", (4, 5), (35, 60), 1),
    Job("销售经理", "corporate", (2, 4), (25, 55), 4), Job("公务员", "government", (2, 3), (23, 60), 4),
    Job("设计师", "small", (1, 3), (22, 45), 3), Job("律师", "law", (3, 5), (26, 60), 2),
    Job("个体经营者", "own", (1, 4), (25, 70), 4), Job("企业主", "own", (4, 5), (30, 70), 2),
    Job("外贸业务员", "small", (1, 2), (22, 45), 2), Job("自由职业者", "none", (0, 2), (22, 50), 2),
    Job("人力资源经理", "corporate", (2, 3), (26, 55), 2), Job("运营专员", "tech", (1, 2), (22, 35), 3),
)  # fmt: skip


@dataclass(frozen=True)
class Household:
    """A customer's hidden life situation: it shapes preferences but is not stored as such."""

    married: bool  # the truth; the stored field is sometimes left blank
    has_children: bool
    wedding_soon: bool  # unmarried, wedding within a few months
    newly_married: bool
    homeowner: bool
    renovating: bool
    mortgage: bool


@dataclass(frozen=True)
class DemoCustomer:
    index: int
    fields: dict[str, object]  # Customer model fields, owner excluded
    place: Place
    hometown: City
    age: int
    income_level: int  # index into INCOME_BANDS; also known when the stored band is blank
    household: Household
    owner_slot: int  # which of their company's salespeople owns the customer (salescard.demo.seeding._owner)

    @property
    def external_im_id(self) -> str:
        return demo_customer_id(self.index)

    @property
    def name(self) -> str:
        return str(self.fields["name"])

    @property
    def hobbies(self) -> list[str]:
        return list(self.fields["hobbies"])  # type: ignore[call-overload]

    @property
    def liquid_assets(self) -> int:
        assets: dict[str, int] = self.fields["assets"]  # type: ignore[assignment]
        return assets["deposits"] + assets["stocks"] + assets["funds"] + assets["insurance"]

    def build(self, owner: User, organisation: Organisation) -> Customer:
        return Customer(external_im_id=self.external_im_id, owner=owner, organisation=organisation, **self.fields)


def demo_customer_id(index: int) -> str:
    """The natural key of demo customer ``index`` (1-based): ``demo-c-0001``."""
    return f"demo-c-{index:04d}"


def draw_customer(index: int, rng: random.Random, faker: Faker, today: date) -> DemoCustomer:
    """Draw customer ``index``; ``rng`` and ``faker`` must be seeded for this customer alone."""
    gender = rng.choices(list(Customer.Gender), weights=(49, 49, 2))[0]
    surname = faker.last_name()
    given = {
        Customer.Gender.FEMALE: faker.first_name_female,
        Customer.Gender.MALE: faker.first_name_male,
    }.get(gender, faker.first_name)()
    age = _draw_age(rng)
    place = draw_residence(rng)
    hometown = draw_hometown(rng, place.city)
    language, dialect = draw_language(rng, place.city, hometown)
    household = _draw_household(rng, age, place.city)
    job_title, company, income_level = _draw_job(rng, faker, age, place, surname)
    risk = _draw_risk(rng, age)
    hobbies = _draw_hobbies(rng, age, household)
    fields: dict[str, object] = {
        "name": surname + given,
        "gender": gender,
        "birthday": _draw_birthday(rng, today, age),
        "hometown": hometown.label,
        "residence": place.residence,
        "hobbies": hobbies,
        "mbti": rng.choices(tuple(MBTI_SHARES), weights=tuple(MBTI_SHARES.values()))[0] if rng.random() < 0.85 else "",
        "language": language,
        "dialect": dialect,
        "phone": draw_mobile_number(rng),
        "email": _draw_email(rng, faker) if rng.random() < 0.8 else "",
        "company": company,
        "job_title": job_title,
        "income_band": INCOME_BANDS[income_level] if rng.random() < 0.92 else Income.UNKNOWN,
        "monthly_online_spend": _draw_online_spend(rng, age, income_level) if rng.random() < 0.94 else None,
        "married": household.married if rng.random() < 0.96 else None,
        "assets": _draw_assets(rng, age, income_level, risk, household, place.city),
        "preferences": {
            "colours": rng.sample(COLOURS, rng.randint(1, 2)),
            "styles": rng.sample(STYLES, rng.randint(1, 2)),
            "risk": risk,
            "contact_time": rng.choice(CONTACT_TIMES),
        },
        "source": rng.choices(SOURCES, weights=SOURCE_WEIGHTS)[0],
    }
    return DemoCustomer(index, fields, place, hometown, age, income_level, household, rng.randrange(3))


MOBILE_PREFIXES = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155", "156",
    "157", "158", "159", "166", "176", "177", "178", "180", "181", "182", "183", "185", "186", "187", "188", "189",
    "198", "199",
)  # fmt: skip


def draw_mobile_number(rng: random.Random) -> str:
    """An 11-digit mainland mobile number with a prefix that carriers issue for voice lines."""
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def _draw_age(rng: random.Random) -> int:
    low, high = rng.choices(((22, 29), (30, 39), (40, 49), (50, 59), (60, 70)), weights=(25, 32, 20, 13, 10))[0]
    return rng.randint(low, high)


def _draw_birthday(rng: random.Random, today: date, age: int) -> date:
    """A birthday that makes the customer exactly ``age`` on ``today``."""
    latest = (
        today.replace(year=today.year - age) if (today.month, today.day) != (2, 29) else date(today.year - age, 2, 28)
    )
    return latest - timedelta(days=rng.randrange(364))


def _married_share(age: int) -> float:
    return 0.1 if age < 26 else 0.45 if age < 31 else 0.7 if age < 36 else 0.85


def _draw_household(rng: random.Random, age: int, city: City) -> Household:
    wedding_soon = 24 <= age <= 36 and rng.random() < 0.12
    newly_married = not wedding_soon and age <= 34 and rng.random() < 0.15
    married = newly_married or (not wedding_soon and rng.random() < _married_share(age))
    has_children = married and age >= 27 and rng.random() < (0.3 if age < 32 else 0.75)
    homeowner = rng.random() < min(0.9, 0.15 + 0.025 * (age - 22) - (0.1 if city.tier == 1 else 0.0))
    renovating = homeowner and rng.random() < (0.2 if age < 45 else 0.06) + (0.25 if newly_married else 0.0)
    mortgage = homeowner and age < 55 and rng.random() < 0.65
    return Household(married, has_children, wedding_soon, newly_married, homeowner, renovating, mortgage)


def _draw_job(rng: random.Random, faker: Faker, age: int, place: Place, surname: str) -> tuple[str, str, int]:
    """(job title, company, income level)."""
    if age >= 60 and rng.random() < 0.75:
        return "退休", "", rng.choices(range(4), weights=(25, 40, 25, 10))[0]
    if age <= 25 and rng.random() < 0.15:
        return "研究生", rng.choice(UNIVERSITIES), 0
    candidates = [job for job in JOBS if job.ages[0] <= age <= job.ages[1]]
    job = rng.choices(candidates, weights=[j.weight for j in candidates])[0]
    level = rng.randint(*job.income)
    if place.city.tier == 1 and level < 5 and rng.random() < 0.3:
        level += 1
    if age < 27 and level > job.income[0]:
        level -= 1
    city = place.city.name
    company = {
        "tech": lambda: rng.choice(TECH),
        "corporate": lambda: rng.choice(CORPORATES),
        "hospital": lambda: rng.choice((f"{city}市人民医院", f"{city}市第一人民医院", f"{city}市妇幼保健院")),
        "school": lambda: rng.choice((f"{city}市实验中学", f"{city}外国语学校", f"{city}市第二小学")),
        "government": lambda: rng.choice((f"{city}市税务局", f"{place.district}人民政府", f"{city}市市场监督管理局")),
        "law": lambda: rng.choice(LAW_FIRMS),
        "small": faker.company,
        "own": lambda: (
            faker.company()
            if rng.random() < 0.6
            else f"{surname}记{rng.choice(('茶餐厅', '五金店', '服装店', '烧腊店'))}"
        ),
        "none": lambda: "",
    }[job.employer]()
    return job.title, company, level


def _draw_risk(rng: random.Random, age: int) -> str:
    weights = (10, 35, 35, 20) if age < 35 else (15, 45, 30, 10) if age < 55 else (40, 45, 12, 3)
    return rng.choices(RISK_APPETITES, weights=weights)[0]


def _draw_hobbies(rng: random.Random, age: int, household: Household) -> list[str]:
    pool = [(name, weight) for name, low, high, weight in HOBBIES if low <= age <= high]
    chosen: list[str] = []
    for _ in range(rng.randint(2, 4)):
        names = [name for name, _ in pool if name not in chosen]
        weights = [weight for name, weight in pool if name not in chosen]
        chosen.append(rng.choices(names, weights=weights)[0])
    if household.has_children and rng.random() < 0.4:
        chosen.append("亲子游")
    return chosen


def _draw_email(rng: random.Random, faker: Faker) -> str:
    if rng.random() < 0.45:
        return f"{rng.randint(10_000_000, 3_999_999_999)}@qq.com"
    domain = rng.choice(("163.com", "126.com", "foxmail.com", "sina.com", "outlook.com", "gmail.com"))
    return f"{faker.user_name()}{rng.randint(1, 99)}@{domain}"


def _draw_online_spend(rng: random.Random, age: int, level: int) -> Decimal:
    base = (800, 1500, 2500, 4000, 6000, 9000)[level]
    by_age = 1.3 if age < 30 else 1.0 if age < 45 else 0.7 if age < 60 else 0.4
    return Decimal(round(base * by_age * math.exp(rng.gauss(0, 0.35)), -1)).quantize(Decimal("0.01"))


def _draw_assets(
    rng: random.Random, age: int, level: int, risk: str, household: Household, city: City
) -> dict[str, int]:
    """Amounts in CNY by asset class, keyed exactly by ``Customer.ASSET_CLASSES``."""
    yearly = MONTHLY_INCOME[level] * 12
    savings = yearly * max(1, age - 23) * rng.uniform(0.08, 0.3) * math.exp(rng.gauss(0, 0.5))
    if age >= 60:
        savings *= 1.3
    deposit_share = {"保守": 0.75, "稳健": 0.55, "平衡": 0.35, "进取": 0.2}[risk]
    stocks = savings * (1 - deposit_share) * rng.uniform(0.2, 0.6) if rng.random() < 0.45 else 0.0
    funds = savings * (1 - deposit_share) - stocks if rng.random() < 0.6 else 0.0
    insurance = yearly * rng.uniform(0.1, 0.8) if rng.random() < 0.45 else 0.0
    vehicles = 0.0
    if rng.random() < min(0.85, 0.25 + 0.12 * level):
        vehicles = min(1_500_000.0, max(60_000.0, yearly * rng.uniform(0.4, 1.2)))
    property_value = 0.0
    if household.homeowner:
        low, high = {1: (3_500_000, 12_000_000), 2: (1_200_000, 4_000_000)}.get(city.tier, (600_000, 1_800_000))
        property_value = rng.uniform(low, high) * (1 + 0.25 * max(0, level - 3))
    amounts = {
        "deposits": savings * deposit_share + yearly * 0.1,
        "stocks": stocks,
        "funds": funds,
        "insurance": insurance,
        "vehicles": vehicles,
        "property": property_value,
    }
    return {name: int(round(amounts[name], -2)) for name in Customer.ASSET_CLASSES}
