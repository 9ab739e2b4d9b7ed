"""Live audio cut into utterances at pauses (SPEC V1 live capture, B7 on the watch).

Streams arrive as little-endian 16-bit PCM, mono, 16 kHz (the browser's capture worklet and the watch resample to
that). ``UtteranceCutter`` keeps only the audio not yet handed on: every 10 ms hop is voiced when its energy is
above both ``VOICE_FLOOR_DB`` and the noise floor plus ``VOICE_ABOVE_NOISE_DB``, the floor being a low percentile of
the last few seconds (speech has gaps between syllables, so the floor stays at the line's noise while someone
talks). An utterance ends after
``LIVE_PAUSE_SECONDS`` of unvoiced hops (or is cut at ``LIVE_MAX_UTTERANCE_SECONDS``) and is handed on with a little
audio either side, so Whisper hears whole words. The latency from the end of speech to the utterance is the pause
length plus one frame of audio; recognition of a short utterance takes about half a second on two CPU cores.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np
from django.conf import settings

from dialogue.speech.acoustics import HOP_SECONDS, energy_per_hop
from dialogue.speech.audio_input import TARGET_RATE

VOICE_FLOOR_DB = -45.0
VOICE_ABOVE_NOISE_DB = 12.0
NOISE_WINDOW_SECONDS = 3.0  # the noise floor: a low percentile of the last seconds' hop energies
NOISE_PERCENTILE = 10
MIN_UTTERANCE_SECONDS = 0.25
PAD_SECONDS = 0.4  # kept either side of the voiced hops: word onsets and tails are quiet
MAX_FRAME_BYTES = 256 * 1024  # 8 s of audio in one frame at most


class StreamError(ValueError):
    """A malformed audio frame; the message says why."""


@dataclass(frozen=True)
class Utterance:
    start: float  # seconds from the start of the stream
    samples: np.ndarray  # float32 in [-1, 1]

    @property
    def end(self) -> float:
        return self.start + len(self.samples) / TARGET_RATE


def pcm16_to_float(data: bytes) -> np.ndarray:
    if not data:
        raise StreamError("The audio frame is empty.")
    if len(data) > MAX_FRAME_BYTES:
        raise StreamError(f"The audio frame is too large: at most {MAX_FRAME_BYTES} bytes.")
    if len(data) % 2:
        raise StreamError("The audio frame must be whole 16-bit samples (an even number of bytes).")
    return np.frombuffer(data, "<i2").astype(np.float32) / 32768.0


class UtteranceCutter:
    def __init__(self, pause_seconds: float | None = None, max_seconds: float | None = None) -> None:
        self.hop = int(HOP_SECONDS * TARGET_RATE)
        self.pause_hops = round((pause_seconds or settings.LIVE_PAUSE_SECONDS) / HOP_SECONDS)
        self.max_hops = round((max_seconds or settings.LIVE_MAX_UTTERANCE_SECONDS) / HOP_SECONDS)
        self.pad_hops = round(PAD_SECONDS / HOP_SECONDS)
        self.buffer = np.zeros(0, np.float32)
        self.base = 0  # stream position (samples) of buffer[0]
        self.scanned = 0  # hops of the buffer already judged
        self.speech_from: int | None = None  # hop index in the buffer where the current utterance began
        self.last_voiced = -1
        self.recent: deque[float] = deque(maxlen=round(NOISE_WINDOW_SECONDS / HOP_SECONDS))
        self.received = 0  # samples

    @property
    def seconds(self) -> float:
        return self.received / TARGET_RATE

    def feed(self, samples: np.ndarray) -> list[Utterance]:
        self.received += len(samples)
        self.buffer = np.concatenate([self.buffer, samples.astype(np.float32)])
        whole_hops = len(self.buffer) // self.hop
        if whole_hops <= self.scanned:
            return []
        energy = energy_per_hop(self.buffer[self.scanned * self.hop : whole_hops * self.hop], TARGET_RATE)
        done: list[Utterance] = []
        for offset, level in enumerate(energy):
            index = self.scanned + offset
            self.recent.append(float(level))
            noise = float(np.percentile(self.recent, NOISE_PERCENTILE))
            voiced = level > max(VOICE_FLOOR_DB, noise + VOICE_ABOVE_NOISE_DB)
            if voiced:
                self.last_voiced = index
                if self.speech_from is None:
                    self.speech_from = index
            if self.speech_from is None:
                continue
            if index - self.last_voiced >= self.pause_hops or index - self.speech_from >= self.max_hops:
                utterance = self._cut(index + 1)
                if utterance is not None:
                    done.append(utterance)
                return done + self.feed(np.zeros(0, np.float32))  # rescan what is left after the cut
        self.scanned = whole_hops
        if self.speech_from is None:
            self._drop_before(max(0, whole_hops - self.pad_hops))
        return done

    def flush(self) -> list[Utterance]:
        """The speech still waiting when the stream ends (a stop, or a dropped connection)."""
        if self.speech_from is None:
            return []
        utterance = self._cut(len(self.buffer) // self.hop + (1 if len(self.buffer) % self.hop else 0))
        return [utterance] if utterance is not None else []

    def _cut(self, end_hop: int) -> Utterance | None:
        start_hop = max(0, self.speech_from - self.pad_hops)
        stop_hop = min(end_hop, self.last_voiced + 1 + self.pad_hops)
        voiced_hops = self.last_voiced + 1 - self.speech_from
        samples = self.buffer[start_hop * self.hop : stop_hop * self.hop]
        start = (self.base + start_hop * self.hop) / TARGET_RATE
        self._drop_before(stop_hop)  # the audio after the pad may be the next utterance's lead-in
        self.speech_from, self.last_voiced = None, -1
        if voiced_hops * HOP_SECONDS < MIN_UTTERANCE_SECONDS:
            return None  # a click or a cough
        return Utterance(start, samples.copy())

    def _drop_before(self, hop: int) -> None:
        self.buffer = self.buffer[hop * self.hop :]
        self.base += hop * self.hop
        self.scanned = max(0, self.scanned - hop)
        if self.speech_from is not None:
            self.speech_from -= hop
        if self.last_voiced >= 0:
            self.last_voiced -= hop
