"""The second emotion (SPEC V4) — how something was said — and its fusion with the first (V5).

**Training samples (V4), reproducible.** Every keyword of the conversation engine's keyword→emotion dictionary is
spoken by espeak-ng (``cmn-latn-pinyin``) in several tones. A tone is an SSML prosody profile per emotion:
pitch level and range, rate and volume, each drawn within its band, and a question mark for *lost*. Every keyword
is said twice in the tone of its own emotion and twice in other tones, because people also say 不要说了 calmly.
A sample is (keyword, sound information, emotion), and **the emotion is the tone's**: how it was said decides what
it expresses. The sound information is ``dialogue.speech.acoustics`` on the clip.

**Model.** Multinomial logistic regression (scikit-learn) on the standardised sound features plus the keyword's
dictionary emotion as six indicators. It is small enough to store as JSON coefficients, so there is no pickle, and
it is trained by ``manage.py train_voice_emotion`` in seconds. The evaluation holds out a fifth of the *keywords*:
no word of the test split is heard in training.

**Never worse than the dictionary (issue 20).** ``train`` records a verdict: the fused emotion's held-out accuracy
against the dictionary emotion alone. ``manage.py train_voice_emotion`` saves the model only when it passed, so a
model that would make calls read worse never serves (the first emotion serves alone, or the previous model).

**Fusion (V5).** fused = w₁ · first + w₂ · second, where second is the model's probabilities and first is the
dictionary's reading *calibrated*: a keyword of emotion k stands for the distribution of the emotions actually
expressed when such keywords were said (counted on the training samples, add-one smoothed), not for k with
certainty. In these samples a keyword is said in its own tone half the time, by construction; the feedback
samples of real calls (V9) re-estimate it. Words without a dictionary keyword carry no information (uniform).
The weights are the editable emotion weights of the scoring settings (default 0.4 / 0.6).
"""

from __future__ import annotations

import json
import math
import random
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings

from base.model_files import Located, ModelSlot
from base.model_gate import judge
from dialogue.models import EMOTIONS
from dialogue.speech import acoustics

SOUND_FEATURES = ("f0_mean", "f0_range", "energy_mean", "energy_range", "speaking_rate", "pause_ratio",
                  "final_slope", "voiced_ratio")  # fmt: skip
# Per emotion: pitch and rate and volume bands (per cent against espeak's default), pitch ranges to draw from.
PROFILES = {
    "angry": {"pitch": (15, 35), "range": ("x-low", "low"), "rate": (30, 55), "volume": (50, 90), "end": "！"},
    "excited": {"pitch": (35, 60), "range": ("high", "x-high"), "rate": (20, 40), "volume": (20, 50), "end": "！"},
    "joyful": {"pitch": (10, 30), "range": ("medium", "high"), "rate": (-5, 15), "volume": (0, 25), "end": ""},
    "calm": {"pitch": (-10, 5), "range": ("medium",), "rate": (-20, -5), "volume": (-25, -5), "end": "。"},
    "low": {"pitch": (-40, -20), "range": ("x-low", "low"), "rate": (-45, -25), "volume": (-50, -30), "end": "。"},
    "lost": {"pitch": (-5, 15), "range": ("low", "medium"), "rate": (-40, -20), "volume": (-35, -15), "end": "？"},
}
# Speakers: espeak-ng voice variants (women's and men's) with their own pitch and pace, so that the height of a
# voice is not mistaken for its emotion.
SPEAKERS = ("f1", "f2", "f3", "f4", "m1", "m2", "m3", "m4", "m7")
SPEAKER_PITCH, SPEAKER_RATE = 20, 12  # ± per cent around the tone's bands
OWN_TONE_SAMPLES, OTHER_TONE_SAMPLES = 2, 2
HELD_OUT_SHARE = 0.2


def model_path() -> Path:
    return Path(settings.MODEL_DIR) / "voice_emotion" / "model.json"


# --- Samples ------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Sample:
    word: str
    word_emotion: str  # the dictionary's (first emotion)
    tone: str  # the emotion of the delivery: the label
    sound: dict


def render(text: str, tone: str, rng: random.Random) -> bytes:
    profile = PROFILES[tone]
    speaker = rng.choice(SPEAKERS)
    pitch = rng.randint(*profile["pitch"]) + rng.randint(-SPEAKER_PITCH, SPEAKER_PITCH)
    rate = rng.randint(*profile["rate"]) + rng.randint(-SPEAKER_RATE, SPEAKER_RATE)
    attributes = (
        f'pitch="{pitch:+d}%" range="{rng.choice(profile["range"])}" '
        f'rate="{rate:+d}%" volume="{rng.randint(*profile["volume"]):+d}%"'
    )
    ssml = f"<speak><prosody {attributes}>{text}{profile['end']}</prosody></speak>"
    result = subprocess.run(
        ["espeak-ng", "-v", f"cmn-latn-pinyin+{speaker}", "-m", "--stdout", ssml],
        capture_output=True,
        timeout=30,
        check=False,
    )
    if result.returncode != 0 or not result.stdout.startswith(b"RIFF"):
        raise RuntimeError(f"espeak-ng failed: {result.stderr.decode('utf-8', 'replace').strip()}")
    return result.stdout


def build_samples(keywords: dict[str, str], seed: int = 7) -> list[Sample]:
    rng = random.Random(seed)
    samples = []
    for word, emotion in sorted(keywords.items()):
        others = [e for e in EMOTIONS if e != emotion]
        tones = [emotion] * OWN_TONE_SAMPLES + rng.sample(others, OTHER_TONE_SAMPLES)
        for tone in tones:
            samples_, rate = acoustics.read_wav(render(word, tone, rng))
            try:
                sound = acoustics.analyse(samples_, rate, word).as_dict()
            except acoustics.AudioError:
                continue
            samples.append(Sample(word, emotion, tone, sound))
    return samples


# --- Features and the model ---------------------------------------------------------------------------------------
def features(sound: dict, first_scores: dict[str, float]) -> np.ndarray:
    values = []
    for name in SOUND_FEATURES:
        value = sound.get(name)
        if name == "f0_mean":
            value = math.log(value) if value else math.log(100.0)  # no pitch: a neutral voice
        values.append(float(value) if value is not None else 0.0)
    return np.array(values)


@dataclass(frozen=True)
class VoiceEmotionModel:
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray  # (6, features)
    intercept: np.ndarray  # (6,)
    classes: tuple[str, ...]
    metrics: dict
    calibration: dict = None  # keyword emotion → {expressed emotion: probability}

    def calibrated(self, first: dict[str, float], has_keyword: bool = True) -> dict[str, float]:
        """The first emotion as a distribution over what is expressed (see the module docstring)."""
        if not has_keyword or not self.calibration:
            return dict.fromkeys(EMOTIONS, 1 / len(EMOTIONS)) if not has_keyword else dict(first)
        total = sum(first.values()) or 1.0
        return {
            e: round(sum(first.get(k, 0.0) / total * self.calibration[k].get(e, 0.0) for k in self.calibration), 4)
            for e in EMOTIONS
        }

    def probabilities(self, x: np.ndarray) -> dict[str, float]:
        logits = self.coef @ ((x - self.mean) / self.scale) + self.intercept
        exp = np.exp(logits - logits.max())
        probabilities = exp / exp.sum()
        by_class = dict(zip(self.classes, probabilities.tolist(), strict=True))
        return {e: round(by_class.get(e, 0.0), 4) for e in EMOTIONS}

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"features": list(SOUND_FEATURES), "classes": list(self.classes), "mean": self.mean.tolist(),
                "scale": self.scale.tolist(), "coef": self.coef.tolist(), "intercept": self.intercept.tolist(),
                "calibration": self.calibration, "metrics": self.metrics}  # fmt: skip
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        temporary.replace(path)

    @classmethod
    def load(cls, path: Path) -> VoiceEmotionModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(np.array(data["mean"]), np.array(data["scale"]), np.array(data["coef"]),
                   np.array(data["intercept"]), tuple(data["classes"]), data.get("metrics", {}),
                   data.get("calibration"))  # fmt: skip


def first_scores_of(word_emotion: str) -> dict[str, float]:
    return {e: 1.0 if e == word_emotion else 0.0 for e in EMOTIONS}


def fuse(first: dict[str, float], second: dict[str, float] | None, weights: tuple[float, float]) -> dict[str, float]:
    if second is None:
        return dict(first)
    w_first, w_second = weights
    return {e: round(w_first * first.get(e, 0.0) + w_second * second.get(e, 0.0), 4) for e in EMOTIONS}


def split_by_word(samples: list[Sample], seed: int) -> tuple[list[Sample], list[Sample]]:
    words = sorted({s.word for s in samples})
    random.Random(seed).shuffle(words)
    held_out = set(words[: max(1, int(len(words) * HELD_OUT_SHARE))])
    return [s for s in samples if s.word not in held_out], [s for s in samples if s.word in held_out]


def fit(samples: list[Sample]) -> tuple[np.ndarray, np.ndarray, object]:
    from sklearn.linear_model import LogisticRegression

    x = np.array([features(s.sound, first_scores_of(s.word_emotion)) for s in samples])
    y = np.array([s.tone for s in samples])
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    classifier = LogisticRegression(C=1.0, max_iter=2000)
    classifier.fit((x - mean) / scale, y)
    return mean, scale, classifier


def calibrate(samples: list[Sample]) -> dict[str, dict[str, float]]:
    """For each dictionary emotion, how often each emotion was expressed by its keywords (add-one smoothed)."""
    table = {}
    for emotion in EMOTIONS:
        counts = dict.fromkeys(EMOTIONS, 1.0)
        for sample in samples:
            if sample.word_emotion == emotion:
                counts[sample.tone] += 1
        total = sum(counts.values())
        table[emotion] = {e: round(c / total, 4) for e, c in counts.items()}
    return table


def evaluate(model: VoiceEmotionModel, samples: list[Sample], weights: tuple[float, float]) -> dict:
    hits = {"first": 0, "second": 0, "fused": 0}
    for sample in samples:
        first = first_scores_of(sample.word_emotion)
        second = model.probabilities(features(sample.sound, first))
        fused = fuse(model.calibrated(first), second, weights)
        for name, scores in (("first", first), ("second", second), ("fused", fused)):
            hits[name] += max(scores, key=scores.get) == sample.tone
    return {name: round(count / len(samples), 3) for name, count in hits.items()} | {"samples": len(samples)}


def train(keywords: dict[str, str], seed: int = 7, weights: tuple[float, float] = (0.4, 0.6)) -> VoiceEmotionModel:
    """Build the samples, fit on four fifths of the keywords, evaluate on the rest, refit on all; the metrics are
    the held-out ones."""
    samples = build_samples(keywords, seed)
    training, held_out = split_by_word(samples, seed)
    mean, scale, classifier = fit(training)
    trial = VoiceEmotionModel(
        mean, scale, classifier.coef_, classifier.intercept_, tuple(classifier.classes_), {}, calibrate(training)
    )
    metrics = {"held_out": evaluate(trial, held_out, weights), "training_samples": len(training),
               "keywords": len(keywords), "seed": seed, "weights": list(weights)}  # fmt: skip
    # The fused emotion is what a call shows; it serves only when it is at least as accurate on the held-out
    # keywords as the first (dictionary) emotion alone, which is what serves without a voice model (issue 20).
    metrics["verdict"] = judge(
        "accuracy", metrics["held_out"]["fused"], {"keyword dictionary alone": metrics["held_out"]["first"]},
        split="held-out keywords",
    ).as_dict()  # fmt: skip
    mean, scale, classifier = fit(samples)
    return VoiceEmotionModel(
        mean, scale, classifier.coef_, classifier.intercept_, tuple(classifier.classes_), metrics, calibrate(samples)
    )


# --- The model at run time, once per process ------------------------------------------------------------------------
# The file is looked at on every use (a stat) and re-read when it changed; an unreadable one is logged and the
# first emotion serves alone, as before training.
MODEL: ModelSlot[VoiceEmotionModel] = ModelSlot(
    "voice_emotion", lambda: Located.of_file(model_path()), lambda path, _: VoiceEmotionModel.load(path), 0.0
)


def loaded_model() -> VoiceEmotionModel | None:
    """The trained model (re-read when its file changes), or None before ``manage.py train_voice_emotion``."""
    return MODEL.get()


def fused_emotion(
    first: dict[str, float], has_keyword: bool, sound: dict, weights: tuple[float, float]
) -> tuple[dict[str, float], dict[str, float] | None]:
    """(fused scores, second scores or None): the first as it is without a voice model, else calibrated and fused."""
    model = loaded_model()
    if model is None or not sound:
        return dict(first), None
    second = model.probabilities(features(sound, first))
    return fuse(model.calibrated(first, has_keyword), second, weights), second
