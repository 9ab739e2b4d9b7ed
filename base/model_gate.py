"""No model serves that is worse than its baseline (issue 20).

Every trainer evaluates its candidate beside its baselines on the same held-out split, asks ``judge`` for a
``Verdict``, and activates the candidate only when the verdict passes (``activate_if_better``). Otherwise the
version row is kept, inactive, with the verdict saying which baseline serves instead and why; the admin shows the
verdict beside the version's own figures.

A verdict compares one deciding metric. ``tolerance`` is how much worse than the best baseline the candidate may be
and still pass (0 by default: at least as good); ``higher_is_better`` is False for error rates such as CER.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

MODEL = "model"


@dataclass(frozen=True)
class Verdict:
    """The candidate's deciding figure beside its baselines' on one held-out split, and what serves because of it."""

    metric: str
    candidate: float
    baselines: Mapping[str, float] = field(default_factory=dict)
    higher_is_better: bool = True
    tolerance: float = 0.0
    split: str = ""

    def _better(self, a: float, b: float) -> bool:
        return a > b if self.higher_is_better else a < b

    @property
    def best_baseline(self) -> tuple[str, float] | None:
        best: tuple[str, float] | None = None
        for name, value in self.baselines.items():
            if best is None or self._better(value, best[1]):
                best = (name, value)
        return best

    @property
    def passed(self) -> bool:
        best = self.best_baseline
        if best is None:
            return True
        if self.higher_is_better:
            return self.candidate >= best[1] - self.tolerance
        return self.candidate <= best[1] + self.tolerance

    @property
    def serving(self) -> str:
        """``"model"`` when the candidate passed, else the name of the baseline that serves instead."""
        best = self.best_baseline
        return MODEL if self.passed or best is None else best[0]

    @property
    def reason(self) -> str:
        where = f" on {self.split}" if self.split else ""
        best = self.best_baseline
        if best is None:
            return f"No baseline to compare with{where}; the model serves ({self.metric} {self.candidate:.3f})."
        name, value = best
        if self.passed:
            return (
                f"The model's {self.metric} {self.candidate:.3f}{where} is at least as good as the best baseline, "
                f"{name} ({value:.3f}); the model serves."
            )
        return (
            f"The model's {self.metric} {self.candidate:.3f}{where} is worse than {name} ({value:.3f}); "
            f"{name} serves instead and this version is not activated."
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "candidate": round(float(self.candidate), 4),
            "baselines": {name: round(float(value), 4) for name, value in self.baselines.items()},
            "higher_is_better": self.higher_is_better,
            "tolerance": self.tolerance,
            "split": self.split,
            "passed": self.passed,
            "serving": self.serving,
            "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Verdict | None:
        """The verdict a version row stored, or None for a row trained before verdicts existed."""
        if not data or "metric" not in data:
            return None
        return cls(
            data["metric"],
            float(data["candidate"]),
            {k: float(v) for k, v in (data.get("baselines") or {}).items()},
            bool(data.get("higher_is_better", True)),
            float(data.get("tolerance", 0.0)),
            data.get("split", ""),
        )


def judge(
    metric: str,
    candidate: float,
    baselines: Mapping[str, float],
    *,
    higher_is_better: bool = True,
    tolerance: float = 0.0,
    split: str = "",
) -> Verdict:
    """The verdict on a candidate whose held-out ``metric`` is ``candidate``, beside ``baselines`` (name → value on
    the same split). Baselines without a figure (None) are left out."""
    if tolerance < 0:
        raise ValueError("tolerance must not be negative")
    present = {name: float(value) for name, value in baselines.items() if value is not None}
    return Verdict(metric, float(candidate), present, higher_is_better, tolerance, split)


def record_verdict(version: Any, verdict: Verdict) -> None:
    """Store the verdict on a version row (any ``ModelVersion``) and save it."""
    version.verdict = verdict.as_dict()
    if version.pk:
        version.save(update_fields=["verdict"])
    else:
        version.save()


def activate_if_better(version: Any, verdict: Verdict, activate_fn: Callable[[Any], Any]) -> bool:
    """Record the verdict on ``version``; activate it with ``activate_fn(version)`` only when it passed.

    Returns whether it was activated. A version that failed stays inactive, and whatever served before keeps
    serving (the previous active version, or the baseline when there is none)."""
    record_verdict(version, verdict)
    if verdict.passed:
        activate_fn(version)
        return True
    return False
