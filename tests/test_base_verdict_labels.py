"""Verdicts read in the manager's language: the names trainers store map to labels; unknown names pass through."""

from __future__ import annotations

from django.utils import translation

from base.model_gate import judge
from base.verdict_labels import baseline_label, metric_label, split_label, verdict_summary


def test_the_names_trainers_store_read_as_words_in_english_and_chinese() -> None:
    verdict = judge("ndcg@3", 0.5, {"popularity": 0.4, "logistic_regression": 0.45}, split="held-out customers")
    with translation.override("en"):
        assert verdict_summary(verdict) == "✓ NDCG@3 0.500 vs popularity 0.400, logistic regression 0.450"
        assert split_label(verdict.split) == "held-out customers"
    with translation.override("zh-hans"):
        assert verdict_summary(verdict) == "✓ NDCG@3 0.500，对比 热度 0.400、逻辑回归 0.450"
        assert split_label(verdict.split) == "留出的客户"


def test_names_with_figures_in_them_keep_their_figures() -> None:
    with translation.override("zh-hans"):
        assert split_label("held-out fifth of the reply history (41 sentences)") == "留出的五分之一回复记录（41 句）"
        assert baseline_label("active model emotion-3") == "当前模型 emotion-3"


def test_unknown_names_are_shown_as_stored_and_an_empty_split_as_a_dash() -> None:
    assert metric_label("brand-new metric") == "brand-new metric"
    assert baseline_label("someone's rule") == "someone's rule"
    assert split_label("") == "—"


def test_a_failed_verdict_is_marked_and_without_baselines_shows_only_the_model() -> None:
    with translation.override("en"):
        assert verdict_summary(judge("accuracy", 0.3, {"preset database": 0.7})).startswith("✗ accuracy 0.300 vs")
        assert verdict_summary(judge("accuracy", 0.3, {})) == "✓ accuracy 0.300"
