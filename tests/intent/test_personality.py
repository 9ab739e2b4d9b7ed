"""Personality (S5) and communication style (S6) from the preset databases."""

from __future__ import annotations

import datetime

import pytest

from intent.communication import communication_style
from intent.models import PersonalityTrait, PersonalityType
from intent.personality import assess_personality
from intent.personality_model import record_personality
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_four_social_styles_map_to_communication_types() -> None:
    mapping = dict(PersonalityType.objects.values_list("code", "communication_type__code"))
    assert mapping == {
        "analytical": "parameter_focused",
        "driver": "concise_results",
        "amiable": "reassuring_relationship",
        "expressive": "emotional_resonance",
    }


def test_entj_founder_who_plays_golf_is_a_driver() -> None:
    customer = CustomerFactory(mbti="ENTJ", job_title="创始人", hobbies=["高尔夫"], birthday=datetime.date(1980, 4, 1))
    result = assess_personality(customer)
    assert result.type_code == "driver"
    assert result.confidence > 0.4
    assert any("高尔夫" in reason for reason in result.reasons)


def test_isfj_teacher_who_bakes_is_amiable_and_gets_reassurance() -> None:
    customer = CustomerFactory(mbti="ISFJ", job_title="教师", hobbies=["烘焙", "养花"])
    style = communication_style(customer)
    assert style.personality_type == "amiable"
    assert style.communication_type == "reassuring_relationship"


def test_istj_engineer_gets_parameter_focused_style_in_cantonese() -> None:
    customer = CustomerFactory(
        mbti="ISTJ", job_title="软件工程师", hobbies=["读书"], language="yue", dialect="cantonese"
    )
    style = communication_style(customer)
    assert (style.communication_type, style.language, style.dialect) == ("parameter_focused", "yue", "cantonese")


def test_no_signals_gives_the_default_style_with_low_confidence() -> None:
    customer = CustomerFactory(mbti="", job_title="", hobbies=[], birthday=None)
    result = assess_personality(customer)
    assert result.type_code == "amiable"
    assert result.confidence == 0.25
    assert "default style" in result.reasons[-1]


def test_editing_a_trait_weight_changes_the_result() -> None:
    customer = CustomerFactory(mbti="", job_title="", hobbies=["钓鱼"], birthday=None)
    assert assess_personality(customer).type_code == "amiable"
    PersonalityTrait.objects.create(
        feature="hobby", value="钓鱼", personality_type=PersonalityType.objects.get(code="analytical"), weight=5
    )
    from intent.config import invalidate_config

    invalidate_config()
    assert assess_personality(customer).type_code == "analytical"


def test_assessment_is_stored_with_scores_and_reasons() -> None:
    customer = CustomerFactory(mbti="ENFP", hobbies=["旅行"])
    assessment = record_personality(customer)
    assert assessment.personality_type.code == "expressive"
    assert set(assessment.scores) == {"analytical", "driver", "amiable", "expressive"}
    assert assessment.reasons and assessment.computed_at
