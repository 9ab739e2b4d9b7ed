"""Satisfaction K = α·A + β·B with reasons (S12) and deal rate P = γ·C/D (S14)."""

from __future__ import annotations

import pytest

from dialogue.config import ScoringValues
from dialogue.lexicon import Entry, WordLists
from dialogue.scoring import (
    MODEL_LEAN_SHARE,
    ProductAttributes,
    extract_reasons,
    score_deal_rate,
    score_satisfaction,
)
from dialogue.text import prepare

WORDS = WordLists(
    [
        Entry("positive", "满意"),
        Entry("positive", "喜欢"),
        Entry("negative", "贵"),
        Entry("negative", "太慢"),
        Entry("purchase_intent", "下单"),
        Entry("purchase_intent", "想买"),
        Entry("aspect", "价格", "price"),
        Entry("aspect", "贵", "price"),
        Entry("aspect", "送货", "delivery"),
        Entry("aspect", "质量", "quality"),
        Entry("negator", "不"),
        Entry("degree", "非常", weight=2.0),
    ]
)
CFG = ScoringValues(alpha=1.0, beta=-1.0, gamma=2.0, satisfaction_threshold=-0.1, deal_rate_threshold=0.3)


def satisfaction(text: str, cfg: ScoringValues = CFG, product: ProductAttributes | None = None):
    prepared = prepare(text)
    return score_satisfaction(len(prepared.tokens), WORDS.match(prepared.normalised), cfg, prepared.normalised, product)


def test_k_is_alpha_a_plus_beta_b_over_jieba_tokens():
    prepared = prepare("我很喜欢，但是太贵了")
    result = satisfaction("我很喜欢，但是太贵了")
    tokens = len(prepared.tokens)
    assert result.positive_share == pytest.approx(round(1 / tokens, 4))
    assert result.negative_share == pytest.approx(round(1 / tokens, 4))
    assert result.score == pytest.approx(0.0)


def test_alpha_and_beta_weigh_the_shares():
    lenient = satisfaction("我很喜欢，但是太贵了", ScoringValues(alpha=2.0, beta=-0.5))
    assert lenient.score > 0


def test_a_complaint_falls_below_the_threshold_with_its_reasons():
    result = satisfaction("送货太慢了，价格还这么贵")
    assert result.score < CFG.satisfaction_threshold
    assert result.below_threshold
    assert result.reasons[0] in {"delivery", "price"}
    assert set(result.reasons) >= {"delivery", "price"}


def test_satisfied_reply_has_no_reasons():
    result = satisfaction("非常满意，质量很好")
    assert result.score > 0
    assert not result.below_threshold
    assert result.reasons == ()


def test_product_attributes_named_in_a_complaint_become_reasons():
    result = satisfaction("浅灰不喜欢", product=ProductAttributes(colour="浅灰", design="北欧简约", size="三人位"))
    assert result.below_threshold
    assert "colour" in result.reasons


def test_reasons_nearest_the_negative_word_come_first():
    prepared = prepare("质量还行，送货太慢")
    reasons, words = extract_reasons(WORDS.match(prepared.normalised), prepared.normalised)
    assert reasons[0] == "delivery"
    assert words[0] == "送货"


def test_deal_rate_is_gamma_c_over_d_clipped():
    prepared = prepare("我想买，怎么下单？")
    result = score_deal_rate(WORDS.match(prepared.normalised), prepared.chars, CFG)
    assert result.intent_chars == 4  # 想买 + 下单
    assert result.reply_chars == 7  # punctuation does not count
    assert result.score == pytest.approx(round(min(1.0, 2.0 * 4 / 7), 4))
    assert result.above_threshold


def test_deal_rate_is_clipped_to_one_and_zero_without_intent():
    prepared = prepare("下单")
    assert score_deal_rate(WORDS.match(prepared.normalised), prepared.chars, CFG).score == 1.0
    prepared = prepare("随便看看")
    result = score_deal_rate(WORDS.match(prepared.normalised), prepared.chars, CFG)
    assert result.score == 0.0
    assert not result.above_threshold


def test_not_wanting_to_buy_is_no_purchase_intent():
    prepared = prepare("我不想买")
    assert score_deal_rate(WORDS.match(prepared.normalised), prepared.chars, CFG).score == 0.0


def test_the_model_lean_fills_a_and_b_where_the_word_lists_are_silent():
    """Issue 20: K keeps K = α·A + β·B; the model's polarity p adds s·(2p − 1) to A or s·(1 − 2p) to B."""
    text = "快递到现在还没动静"
    prepared = prepare(text)
    found = WORDS.match(prepared.normalised)
    words_only = score_satisfaction(len(prepared.tokens), found, CFG, text)
    upset = score_satisfaction(len(prepared.tokens), found, CFG, text, model_positive=0.05)
    neutral = score_satisfaction(len(prepared.tokens), found, CFG, text, model_positive=0.5)
    assert words_only.score == 0 and neutral.score == 0
    assert upset.negative_share == pytest.approx(round(MODEL_LEAN_SHARE * 0.9, 4))
    assert upset.score == pytest.approx(CFG.beta * MODEL_LEAN_SHARE * 0.9, abs=1e-4)
    assert upset.score < words_only.score


def test_the_model_lean_adds_to_the_word_shares():
    pleased = satisfaction("我很喜欢")
    prepared = prepare("我很喜欢")
    warmer = score_satisfaction(
        len(prepared.tokens), WORDS.match(prepared.normalised), CFG, prepared.normalised, model_positive=0.95
    )
    assert warmer.positive_share == pytest.approx(pleased.positive_share + MODEL_LEAN_SHARE * 0.9, abs=1e-4)
