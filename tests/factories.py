"""factory_boy factories for the CRM models, with realistic Chinese values."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from crm import models


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = "明"
    last_name = "李"
    role = models.User.Role.SALES
    password = factory.django.Password("correct-horse-battery-staple")


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Customer

    name = factory.Sequence(lambda n: f"王{['芳', '伟', '静', '磊', '丽'][n % 5]}{n}")
    gender = models.Customer.Gender.FEMALE
    birthday = datetime.date(1988, 5, 20)
    hometown = "湖南长沙"
    residence = "广东深圳南山区"
    hobbies = factory.LazyFunction(lambda: ["瑜伽", "烘焙"])
    mbti = "ENFJ"
    phone = factory.Sequence(lambda n: f"1380013{n:04d}")
    email = factory.Sequence(lambda n: f"customer{n}@example.cn")
    company = "深圳市星辰科技有限公司"
    job_title = "产品经理"
    income_band = models.Customer.IncomeBand.FROM_20K
    monthly_online_spend = Decimal("3500.00")
    married = True
    assets = factory.LazyFunction(lambda: {"deposits": 300000, "funds": 120000})


class ProductCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ProductCategory
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"sofa-{n}")
    name = "沙发"
    line_of_business = models.ProductCategory.LineOfBusiness.HOME


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Product

    category = factory.SubFactory(ProductCategoryFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = "云朵布艺沙发"
    design = "北欧简约"
    colour = "浅灰"
    size = "三人位 2.1米"
    price = Decimal("5999.00")
    purchase_url = factory.LazyAttribute(lambda p: f"https://shop.example.cn/p/{p.sku}")


class BehaviorEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.BehaviorEvent

    customer = factory.SubFactory(CustomerFactory)
    kind = models.BehaviorEvent.Kind.CARD_OPEN
    occurred_at = factory.LazyFunction(timezone.now)


class FAQFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "dialogue.FAQ"

    category = factory.SubFactory(ProductCategoryFactory)
    language = "zh-hans"
    question = "沙发可以拆洗吗？"
    answer = "可以，沙发套采用拉链设计，可拆下来机洗。"
    popularity = 10


SOFA_FAQS = (
    ("沙发可以拆洗吗？", "可以，沙发套带拉链，可以拆下来机洗。"),
    ("沙发多久能送到？", "下单后15天内送货上门并免费安装。"),
    ("沙发有几年质保？", "框架质保5年，海绵质保3年。"),
    ("可以分期付款吗？", "支持信用卡12期免息分期。"),
)


def sofa_on_sale(
    code: str = "sofa", purchase_url: str = "https://shop.example.cn/p/cloud", organisation=None
) -> models.Product:
    """A sofa with specs and a purchase link, and four FAQs about sofas: what a card's chat can talk about; in
    ``organisation`` (default: the default organisation)."""
    if organisation is None:
        category = ProductCategoryFactory(code=code, name="沙发")
    else:
        category, _ = models.ProductCategory.objects.get_or_create(
            organisation=organisation,
            code=code,
            defaults={"name": "沙发", "line_of_business": models.ProductCategory.LineOfBusiness.HOME},
        )
    product = ProductFactory(
        category=category,
        name="云朵布艺沙发",
        specs={"material": "科技布", "warranty": "5年", "price_label": "售价"},
        purchase_url=purchase_url,
    )
    for question, answer in SOFA_FAQS:
        FAQFactory(category=category, question=question, answer=answer)
    return product
