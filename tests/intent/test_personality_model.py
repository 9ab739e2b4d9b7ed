"""The trained personality model: learns from staff observations, saves safely, blends with the presets."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from intent.models import PersonalityAssessment
from intent.personality_model import (
    FILE_NAME,
    PersonalityModelError,
    combined_personality,
    load_personality_model,
    record_personality,
    train_personality_model,
)
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

# Staff observe styles that follow job and hobby more than MBTI here, so a model can learn what the presets miss.
PROFILES = [
    ("analytical", "数据分析师", ["读书"]),
    ("driver", "企业主", ["高尔夫"]),
    ("amiable", "护士", ["烘焙"]),
    ("expressive", "设计师", ["旅行"]),
]


@pytest.fixture
def observed_customers():
    for i in range(60):
        style, job, hobbies = PROFILES[i % 4]
        CustomerFactory(observed_social_style=style, job_title=job, hobbies=hobbies, mbti="", birthday=None)


def test_training_learns_from_observations_and_reports_cross_validated_figures(model_dir, observed_customers) -> None:
    report = train_personality_model(seed=1)
    assert report.labelled == 60
    assert report.metrics["trained model"]["accuracy"] > 0.9
    assert report.metrics["combined"]["accuracy"] >= report.metrics["preset database"]["accuracy"]
    assert (model_dir / FILE_NAME).is_file()
    assert load_personality_model().metrics == report.metrics


def test_combined_assessment_is_recorded_with_both_sources(model_dir, observed_customers) -> None:
    train_personality_model(seed=1)
    customer = CustomerFactory(job_title="数据分析师", hobbies=["读书"], mbti="", birthday=None)
    result, model_probs, method = combined_personality(customer)
    assert method == "combined" and result.type_code == "analytical"
    assessment = record_personality(customer)
    assert assessment.method == PersonalityAssessment.Method.COMBINED
    assert set(assessment.model_probabilities) == {"analytical", "driver", "amiable", "expressive"}


def test_without_a_saved_model_the_preset_database_decides(model_dir) -> None:
    customer = CustomerFactory(mbti="ENFP")
    _, model_probs, method = combined_personality(customer)
    assert (model_probs, method) == ({}, "preset")


def test_too_few_observations_are_refused(model_dir) -> None:
    CustomerFactory(observed_social_style="driver")
    with pytest.raises(CommandError, match="at least 40"):
        call_command("train_personality")
    assert not (model_dir / FILE_NAME).exists()


@pytest.mark.parametrize(
    "content",
    ['{"format": "other"}', "not json", json.dumps({"format": "salescard-personality-v1", "styles": ["x"]})],
)
def test_corrupt_or_foreign_file_is_refused(model_dir, content) -> None:
    (model_dir / FILE_NAME).write_text(content)
    with pytest.raises(PersonalityModelError):
        load_personality_model()


@pytest.fixture
def styles_the_presets_already_know():
    """Staff observe exactly what the MBTI presets say; job and hobby are noise that a model can overfit."""
    import random

    from intent.personality import assess_personality

    rng = random.Random(5)
    for mbti in ("INTJ", "ESTJ", "ISFJ", "ENFP", "ISTP", "ENTP", "INFJ", "ESFP") * 6:
        _, job, hobbies = rng.choice(PROFILES)
        customer = CustomerFactory(mbti=mbti, job_title=job, hobbies=hobbies, birthday=None)
        customer.observed_social_style = (
            assess_personality(customer).type_code if rng.random() < 0.8 else rng.choice(PROFILES)[0]
        )
        customer.save()


def test_when_the_combined_method_does_not_beat_the_database_the_database_serves_alone(
    model_dir, styles_the_presets_already_know
) -> None:
    report = train_personality_model(seed=1)
    verdict = report.metrics["verdict"]
    assert verdict["baselines"] == {"preset database": report.metrics["preset database"]["accuracy"]}
    assert not verdict["passed"], report.metrics
    assert verdict["serving"] == "preset database" and report.metrics["blend_weight"] == 0.0
    customer = CustomerFactory(mbti="INTJ", job_title="护士", hobbies=["烘焙"], birthday=None)
    _, model_probs, method = combined_personality(customer)
    assert (model_probs, method) == ({}, "preset")
