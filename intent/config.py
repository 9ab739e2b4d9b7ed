"""The one cached accessor for the intent engine's manager-editable configuration (SPEC X1).

Reading the configuration costs a handful of queries, so each process keeps a copy for
``CACHE_SECONDS``; the admin calls ``invalidate_config()`` after a change, so the process that saved
sees it at once and the others within the cache period.

Thresholds and greeting templates have product-wide rows and an organisation's own rows (issue 19):
``thresholds_for(organisation)`` and ``greetings_for(organisation)`` give what one organisation uses.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from intent.models import (
    CommunicationType,
    GreetingTemplate,
    LevelCriterion,
    LevelThresholds,
    PersonalityTrait,
    PersonalityType,
)

CACHE_SECONDS = 30.0


@dataclass(frozen=True)
class IntentConfig:
    level_criteria: tuple[LevelCriterion, ...]
    thresholds: LevelThresholds  # the product-wide thresholds
    personality_types: dict[str, PersonalityType]
    traits: tuple[PersonalityTrait, ...]
    communication_types: dict[str, CommunicationType]
    greetings: tuple[GreetingTemplate, ...]  # product-wide and every organisation's (``greetings_for``)
    organisation_thresholds: dict[int, LevelThresholds] = field(default_factory=dict)

    def thresholds_for(self, organisation_id: int | None) -> LevelThresholds:
        """The organisation's own thresholds, else the product-wide ones (issue 19)."""
        return self.organisation_thresholds.get(organisation_id, self.thresholds)

    def greetings_for(self, organisation_id: int | None) -> tuple[GreetingTemplate, ...]:
        """The templates an organisation may use: the product-wide ones and its own (its own win a tie)."""
        return tuple(t for t in self.greetings if t.organisation_id is None or t.organisation_id == organisation_id)


_lock = threading.Lock()
_cached: tuple[float, IntentConfig] | None = None


def get_config() -> IntentConfig:
    global _cached
    with _lock:
        if _cached and time.monotonic() - _cached[0] < CACHE_SECONDS:
            return _cached[1]
    config = _load()
    with _lock:
        _cached = (time.monotonic(), config)
    return config


def invalidate_config() -> None:
    global _cached
    with _lock:
        _cached = None


def _load() -> IntentConfig:
    thresholds = LevelThresholds.objects.filter(organisation__isnull=True).order_by("pk").first() or LevelThresholds()
    own: dict[int, LevelThresholds] = {}
    for row in LevelThresholds.objects.filter(organisation__isnull=False).order_by("-pk"):
        own[row.organisation_id] = row  # the oldest row of an organisation wins, as for the product-wide one
    types = {t.code: t for t in PersonalityType.objects.select_related("communication_type")}
    return IntentConfig(
        level_criteria=tuple(LevelCriterion.objects.filter(is_active=True)),
        thresholds=thresholds,
        personality_types=types,
        traits=tuple(PersonalityTrait.objects.select_related("personality_type")),
        communication_types={c.code: c for c in CommunicationType.objects.all()},
        greetings=tuple(
            GreetingTemplate.objects.filter(is_active=True).select_related("communication_type", "category")
        ),
        organisation_thresholds=own,
    )
