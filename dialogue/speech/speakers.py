"""Who said what in a call (SPEC V2, V7): the salesperson's sentences apart from the customer's, so that reply
suggestions follow only the customer's.

- **Two channels** (a call recorder that keeps each party on its own channel, or live capture with the promoter's
  microphone on one channel and the line on the other): each stretch of speech belongs to the channel that is louder
  over it. Which channel is the salesperson's: in live capture the promoter's own microphone (channel 0); in an
  uploaded recording the channel that speaks first, since the calls of this product are promotions the salesperson
  places (an outbound call opens with the caller).
- **One channel**: the speech stretches are clustered into two voices by their timbre and pitch (the mean and spread
  of 12 mel-cepstral coefficients from Whisper's log-mel spectrogram, and the median pitch from
  ``acoustics.pitch_track``; standardised, then Ward's agglomerative clustering into two groups). The voice of the
  first stretch is the salesperson's (the same outbound rule). A recording whose channels are copies of each other
  counts as one channel.
- **One channel, live** (``OnlineVoices``: one microphone hearing both parties): each utterance is told apart as it
  arrives, from the utterances before it only. The first is the salesperson's (the opening), the first after it the
  customer's (the answer); every later one goes to the voice whose mean features are nearer (standardised over the
  call so far, pitch weighted as in the clustering).
- With fewer than two stretches nothing is separated (``Speaker.UNKNOWN``): suggestions follow every sentence, as
  before separation existed.

Plain numpy, scipy and scikit-learn; decoding by FFmpeg as in ``audio_input``.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dialogue.speech import acoustics
from dialogue.speech.audio_input import TARGET_RATE, AudioInputError

SALESPERSON, CUSTOMER, UNKNOWN = "salesperson", "customer", ""
MIN_PAUSE_SECONDS = 0.5  # speech_turns: a quieter stretch this long ends a turn
MIN_TURN_SECONDS = 0.25
SAME_CHANNELS_DB = 1.0  # channels whose levels differ less than this over every stretch are one channel
MFCC_COEFFICIENTS = 12
PITCH_WEIGHT = 3.0


@dataclass(frozen=True)
class SpeakerSplit:
    speakers: list[str]  # one per span: SALESPERSON, CUSTOMER or UNKNOWN
    method: str  # "channels", "voices" or "none"

    def as_dict(self) -> dict:
        return {"speakers": self.speakers, "method": self.method}


# --- Reading the channels -------------------------------------------------------------------------------------------
def channel_count(path: Path) -> int:
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries", "stream=channels", "-of", "json",
         str(path)],
        capture_output=True, timeout=30, check=False,
    )  # fmt: skip
    try:
        return int(json.loads(result.stdout or b"{}")["streams"][0]["channels"])
    except (ValueError, KeyError, IndexError, TypeError):
        return 1


def read_channels(path: Path, max_seconds: float) -> np.ndarray:
    """The recording's first two channels (or its one) at 16 kHz: float32 of shape (channels, samples)."""
    channels = min(2, channel_count(path))
    command = [
        "ffmpeg", "-nostdin", "-v", "error", "-i", str(path), "-t", f"{max_seconds:.3f}", "-vn", "-ac", str(channels),
        "-ar", str(TARGET_RATE), "-f", "s16le", "-",
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, timeout=60 + max_seconds / 20, check=False)
    if result.returncode != 0 and not result.stdout:
        raise AudioInputError("The recording's channels could not be decoded.")
    raw = result.stdout[: len(result.stdout) // (2 * channels) * 2 * channels]
    samples = np.frombuffer(raw, "<i2").astype(np.float32) / 32768
    return samples.reshape(-1, channels).T.copy()


# --- Stretches of speech --------------------------------------------------------------------------------------------
def speech_turns(samples: np.ndarray, rate: int = TARGET_RATE) -> list[tuple[float, float]]:
    """(start, end) seconds of the stretches of speech between pauses of at least ``MIN_PAUSE_SECONDS``."""
    energy = acoustics.energy_per_hop(samples, rate)
    voiced = acoustics.speech_frames(energy)
    hop = acoustics.HOP_SECONDS
    turns: list[tuple[float, float]] = []
    start = last = None
    for index in np.flatnonzero(voiced):
        if start is None:
            start = last = index
        elif (index - last) * hop >= MIN_PAUSE_SECONDS:
            turns.append((start * hop, (last + 1) * hop))
            start = index
        last = index
    if start is not None:
        turns.append((start * hop, (last + 1) * hop))
    return [(a, b) for a, b in turns if b - a >= MIN_TURN_SECONDS]


# --- Separation -----------------------------------------------------------------------------------------------------
def separate(channels: np.ndarray, spans: Sequence[tuple[float, float]], rate: int = TARGET_RATE) -> SpeakerSplit:
    """The speaker of each span (seconds) of a recording given as (channels, samples)."""
    if len(spans) < 2:
        return SpeakerSplit([UNKNOWN] * len(spans), "none")
    if channels.shape[0] >= 2:
        split = by_channels(channels[:2], spans, rate)
        if split is not None:
            return split
    return by_voices(channels.mean(axis=0), spans, rate)


def by_channels(
    channels: np.ndarray,
    spans: Sequence[tuple[float, float]],
    rate: int = TARGET_RATE,
    salesperson_channel: int | None = None,
) -> SpeakerSplit | None:
    """Each span to the louder of two channels; ``None`` when the channels are copies of each other. The salesperson's
    channel is ``salesperson_channel`` (live capture: the promoter's microphone) or the one that speaks first."""
    levels = np.array([[_level_db(channel[int(a * rate) : int(b * rate)]) for channel in channels] for a, b in spans])
    louder = np.argmax(levels, axis=1)
    if np.all(np.abs(levels[:, 0] - levels[:, 1]) < SAME_CHANNELS_DB):
        return None
    if salesperson_channel is None:
        salesperson_channel = int(np.argmin([_first_speech(channel, rate) for channel in channels]))
    return SpeakerSplit([SALESPERSON if side == salesperson_channel else CUSTOMER for side in louder], "channels")


def by_voices(samples: np.ndarray, spans: Sequence[tuple[float, float]], rate: int = TARGET_RATE) -> SpeakerSplit:
    """Two voices by clustering the spans' timbre and pitch; the voice of the first span is the salesperson's."""
    from sklearn.cluster import AgglomerativeClustering

    features = np.stack([voice_features(samples[int(a * rate) : int(b * rate)], rate) for a, b in spans])
    spread = features.std(axis=0)
    scaled = (features - features.mean(axis=0)) / np.where(spread > 1e-6, spread, 1.0)
    scaled[:, -1] *= PITCH_WEIGHT  # one pitch figure against 24 of timbre: pitch tells voices apart best
    labels = AgglomerativeClustering(n_clusters=2, linkage="ward").fit_predict(scaled)
    return SpeakerSplit([SALESPERSON if label == labels[0] else CUSTOMER for label in labels], "voices")


def voice_features(samples: np.ndarray, rate: int = TARGET_RATE) -> np.ndarray:
    """Timbre and pitch of one stretch of speech: mean and standard deviation of mel-cepstral coefficients 1–12 over
    its louder frames, and the log of its median pitch (0 when unvoiced)."""
    import torch
    import whisper
    from scipy.fft import dct

    with torch.no_grad():
        mel = whisper.log_mel_spectrogram(torch.from_numpy(samples.astype(np.float32))).numpy()  # (80, frames)
    loud = mel.mean(axis=0)
    frames = mel[:, loud >= np.percentile(loud, 40)] if mel.shape[1] > 4 else mel
    cepstra = dct(frames, type=2, norm="ortho", axis=0)[1 : MFCC_COEFFICIENTS + 1]
    f0 = acoustics.pitch_track(samples, rate)
    voiced = f0[np.isfinite(f0) & (f0 > 0)]
    pitch = float(np.log(np.median(voiced))) if voiced.size else 0.0
    return np.concatenate([cepstra.mean(axis=1), cepstra.std(axis=1), [pitch]])


def _level_db(samples: np.ndarray) -> float:
    if not samples.size:
        return -120.0
    return float(20 * np.log10(np.sqrt(np.mean(samples.astype(np.float64) ** 2)) + 1e-9))


def _first_speech(samples: np.ndarray, rate: int) -> float:
    turns = speech_turns(samples, rate)
    return turns[0][0] if turns else float("inf")


class OnlineVoices:
    """Speakers of a one-microphone live call, decided utterance by utterance (see the module docstring)."""

    def __init__(self) -> None:
        self.features: list[np.ndarray] = []
        self.speakers: list[str] = []

    def assign(self, samples: np.ndarray, rate: int = TARGET_RATE) -> str:
        self.features.append(voice_features(samples, rate))
        if len(self.features) <= 2:
            speaker = SALESPERSON if len(self.features) == 1 else CUSTOMER
        else:
            points = np.stack(self.features)
            spread = points.std(axis=0)
            scaled = (points - points.mean(axis=0)) / np.where(spread > 1e-6, spread, 1.0)
            scaled[:, -1] *= PITCH_WEIGHT
            before, newest = scaled[:-1], scaled[-1]
            labels = np.array(self.speakers)
            distance = {
                who: float(np.linalg.norm(newest - before[labels == who].mean(axis=0)))
                for who in (SALESPERSON, CUSTOMER)
            }
            speaker = min(distance, key=distance.get)
        self.speakers.append(speaker)
        return speaker
