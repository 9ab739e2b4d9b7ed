"""What the bot says per organisation (issue 19): each company's bot answers only from its own FAQs, products, cases
and promotions, within the salesperson's lines of business, and with its own word lists, templates, settings and
reply scripts over the product-wide defaults — which apply wherever a company has none of its own."""

from __future__ import annotations

from decimal import Decimal

import pytest

from crm.im_profile.closeness import current_weights
from crm.im_profile.models import ClosenessWeights
from crm.models import Case, Organisation, Product, ProductCategory, Promotion
from crm.promotions import current_promotions
from dialogue import config
from dialogue.analysis import analyze_reply, current_suggestions, start_conversation
from dialogue.calls.models import Call, ReplyScript
from dialogue.calls.suggestions import call_category, choose, scripts_for
from dialogue.config import get_config, get_scoring, invalidate_config, merge_templates, merge_words, scoring_record
from dialogue.knowledge import build_documents, get_knowledge_base
from dialogue.models import FAQ, AnswerTemplate, ScoringSettings, Situation, WordEntry
from dialogue.word_lists import import_csv
from intent.models import IntentPrediction
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db

SOFA_ANSWER = "可以，沙发套带拉链，可以拆下来机洗。"


def category(organisation, code, line, name):
    return ProductCategory.objects.create(organisation=organisation, code=code, name=name, line_of_business=line)


def product(cat, sku, name, **fields):
    return Product.objects.create(category=cat, sku=sku, name=name, price=Decimal("5999"), **fields)


@pytest.fixture
def home():
    return Organisation.objects.create(name="好家居")


@pytest.fixture
def bank():
    return Organisation.objects.create(name="招财银行")


@pytest.fixture
def sofa(home):
    cat = category(home, "sofa", "home", "沙发")
    sofa = product(cat, "HF-SOFA-01", "云朵布艺沙发", description="坐感柔软如云，科技布防猫抓。")
    FAQ.objects.create(category=cat, question="沙发可以拆洗吗？", answer=SOFA_ANSWER, popularity=40)
    Case.objects.create(title="三口之家换了云朵沙发", summary="猫抓不坏", body="…", product=sofa)
    return sofa


@pytest.fixture
def bank_products(bank):
    # The same category code as the furniture company's: codes are unique per organisation only.
    card = category(bank, "sofa", "banking", "信用卡")
    insurance = category(bank, "accident", "insurance", "意外险")
    credit = product(card, "BK-CC-01", "青春版信用卡", description="首年免年费。")
    cover = product(insurance, "BK-INS-01", "户外运动意外险", description="户外运动意外保障。")
    FAQ.objects.create(category=card, question="信用卡年费多少？", answer="首年免年费，刷卡6次免次年年费。")
    FAQ.objects.create(category=insurance, question="意外险怎么理赔？", answer="拨打客服电话报案后提交材料。")
    return credit, cover


@pytest.fixture
def banker(bank):
    return UserFactory(username="banker", organisation=bank, lines_of_business=["banking"])


@pytest.fixture
def bank_customer(banker, bank):
    return CustomerFactory(owner=banker, organisation=bank)


# --- Knowledge ------------------------------------------------------------------------------------------------------
def test_a_knowledge_base_holds_only_its_organisations_documents(sofa, bank_products, home, bank):
    bank_docs = build_documents(bank)
    assert {d.title for d in bank_docs if d.kind == "faq"} == {"信用卡年费多少？", "意外险怎么理赔？"}
    assert all(d.product_id != sofa.pk for d in bank_docs)
    assert all(d.kind != "case" for d in bank_docs)
    hits = get_knowledge_base(bank).search("沙发可以拆洗吗？", kinds=("faq",))
    assert all(hit.doc.text != SOFA_ANSWER for hit in hits)
    assert get_knowledge_base(home).search("沙发可以拆洗吗？", kinds=("faq",))[0].doc.text == SOFA_ANSWER


def test_the_salespersons_lines_of_business_narrow_the_knowledge(bank_products, bank):
    knowledge = get_knowledge_base(bank)
    everything = knowledge.search("意外险怎么理赔？", kinds=("faq",))
    assert everything and everything[0].doc.title == "意外险怎么理赔？"
    banking_only = knowledge.search("意外险怎么理赔？", kinds=("faq",), lines=("banking",))
    assert all(hit.doc.line in ("banking", "") for hit in banking_only)


def test_a_bank_cards_bot_never_answers_with_a_sofa_faq(sofa, bank_products, bank_customer, banker):
    conversation = start_conversation(bank_customer, salesperson=banker)
    analysis = analyze_reply(conversation, "沙发可以拆洗吗？")
    assert SOFA_ANSWER not in (analysis.answer or "")
    assert all(s.question != "沙发可以拆洗吗？" for s in analysis.suggestions)


def test_a_conversation_about_another_companys_product_is_not_about_it(sofa, bank_customer, banker):
    conversation = start_conversation(bank_customer, salesperson=banker, product=sofa)
    assert current_suggestions(conversation) == []
    analysis = analyze_reply(conversation, "沙发可以拆洗吗？")
    assert SOFA_ANSWER not in (analysis.answer or "")
    assert not any(a.get("product_id") == sofa.pk for a in analysis.actions)


def test_the_first_intent_is_a_product_the_salesperson_offers(sofa, bank_products, bank_customer, banker):
    credit, cover = bank_products
    IntentPrediction.objects.create(
        customer=bank_customer,
        intents=[{"product_id": pk, "probability": 0.3} for pk in (sofa.pk, cover.pk, credit.pk)],
    )
    assert start_conversation(bank_customer, salesperson=banker).product == credit


def test_promotions_are_the_organisations_own(sofa, bank_products, home, bank):
    Promotion.objects.create(product=sofa, title="年底下单立减500元")
    Promotion.objects.create(category=bank_products[0].category, title="新户首刷礼")
    Promotion.objects.create(category=bank_products[1].category, title="意外险八折")
    assert [p.title for p in current_promotions(None, None, "zh-hans", organisation=home)] == ["年底下单立减500元"]
    bank_titles = {p.title for p in current_promotions(None, None, "zh-hans", organisation=bank)}
    assert bank_titles == {"新户首刷礼", "意外险八折"}
    banking = current_promotions(None, None, "zh-hans", organisation=bank, lines=("banking",))
    assert [p.title for p in banking] == ["新户首刷礼"]
    assert current_promotions(None, None, "zh-hans", organisation=None) == []


# --- Word lists, templates and settings ---------------------------------------------------------------------------
def test_merged_word_lists_extend_and_override_the_defaults():
    rows = [
        (None, "positive", "zh-hans", "满意", "", 1.0, True),
        (None, "positive", "zh-hans", "不错", "", 1.0, True),
        (None, "aspect", "zh-hans", "贵", "price", 1.0, True),
        (7, "positive", "zh-hans", "巴适得板", "", 1.0, True),  # extends
        (7, "positive", "zh-hans", "不错", "", 1.0, False),  # takes the default word out
        (7, "aspect", "zh-hans", "贵", "fees", 2.0, True),  # relabels it
    ]
    entries = {(e.kind, e.word): (e.label, e.weight) for e in merge_words(rows)}
    assert entries == {
        ("positive", "满意"): ("", 1.0),
        ("positive", "巴适得板"): ("", 1.0),
        ("aspect", "贵"): ("fees", 2.0),
    }
    assert {e.word for e in merge_words(rows[:3])} == {"满意", "不错", "贵"}


def test_an_organisations_word_counts_for_it_only(home, bank):
    WordEntry.objects.create(organisation=home, kind="positive", language="zh-hans", word="巴适得板")
    invalidate_config()
    assert [m.word for m in get_config(home).words.match("这沙发真是巴适得板")] == ["巴适得板"]
    assert get_config(bank).words.match("这沙发真是巴适得板") == []
    assert get_config().words.match("这沙发真是巴适得板") == []


def test_an_organisation_switches_a_default_word_off_for_itself(home, bank):
    default = WordEntry.objects.filter(organisation__isnull=True, kind="positive", language="zh-hans").first()
    assert default is not None
    WordEntry.objects.create(organisation=home, kind="positive", language="zh-hans", word=default.word, is_active=False)
    invalidate_config()
    assert not any(m.word == default.word for m in get_config(home).words.match(default.word))
    assert any(m.word == default.word for m in get_config(bank).words.match(default.word))


def test_a_word_list_import_goes_into_the_organisations_own_list(home, bank):
    report = import_csv("kind,language,word,label,weight\npositive,zh-hans,巴适得板,,1\n".encode(), home)
    assert report.ok and report.created == 1
    assert WordEntry.objects.get(word="巴适得板").organisation == home
    assert get_config(bank).words.match("巴适得板") == []
    assert [m.word for m in get_config(home).words.match("巴适得板")] == ["巴适得板"]


def test_merged_templates_replace_a_situation_emotion_and_language_group():
    rows = [
        (None, "greeting", "", "zh-hans", "您好！"),
        (None, "greeting", "", "zh-hans", "欢迎！"),
        (None, "thanks", "", "zh-hans", "不客气。"),
        (7, "greeting", "", "zh-hans", "您好，欢迎来到好家居！"),
    ]
    texts = [(t.situation, t.text) for t in merge_templates(rows)]
    assert texts == [("thanks", "不客气。"), ("greeting", "您好，欢迎来到好家居！")]


def test_an_organisations_templates_beat_the_defaults_and_others_keep_them(home, bank):
    AnswerTemplate.objects.create(
        organisation=home, situation=Situation.THANKS, language="zh-hans", text="好家居谢谢您！"
    )
    invalidate_config()

    def thanks(templates):
        return {t.text for t in templates if (t.situation, t.emotion, t.language) == (Situation.THANKS, "", "zh-hans")}

    home_thanks = thanks(get_config(home).templates)
    bank_thanks = thanks(get_config(bank).templates)
    assert home_thanks == {"好家居谢谢您！"}
    assert bank_thanks and "好家居谢谢您！" not in bank_thanks
    assert bank_thanks == thanks(get_config().templates)


def test_an_organisations_scoring_settings_beat_the_product_wide_row(home, bank, monkeypatch):
    product_wide = scoring_record()
    assert product_wide.organisation is None
    assert get_scoring(bank).answer_min_confidence == product_wide.answer_min_confidence
    ScoringSettings.objects.create(organisation=home, answer_min_confidence=0.9, handoff_after_misses=5)
    monkeypatch.setattr(config.CACHE, "recheck_seconds", 0.0)  # another process, after the recheck
    assert get_scoring(home).answer_min_confidence == 0.9
    assert get_scoring(home).handoff_after_misses == 5
    assert get_scoring(bank).answer_min_confidence == product_wide.answer_min_confidence
    assert scoring_record(home).organisation == home
    assert scoring_record(bank) == product_wide


def test_closeness_weights_per_organisation(home, bank):
    product_wide = current_weights()
    ClosenessWeights.objects.create(organisation=home, friendship=4.0)
    from crm.im_profile.closeness import forget_weights

    forget_weights()
    assert current_weights(home).friendship == 4.0
    assert current_weights(bank).pk == product_wide.pk


# --- Call suggestions ------------------------------------------------------------------------------------------------
def test_an_organisations_reply_script_replaces_the_product_wide_one_of_its_key(home, bank):
    ReplyScript.objects.create(key="busy-later", text="那我晚点再打给您。", scene="objection")
    ReplyScript.objects.create(key="thanks", text="谢谢您的时间。", scene="closing")
    ReplyScript.objects.create(organisation=home, key="busy-later", text="好家居晚点再联系您。", scene="objection")
    ReplyScript.objects.create(organisation=home, key="home-only", text="欢迎来展厅坐坐。", scene="closing")
    ReplyScript.objects.create(
        organisation=bank, key="thanks", text="招财银行谢谢您。", scene="closing", is_active=False
    )

    assert {s.key: s.text for s in scripts_for(home, "zh-hans")} == {
        "busy-later": "好家居晚点再联系您。",
        "thanks": "谢谢您的时间。",
        "home-only": "欢迎来展厅坐坐。",
    }
    # The bank switched its "thanks" off: neither its own nor the product-wide one is offered.
    assert {s.key: s.text for s in scripts_for(bank, "zh-hans")} == {"busy-later": "那我晚点再打给您。"}
    assert {s.key for s in scripts_for(None, "zh-hans")} == {"busy-later", "thanks"}


class Said:
    def __init__(self, text, emotion="calm", scene="objection"):
        self.text, self.emotion, self.scene, self.sound = text, emotion, scene, {}


def test_the_call_choice_offers_only_the_calls_organisations_scripts(home, bank):
    ReplyScript.objects.create(organisation=home, key="home-only", text="欢迎来展厅坐坐。", scene="objection")
    ReplyScript.objects.create(key="busy-later", text="那我晚点再打给您。", scene="objection")
    keys = {s.key for s in choose([Said("现在有事")], "zh-hans", k=10, organisation=bank)}
    assert keys == {"busy-later"}
    assert {s.key for s in choose([Said("现在有事")], "zh-hans", k=10, organisation=home)} == {
        "home-only",
        "busy-later",
    }


def test_the_calls_category_comes_from_a_product_the_salesperson_offers(sofa, bank_products, bank_customer, banker):
    credit, cover = bank_products
    IntentPrediction.objects.create(
        customer=bank_customer,
        intents=[{"product_id": pk, "probability": 0.3} for pk in (sofa.pk, cover.pk, credit.pk)],
    )
    call = Call.objects.create(customer=bank_customer, salesperson=banker, recording="calls/x.wav")
    # The sofa is another company's, the accident cover another line than the banker's: the credit card it is.
    assert call_category(call) == "sofa"
    assert ProductCategory.objects.get(organisation=bank_customer.organisation, code="sofa").name == "信用卡"


def test_a_calls_line_of_business_comes_from_its_own_organisations_category(sofa, bank_products, home, bank):
    from dialogue.calls.suggestions import line_of

    # Both organisations have a "sofa" category: the furniture company's is home, the bank's is banking.
    assert line_of("sofa", bank) == "banking"
    assert line_of("sofa", home.pk) == "home"
    assert line_of("unknown", bank) == ""
