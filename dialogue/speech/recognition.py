"""Speech to text for calls (SPEC V2, and the branch's B7): openai-whisper on 16 kHz mono audio, in chunks, with
the sound information and the first (keyword) emotion of every segment.

- The model (``WHISPER_MODEL``: a checkpoint path, by default the one ``manage.py build_asr_model`` writes, or an
  official name when its weights are available) loads once per process.
- The language is always given: detection is unreliable on short or synthetic clips. Mandarin and Cantonese are
  transcribed as ``zh`` — the base model predates Whisper's Cantonese token — and the output is converted to
  Simplified characters with OpenCC (the base model writes some Mandarin in Traditional characters).
- Guards against Whisper's known failure modes: no conditioning on the previous text (repetition loops), a short
  temperature fallback, the compression-ratio and no-speech thresholds, no decoding at all for audio the sound
  analysis finds silent, and a loop that survived every fallback (compression ratio still above 2.4) collapsed to
  one copy of the repeated phrase.
- Decoding is biased towards the organisation's vocabulary (``dialogue.speech.vocabulary``: catalogue, business
  words, its own word lists) by ``Biasing``: hotword boosting of word continuations and, optionally, the vocabulary
  sentence as Whisper's initial prompt. ASCII punctuation next to Chinese characters becomes full-width.
- Long calls are cut into chunks of about ``CHUNK_SECONDS`` at the quietest moment near each boundary, so no word is
  cut, and a progress callback hears after every chunk.
"""

from __future__ import annotations

import functools
import math
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from django.conf import settings

from base.model_files import Located, ModelSlot
from dialogue import lexicon
from dialogue.answers import detect_situation
from dialogue.config import get_config, get_scoring
from dialogue.emotion import lexicon_scores
from dialogue.scoring import score_deal_rate
from dialogue.sentence_context import relations, scene_of
from dialogue.speech import acoustics
from dialogue.speech.audio_input import TARGET_RATE, AudioClip
from dialogue.speech.hotwords import DEFAULT_BONUS, decode_with_hotwords
from dialogue.speech.vocabulary import Vocabulary, vocabulary_for
from dialogue.speech.voice_emotion import fused_emotion
from dialogue.text import prepare, to_simplified

CHUNK_SECONDS = 300.0
CONTEXT_MARGIN_SECONDS = 1.0  # live utterances: encoder positions beyond the audio
AUDIO_FRAMES_PER_SECOND = 50  # Whisper's encoder: 1,500 positions for 30 s
MIN_TOKENS, TOKENS_PER_SECOND = 10, 15  # live utterances: a repetition loop stops here, not at 224 tokens
_REPEATS = re.compile(r"(.{1,12}?)\1{2,}")  # a phrase said three or more times in a row, kept once
MAX_COMPRESSION_RATIO = 2.4  # Whisper's sign of a repetition loop
CUT_SEARCH_SECONDS = 5.0
WHISPER_LANGUAGES = {"zh-hans": "zh", "zh": "zh", "yue": "zh", "en": "en"}
_SPACE_BETWEEN_CJK = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")
# ASCII punctuation touching a Chinese character is Chinese punctuation written half-width (Whisper does that);
# elsewhere (3.5, "OK, fine") it stays. Spaces around full-width punctuation go.
_FULL_WIDTH = {",": "，", "?": "？", "!": "！", ";": "；", ":": "：", ".": "。", "...": "……"}
_ASCII_BY_CJK = re.compile(r"(?<=[\u3400-\u9fff])\s*(\.\.\.|[,?!;:.])|(\.\.\.|[,?!;:.])\s*(?=[\u3400-\u9fff])")
_SPACE_BY_FULL_WIDTH = re.compile(r"\s*([，。？！；：、…]+)\s*")


@dataclass(frozen=True)
class Biasing:
    """How decoding leans towards the organisation's vocabulary: ``bonus`` added to the logit of a token that
    continues one of its words (0: none), and whether its vocabulary sentence is given as the initial prompt."""

    bonus: float = DEFAULT_BONUS
    prompt: bool = False


NO_BIASING = Biasing(bonus=0.0, prompt=False)
DEFAULT_BIASING = Biasing()


class SpeechError(RuntimeError):
    """Recognition cannot run (no model); the message says what to do."""


@dataclass(frozen=True)
class Segment:
    start: float
    end: float
    text: str
    no_speech_prob: float = 0.0
    avg_logprob: float = 0.0
    sound: dict = field(default_factory=dict)  # acoustics.SoundInfo.as_dict()
    emotion: str = "calm"  # the fused emotion (V5) of the first and the second
    emotion_scores: dict = field(default_factory=dict)
    first_emotion: str = "calm"  # V3: the keyword dictionary's reading of the words
    second_scores: dict = field(default_factory=dict)  # V4: the voice model's, empty before it is trained
    keywords: tuple[str, ...] = ()
    situation: str = "general"  # the conversation engine's situation of the words
    scene: str = "general"  # dialogue.sentence_context.SCENES
    relation: str = "statement"  # to the previous segment: question, answer, follow_up, statement

    def as_dict(self) -> dict:
        return {
            "start": round(self.start, 2), "end": round(self.end, 2), "text": self.text, "emotion": self.emotion,
            "emotion_scores": self.emotion_scores, "first_emotion": self.first_emotion,
            "second_scores": self.second_scores, "keywords": list(self.keywords), "situation": self.situation,
            "scene": self.scene, "relation": self.relation, "sound": self.sound,
        }  # fmt: skip


@dataclass(frozen=True)
class Transcript:
    language: str
    segments: list[Segment]
    duration: float  # seconds of audio
    seconds: float  # seconds the recognition took

    @property
    def text(self) -> str:
        return (" " if self.language == "en" else "").join(segment.text for segment in self.segments)

    def as_dict(self) -> dict:
        return {
            "language": self.language, "text": self.text, "duration": round(self.duration, 2),
            "rtf": round(self.rtf, 3), "segments": [segment.as_dict() for segment in self.segments],
        }  # fmt: skip

    @property
    def rtf(self) -> float:
        """Real-time factor: processing time / audio time."""
        return self.seconds / self.duration if self.duration else 0.0


# --- The model, once per process ----------------------------------------------------------------------------------
# Whisper's decoder installs key/value-cache hooks on the shared model while it decodes, so two threads must not
# decode at once: uploads, live calls and watches take turns.
_decoding = threading.Lock()


def _load_whisper(path: Path, name: str):  # noqa: ANN202 - a whisper.model.Whisper
    from dialogue.speech.asr_model import load_whisper  # imports whisper: only where speech is recognised

    if "/" in name and not path.is_file():
        raise SpeechError(f"No Whisper checkpoint at {name}: run `manage.py build_asr_model`.")
    model = load_whisper(name)
    _warm_up(model)
    return model


def _locate_whisper() -> Located:
    name = settings.WHISPER_MODEL  # a checkpoint path or a model name; another setting loads another model
    return Located(name, Path(name), source=name, label=name)


# Looked up on every use (the setting); a missing checkpoint raises SpeechError to the caller.
WHISPER = ModelSlot("whisper", _locate_whisper, _load_whisper, 0.0, on_failure="raise")


def whisper_model():  # noqa: ANN201 - a whisper.model.Whisper
    return WHISPER.get()


def _warm_up(model) -> None:  # noqa: ANN001 - a whisper.model.Whisper
    """Decode one second of quiet noise once, so the first call is not charged for lazy set-up (tokenizer, mel
    filters, torch's first kernels): about a second once per process."""
    import whisper

    quiet = (np.random.default_rng(0).normal(0, 1e-3, TARGET_RATE)).astype(np.float32)
    whisper.transcribe(model, quiet, language="zh", fp16=False, verbose=None, temperature=0.0)
    _encode(
        model, whisper.log_mel_spectrogram(whisper.pad_or_trim(quiet), model.dims.n_mels), 2 * AUDIO_FRAMES_PER_SECOND
    )


# --- Recognition ----------------------------------------------------------------------------------------------------
def transcribe(
    clip: AudioClip,
    language: str = "zh-hans",
    progress: Callable[[float, float], None] | None = None,
    organisation: int | None = None,
    biasing: Biasing = DEFAULT_BIASING,
) -> Transcript:
    """Segments with times (seconds from the start of the clip), text in the customer's script, sound information;
    decoding biased towards ``organisation``'s vocabulary and emotions read with its word lists and weights (the
    product-wide ones without, issue 19)."""
    whisper_language = WHISPER_LANGUAGES.get(language)
    if whisper_language is None:
        raise SpeechError(f"Unsupported language {language!r}: zh-hans, yue or en.")
    whisper_model()  # loaded once per process, outside the time the recognition takes
    vocabulary = vocabulary_for(organisation)
    started = time.perf_counter()
    segments: list[Segment] = []
    for offset, chunk in chunks(clip.samples, clip.rate):
        if _is_silent(chunk):
            continue
        segments += _recognise(chunk, offset, whisper_language, clip, language, organisation, vocabulary, biasing)
        if progress:
            progress(min(clip.duration, offset + len(chunk) / clip.rate), clip.duration)
    linked = [
        replace(segment, relation=relation)
        for segment, relation in zip(segments, relations([s.text for s in segments]), strict=True)
    ]
    return Transcript(language, linked, clip.duration, time.perf_counter() - started)


def recognise_utterance(
    samples: np.ndarray,
    language: str = "zh-hans",
    offset: float = 0.0,
    organisation: int | None = None,
    biasing: Biasing = DEFAULT_BIASING,
) -> list[Segment]:
    """The segment of one short utterance of live audio (16 kHz mono float, at most 30 s), its times shifted by
    ``offset`` seconds (where it starts in the call). Relations are left to the caller, which knows the sentences
    before.

    Faster than ``transcribe`` for the live path: the cutter already found the utterance's bounds, so one greedy
    decode without timestamp tokens is enough (the timestamp mode made 17 instead of 13 errors on the real clips,
    though fewer on the synthesised demo calls, 23.7 % against 28.9 %; real speech decides). The encoder sees only
    the utterance and ``CONTEXT_MARGIN_SECONDS`` of padding instead of a 30-second window (the decoder attends to
    that much less too): on the real clips that gives the same or better character error rate at about two thirds
    of the time (``bench/RESULTS.md``). No temperature fallback (it doubles the time of exactly the slow cases): the
    tokens are capped by the utterance's length, so a repetition loop ends quickly, and a phrase repeated three or
    more times in a row is kept once. An utterance Whisper judges to be no speech is dropped."""
    import whisper

    whisper_language = WHISPER_LANGUAGES.get(language)
    if whisper_language is None:
        raise SpeechError(f"Unsupported language {language!r}: zh-hans, yue or en.")
    if _is_silent(samples) or len(samples) > whisper.audio.N_SAMPLES:
        return []
    model = whisper_model()
    terms, prompt = _bias(vocabulary_for(organisation), whisper_language, biasing)
    clip = AudioClip(samples.astype(np.float32), TARGET_RATE, len(samples) / TARGET_RATE, "wav")
    mel = whisper.log_mel_spectrogram(whisper.pad_or_trim(clip.samples), model.dims.n_mels)
    seconds = math.ceil(clip.duration + CONTEXT_MARGIN_SECONDS)  # whole seconds: few distinct shapes for torch
    frames = min(model.dims.n_audio_ctx, seconds * AUDIO_FRAMES_PER_SECOND)
    max_tokens = min(model.dims.n_text_ctx // 2, MIN_TOKENS + math.ceil(clip.duration * TOKENS_PER_SECOND))
    with _decoding:
        features = _encode(model, mel, frames)
        full = model.dims.n_audio_ctx
        model.dims.n_audio_ctx = frames  # whisper.decode takes features of (n_audio_ctx, n_audio_state) as they are
        try:
            options = whisper.DecodingOptions(
                language=whisper_language, task="transcribe", fp16=False, temperature=0.0, sample_len=max_tokens,
                without_timestamps=True, prompt=prompt,
            )  # fmt: skip
            decoded = decode_with_hotwords(model, features, options, terms, biasing.bonus)
        finally:
            model.dims.n_audio_ctx = full
    if decoded.no_speech_prob > 0.6 and decoded.avg_logprob < -1.0:
        return []
    raw = {"start": 0.0, "end": clip.duration, "text": decoded.text, "no_speech_prob": decoded.no_speech_prob,
           "avg_logprob": decoded.avg_logprob, "compression_ratio": decoded.compression_ratio}  # fmt: skip
    return [
        replace(s, start=s.start + offset, end=s.end + offset)
        for s in _segments({"segments": [raw]}, clip.samples, 0.0, whisper_language, clip, language, organisation)
    ]


def _encode(model, mel, frames: int):  # noqa: ANN001, ANN202 - whisper's model, mel and feature tensors
    """Whisper's audio encoder on the first ``frames`` positions only (two mel frames per position)."""
    import torch
    import torch.nn.functional as F  # noqa: N812

    encoder = model.encoder
    with torch.no_grad():
        x = F.gelu(encoder.conv1(mel[None, :, : frames * 2]))
        x = F.gelu(encoder.conv2(x)).permute(0, 2, 1)
        x = x + encoder.positional_embedding[: x.shape[1]]
        for block in encoder.blocks:
            x = block(x)
        return encoder.ln_post(x)[0]


def _recognise(
    samples: np.ndarray,
    offset: float,
    language: str,
    clip: AudioClip,
    ui_language: str,
    organisation: int | None,
    vocabulary: Vocabulary,
    biasing: Biasing,
) -> list[Segment]:
    import whisper

    model = whisper_model()
    terms, prompt = _bias(vocabulary, language, biasing)
    with _decoding:
        result = _decode(whisper, model, samples, language, terms, prompt, biasing.bonus)
    return _segments(result, samples, offset, language, clip, ui_language, organisation)


def _bias(vocabulary: Vocabulary, language: str, biasing: Biasing) -> tuple[tuple[str, ...], str | None]:
    """The words to boost and the initial prompt for ``language`` (the vocabulary is Chinese)."""
    if language != "zh":
        return (), None
    return (vocabulary.terms if biasing.bonus else ()), (vocabulary.prompt if biasing.prompt else None)


def _decode(
    whisper,  # noqa: ANN001 - the whisper module
    model,  # noqa: ANN001 - a whisper.model.Whisper
    samples: np.ndarray,
    language: str,
    terms: tuple[str, ...] = (),
    prompt: str | None = None,
    bonus: float = 0.0,
) -> dict:
    # whisper.transcribe decodes every window through model.decode: shadowed here (under the decoding lock) by the
    # same decoding with the hotword filter.
    model.decode = functools.partial(decode_with_hotwords, model, terms=terms, bonus=bonus)
    try:
        return whisper.transcribe(
            model,
            samples.astype(np.float32),
            language=language,
            task="transcribe",
            fp16=False,
            verbose=None,
            temperature=(0.0, 0.2, 0.4),
            condition_on_previous_text=False,
            compression_ratio_threshold=MAX_COMPRESSION_RATIO,
            no_speech_threshold=0.6,
            logprob_threshold=-1.0,
            initial_prompt=prompt,
        )
    finally:
        del model.decode


def _segments(
    result: dict,
    samples: np.ndarray,
    offset: float,
    language: str,
    clip: AudioClip,
    ui_language: str,
    organisation: int | None = None,
) -> list[Segment]:
    segments = []
    for raw in result["segments"]:
        text = raw["text"]
        if raw.get("compression_ratio", 0.0) > MAX_COMPRESSION_RATIO:  # a loop every fallback repeated
            text = _REPEATS.sub(r"\1", text)
        text = clean_text(text, language)
        if not text:
            continue
        start, end = offset + raw["start"], offset + min(raw["end"], len(samples) / clip.rate)
        first = first_emotion(text, ui_language, organisation)
        sound = _sound(clip, start, end, text)
        fused, second = fused_emotion(first.scores, bool(first.keywords), sound, emotion_weights(organisation))
        segments.append(
            Segment(
                start=start,
                end=end,
                text=text,
                no_speech_prob=float(raw.get("no_speech_prob", 0.0)),
                avg_logprob=float(raw.get("avg_logprob", 0.0)),
                sound=sound,
                emotion=max(fused, key=fused.get),
                emotion_scores=fused,
                first_emotion=first.label,
                second_scores=second or {},
                keywords=first.keywords,
                situation=first.situation,
                scene=scene_of(first.situation),
            )
        )
    return segments


@dataclass(frozen=True)
class FirstEmotion:
    label: str
    scores: dict
    keywords: tuple[str, ...]
    situation: str = "general"


def first_emotion(text: str, language: str, organisation: int | None = None) -> FirstEmotion:
    """V3: the keyword→emotion dictionary and the excited / dissatisfied words of the conversation engine's word
    lists (``organisation``'s, issue 19; the product-wide ones without), read with their negation rules (不满意 is
    not 满意)."""

    config = get_config(organisation)
    prepared = prepare(text, language)
    matches = config.words.match(prepared.normalised)
    scores = lexicon_scores(matches)
    situation = detect_situation(matches, score_deal_rate(matches, prepared.chars, config.scoring).above_threshold)
    keywords = tuple(
        m.word for m in matches if m.kind in (lexicon.EXCITED, lexicon.DISSATISFIED, lexicon.EMOTION_KEYWORD)
    )
    rounded = {k: round(v, 3) for k, v in scores.items()}
    return FirstEmotion(max(scores, key=scores.get), rounded, keywords, situation)


def emotion_weights(organisation: int | None = None) -> tuple[float, float]:
    """V5: the editable first / second emotion weights of calls (kept apart from the chat's lexicon/model blend, so
    tuning one never changes the other); ``organisation``'s settings, the product-wide ones without."""

    scoring = get_scoring(organisation)
    return scoring.call_keyword_weight, scoring.call_voice_weight


def clean_text(text: str, language: str) -> str:
    """Simplified characters and Chinese (full-width) punctuation for Chinese, no spaces between Chinese
    characters, trimmed."""
    text = text.strip()
    if language == "zh":
        text = _SPACE_BETWEEN_CJK.sub("", to_simplified(text))
        text = _ASCII_BY_CJK.sub(lambda m: _FULL_WIDTH[m.group(1) or m.group(2)], text)
        text = _SPACE_BY_FULL_WIDTH.sub(r"\1", text)
    return text


def _sound(clip: AudioClip, start: float, end: float, text: str) -> dict:
    try:
        return acoustics.analyse_span(clip.samples, clip.rate, start, end, text).as_dict()
    except acoustics.AudioError:
        return {}


def _is_silent(samples: np.ndarray) -> bool:
    return not acoustics.has_speech(samples, TARGET_RATE)


def chunks(samples: np.ndarray, rate: int) -> list[tuple[float, np.ndarray]]:
    """(offset in seconds, samples) pieces of about ``CHUNK_SECONDS``, each cut at the quietest 10 ms within
    ``CUT_SEARCH_SECONDS`` of its nominal end."""
    pieces, start, total = [], 0, len(samples)
    size, search, hop = int(CHUNK_SECONDS * rate), int(CUT_SEARCH_SECONDS * rate), int(acoustics.HOP_SECONDS * rate)
    while total - start > size + search:
        nominal = start + size
        window = samples[nominal - search : nominal + search]
        energy = acoustics.energy_per_hop(window, rate)
        cut = nominal - search + int(np.argmin(energy)) * hop + hop // 2
        pieces.append((start / rate, samples[start:cut]))
        start = cut
    pieces.append((start / rate, samples[start:]))
    return pieces
