"""Greetings (S7): template by communication type × product type × language, filled from product specs."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from intent.communication import CommunicationStyle
from intent.config import invalidate_config
from intent.greeting import GreetingTemplateMissingError, compose_greeting, greet, polite_name
from intent.models import CommunicationType, GreetingTemplate
from tests.factories import CustomerFactory, ProductCategoryFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db


def style(ctype: str, language: str = "zh-hans") -> CommunicationStyle:
    return CommunicationStyle(ctype, ctype, language, "", "analytical", ("test",))


@pytest.fixture
def sofa():
    category = ProductCategoryFactory(code="sofa", name="沙发", line_of_business="home")
    return ProductFactory(
        category=category,
        name="云朵布艺沙发",
        design="北欧简约",
        colour="浅灰",
        size="三人位 2.1米",
        price=Decimal("5999"),
    )


def test_parameter_focused_sofa_greeting_lists_the_specs(sofa) -> None:
    customer = CustomerFactory(name="陈晓雯", gender="female")
    greeting = compose_greeting(customer, sofa, style("parameter_focused"))
    assert greeting.text.startswith("陈女士您好，本店最新上架了一款沙发「云朵布艺沙发」")
    assert "北欧简约、浅灰、三人位 2.1米、¥5,999" in greeting.text
    assert greeting.fallbacks == ("no template for category 沙发; used line of business",)


def test_category_template_wins_over_line_of_business(sofa) -> None:
    ctype = CommunicationType.objects.get(code="concise_results")
    exact = GreetingTemplate.objects.create(
        communication_type=ctype, category=sofa.category, language="zh-hans", text="{customer}，{product}只要{price}！"
    )
    invalidate_config()
    greeting = compose_greeting(CustomerFactory(name="王伟", gender="male"), sofa, style("concise_results"))
    assert greeting.template_id == exact.pk
    assert greeting.text == "王先生，云朵布艺沙发只要¥5,999！"
    assert greeting.fallbacks == ()


def test_cantonese_customer_gets_cantonese_and_fallback_is_recorded(sofa) -> None:
    customer = CustomerFactory(name="黄嘉欣", gender="female", language="yue")
    greeting = compose_greeting(customer, sofa, style("emotional_resonance", "yue"))
    assert greeting.language == "yue" and "黄小姐你好" in greeting.text
    GreetingTemplate.objects.filter(language="yue").update(is_active=False)
    invalidate_config()
    greeting = compose_greeting(customer, sofa, style("emotional_resonance", "yue"))
    assert greeting.language == "zh-hans"
    assert "language fallback yue → zh-hans" in greeting.fallbacks


def test_english_greeting_with_salesperson(sofa) -> None:
    seller = UserFactory(first_name="Lei", last_name="Zhang")
    customer = CustomerFactory(name="Anna Smith", language="en")
    greeting = compose_greeting(customer, sofa, style("reassuring_relationship", "en"), salesperson=seller)
    assert greeting.text.startswith("Hello Anna Smith, this is Lei Zhang, your adviser.")


def test_every_line_and_type_has_a_template_in_all_three_languages() -> None:
    for ctype in CommunicationType.objects.all():
        for line in ("home", "insurance", "banking", ""):
            for language in ("zh-hans", "yue", "en"):
                assert GreetingTemplate.objects.filter(
                    communication_type=ctype, line_of_business=line, language=language, category=None
                ).exists(), (ctype.code, line, language)


def test_missing_templates_raise_a_clear_error(sofa) -> None:
    with pytest.raises(GreetingTemplateMissingError, match="add one in the admin"):
        compose_greeting(CustomerFactory(), sofa, style("no_such_type"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("您好{customer.__class__}", "Unknown placeholder"),
        ("您好{secret}", "Unknown placeholder {secret}"),
        ("您好{customer", "braces"),
    ],
)
def test_unsafe_or_broken_template_is_refused(text, message, english) -> None:
    template = GreetingTemplate(communication_type=CommunicationType.objects.first(), language="zh-hans", text=text)
    with pytest.raises(ValidationError, match=message):
        template.full_clean()


def test_compound_surname_and_unknown_gender() -> None:
    assert polite_name(CustomerFactory.build(name="欧阳娜娜", gender="female"), "zh-hans") == "欧阳女士"
    assert polite_name(CustomerFactory.build(name="李明", gender="unknown"), "zh-hans") == "李明"


def test_greet_runs_intent_personality_style_and_template(model_dir, sofa) -> None:
    customer = CustomerFactory(name="李娜", gender="female", mbti="ISTJ", job_title="会计", language="zh-hans")
    seller = UserFactory(last_name="陈", first_name="静")
    greeting = greet(customer, salesperson=seller)
    assert greeting.product_id == sofa.pk, "no model is active, so the fallback ranking chose the only product"
    assert greeting.communication_type == "parameter_focused"
    assert greeting.text.startswith("李女士您好")
