"""Word-list matching: negation, degree words, overlaps, Traditional and Cantonese input, English words."""

from __future__ import annotations

import pytest

from dialogue.lexicon import Entry, WordLists
from dialogue.text import prepare

ENTRIES = [
    Entry("positive", "满意"),
    Entry("positive", "不错"),
    Entry("positive", "喜欢"),
    Entry("positive", "good"),
    Entry("negative", "贵"),
    Entry("negative", "太贵"),
    Entry("dissatisfied", "不满意"),
    Entry("purchase_intent", "买"),
    Entry("purchase_intent", "怎么买"),
    Entry("reject", "不要"),
    Entry("interest", "感兴趣"),
    Entry("emotion_keyword", "不要说了", "angry"),
    Entry("aspect", "价格", "price"),
    Entry("negator", "不"),
    Entry("negator", "没有"),
    Entry("negator", "唔"),
    Entry("negator", "not"),
    Entry("degree", "太", weight=1.8),
    Entry("degree", "很", weight=1.5),
    Entry("degree", "非常", weight=2.0),
    Entry("degree", "那么", weight=1.2),
    Entry("degree", "very", weight=1.5),
]


@pytest.fixture(scope="module")
def words() -> WordLists:
    return WordLists(ENTRIES)


def read(words: WordLists, text: str) -> list[tuple[str, str, bool]]:
    return [(m.kind, m.word, m.negated) for m in words.match(prepare(text).normalised)]


def test_bu_manyi_is_negative_not_satisfied(words):
    assert read(words, "我对这个沙发不满意") == [("dissatisfied", "不满意", False), ("negative", "满意", True)]


def test_not_too_expensive_is_not_expensive(words):
    kinds = read(words, "这个价格不太贵")
    assert ("negative", "太贵", False) not in kinds
    assert ("positive", "太贵", True) in kinds


def test_too_expensive_is_negative_once_with_the_longest_word(words):
    assert [k for k in read(words, "太贵了") if k[0] == "negative"] == [("negative", "太贵", False)]


def test_degree_word_scales_the_weight(words):
    [match] = [m for m in words.match(prepare("非常满意").normalised) if m.kind == "positive"]
    assert match.weight == pytest.approx(2.0)


def test_double_negation_is_positive_again(words):
    assert ("positive", "满意", False) in read(words, "也不是不满意")


def test_negation_does_not_cross_a_comma_or_a_conjunction(words):
    assert ("positive", "满意", False) in read(words, "不知道，挺满意")
    assert ("negative", "满意", True) in read(words, "价格不贵但不满意")
    assert ("positive", "贵", True) in read(words, "价格不贵但不满意")


def test_the_bu_inside_bucuo_negates_nothing(words):
    assert read(words, "不错满意") == [("positive", "不错", False), ("positive", "满意", False)]


def test_negated_purchase_intent_is_a_rejection(words):
    assert read(words, "我不想买") == [("reject", "买", True)]


def test_overlapping_purchase_words_count_once(words):
    assert [k for k in read(words, "这个怎么买") if k[0] == "purchase_intent"] == [("purchase_intent", "怎么买", False)]


def test_stop_talking_is_an_emotion_not_a_rejection(words):
    kinds = read(words, "不要说了")
    assert ("emotion_keyword", "不要说了", False) in kinds
    assert not [k for k in kinds if k[0] == "reject"]


def test_traditional_and_cantonese_input_is_matched(words):
    assert ("negative", "喜欢", True) in read(words, "我唔喜歡呢個")
    assert ("dissatisfied", "不满意", False) in read(words, "我對價格不滿意")
    assert ("aspect", "价格", False) in read(words, "我對價格不滿意")


def test_english_words_match_whole_words_with_negation(words):
    assert read(words, "Goodness me") == []
    assert read(words, "not very good") == [("negative", "good", True)]
    assert read(words, "Very GOOD") == [("positive", "good", False)]


def test_an_empty_list_matches_nothing():
    assert WordLists([]).match("我很满意") == []


def test_a_not_a_questions_neither_negate_nor_reject():
    words = WordLists(
        [Entry("reject", "不要"), Entry("positive", "靠谱"), Entry("negator", "不"), Entry("negator", "唔")]
    )
    assert words.match(prepare("要不要考虑一下").normalised) == []
    assert words.match(prepare("这家靠不靠谱？").normalised) == []


def test_neutral_words_mask_what_is_inside_them():
    words = WordLists([Entry("negative", "贵"), Entry("neutral", "贵宾"), Entry("neutral", "贵公司")])
    assert words.match(prepare("贵宾室在哪里，贵公司地址是？").normalised) == []
    assert [m.kind for m in words.match(prepare("太贵了").normalised)] == ["negative"]


def test_other_words_beginning_with_a_negation_character_negate_nothing():
    words = WordLists([Entry("positive", "质量好"), Entry("negator", "别"), Entry("negator", "没")])
    assert [m.negated for m in words.match(prepare("别家的质量好").normalised)] == [False]
    assert [m.negated for m in words.match(prepare("没想到质量好").normalised)] == [False]


def test_a_negated_price_objection_is_no_objection():
    words = WordLists([Entry("situation", "太贵", "price_objection"), Entry("negator", "不")])
    assert words.match(prepare("不太贵").normalised) == []
    assert [m.label for m in words.match(prepare("太贵了").normalised)] == ["price_objection"]
