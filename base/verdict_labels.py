"""The words a verdict is stored with (metric, split, baseline names: plain English keys, see ``model_gate``) as a
manager reads them, in the user's language. Names this table does not know are shown as stored."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from base.model_gate import Verdict

METRICS = {
    "ndcg@3": "NDCG@3",
    "accuracy": gettext_lazy("accuracy"),
    "answered_correctly": gettext_lazy("share answered correctly"),
    "right reply kind first (top-1)": gettext_lazy("right reply kind first (top-1)"),
    "six-class macro-F1 (blend)": gettext_lazy("six-class macro-F1 (the blend shown to users)"),
    "polarity accuracy (blend)": gettext_lazy("polarity accuracy (the blend shown to users)"),
}
SPLITS = {
    "held-out customers": gettext_lazy("held-out customers"),
    "held-out folds": gettext_lazy("held-out folds"),
    "held-out keywords": gettext_lazy("held-out keywords"),
    "held-out FAQ groups": gettext_lazy("held-out FAQ groups"),
    "SMP2020 general-Weibo test half": gettext_lazy("SMP2020 general-Weibo test half"),
    "held-out review test split (hotel + food delivery)": gettext_lazy(
        "held-out review test split (hotel + food delivery)"
    ),
}
BASELINES = {
    "popularity": gettext_lazy("popularity"),
    "logistic_regression": gettext_lazy("logistic regression"),
    "preset database": gettext_lazy("preset database"),
    "keyword dictionary alone": gettext_lazy("keyword dictionary alone"),
    "bm25": "BM25",
    "lexicon": gettext_lazy("word lists"),
    "snownlp": "SnowNLP",
    "rules": gettext_lazy("cue rules"),
    "scene_majority": gettext_lazy("most common kind in the scene"),
}
_REPLY_HISTORY = re.compile(r"^held-out fifth of the reply history \((\d+) sentences\)$")
_ACTIVE_MODEL = re.compile(r"^active model (.+)$")


def metric_label(name: str) -> str:
    return str(METRICS.get(name, name))


def split_label(name: str) -> str:
    if not name:
        return "—"
    if found := _REPLY_HISTORY.match(name):
        return _("held-out fifth of the reply history (%(n)s sentences)") % {"n": found.group(1)}
    return str(SPLITS.get(name, name))


def baseline_label(name: str) -> str:
    if found := _ACTIVE_MODEL.match(name):
        return _("active model %(version)s") % {"version": found.group(1)}
    return str(BASELINES.get(name, name))


def verdict_summary(verdict: Verdict) -> str:
    """One line for a list: "✓ NDCG@3 0.512 vs popularity 0.401, logistic regression 0.455"."""
    mark = "✓" if verdict.passed else "✗"
    text = f"{mark} {metric_label(verdict.metric)} {verdict.candidate:.3f}"
    if not verdict.baselines:
        return text
    baselines = _(", ").join(f"{baseline_label(name)} {value:.3f}" for name, value in verdict.baselines.items())
    return _("%(model)s vs %(baselines)s") % {"model": text, "baselines": baselines}
