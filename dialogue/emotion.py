"""A reply's emotion (SPEC S11, S15, S16, V3, V5): the lexicon rule, the trained model, and their blend.

- **Lexicon (S15, V3).** S15's rule reads excited words → excited, dissatisfied words → dissatisfied, neither →
  calm. On the six emotions of S11 dissatisfied is counted as angry; the keyword→emotion dictionary (继续说 →
  joyful, 不要说了 → angry) adds its emotions. The lexicon's six scores are the matched weights, normalised.
- **Model (S16).** The active trained emotion model (``EmotionModelVersion``), loaded once per process (``MODEL``, a
  ``base.model_files`` slot); a newly activated version is noticed within ``RECHECK_SECONDS``, a file that fails its
  checksum or does not load is refused (the lexicon decides alone). It gives six scores and the probability that the
  reply is positive.
- **Blend (V5).** scores = w_lexicon · lexicon + w_model · model (editable weights), but only where the lexicon
  has evidence: a reply with no excited, dissatisfied or keyword-dictionary word gets the model's scores alone,
  because the lexicon's "calm" there means "no word matched", not "calm" (counted as a calm vote it pulled the
  six-class macro-F1 on SMP2020 from 0.51 to 0.31). Polarity likewise blends the model's probability with the
  lexicon's balance only where positive or negative words matched. The default weights (0.1 / 0.9) are the best
  on the emotion validation split (``bench/bench_emotion_model.py`` prints the grid); without an active model the
  lexicon decides alone and the result says so.
- **Questions.** The model learned from reviews and Weibo, where a question is usually a complaint ("怎么还没送到？"),
  so it reads a customer's plain questions as angry and negative ("你们店在哪里" → angry 0.62, positive 0.003). A
  question with no sentiment word keeps the model's six scores only when it is sure (top score ≥ 0.7); otherwise
  the lexicon's calm stands, and its polarity stays undecided (0.5), so it does not lower satisfaction K either.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from base.model_files import Located, ModelSlot
from dialogue import lexicon
from dialogue.config import ScoringValues
from dialogue.emotion_store import SLOT
from dialogue.emotion_training.network import load_model
from dialogue.lexicon import Match
from dialogue.models import EMOTIONS, EmotionModelVersion

PLAIN_QUESTION = re.compile(
    r"[?？]\W*$|[吗呢么嘛]\W*$|多少|什么|哪[里儿个些]|怎么样|有没有|能不能|可不可以|是不是|几[个点天号种]"
)
"""A reply that asks something (ends in a question mark or particle, or uses an interrogative word)."""
QUESTION_MAX_CHARS = 14
QUESTION_CONFIDENCE = 0.7
"""Above this top score the model's reading of a question without emotion words is kept; below it, calm."""
RECHECK_SECONDS = 5.0
S15_EXCITED, S15_DISSATISFIED, S15_CALM = "excited", "dissatisfied", "calm"


@dataclass(frozen=True)
class EmotionResult:
    label: str  # one of EMOTIONS
    scores: dict[str, float]  # the six emotions, summing to 1
    polarity: float  # probability that the reply is positive
    lexicon_rule: str  # S15: excited, dissatisfied or calm
    lexicon_scores: dict[str, float]
    model_scores: dict[str, float] | None = None  # None when no model is active
    model_version: str = ""
    keywords: tuple[str, ...] = field(default=())
    model_positive: float | None = None  # the model's polarity where trusted (None: no model, or a plain question)
    decided_by: str = "lexicon"  # lexicon, model or blend: who set the six scores


def lexicon_rule(matches: Sequence[Match]) -> str:
    """S15: excited words → excited; dissatisfied words → dissatisfied; neither → calm (ties: dissatisfied)."""
    excited = sum(m.weight for m in lexicon.of_kind(matches, lexicon.EXCITED))
    dissatisfied = sum(m.weight for m in lexicon.of_kind(matches, lexicon.DISSATISFIED))
    if not excited and not dissatisfied:
        return S15_CALM
    return S15_EXCITED if excited > dissatisfied else S15_DISSATISFIED


def lexicon_scores(matches: Sequence[Match]) -> dict[str, float]:
    weights = dict.fromkeys(EMOTIONS, 0.0)
    for match in matches:
        if match.kind == lexicon.EXCITED:
            weights["excited"] += match.weight
        elif match.kind == lexicon.DISSATISFIED:
            weights["angry"] += match.weight
        elif match.kind == lexicon.EMOTION_KEYWORD and match.label in weights:
            weights[match.label] += match.weight
    total = sum(weights.values())
    if not total:
        return {emotion: 1.0 if emotion == "calm" else 0.0 for emotion in EMOTIONS}
    return {emotion: weight / total for emotion, weight in weights.items()}


def has_emotion_evidence(matches: Sequence[Match]) -> bool:
    """Whether any word of the lexicon's six scores matched (excited, dissatisfied, keyword dictionary)."""
    return any(m.kind in (lexicon.EXCITED, lexicon.DISSATISFIED, lexicon.EMOTION_KEYWORD) for m in matches)


def has_polarity_evidence(matches: Sequence[Match]) -> bool:
    """Whether any word of the lexicon's polarity matched (positive, negative, dissatisfied)."""
    return any(m.kind in (lexicon.POSITIVE, lexicon.NEGATIVE, lexicon.DISSATISFIED) for m in matches)


def lexicon_polarity(matches: Sequence[Match]) -> float:
    """0.5 without evidence; otherwise the positive share of the positive and negative weight."""
    positive = sum(m.weight for m in lexicon.of_kind(matches, lexicon.POSITIVE))
    negative = sum(m.weight for m in matches if m.kind in (lexicon.NEGATIVE, lexicon.DISSATISFIED))
    if not positive and not negative:
        return 0.5
    return positive / (positive + negative)


def is_plain_question(text: str) -> bool:
    """A short question (at most ``QUESTION_MAX_CHARS``): what a customer asks in a chat, unlike a post."""
    return len(text) <= QUESTION_MAX_CHARS and bool(PLAIN_QUESTION.search(text))


def blend(
    matches: Sequence[Match],
    model_output: tuple[dict[str, float], float] | None,
    cfg: ScoringValues,
    version: str = "",
    text: str = "",
) -> EmotionResult:
    lex = lexicon_scores(matches)
    lex_polarity = lexicon_polarity(matches)
    model_positive: float | None = None
    if model_output is None:
        scores, polarity, decided_by = lex, lex_polarity, "lexicon"
    else:
        model_scores, model_positive = model_output
        question = not has_polarity_evidence(matches) and is_plain_question(text)
        if has_emotion_evidence(matches):
            scores = {e: cfg.lexicon_weight * lex[e] + cfg.model_weight * model_scores.get(e, 0.0) for e in EMOTIONS}
            decided_by = "blend"
        elif question and max(model_scores.values()) < QUESTION_CONFIDENCE:
            scores, decided_by = lex, "lexicon"
        else:
            scores, decided_by = {e: model_scores.get(e, 0.0) for e in EMOTIONS}, "model"
        polarity = model_positive
        if has_polarity_evidence(matches):
            polarity = cfg.lexicon_weight * lex_polarity + cfg.model_weight * model_positive
        elif question:
            polarity, model_positive = 0.5, None
    label = max(EMOTIONS, key=lambda e: scores[e])
    keywords = tuple(
        m.word for m in matches if m.kind in (lexicon.EXCITED, lexicon.DISSATISFIED, lexicon.EMOTION_KEYWORD)
    )
    return EmotionResult(
        label=label,
        scores={e: round(v, 4) for e, v in scores.items()},
        polarity=round(polarity, 4),
        lexicon_rule=lexicon_rule(matches),
        lexicon_scores={e: round(v, 4) for e, v in lex.items()},
        model_scores=None if model_output is None else {e: round(v, 4) for e, v in model_output[0].items()},
        model_version=version,
        keywords=keywords,
        model_positive=None if model_positive is None else round(model_positive, 4),
        decided_by=decided_by,
    )


def detect_emotion(text: str, matches: Sequence[Match], cfg: ScoringValues) -> EmotionResult:
    loaded = loaded_emotion_model()
    if loaded is None:
        return blend(matches, None, cfg)
    prediction = loaded.predictor.predict([text])[0]
    return blend(matches, (prediction.scores, prediction.positive), cfg, loaded.version, text)


# --- The active model, once per process -----------------------------------------------------------------


@dataclass
class LoadedEmotionModel:
    version: str
    version_pk: int
    predictor: object  # dialogue.emotion_nn.EmotionPredictor


def _locate() -> Located | None:
    version = EmotionModelVersion.objects.filter(is_active=True).only("pk", "version", "path", "sha256").first()
    return None if version is None else Located.of_version(version)


def _load(path: Path, version: EmotionModelVersion) -> LoadedEmotionModel:
    return LoadedEmotionModel(version.version, version.pk, load_model(path).predictor())


# None while no version is active or its file is refused: a bad file must not take the conversation down.
MODEL: ModelSlot[LoadedEmotionModel] = ModelSlot(SLOT, _locate, _load, RECHECK_SECONDS)


def loaded_emotion_model() -> LoadedEmotionModel | None:
    return MODEL.get()
