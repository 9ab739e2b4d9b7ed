"""Why a customer message got its scores (issue 21, item 2): K, P and the emotion, from the very figures the analysis
stored with the message (``Message.analysis``, written by ``analyze_reply``), never recomputed.

``explain_scores`` gives the signals as data (the salesperson's terminal words them in its own language):
- K = α·A + β·B (S12): the weights and shares, the threshold, the positive and negative words found, the model's
  polarity when it added its lean to A and B, and the reasons with the word each was read from;
- P = γ·C/D (S14): the weight, the purchase-intent characters and the reply's characters, the threshold and the
  purchase-intent words;
- the emotion: the model version and its three likeliest emotions, the word lists' rule and words, and the blend
  weights.
Weights are those stored with the message; a message analysed before they were stored shows none (``None``) rather
than today's settings, which may differ.
"""

from __future__ import annotations

from typing import Any

from dialogue import lexicon
from dialogue.models import Message

POSITIVE_KINDS = (lexicon.POSITIVE,)
NEGATIVE_KINDS = (lexicon.NEGATIVE, lexicon.DISSATISFIED)


def scoring_weights(cfg: Any, model_positive: float | None) -> dict[str, float | None]:
    """What ``analyze_reply`` stores beside the figures, so that the explanation shows the weights that were used."""
    return {
        "alpha": cfg.alpha,
        "beta": cfg.beta,
        "gamma": cfg.gamma,
        "satisfaction_threshold": cfg.satisfaction_threshold,
        "deal_rate_threshold": cfg.deal_rate_threshold,
        "lexicon_weight": cfg.lexicon_weight,
        "model_weight": cfg.model_weight,
        "model_positive": None if model_positive is None else round(float(model_positive), 4),
    }


def explain_scores(message: Message) -> dict[str, Any] | None:
    """The signals behind a customer message's K, P and emotion, or None for a message without an analysis."""
    if message.sender != Message.Sender.CUSTOMER or not message.analysis:
        return None
    details = message.analysis
    weights = details.get("weights") or {}
    matched: dict[str, list[str]] = details.get("matched") or {}

    def words(kinds: tuple[str, ...]) -> list[str]:
        return [word for kind in kinds for word in matched.get(kind, [])]

    explanation: dict[str, Any] = {}
    if message.satisfaction is not None:
        explanation["K"] = {
            "value": message.satisfaction,
            "alpha": weights.get("alpha"),
            "A": details.get("positive_share"),
            "beta": weights.get("beta"),
            "B": details.get("negative_share"),
            "threshold": weights.get("satisfaction_threshold"),
            "positive_words": words(POSITIVE_KINDS),
            "negative_words": words(NEGATIVE_KINDS),
            "model_positive": weights.get("model_positive"),
            "reasons": list(zip(message.reasons or [], details.get("reason_words") or [], strict=False)),
        }
    if message.deal_rate is not None:
        explanation["P"] = {
            "value": message.deal_rate,
            "gamma": weights.get("gamma"),
            "C": details.get("intent_chars"),
            "D": details.get("reply_chars"),
            "threshold": weights.get("deal_rate_threshold"),
            "intent_words": words((lexicon.PURCHASE_INTENT,)),
        }
    if message.emotion:
        model_scores = details.get("model_scores") or {}
        top = sorted(model_scores.items(), key=lambda item: -item[1])[:3]
        explanation["emotion"] = {
            "value": message.emotion,
            "model_version": details.get("model_version") or "",
            "model_top": [[name, round(float(p), 2)] for name, p in top],
            "lexicon_rule": details.get("lexicon_rule") or "",
            "lexicon_words": words((lexicon.EXCITED, lexicon.DISSATISFIED)),
            "lexicon_weight": weights.get("lexicon_weight"),
            "model_weight": weights.get("model_weight"),
        }
    return explanation or None
