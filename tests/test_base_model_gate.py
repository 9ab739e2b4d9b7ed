"""The gate that keeps a model worse than its baseline from serving (issue 20)."""

from __future__ import annotations

import pytest

from base.model_gate import MODEL, Verdict, activate_if_better, judge


def test_a_candidate_at_least_as_good_as_every_baseline_serves() -> None:
    verdict = judge("auc", 0.81, {"logistic regression": 0.75, "popularity": 0.60}, split="2010 calls")
    assert verdict.passed
    assert verdict.serving == MODEL
    assert verdict.best_baseline == ("logistic regression", 0.75)
    assert "2010 calls" in verdict.reason and "logistic regression" in verdict.reason


def test_a_tie_passes_and_a_worse_candidate_hands_over_to_the_best_baseline() -> None:
    assert judge("auc", 0.75, {"lr": 0.75}).passed
    verdict = judge("macro_f1", 0.51, {"lexicon": 0.40, "model alone": 0.58})
    assert not verdict.passed
    assert verdict.serving == "model alone"
    assert "not activated" in verdict.reason


def test_tolerance_and_lower_is_better() -> None:
    assert judge("auc", 0.74, {"lr": 0.75}, tolerance=0.02).passed
    assert not judge("auc", 0.72, {"lr": 0.75}, tolerance=0.02).passed
    cer = judge("cer", 0.12, {"whisper base": 0.13}, higher_is_better=False)
    assert cer.passed and cer.best_baseline == ("whisper base", 0.13)
    assert not judge("cer", 0.14, {"whisper base": 0.13, "worse": 0.2}, higher_is_better=False).passed
    with pytest.raises(ValueError):
        judge("auc", 0.5, {}, tolerance=-1)


def test_no_baseline_passes_and_missing_figures_are_left_out() -> None:
    verdict = judge("hr@3", 0.4, {"popularity": None})
    assert verdict.passed and verdict.baselines == {} and verdict.best_baseline is None


def test_the_stored_verdict_reads_back_the_same() -> None:
    verdict = judge("top1", 0.8, {"rules": 0.85}, split="held-out third")
    again = Verdict.from_dict(verdict.as_dict())
    assert again == verdict
    assert again.as_dict()["serving"] == "rules"
    assert Verdict.from_dict({}) is None


class _Row:
    def __init__(self) -> None:
        self.pk = 1
        self.verdict: dict = {}
        self.saved: list = []

    def save(self, update_fields=None) -> None:
        self.saved.append(update_fields)


def test_activate_if_better_activates_only_a_passing_candidate_and_records_both() -> None:
    activated: list = []
    good, bad = _Row(), _Row()
    assert activate_if_better(good, judge("auc", 0.8, {"lr": 0.7}), activated.append)
    assert not activate_if_better(bad, judge("auc", 0.6, {"lr": 0.7}), activated.append)
    assert activated == [good]
    assert good.verdict["passed"] and not bad.verdict["passed"]
    assert bad.verdict["serving"] == "lr" and bad.saved == [["verdict"]]
