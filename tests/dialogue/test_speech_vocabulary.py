"""The recogniser's vocabulary of an organisation (dialogue/speech/vocabulary.py) and hotword boosting
(dialogue/speech/hotwords.py), SPEC V1."""

from __future__ import annotations

import pytest
import torch

from crm.models import Organisation, Product, ProductCategory
from dialogue.models import WordEntry
from dialogue.speech import vocabulary
from dialogue.speech.hotwords import HotwordBoost

Line = ProductCategory.LineOfBusiness


@pytest.fixture
def furniture_shop():
    shop = Organisation.objects.create(name="好家居")
    sofas = ProductCategory.objects.create(organisation=shop, code="sofa", name="沙发", line_of_business=Line.HOME)
    beds = ProductCategory.objects.create(organisation=shop, code="bed", name="床", line_of_business=Line.HOME)
    for sku, category, name, on_sale in (
        ("S1", sofas, "云朵布艺沙发", True),
        ("S2", sofas, "头层牛皮电动功能沙发", True),  # ten characters: a description, not a word people say
        ("S3", sofas, "复古皮沙发", False),  # off sale
        ("B1", beds, "悬浮软包储物床", True),
    ):
        Product.objects.create(organisation=shop, category=category, sku=sku, name=name, price=1000, is_active=on_sale)
    return shop


@pytest.fixture
def bank():
    bank = Organisation.objects.create(name="招财银行")
    loans = ProductCategory.objects.create(
        organisation=bank, code="loan", name="房贷/消费贷", line_of_business=Line.BANKING
    )
    Product.objects.create(organisation=bank, category=loans, sku="L1", name="闪电消费贷", price=0)
    return bank


def _ascii_punctuation(text: str) -> list[str]:
    return [c for c in text if c in ",.?!;:"]


@pytest.mark.django_db
def test_the_vocabulary_names_the_catalogue_and_the_business_words_of_its_line(furniture_shop, bank):
    words = vocabulary.vocabulary_for(furniture_shop)
    assert {"沙发", "床", "云朵布艺沙发", "悬浮软包储物床", "打折", "分期", "送货", "投诉"} <= set(words.terms)
    assert "复古皮沙发" not in words.terms and "头层牛皮电动功能沙发" not in words.terms
    assert "闪电消费贷" not in words.terms and "理财" not in words.terms  # the bank's, not the shop's
    assert words.prompt.startswith("您好，这里是好家居。我们有沙发、床，欢迎咨询打折、")
    assert _ascii_punctuation(words.prompt) == [] and len(words.prompt) <= vocabulary.MAX_PROMPT_CHARS
    banking = vocabulary.vocabulary_for(bank.pk)
    assert {"房贷", "消费贷", "闪电消费贷", "理财", "存款"} <= set(banking.terms)  # 房贷/消费贷 names two
    assert "沙发" not in banking.terms


@pytest.mark.django_db
def test_a_managers_own_words_join_the_vocabulary_and_a_new_product_is_heard_after_the_recheck(
    furniture_shop, monkeypatch
):
    assert "以旧换新" not in vocabulary.vocabulary_for(furniture_shop).terms
    monkeypatch.setattr(vocabulary.CACHE, "recheck_seconds", 0.0)
    WordEntry.objects.create(organisation=furniture_shop, kind=WordEntry.Kind.ASPECT, word="以旧换新")
    WordEntry.objects.create(organisation=furniture_shop, kind=WordEntry.Kind.NEGATOR, word="甭")  # not business
    Product.objects.create(
        organisation=furniture_shop,
        category=ProductCategory.objects.get(organisation=furniture_shop, code="sofa"),
        sku="S4",
        name="奶油风沙发",
        price=1000,
    )
    terms = vocabulary.vocabulary_for(furniture_shop).terms
    assert {"以旧换新", "奶油风沙发"} <= set(terms) and "甭" not in terms


@pytest.mark.django_db
def test_without_an_organisation_the_common_business_words_are_used():
    words = vocabulary.vocabulary_for(None)
    assert words.name == "" and set(vocabulary.COMMON_WORDS) <= set(words.terms)
    assert words.prompt == "您好，欢迎咨询打折、优惠、分期、退款、投诉。"


def test_a_long_catalogue_is_cut_to_the_prompt_length_keeping_categories_and_words_first():
    products = [f"{colour}布艺沙发" for colour in "红橙黄绿青蓝紫黑白灰棕粉金银"]
    words = vocabulary.write_prompt("好家居", ["沙发", "床"], ["打折", "沙发"], products)
    assert len(words.prompt) <= vocabulary.MAX_PROMPT_CHARS and words.prompt.endswith("。")
    assert words.terms[:4] == ("沙发", "床", "打折", "红布艺沙发")  # 沙发 once
    assert 1 < sum(t.endswith("布艺沙发") for t in words.terms) < len(products)


# --- Hotword boosting ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def tokenizer():
    from whisper.tokenizer import get_tokenizer

    return get_tokenizer(True, language="zh", task="transcribe")


def test_the_rest_of_a_word_is_boosted_token_by_token_but_never_its_first_character(tokenizer):
    boost = HotwordBoost(tokenizer, sample_begin=0, terms=["打折", "沙发"], bonus=3.0)
    first, second = tokenizer.encode("折")  # 折 is two byte tokens
    assert boost.continuations(tokenizer.encode("可以打")) == {first}
    assert boost.continuations([*tokenizer.encode("可以打"), first]) == {second}
    assert boost.continuations(tokenizer.encode("这个沙")) == set(tokenizer.encode("发"))
    assert boost.continuations(tokenizer.encode("欢迎大家来体验")) == set()  # 打 and 沙 themselves are not pushed
    assert boost.continuations(tokenizer.encode("可以打折")) == set()  # the word is complete


def test_only_the_rows_that_begin_a_word_get_the_bonus(tokenizer):
    prefix = [tokenizer.sot, tokenizer.transcribe]
    boost = HotwordBoost(tokenizer, sample_begin=len(prefix), terms=["投诉"], bonus=3.0)
    rows = [prefix + tokenizer.encode("我要投"), prefix + tokenizer.encode("我要去")]
    assert len(rows[0]) == len(rows[1])
    logits = torch.zeros(2, tokenizer.encoding.n_vocab)
    boost.apply(logits, torch.tensor(rows))
    (rest,) = tokenizer.encode("诉")
    assert logits[0, rest] == 3.0 and logits[0].sum() == 3.0
    assert logits[1].abs().sum() == 0
