"""The one cached accessor for the conversation engine's manager-editable configuration (SPEC X1).

Word lists are compiled into an automaton, which is worth doing once per change, not per message. Each process
keeps the compiled configuration per organisation (issue 19: the product-wide defaults with the organisation's own
word lists, templates and settings over them, see ``merge_words`` and ``merge_templates``) and checks a cheap
fingerprint of its tables (row counts and latest change) at most every ``RECHECK_SECONDS``; it rebuilds only when
the fingerprint moved. The admin calls ``invalidate_config()`` after a change, so the process that saved sees it
at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Max, Q

from base.table_cache import KeyedTableCache
from crm.models import Organisation
from crm.tenancy import with_defaults
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
    lexicon_weight: float = 0.1
    model_weight: float = 0.9
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


def get_config(organisation: Organisation | int | None = None) -> EngineConfig:
    """The configuration ``organisation`` works with: the product-wide defaults with its own rows over them;
    ``None`` for the product-wide configuration alone."""
    return CACHE.get(_key(organisation))


def get_scoring(organisation: Organisation | int | None = None) -> ScoringValues:
    return get_config(organisation).scoring


def invalidate_config(organisation: Organisation | int | None = None) -> None:
    """Forget the configuration of ``organisation``; without one, of every organisation (a product-wide default
    changed, and every organisation inherits it)."""
    if organisation is None:
        CACHE.invalidate()
    else:
        CACHE.invalidate(_key(organisation))


def scoring_record(organisation: Organisation | int | None = None) -> ScoringSettings:
    """The settings row that applies to ``organisation``: its own when it has one, else the product-wide row
    (created with the defaults the first time it is asked for)."""
    if organisation is not None:
        own = ScoringSettings.objects.filter(organisation=organisation).order_by("pk").first()
        if own is not None:
            return own
    record = ScoringSettings.objects.filter(organisation__isnull=True).order_by("pk").first()
    return record or ScoringSettings.objects.create()


def _key(organisation: Organisation | int | None) -> int | None:
    return organisation.pk if isinstance(organisation, Organisation) else organisation


def _fingerprint(organisation_id: int | None) -> tuple:
    active = Count("id", filter=Q(is_active=True))
    words = with_defaults(WordEntry.objects.all(), organisation_id).aggregate(
        n=Count("id"), on=active, latest=Max("updated_at")
    )
    templates = with_defaults(AnswerTemplate.objects.all(), organisation_id).aggregate(
        n=Count("id"), on=active, latest=Max("updated_at")
    )
    scoring = with_defaults(ScoringSettings.objects.all(), organisation_id).aggregate(
        n=Count("id"), latest=Max("updated_at")
    )
    return (*words.values(), *templates.values(), *scoring.values())


def merge_words(rows: Iterable[tuple[int | None, str, str, str, str, float, bool]]) -> list[Entry]:
    """The word lists an organisation uses, from ``(organisation_id, kind, language, word, label, weight,
    is_active)`` rows of the product-wide defaults and its own.

    An organisation's entries **extend** the product-wide list of their kind and language, and where the same word
    is in both, **replace** the default entry: its label and weight count, and an organisation's inactive entry
    takes that default word out of its lists. Without own entries an organisation has the product-wide lists.
    """
    chosen: dict[tuple[str, str, str], tuple] = {}
    for row in sorted(rows, key=lambda row: row[0] is not None):  # defaults first, the organisation's over them
        chosen[(row[1], row[2], row[3])] = row
    return [Entry(kind, word, label, weight) for _, kind, _, word, label, weight, on in chosen.values() if on]


def merge_templates(rows: Iterable[tuple[int | None, str, str, str, str]]) -> tuple[TemplateRow, ...]:
    """The answer templates an organisation uses, from ``(organisation_id, situation, emotion, language, text)``
    rows of the active product-wide defaults and its own: where the organisation wrote templates for a situation,
    emotion and language, they replace the product-wide ones of that situation, emotion and language; elsewhere the
    defaults apply."""
    rows = list(rows)
    own = {(situation, emotion, language) for org, situation, emotion, language, _ in rows if org is not None}
    return tuple(
        TemplateRow(situation, emotion, language, text)
        for org, situation, emotion, language, text in rows
        if org is not None or (situation, emotion, language) not in own
    )


def _load(organisation_id: int | None) -> EngineConfig:
    words = with_defaults(WordEntry.objects.all(), organisation_id).values_list(
        "organisation_id", "kind", "language", "word", "label", "weight", "is_active"
    )
    templates = (
        with_defaults(AnswerTemplate.objects.filter(is_active=True), organisation_id)
        .order_by("pk")
        .values_list("organisation_id", "situation", "emotion", "language", "text")
    )
    # The organisation's own settings row when it has one, else the product-wide row.
    settings = list(with_defaults(ScoringSettings.objects.all(), organisation_id).order_by("pk"))
    record = next((row for row in settings if row.organisation_id is not None), settings[0] if settings else None)
    return EngineConfig(
        words=WordLists(merge_words(words)),
        scoring=ScoringValues.from_record(record) if record else ScoringValues(),
        templates=merge_templates(templates),
    )


CACHE: KeyedTableCache[int | None, EngineConfig] = KeyedTableCache(_load, _fingerprint, RECHECK_SECONDS)
