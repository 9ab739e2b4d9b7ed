"""Personality (SPEC S5) from profile signals, with the four social styles as the typology.

The social styles of Merrill and Reid (analytical, driver, amiable, expressive) place a person on two
axes — assertiveness (asks ↔ tells) and responsiveness (controls ↔ shows emotions) — and are widely used
in sales training because each style calls for a different way of selling. The preset personality
database (``PersonalityTrait`` rows) links profile features to styles with weights: MBTI letters and types
(E/I ≈ assertiveness, T/F ≈ responsiveness), job titles, hobbies, and — as a weak, culturally popular
signal in China — the constellation derived from the birthday. Scores are the summed weights per style;
the confidence is the winning style's share after add-one smoothing, so a customer with no signals gets a
low confidence rather than a confident guess.
"""

from __future__ import annotations

from dataclasses import dataclass

from crm.models import Customer
from intent.config import IntentConfig, get_config
from intent.constellation import constellation_of
from intent.models import PersonalityTrait

SMOOTHING = 1.0  # added to every style's score before shares are taken
DEFAULT_STYLE = "amiable"  # with no evidence at all: the safest, relationship-first approach


@dataclass(frozen=True)
class PersonalityResult:
    type_code: str
    confidence: float
    scores: dict[str, float]
    reasons: tuple[str, ...]


def personality_features(customer: Customer) -> list[tuple[str, str]]:
    """(feature, value) pairs of the profile that the personality database can match."""
    kind = PersonalityTrait.Feature
    features: list[tuple[str, str]] = []
    if customer.mbti:
        features.append((kind.MBTI_TYPE, customer.mbti))
        features.extend((kind.MBTI_LETTER, letter) for letter in customer.mbti)
    if customer.birthday:
        features.append((kind.CONSTELLATION, constellation_of(customer.birthday)))
    features.extend((kind.HOBBY, hobby) for hobby in customer.hobbies or [] if isinstance(hobby, str))
    if customer.job_title:
        features.append((kind.JOB_TITLE, customer.job_title))
    return features


def _matches(trait: PersonalityTrait, feature: str, value: str) -> bool:
    if trait.feature != feature:
        return False
    if feature in (PersonalityTrait.Feature.HOBBY, PersonalityTrait.Feature.JOB_TITLE):
        return trait.value in value  # "羽毛球" matches the trait "球"; titles contain their keywords
    return trait.value.lower() == value.lower()


def assess_personality(customer: Customer, config: IntentConfig | None = None) -> PersonalityResult:
    config = config or get_config()
    scores = {code: 0.0 for code in config.personality_types}
    reasons: list[str] = []
    for feature, value in personality_features(customer):
        for trait in config.traits:
            if _matches(trait, feature, value) and trait.personality_type.code in scores:
                scores[trait.personality_type.code] += float(trait.weight)
                reasons.append(f"{trait.get_feature_display()} {value} → {trait.personality_type.name} +{trait.weight}")
    if not scores:
        raise LookupError("No personality types are configured; add them in the admin.")
    smoothed = {code: score + SMOOTHING for code, score in scores.items()}
    total = sum(smoothed.values())
    if any(scores.values()):
        best = max(sorted(scores), key=lambda code: scores[code])
    else:
        best = DEFAULT_STYLE if DEFAULT_STYLE in scores else sorted(scores)[0]
        reasons.append("no personality signals in the profile: default style")
    return PersonalityResult(
        type_code=best,
        confidence=round(smoothed[best] / total, 3),
        scores={code: round(score, 2) for code, score in scores.items()},
        reasons=tuple(reasons),
    )
