"""Spec phrases in Mandarin, Cantonese and English (issue 17 item 4): sentences, not slot dumps."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dialogue.knowledge import SPEC_LABELS, spec_label
from dialogue.phrasing import format_money, join_list, phrase_spec, price_label, spec_rows, value_text


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh-hans", "这款沙发的套子可以拆下来洗。"),
        ("yue", "呢款梳化嘅套可以拆落嚟洗。"),
        ("en", "The cover of this sofa comes off for washing."),
    ],
)
def test_a_yes_value_is_a_sentence(language, expected):
    assert phrase_spec("removable_cover", True, language, "沙发") == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh-hans", "这款床不含床垫，床垫需要另外选。"),
        ("yue", "呢款床唔包床褥，床褥要另外揀。"),
        ("en", "This bed does not include a mattress; that is chosen separately."),
    ],
)
def test_a_no_value_is_a_sentence_too(language, expected):
    assert phrase_spec("mattress_included", False, language, "床") == expected


def test_a_yes_no_value_written_as_text_reads_the_same_way():
    """Spec documents in the index carry 是/否; the sentence must not say "是"."""
    assert phrase_spec("deposit_insurance", "是", "zh-hans", "定期存款") == "这款定期存款受存款保险保护。"
    assert phrase_spec("transferable", "否", "en", "大额存单") == "This certificate of deposit cannot be transferred."


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh-hans", "A、B和C"), ("yue", "A、B同C"), ("en", "A, B and C")],
)
def test_lists_are_joined_as_a_person_lists(language, expected):
    assert join_list(["A", "B", "C"], language) == expected
    assert value_text(["A", "B", "C"], language) == expected


def test_a_list_written_with_enumeration_commas_is_joined_naturally():
    assert (
        phrase_spec("covers", "登山、骑行、滑雪、潜水", "zh-hans", "意外险") == "这款意外险保障登山、骑行、滑雪和潜水。"
    )
    assert phrase_spec("covers", "登山、骑行、滑雪、潜水", "en", "意外险") == (
        "This accident plan covers 登山, 骑行, 滑雪 and 潜水."
    )


def test_money_has_thousands_separators():
    assert format_money(Decimal("200000")) == "200,000"
    assert format_money(Decimal("200000"), currency=True) == "¥200,000"
    assert format_money(Decimal("1234.5")) == "1,234.50"
    assert format_money(None) == ""


def test_amounts_in_ten_thousands_are_written_out_in_english_and_kept_in_chinese():
    assert phrase_spec("sum_insured", "50万元", "en", "重疾险") == (
        "This critical illness plan has a sum insured of 500,000 yuan."
    )
    assert phrase_spec("sum_insured", "50万元", "zh-hans", "重疾险") == "这款重疾险的保额是50万元。"
    assert phrase_spec("sum_insured", "50万元", "yue", "重疾险") == "呢款危疾保險嘅保額係50万元。"


def test_units_are_kept_and_a_bare_number_gets_the_specs_unit():
    assert phrase_spec("seats", 3, "zh-hans", "沙发") == "这款沙发可以坐3人。"
    assert phrase_spec("seats", 3, "en", "沙发") == "This sofa seats 3 people."
    assert phrase_spec("waiting_period", "90天", "en", "重疾险") == (
        "This critical illness plan has a waiting period of 90 days."
    )
    assert phrase_spec("warranty", "1年", "en", "沙发") == "This sofa comes with a warranty of 1 year."


def test_a_chinese_phrase_inside_a_value_is_not_half_translated():
    assert phrase_spec("renewal", "保证续保20年", "en", "医疗险") == "Renewal of this medical plan: 保证续保20年."


def test_an_unknown_key_reads_as_its_words_never_as_the_key():
    for language in ("zh-hans", "yue", "en"):
        sentence = phrase_spec("foo_bar", "42厘米", language, "沙发")
        assert "foo_bar" not in sentence and "foo bar" in sentence
    assert phrase_spec("foo_bar", "x", "en") == "The foo bar of this product is x."
    assert phrase_spec("foo_bar", True, "zh-hans") == "这款产品有foo bar。"
    assert spec_label("foo_bar", "yue") == "foo bar"


def test_a_product_named_in_the_sentence_replaces_this_product():
    assert phrase_spec("seats", 3, "zh-hans", "沙发", about="云朵布艺沙发") == "云朵布艺沙发可以坐3人。"


def test_a_term_is_not_called_a_size():
    assert phrase_spec("size", "三人位 2.1米", "zh-hans", "沙发") == "这款沙发的尺寸是三人位 2.1米。"
    assert phrase_spec("size", "3年期", "zh-hans", "定期存款") == "这款定期存款是3年期。"
    assert phrase_spec("size", "保障终身", "zh-hans", "重疾险") == "这款重疾险保障终身。"


def test_price_labels_are_said_in_english_for_english_speakers():
    assert price_label("年缴保费（30岁，保额50万）", "en") == "annual premium (30 years old, 保额50万)"
    assert price_label("售价", "en") == "price"
    assert price_label("", "yue") == "價錢"
    assert price_label("售价", "zh-hans") == "售价"


def test_a_table_of_specs_has_labels_and_no_price_label():
    rows = spec_rows({"removable_cover": True, "price_label": "售价", "seats": 3}, "zh-hans", {"colour": "米白"})
    assert rows == [("颜色", "米白"), ("可拆洗", "是"), ("座位数", "3人")]
    assert spec_rows({"removable_cover": False}, "en") == [("removable cover", "no")]


def test_the_index_keeps_its_mandarin_and_english_names():
    assert SPEC_LABELS["removable_cover"] == ("可拆洗", "removable cover")
    assert "price" not in SPEC_LABELS and "colour" not in SPEC_LABELS
