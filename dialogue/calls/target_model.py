"""The target model of the call assistant (SPEC V6): what the customer said and how → the reply script to use.

Input (the "voice information" of a sentence):
- **semantic**: hashed character unigrams and bigrams of the sentence (Simplified, lower-case), and at a lower weight
  those of the previous sentences;
- **emotion**: the fused emotion (V5) as a one-hot;
- **scene** (V2) as a one-hot, and the product category of the call (the intent engine's top product);
- **sound**: pitch height and range, energy, speaking rate, pauses and final intonation, when the sentence came from
  audio (shipped history is text only, so a flag says whether sound is present).

The network is a small torch MLP (one hidden layer) with a softmax over the scripts it was trained on. Training
samples are ``ReplySample`` rows: the shipped history (``dialogue/calls/seed/reply_history.jsonl``) and the feedback
that
scored above the threshold (V9). Evaluation holds out a seeded, per-script stratified fifth of the samples and reports
top-1 / top-3 accuracy next to two baselines: the same network without the emotion input, and the most frequent
script of each scene; and, with the scripts' kinds, whether the model's first reply is of the right kind beside the
cue rules alone and the scene's most frequent kinds (the figures ``script_library`` gates activation on).
"""

from __future__ import annotations

import math
import random
import time
import zlib
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import torch
from torch import nn

from base.progress import Progress
from dialogue.calls.reply_kinds import read_customer
from dialogue.sentence_context import SCENES
from dialogue.text import to_simplified

EMOTIONS = ("excited", "joyful", "angry", "calm", "low", "lost")
TEXT_BUCKETS = 4096
CONTEXT_WEIGHT = 0.35
SOUND_FEATURES = 8
HIDDEN = 128
EPOCHS = 60
DEFAULT_SEED = 13
HELD_OUT_SHARE = 0.2


@dataclass(frozen=True)
class Example:
    """One sentence and its circumstances; ``script`` is the label (a script key) when training."""

    text: str
    context: tuple[str, ...] = ()
    emotion: str = "calm"
    scene: str = "general"
    category: str = ""
    sound: dict = field(default_factory=dict)
    script: str = ""


# --- Features -------------------------------------------------------------------------------------------------------
def _grams(text: str) -> list[str]:

    chars = [c for c in to_simplified(text).lower() if not c.isspace() and c not in "，。！？,.!?、；;：:“”\"'…~"]
    return chars + [a + b for a, b in zip(chars, chars[1:], strict=False)]


def _bucket(gram: str) -> int:
    return zlib.crc32(gram.encode("utf-8")) % TEXT_BUCKETS


def sound_vector(sound: dict) -> np.ndarray:
    """Sound information scaled to about [0, 1]; all zeros (with the presence flag off) when there is none."""
    vector = np.zeros(SOUND_FEATURES, np.float32)
    if not sound or sound.get("f0_mean") is None and sound.get("energy_mean") is None:
        return vector
    vector[0] = 1.0
    vector[1] = (sound.get("f0_mean") or 0.0) / 300.0
    vector[2] = (sound.get("f0_range") or 0.0) / 12.0
    vector[3] = (float(sound.get("energy_mean") or -60.0) + 60.0) / 60.0
    vector[4] = (sound.get("speaking_rate") or 0.0) / 8.0
    vector[5] = float(sound.get("pause_ratio") or 0.0)
    vector[6] = 1.0 if sound.get("intonation") == "rising" else 0.0
    vector[7] = 1.0 if sound.get("intonation") == "falling" else 0.0
    return vector


class Featuriser:
    """Turns examples into dense vectors; the category vocabulary is fixed at training time and saved with the model."""

    def __init__(self, categories: Sequence[str], use_emotion: bool = True) -> None:
        self.categories = list(categories)
        self.use_emotion = use_emotion
        self.size = TEXT_BUCKETS + len(EMOTIONS) + len(SCENES) + len(self.categories) + 1 + SOUND_FEATURES

    def vector(self, example: Example) -> np.ndarray:
        vector = np.zeros(self.size, np.float32)
        grams = _grams(example.text)
        for gram in grams:
            vector[_bucket(gram)] += 1.0
        for sentence in example.context[-2:]:
            for gram in _grams(sentence):
                vector[_bucket(gram)] += CONTEXT_WEIGHT
        text_part = vector[:TEXT_BUCKETS]
        norm = float(np.linalg.norm(text_part))
        if norm:
            text_part /= norm
        offset = TEXT_BUCKETS
        if self.use_emotion and example.emotion in EMOTIONS:
            vector[offset + EMOTIONS.index(example.emotion)] = 1.0
        offset += len(EMOTIONS)
        if example.scene in SCENES:
            vector[offset + SCENES.index(example.scene)] = 1.0
        offset += len(SCENES)
        position = self.categories.index(example.category) if example.category in self.categories else None
        vector[offset + (len(self.categories) if position is None else position)] = 1.0
        offset += len(self.categories) + 1
        vector[offset:] = sound_vector(example.sound)
        return vector

    def matrix(self, examples: Sequence[Example]) -> torch.Tensor:
        return torch.from_numpy(np.stack([self.vector(e) for e in examples])) if examples else torch.zeros(0, self.size)


# --- The network ----------------------------------------------------------------------------------------------------
def _network(inputs: int, outputs: int) -> nn.Module:
    return nn.Sequential(nn.Linear(inputs, HIDDEN), nn.ReLU(), nn.Dropout(0.2), nn.Linear(HIDDEN, outputs))


@dataclass
class ReplyModel:
    scripts: list[str]  # script keys, the output order
    featuriser: Featuriser
    network: nn.Module
    details: dict = field(default_factory=dict)

    def probabilities(self, example: Example) -> dict[str, float]:
        """Script key → probability for one sentence."""
        self.network.eval()
        with torch.no_grad():
            logits = self.network(self.featuriser.matrix([example]))[0]
        probabilities = torch.softmax(logits, dim=0).tolist()
        return dict(zip(self.scripts, probabilities, strict=True))

    def ranked(self, examples: Sequence[Example]) -> list[list[str]]:
        self.network.eval()
        with torch.no_grad():
            logits = self.network(self.featuriser.matrix(examples))
        order = torch.argsort(logits, dim=1, descending=True)[:, :3].tolist()
        return [[self.scripts[i] for i in row] for row in order]

    def save(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        torch.save(
            {
                "format": 1,
                "scripts": self.scripts,
                "categories": self.featuriser.categories,
                "use_emotion": self.featuriser.use_emotion,
                "state_dict": self.network.state_dict(),
                "details": self.details,
            },
            path,
        )
        return path

    @classmethod
    def load(cls, path: Path) -> ReplyModel:
        saved = torch.load(path, map_location="cpu", weights_only=True)
        featuriser = Featuriser(saved["categories"], saved["use_emotion"])
        network = _network(featuriser.size, len(saved["scripts"]))
        network.load_state_dict(saved["state_dict"])
        return cls(saved["scripts"], featuriser, network, saved.get("details", {}))


def fit(
    examples: Sequence[Example],
    *,
    seed: int = DEFAULT_SEED,
    use_emotion: bool = True,
    epochs: int = EPOCHS,
    progress: Progress | None = None,
):
    """Train on labelled examples (every ``script`` set); deterministic for a seed. ``progress`` counts the epochs."""
    if not examples:
        raise ValueError("No training samples.")
    torch.manual_seed(seed)
    scripts = sorted({e.script for e in examples})
    categories = sorted({e.category for e in examples if e.category})
    featuriser = Featuriser(categories, use_emotion)
    x = featuriser.matrix(examples)
    y = torch.tensor([scripts.index(e.script) for e in examples])
    network = _network(featuriser.size, len(scripts))
    optimiser = torch.optim.AdamW(network.parameters(), lr=3e-3, weight_decay=1e-3)
    loss_function = nn.CrossEntropyLoss(label_smoothing=0.05)
    generator = torch.Generator().manual_seed(seed)
    started = time.perf_counter()
    network.train()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # small batches: one thread is fastest, and several fight Whisper for the cores
    try:
        for _ in range(epochs):
            for batch in torch.randperm(len(examples), generator=generator).split(32):
                optimiser.zero_grad()
                loss = loss_function(network(x[batch]), y[batch])
                loss.backward()
                optimiser.step()
            if progress is not None:
                progress.advance()
    finally:
        torch.set_num_threads(threads)
    details = {
        "seed": seed,
        "epochs": epochs,
        "samples": len(examples),
        "seconds": round(time.perf_counter() - started, 2),
    }
    return ReplyModel(scripts, featuriser, network, details)


# --- Evaluation -----------------------------------------------------------------------------------------------------
def split(examples: Sequence[Example], seed: int = DEFAULT_SEED) -> tuple[list[Example], list[Example]]:
    """A per-script stratified split: about ``HELD_OUT_SHARE`` of each script's samples (none of a script with
    fewer than three) are held out."""
    by_script: dict[str, list[Example]] = defaultdict(list)
    for example in examples:
        by_script[example.script].append(example)
    rng = random.Random(seed)
    train, test = [], []
    for key in sorted(by_script):
        group = by_script[key][:]
        rng.shuffle(group)
        held = math.floor(len(group) * HELD_OUT_SHARE) if len(group) >= 3 else 0
        test += group[:held]
        train += group[held:]
    return train, test


def accuracy(model: ReplyModel, examples: Sequence[Example]) -> dict:
    if not examples:
        return {"top1": None, "top3": None, "n": 0}
    ranked = model.ranked(examples)
    top1 = sum(r[0] == e.script for r, e in zip(ranked, examples, strict=True))
    top3 = sum(e.script in r for r, e in zip(ranked, examples, strict=True))
    return {"top1": round(top1 / len(examples), 3), "top3": round(top3 / len(examples), 3), "n": len(examples)}


def scene_majority(train: Sequence[Example], test: Sequence[Example]) -> dict:
    """Baseline: the most frequent scripts of the sentence's scene."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for example in train:
        counts[example.scene][example.script] += 1
    overall = Counter(e.script for e in train)
    top1 = top3 = 0
    for example in test:
        ranked = [k for k, _ in (counts.get(example.scene) or overall).most_common(3)]
        top1 += bool(ranked) and ranked[0] == example.script
        top3 += example.script in ranked
    n = len(test) or 1
    return {"top1": round(top1 / n, 3), "top3": round(top3 / n, 3), "n": len(test)}


def same_words_pairs(test: Sequence[Example]) -> list[Example]:
    """Held-out sentences whose words also occur with another emotion and another script (the V5 point)."""
    by_text: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for example in test:
        by_text[example.text].add((example.emotion, example.script))
    return [e for e in test if len({s for _, s in by_text[e.text]}) > 1]


def kind_appropriateness(ranked_kinds: Sequence[Sequence[str]], test: Sequence[Example], kinds: Mapping[str, str]):
    """Top-1 / top-3 share of ``test`` whose ranked reply kinds put the kind of the script used first / in the first
    three (the kind, not the exact script, is what makes a reply appropriate)."""
    if not test:
        return {"top1": None, "top3": None, "n": 0}
    wanted = [kinds.get(e.script, "") for e in test]
    top1 = sum(bool(r) and r[0] == w for r, w in zip(ranked_kinds, wanted, strict=True))
    top3 = sum(w in r[:3] for r, w in zip(ranked_kinds, wanted, strict=True))
    return {"top1": round(top1 / len(test), 3), "top3": round(top3 / len(test), 3), "n": len(test)}


def kind_baselines(train: Sequence[Example], test: Sequence[Example], kinds: Mapping[str, str]) -> dict:
    """The reply kinds of the held-out sentences by the two baselines the model must beat: the cue rules alone
    (``reply_kinds.read_customer``, what serves without a model) and the most frequent kinds of the sentence's
    scene."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for example in train:
        counts[example.scene][kinds.get(example.script, "")] += 1
    overall = Counter(kinds.get(e.script, "") for e in train)
    scene = [[k for k, _ in (counts.get(e.scene) or overall).most_common(3)] for e in test]
    rules = [list(read_customer(e.text, e.emotion).kinds) for e in test]
    return {
        "rules": kind_appropriateness(rules, test, kinds),
        "scene_majority": kind_appropriateness(scene, test, kinds),
    }


def model_kinds(model: ReplyModel, test: Sequence[Example], kinds: Mapping[str, str]) -> list[list[str]]:
    """The model's three most likely distinct reply kinds per sentence."""
    model.network.eval()
    with torch.no_grad():
        order = torch.argsort(model.network(model.featuriser.matrix(test)), dim=1, descending=True).tolist()
    return [list(dict.fromkeys(kinds.get(model.scripts[i], "") for i in row))[:3] for row in order]


def train_and_evaluate(
    examples: Sequence[Example],
    seed: int = DEFAULT_SEED,
    kinds: Mapping[str, str] | None = None,
    epochs: int = EPOCHS,
    progress: Progress | None = None,
) -> tuple[ReplyModel, dict]:
    """Train on the training split, score on the held-out split with the baselines; the model returned is the one
    the figures describe. With the scripts' ``kinds`` (key → kind), ``metrics["kinds"]`` holds the share of
    held-out sentences given a reply of the right kind by the model and by the baselines it must beat. ``progress``
    counts the epochs of both networks (``2 × epochs``)."""
    train, test = split(examples, seed)
    model = fit(train, seed=seed, epochs=epochs, progress=progress)
    no_emotion = fit(train, seed=seed, use_emotion=False, epochs=epochs, progress=progress)
    if progress is not None:
        progress.close()
    swapped = [replace(e, emotion=_other_emotion(e.emotion)) for e in test]
    metrics = {
        "held_out": accuracy(model, test),
        "without_emotion": accuracy(no_emotion, test),
        "scene_majority": scene_majority(train, test),
        "emotion_swapped": accuracy(model, swapped),
        "train": accuracy(model, train),
        "scripts": len(model.scripts),
        "train_samples": len(train),
        "held_out_samples": len(test),
    }
    if kinds is not None and test:
        metrics["kinds"] = {"model": kind_appropriateness(model_kinds(model, test, kinds), test, kinds)}
        metrics["kinds"].update(kind_baselines(train, test, kinds))
    return model, metrics


def _other_emotion(emotion: str) -> str:
    return "angry" if emotion != "angry" else "calm"
