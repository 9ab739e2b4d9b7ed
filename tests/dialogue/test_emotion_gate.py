"""The emotion trainer's gate (issue 20, SPEC S16): a candidate's live blend is judged beside the lexicon alone,
the active model and snownlp on the same held-out rows, and only one at least as good as all of them passes."""

from __future__ import annotations

from dialogue.emotion_nn import EMOTION_NAMES, EmotionPrediction
from dialogue.emotion_training.data import EmotionDatasets, TextExample
from dialogue.emotion_training.live import shipped_word_lists
from dialogue.emotion_training.retraining import judge_candidate
from dialogue.text import prepare

SIX = [
    ("气死我了，快递一个星期还没到！", "angry"),
    ("今天收到礼物，开心得不得了", "joyful"),
    ("我在家看书，下午去超市买点菜", "calm"),
    ("外婆走了，心里空落落的", "low"),
    ("晚上一个人走夜路，总觉得后面有人跟着", "lost"),
    ("天哪，他居然中了一等奖？", "excited"),
]
REVIEWS = [("房间干净，服务热情，下次还住", 1), ("菜都凉了，送了两个小时", 0)]


class FixedReader:
    """A stand-in predictor that reads each text as a table says (unknown texts: calm, undecided)."""

    def __init__(self, emotions: dict[str, str], polarity: dict[str, float]) -> None:
        # Keyed by the normalised text, which is what the live path gives the model.
        self.emotions = {prepare(text).normalised: label for text, label in emotions.items()}
        self.polarity = {prepare(text).normalised: value for text, value in polarity.items()}

    def predict(self, texts):  # noqa: ANN001, ANN201
        return [
            EmotionPrediction(
                {e: (0.9 if e == self.emotions.get(t, "calm") else 0.02) for e in EMOTION_NAMES},
                self.polarity.get(t, 0.5),
            )
            for t in texts
        ]


def datasets() -> EmotionDatasets:
    six = [TextExample(text, "usual_eval_labeled.txt", emotion=EMOTION_NAMES.index(label)) for text, label in SIX]
    reviews = [TextExample(text, "reviews", positive=label) for text, label in REVIEWS]
    return EmotionDatasets([], [], reviews, [], six, [])


RIGHT = FixedReader(dict(SIX), {text: float(label) for text, label in REVIEWS})
ALWAYS_CALM = FixedReader({}, {})


def test_a_candidate_worse_than_the_active_model_fails_and_the_active_one_serves():
    gate = judge_candidate(ALWAYS_CALM, datasets(), shipped_word_lists(), active=("v1", RIGHT), snownlp_accuracy=0.5)
    assert not gate.six_class.passed
    assert gate.deciding.serving == "active model v1"
    assert gate.six_class.baselines["active model v1"] == 1.0


def test_a_candidate_at_least_as_good_as_every_baseline_passes():
    gate = judge_candidate(RIGHT, datasets(), shipped_word_lists(), active=("v1", ALWAYS_CALM), snownlp_accuracy=0.5)
    assert gate.six_class.passed and gate.polarity.passed
    assert gate.deciding.serving == "model"
    assert set(gate.polarity.baselines) == {"lexicon", "active model v1", "snownlp"}


def test_snownlp_better_on_polarity_fails_the_candidate():
    gate = judge_candidate(RIGHT, datasets(), shipped_word_lists(), snownlp_accuracy=1.0 + 1e-9)
    assert gate.six_class.passed
    assert not gate.polarity.passed
    assert gate.deciding is gate.polarity
