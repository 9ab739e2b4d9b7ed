"""Emotion (S11, S15, S16, V5): the lexicon rule, the trained model shipped with the product, their blend,
model versions refused when corrupt, and retraining that activates only a better model."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from base.model_files import ModelFileError
from dialogue import emotion
from dialogue.config import ScoringValues
from dialogue.emotion import blend, lexicon_rule, lexicon_scores
from dialogue.emotion_store import activate_version, install_shipped_model
from dialogue.lexicon import Entry, WordLists
from dialogue.models import EMOTIONS, EmotionModelVersion
from dialogue.text import prepare
from tests.needs import SHARED_DATA, needs

WORDS = WordLists(
    [
        Entry("excited", "太棒了"),
        Entry("dissatisfied", "不满意"),
        Entry("emotion_keyword", "继续说", "joyful"),
        Entry("emotion_keyword", "不知道怎么选", "lost"),
        Entry("positive", "喜欢"),
        Entry("negator", "不"),
    ]
)
DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def matches(text: str):
    return WORDS.match(prepare(text).normalised)


def test_s15_rule_excited_dissatisfied_or_calm():
    assert lexicon_rule(matches("太棒了，马上安排")) == "excited"
    assert lexicon_rule(matches("我对服务不满意")) == "dissatisfied"
    assert lexicon_rule(matches("我再看看")) == "calm"


def test_keyword_dictionary_adds_its_emotion():
    scores = lexicon_scores(matches("继续说，我不知道怎么选"))
    assert scores["joyful"] == pytest.approx(0.5)
    assert scores["lost"] == pytest.approx(0.5)
    assert sum(scores.values()) == pytest.approx(1.0)


def test_dissatisfied_counts_as_angry_on_the_six_emotions():
    assert max(lexicon_scores(matches("不满意")).items(), key=lambda kv: kv[1])[0] == "angry"


def test_blend_uses_the_v5_weights():
    model = ({e: (1.0 if e == "low" else 0.0) for e in EMOTIONS}, 0.2)
    result = blend(matches("太棒了"), model, ScoringValues(lexicon_weight=0.4, model_weight=0.6))
    assert result.scores["excited"] == pytest.approx(0.4)
    assert result.scores["low"] == pytest.approx(0.6)
    assert result.label == "low"
    assert result.decided_by == "blend"
    assert result.polarity == pytest.approx(0.2), "no positive or negative word: the model's polarity alone"
    lexicon_led = blend(matches("太棒了"), model, ScoringValues(lexicon_weight=0.7, model_weight=0.3))
    assert lexicon_led.label == "excited"


def test_a_reply_without_emotion_words_gets_the_model_alone():
    """Issue 20: the lexicon's "calm" for a reply with no emotion word is no calm vote."""
    model = ({"excited": 0.05, "joyful": 0.3, "angry": 0.1, "calm": 0.05, "low": 0.35, "lost": 0.15}, 0.3)
    result = blend(matches("我再看看吧，最近事情比较多"), model, ScoringValues(lexicon_weight=0.4, model_weight=0.6))
    assert result.label == "low"
    assert result.scores == pytest.approx(model[0])
    assert result.decided_by == "model"


def test_a_plain_question_is_calm_unless_the_model_is_sure():
    """The model learned that questions complain ("怎么还没送到？"); a customer's "你们店在哪里" is no complaint."""
    unsure = ({"excited": 0.05, "joyful": 0.01, "angry": 0.62, "calm": 0.02, "low": 0.23, "lost": 0.07}, 0.003)
    question = "你们店在哪里？"
    result = blend(matches(question), unsure, ScoringValues(), text=prepare(question).normalised)
    assert result.label == "calm"
    assert result.polarity == 0.5
    assert result.model_positive is None, "an undecided question does not lower satisfaction K"
    statement = "这家店我以后都不想再来了"
    assert blend(matches(statement), unsure, ScoringValues(), text=statement).label == "angry"
    sure = ({e: (0.9 if e == "angry" else 0.02) for e in EMOTIONS}, 0.01)
    assert blend(matches(question), sure, ScoringValues(), text=question).label == "angry"


def test_polarity_words_blend_with_the_model_polarity():
    model = (dict.fromkeys(EMOTIONS, 1 / 6), 0.2)
    result = blend(matches("我很喜欢"), model, ScoringValues(lexicon_weight=0.4, model_weight=0.6))
    assert result.polarity == pytest.approx(0.4 * 1.0 + 0.6 * 0.2)
    assert result.model_positive == pytest.approx(0.2)


def test_the_default_weights_lean_on_the_model():
    defaults = ScoringValues()
    assert (defaults.lexicon_weight, defaults.model_weight) == (0.1, 0.9)
    model = ({e: (0.7 if e == "low" else 0.06) for e in EMOTIONS}, 0.4)
    assert blend(matches("太棒了"), model, defaults).label == "low", "one excited word does not outvote the model"


def test_without_a_model_the_lexicon_decides_alone():
    result = blend(matches("继续说"), None, ScoringValues())
    assert result.label == "joyful"
    assert result.model_scores is None


@pytest.fixture
def shipped_model(db, settings, tmp_path):
    settings.MODEL_DIR = tmp_path
    version = install_shipped_model()
    emotion.MODEL.forget()
    return version


def test_the_shipped_model_is_installed_once_and_active(shipped_model):
    assert shipped_model.is_active
    assert install_shipped_model() is None
    assert EmotionModelVersion.objects.count() == 1


@pytest.mark.parametrize(
    ("text", "positive"),
    [
        ("这款沙发太舒服了，我特别喜欢！", True),
        ("服务很周到，送货也快，非常满意", True),
        ("质量太差了，用了两天就坏，气死我了", False),
        ("等了一个多月还没送到，太失望了", False),
    ],
)
def test_the_shipped_model_reads_polarity_of_real_sentences(shipped_model, text, positive):
    loaded = emotion.loaded_emotion_model()
    [prediction] = loaded.predictor.predict([prepare(text).normalised])
    assert (prediction.positive >= 0.5) is positive
    assert sum(prediction.scores.values()) == pytest.approx(1.0, abs=1e-3)


def test_analysis_blends_the_model_with_the_lexicon(shipped_model, conversation):
    from dialogue.analysis import analyze_reply

    result = analyze_reply(conversation, "质量太差了，我非常生气！")
    assert result.emotion.model_scores is not None
    assert result.emotion.model_version == shipped_model.version
    assert result.emotion.label == "angry"
    assert result.emotion.polarity < 0.5


def test_a_corrupt_model_file_is_refused_and_the_lexicon_takes_over(shipped_model, settings):
    path = Path(settings.MODEL_DIR) / shipped_model.path
    path.write_bytes(path.read_bytes()[:-100] + b"x" * 100)
    with pytest.raises(ModelFileError, match="checksum"):
        activate_version(shipped_model)
    emotion.MODEL.forget()
    assert emotion.loaded_emotion_model() is None


@needs(path=DATA, reason=SHARED_DATA)
def test_a_worse_candidate_is_not_activated_and_the_row_says_why(shipped_model, capsys):
    # Given the shipped model is active, when a candidate trained on 150 rows a file for one epoch is judged
    call_command("train_emotion", "--data", str(DATA), "--max-rows", "150", "--epochs", "1", "--no-snownlp")
    candidate = EmotionModelVersion.objects.exclude(pk=shipped_model.pk).get()
    # then it stays inactive, the shipped model keeps serving and the verdict names it
    assert not candidate.is_active
    shipped_model.refresh_from_db()
    assert shipped_model.is_active
    assert candidate.verdict["passed"] is False
    assert candidate.verdict["serving"] == f"active model {shipped_model.version}"
    assert "lexicon" in candidate.verdict["baselines"]
    assert set(candidate.metrics["verdicts"]) == {"six_class", "polarity"}
    assert set(candidate.metrics["six_class_smp2020_usual"]["per_class"]) == set(EMOTIONS)
    output = capsys.readouterr().out
    assert "kept inactive" in output
    assert output.strip().splitlines()[-1].startswith("{")
