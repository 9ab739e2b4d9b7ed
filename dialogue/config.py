"""The one cached accessor for the conversation engine's manager-editable configuration (SPEC X1).

Word lists are compiled into an automaton, which is worth doing once per change, not per message. Each process
keeps the compiled configuration and checks a cheap fingerprint of the tables (row counts and latest change)
at most every ``RECHECK_SECONDS``; it rebuilds only when the fingerprint moved. The admin calls
``invalidate_config()`` after a change, so the process that saved sees it at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Max, Q

from base.table_cache import TableCache
from dialogue.lexicon import Entry, WordLists
from dialogue.models import AnswerTemplate, ScoringSettings, WordEntry

RECHECK_SECONDS = 5.0  # how often a process looks for changed lists, templates or settings


@dataclass(frozen=True)
class ScoringValues:
    """A plain, immutable copy of the scoring settings (safe to share between threads)."""

    alpha: float = 1.0
    beta: float = -2.0
    gamma: float = 2.0
    satisfaction_threshold: float = 0.0
    deal_rate_threshold: float = 0.3
    lexicon_weight: float = 0.4
    model_weight: float = 0.6
    call_keyword_weight: float = 0.4
    call_voice_weight: float = 0.6
    feedback_score_threshold: int = 60
    analysis_interval_seconds: int = 30
    answer_min_confidence: float = 0.3
    handoff_after_misses: int = 2
    handoff_accept_seconds: int = 120
    salesperson_silence_seconds: int = 180

    @classmethod
    def from_record(cls, record: ScoringSettings) -> ScoringValues:
        return cls(**{name: getattr(record, name) for name in ScoringSettings.AUDITED_FIELDS})


@dataclass(frozen=True)
class TemplateRow:
    situation: str
    emotion: str
    language: str
    text: str


@dataclass(frozen=True)
class EngineConfig:
    words: WordLists
    scoring: ScoringValues
    templates: tuple[TemplateRow, ...]


def get_config() -> EngineConfig:
    return CACHE.get()


def get_scoring() -> ScoringValues:
    return get_config().scoring


def invalidate_config() -> None:
    CACHE.invalidate()


def scoring_record() -> ScoringSettings:
    """The settings row, created with the defaults the first time it is asked for."""
    record = ScoringSettings.objects.order_by("pk").first()
    return record or ScoringSettings.objects.create()


def _fingerprint() -> tuple:
    active = Count("id", filter=Q(is_active=True))
    words = WordEntry.objects.aggregate(n=Count("id"), on=active, latest=Max("updated_at"))
    templates = AnswerTemplate.objects.aggregate(n=Count("id"), on=active, latest=Max("updated_at"))
    scoring = ScoringSettings.objects.aggregate(latest=Max("updated_at"))
    return (*words.values(), *templates.values(), scoring["latest"])


def _load() -> EngineConfig:
    entries = [
        Entry(kind, word, label, weight)
        for kind, word, label, weight in WordEntry.objects.filter(is_active=True).values_list(
            "kind", "word", "label", "weight"
        )
    ]
    record = ScoringSettings.objects.order_by("pk").first()
    templates = tuple(
        TemplateRow(*row)
        for row in AnswerTemplate.objects.filter(is_active=True)
        .order_by("pk")
        .values_list("situation", "emotion", "language", "text")
    )
    return EngineConfig(
        words=WordLists(entries),
        scoring=ScoringValues.from_record(record) if record else ScoringValues(),
        templates=templates,
    )


CACHE = TableCache(_load, _fingerprint, RECHECK_SECONDS)
