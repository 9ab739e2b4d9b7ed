"""Answers as a person would write them (issue 17 item 4): phrased specs, discounts from data, no repeats, and no
raw spec key in any answer about any demo product."""

from __future__ import annotations

import datetime
import json
import re
from collections import Counter

import pytest
from django.utils import timezone

from crm.models import Product, ProductCategory, Promotion
from dialogue.analysis import product_facts
from dialogue.answers import compose_answer, detect_situation, handoff_text
from dialogue.config import get_config, invalidate_config
from dialogue.knowledge import KnowledgeBase, build_documents
from dialogue.models import AnswerTemplate, ScoringSettings, Situation, WordEntry, template_slot_errors
from dialogue.seeding import read_seed, seed_defaults
from dialogue.text import prepare
from salescard.demo.catalogue import CATEGORIES, PRODUCTS
from salescard.demo.promotions import ensure_demo_promotions

LANGUAGES = ("zh-hans", "yue", "en")


def ask(text, product, language="zh-hans", *, situation=None, recent=(), knowledge=None):
    organisation_id = product.organisation_id if product is not None else None
    config = get_config(organisation_id)
    prepared = prepare(text, language)
    if situation is None:
        situation = detect_situation(config.words.match(prepared.normalised), ready_to_buy=False)
    return compose_answer(
        query=prepared.normalised,
        situation=situation,
        emotion="neutral",
        language=language,
        product=product_facts(product),
        knowledge=knowledge or KnowledgeBase(build_documents(organisation_id), matcher=None),
        templates=config.templates,
        cfg=config.scoring,
        salesperson="陈静",
        recent_answers=recent,
        organisation_id=organisation_id,
    )


@pytest.fixture
def catalogue(db):
    invalidate_config()
    categories = {
        c.code: ProductCategory.objects.create(code=c.code, name=c.name, line_of_business=c.line) for c in CATEGORIES
    }
    for spec in PRODUCTS:
        Product.objects.create(
            sku=spec.sku,
            category=categories[spec.category],
            name=spec.name,
            design=spec.design,
            colour=spec.colour,
            size=spec.size,
            price=spec.price,
            specs=spec.specs,
            description=spec.description,
            is_active=spec.is_active,
        )
    return {p.sku: p for p in Product.objects.select_related("category")}


# --- discounts ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("question", ["有优惠吗？", "现在打折吗", "能便宜点吗？", "有什么活动"])
def test_discount_questions_are_recognised(db, question):
    invalidate_config()
    words = get_config().words
    assert detect_situation(words.match(prepare(question, "zh-hans").normalised), False) == Situation.DISCOUNT


def test_a_complaint_about_the_price_stays_a_price_objection(db):
    invalidate_config()
    words = get_config().words
    matches = words.match(prepare("太贵了，能便宜点吗", "zh-hans").normalised)
    assert detect_situation(matches, False) == Situation.PRICE_OBJECTION


@pytest.mark.parametrize(
    ("language", "question", "says"),
    [
        ("zh-hans", "有优惠吗？", "限时下单立减500元"),
        ("yue", "有冇优惠？", "限時下單立減500元"),
        ("en", "Any discount?", "500 yuan off"),
    ],
)
def test_a_discount_question_names_the_running_promotion(catalogue, language, question, says):
    ensure_demo_promotions()
    answer = ask(question, catalogue["HF-SOFA-01"], language)
    assert answer.situation == Situation.DISCOUNT
    assert says in answer.text
    assert "有没有可用的优惠" not in answer.text


@pytest.mark.parametrize(("language", "says"), [("zh-hans", "没有"), ("yue", "冇"), ("en", "no ")])
def test_without_a_promotion_the_answer_says_plainly_there_is_none(catalogue, language, says):
    ensure_demo_promotions()
    answer = ask("有优惠吗？", catalogue["HF-SOFA-02"], language, situation=Situation.DISCOUNT)
    assert says in answer.text.lower()
    assert "15,800" in answer.text or "头层牛皮" in answer.text or "頭層牛皮" in answer.text


def test_a_category_promotion_counts_for_every_product_of_it(catalogue):
    ensure_demo_promotions()
    answer = ask("有优惠吗？", catalogue["HF-BED-02"])
    assert "买床送乳胶枕一对" in answer.text


def test_an_ended_or_switched_off_promotion_is_not_offered(catalogue):
    sofa = catalogue["HF-SOFA-02"]
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Promotion.objects.create(product=sofa, title="国庆立减1000元", ends_on=yesterday)
    Promotion.objects.create(product=sofa, title="老客户95折", is_active=False)
    answer = ask("有优惠吗？", sofa)
    assert "国庆" not in answer.text and "95折" not in answer.text and "没有" in answer.text


def test_a_price_objection_mentions_a_running_promotion(catalogue):
    ensure_demo_promotions()
    answer = ask("太贵了", catalogue["HF-SOFA-01"], situation=Situation.PRICE_OBJECTION)
    assert "限时下单立减500元" in answer.text


def test_demo_promotions_are_seeded_once_and_only_for_some_products(catalogue):
    first = ensure_demo_promotions()
    assert first > 0 and ensure_demo_promotions() == 0
    with_one = {p.product.sku for p in Promotion.objects.filter(product__isnull=False)}
    assert 0 < len(with_one) < len(catalogue)


# --- phrased answers ---------------------------------------------------------------------------------------------


def test_a_spec_answer_is_a_sentence_not_a_slot_dump(catalogue):
    answer = ask("可以拆洗吗？", catalogue["HF-SOFA-03"], situation=Situation.SPEC_QUESTION)
    assert "套子可以拆下来洗" in answer.text
    assert "可拆洗：" not in answer.text and "：是" not in answer.text


def test_a_price_answer_has_thousands_separators(catalogue):
    answer = ask("多少钱？", catalogue["BK-CD-01"], situation=Situation.PRICE_QUESTION)
    assert "200,000" in answer.text and "200000" not in answer.text


RAW_KEY = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")


def test_no_answer_about_a_demo_product_shows_a_raw_spec_key(catalogue):
    knowledge = KnowledgeBase(build_documents(), matcher=None)
    ensure_demo_promotions()
    checked = 0
    for spec in PRODUCTS:
        if not spec.is_active:
            continue
        product = catalogue[spec.sku]
        for key in spec.specs:
            if key == "price_label":
                continue
            label = knowledge_label(key)
            for language in LANGUAGES:
                for situation in (Situation.SPEC_QUESTION, Situation.GENERAL):
                    answer = ask(f"{label}是多少？", product, language, situation=situation, knowledge=knowledge)
                    if answer.text:
                        assert_no_raw_key(answer.text, spec.specs, language)
                        checked += 1
        for language in LANGUAGES:
            for situation in (Situation.PRICE_QUESTION, Situation.PRICE_OBJECTION, Situation.DISCOUNT):
                answer = ask("多少钱", product, language, situation=situation, knowledge=knowledge)
                assert answer.text
                assert_no_raw_key(answer.text, spec.specs, language)
                checked += 1
    assert checked > 300


def knowledge_label(key):
    from dialogue.knowledge import SPEC_LABELS

    return SPEC_LABELS[key][0]


def assert_no_raw_key(text, specs, language):
    assert not RAW_KEY.search(text), text
    if language != "en":  # an English sentence may say "warranty"; a Chinese one never says a key
        assert not any(re.search(rf"\b{re.escape(key)}\b", text) for key in specs), text
    assert "price_label" not in text


# --- variety -----------------------------------------------------------------------------------------------------


def test_the_bot_does_not_say_the_same_thing_twice_in_a_row(catalogue):
    sofa = catalogue["HF-SOFA-01"]
    said: list[str] = []
    for _ in range(6):
        answer = ask("多少钱？", sofa, situation=Situation.PRICE_QUESTION, recent=said[-2:])
        assert answer.text not in said[-2:]
        said.append(answer.text)
    assert len(set(said)) >= 3


def test_a_handoff_note_does_not_repeat_the_last_one(db):
    invalidate_config()
    templates = get_config().templates
    first = handoff_text(templates, "neutral", "zh-hans", "陈静", 0)
    second = handoff_text(templates, "neutral", "zh-hans", "陈静", 0, recent_answers=[first])
    assert first and second and first != second


def test_the_shipped_templates_vary_and_validate():
    rows = read_seed("answer_templates.json")
    counts = Counter((row["situation"], row["language"]) for row in rows if not row["emotion"])
    common = ("greeting", "thanks", "price_question", "price_objection", "discount", "spec_question", "comparison",
              "complaint", "purchase", "general", "handoff")  # fmt: skip
    for situation in common:
        assert counts[(situation, "zh-hans")] >= 3, situation
        assert counts[(situation, "yue")] >= 2, situation
        assert counts[(situation, "en")] >= 2, situation
    assert all(template_slot_errors(row["text"], row["situation"]) is None for row in rows)
    for language in LANGUAGES:  # both kinds of discount answer exist in every language
        kinds = {"{answer}" in r["text"] for r in rows if r["situation"] == "discount" and r["language"] == language}
        assert kinds == {True, False}


# --- seeding an existing install ---------------------------------------------------------------------------------


def test_an_existing_install_gets_the_new_templates_where_a_manager_changed_nothing(db):
    retired = "{answer} 还有其他想了解的吗？"
    AnswerTemplate.objects.filter(situation="spec_question", language="zh-hans").delete()
    AnswerTemplate.objects.create(situation="spec_question", language="zh-hans", text=retired)
    AnswerTemplate.objects.filter(situation="discount").delete()
    AnswerTemplate.objects.filter(situation="thanks", language="en").delete()
    own = AnswerTemplate.objects.create(situation="thanks", language="en", text="Cheers, {product} fan!")

    seed_defaults(WordEntry, AnswerTemplate, ScoringSettings)

    spec = set(
        AnswerTemplate.objects.filter(situation="spec_question", language="zh-hans").values_list("text", flat=True)
    )
    assert retired not in spec and "{answer}还有其他想了解的吗？" in spec
    assert AnswerTemplate.objects.filter(situation="discount", language="yue").count() >= 2
    thanks = list(AnswerTemplate.objects.filter(situation="thanks", language="en"))
    assert thanks == [own]


def test_an_existing_install_moves_discount_words_from_the_old_label_but_keeps_a_managers(db):
    WordEntry.objects.filter(kind="situation", language="zh-hans", word="打折").update(label="price_objection")
    WordEntry.objects.filter(kind="situation", language="zh-hans", word="有折扣吗").update(label="complaint")

    seed_defaults(WordEntry, AnswerTemplate, ScoringSettings)

    assert WordEntry.objects.get(kind="situation", language="zh-hans", word="打折").label == "discount"
    assert WordEntry.objects.get(kind="situation", language="zh-hans", word="有折扣吗").label == "complaint"


def test_the_seed_files_are_valid_json():
    json.loads(json.dumps(read_seed("answer_templates_retired.json")))


def test_seed_faqs_adds_the_demo_promotions_and_updates_defaults_even_when_faqs_exist(catalogue):
    from io import StringIO

    from django.core.management import call_command

    from dialogue.models import FAQ

    FAQ.objects.create(category=catalogue["HF-SOFA-01"].category, question="沙发能拆洗吗？", answer="能。")
    AnswerTemplate.objects.filter(situation="discount").delete()
    out = StringIO()

    call_command("seed_faqs", "--if-empty", stdout=out)

    assert Promotion.objects.filter(product=catalogue["HF-SOFA-01"]).exists()
    assert AnswerTemplate.objects.filter(situation="discount").count() >= 9
    assert FAQ.objects.count() == 1 and "Promotions:" in out.getvalue()
