"""Satisfaction K (SPEC S12), its reasons, and the deal rate P (S14), from the word-list matches of a reply.

K = α·A + β·B, where A and B are the shares of positive and negative words among the reply's jieba tokens
(a degree word scales a word's count: 非常满意 counts 2, 有点贵 0.6); with α > 0 and β < 0, K > 0 leans
satisfied. The dissatisfied list of S15 counts as negative as well: on the STC-3 helpdesk dialogues that lifted
the rank correlation of K with the annotators' satisfaction from 0.26 to 0.36 (``bench/bench_satisfaction.py``,
which also chose the defaults α = 1, β = −2 and the threshold K < 0).

The word lists are silent in about half of real customer text (45 % of the STC-3 dialogues match no positive or
negative word), so the trained model's polarity adds its lean to A and B: A += s·max(0, 2p − 1) and
B += s·max(0, 1 − 2p), with p the model's probability that the reply is positive and s = ``MODEL_LEAN_SHARE``.
A reply the model reads as neutral (p = 0.5) adds nothing, so K of a reply with no sentiment at all stays 0.
Adding the lean to every reply ranked better than using it only where the lists are silent (Spearman ρ 0.44
against 0.38 on the held-out half of STC-3; snownlp 0.38), because then a reply with one listed word and a
clearly negative tone is not ranked above a silent but neutral one.
When K falls below the threshold the reasons are read from the aspects the reply names (价格 → price,
送货 → delivery), nearest to a negative word first, and from the intended product's own attributes (its
colour, design or size named in the reply).

P = γ·C/D, where C counts the characters of purchase-intent words and D the characters of the reply (letters,
digits and Chinese characters; not spaces or punctuation), clipped to [0, 1].
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dialogue import lexicon
from dialogue.config import ScoringValues
from dialogue.lexicon import Match

MODEL_LEAN_SHARE = 0.05
"""s: how much a fully confident model reading adds to A or B (the share of one word in twenty tokens); chosen
on the first half of the STC-3 dialogues from 0.01–0.2 by ``bench/bench_satisfaction.py``."""


@dataclass(frozen=True)
class Satisfaction:
    score: float  # K = α·A + β·B
    positive_share: float  # A
    negative_share: float  # B
    below_threshold: bool
    reasons: tuple[str, ...]  # reason codes (dialogue.models.Reason), most likely first
    reason_words: tuple[str, ...]  # the words the reasons were read from
    model_positive: float | None = None  # the model's polarity p that added its lean to A and B (None: words only)


@dataclass(frozen=True)
class DealRate:
    score: float  # P = γ·C/D, clipped to [0, 1]
    intent_chars: int  # C
    reply_chars: int  # D
    above_threshold: bool


@dataclass(frozen=True)
class ProductAttributes:
    """Attribute values of the intended product that a reply may name (S12 reasons)."""

    colour: str = ""
    design: str = ""
    size: str = ""


def polarity_shares(
    token_count: int, matches: Sequence[Match], model_positive: float | None = None
) -> tuple[float, float]:
    """A and B: the degree-weighted counts of positive and negative words over the token count, plus the model's
    lean (see the module docstring) when ``model_positive`` is given, each at most 1. S15's dissatisfied words
    count as negative too, unless they overlap a negative word already counted."""
    tokens = max(token_count, 1)
    negatives = lexicon.of_kind(matches, lexicon.NEGATIVE)
    extra = [
        m
        for m in lexicon.of_kind(matches, lexicon.DISSATISFIED)
        if not any(m.start < n.end and n.start < m.end for n in negatives)
    ]
    positive = sum(m.weight for m in lexicon.of_kind(matches, lexicon.POSITIVE)) / tokens
    negative = sum(m.weight for m in (*negatives, *extra)) / tokens
    if model_positive is not None:
        positive += MODEL_LEAN_SHARE * max(0.0, 2 * model_positive - 1)
        negative += MODEL_LEAN_SHARE * max(0.0, 1 - 2 * model_positive)
    return min(1.0, positive), min(1.0, negative)


def score_satisfaction(
    token_count: int,
    matches: Sequence[Match],
    cfg: ScoringValues,
    text: str = "",
    product: ProductAttributes | None = None,
    model_positive: float | None = None,
) -> Satisfaction:
    positive, negative = polarity_shares(token_count, matches, model_positive)
    score = cfg.alpha * positive + cfg.beta * negative
    below = score < cfg.satisfaction_threshold
    reasons: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    if below:
        reasons, words = extract_reasons(matches, text, product)
    return Satisfaction(round(score, 4), round(positive, 4), round(negative, 4), below, reasons, words, model_positive)


def extract_reasons(
    matches: Sequence[Match], text: str, product: ProductAttributes | None = None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Reason codes, nearest to a negative word first, then the product attributes the reply names."""
    negatives = [m for m in matches if m.kind in (lexicon.NEGATIVE, lexicon.DISSATISFIED, lexicon.REJECT)]
    aspects = lexicon.of_kind(matches, lexicon.ASPECT)

    def distance(aspect: Match) -> int:
        if not negatives:
            return 0
        return min(max(n.start - aspect.end, aspect.start - n.end, 0) for n in negatives)

    reasons: list[str] = []
    words: list[str] = []
    for aspect in sorted(aspects, key=lambda a: (distance(a), a.start)):
        if aspect.label not in reasons:
            reasons.append(aspect.label)
            words.append(aspect.word)
    if product is not None and text:
        for code in ("colour", "design", "size"):
            value = getattr(product, code).strip().lower()
            if value and value in text and code not in reasons:
                reasons.append(code)
                words.append(value)
    return tuple(reasons), tuple(words)


def score_deal_rate(matches: Sequence[Match], reply_chars: int, cfg: ScoringValues) -> DealRate:
    intent_chars = sum(m.chars for m in lexicon.of_kind(matches, lexicon.PURCHASE_INTENT))
    chars = max(reply_chars, 1)
    score = min(1.0, max(0.0, cfg.gamma * intent_chars / chars))
    return DealRate(round(score, 4), intent_chars, reply_chars, score > cfg.deal_rate_threshold)
