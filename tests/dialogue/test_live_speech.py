"""Cutting a live stream into utterances at pauses (SPEC V1 live capture, B7)."""

from __future__ import annotations

import numpy as np
import pytest

from dialogue.speech.utterances import MAX_FRAME_BYTES, PAD_SECONDS, StreamError, UtteranceCutter, pcm16_to_float

RATE = 16000


def tone(seconds: float, level: float = 0.3) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return (level * np.sin(2 * np.pi * 220 * t)).astype(np.float32)


def syllables(seconds: float, level: float = 0.3, floor: np.ndarray | None = None) -> np.ndarray:
    """Speech-like: 200 ms voiced, 60 ms gap, repeated (a continuous tone would become the noise floor)."""
    pattern = np.concatenate([tone(0.2, level), quiet(0.06)])
    samples = np.tile(pattern, int(np.ceil(seconds / 0.26)))[: int(seconds * RATE)]
    return samples + (floor[: len(samples)] if floor is not None else 0)


def quiet(seconds: float) -> np.ndarray:
    return np.random.default_rng(1).normal(0, 1e-4, int(seconds * RATE)).astype(np.float32)


def stream(cutter: UtteranceCutter, samples: np.ndarray, frame: float = 0.1) -> list:
    size, found = int(frame * RATE), []
    for start in range(0, len(samples), size):
        found += cutter.feed(samples[start : start + size])
    return found


def test_utterances_end_at_pauses_with_their_times():
    cutter = UtteranceCutter(pause_seconds=0.5, max_seconds=10)
    audio = np.concatenate([quiet(1.0), tone(1.5), quiet(0.8), tone(0.7), quiet(0.8)])
    found = stream(cutter, audio)
    assert len(found) == 2
    # the speech spans 1.0–2.5 s and 3.3–4.0 s; each utterance keeps PAD_SECONDS either side
    assert found[0].start == pytest.approx(1.0 - PAD_SECONDS, abs=0.05)
    assert found[0].end == pytest.approx(2.5 + PAD_SECONDS, abs=0.1)
    assert found[1].start == pytest.approx(3.3 - PAD_SECONDS, abs=0.05)
    assert found[1].end == pytest.approx(4.0 + PAD_SECONDS, abs=0.1)
    assert cutter.flush() == []
    assert cutter.seconds == pytest.approx(len(audio) / RATE)


def test_a_long_utterance_is_cut_and_the_rest_comes_with_flush():
    cutter = UtteranceCutter(pause_seconds=0.5, max_seconds=2.0)
    found = stream(cutter, syllables(5.0))
    assert len(found) == 2 and all(1.9 < u.end - u.start < 2.5 for u in found)
    rest = cutter.flush()  # the stream ended mid-sentence: nothing that arrived is lost
    assert len(rest) == 1 and rest[0].end == pytest.approx(5.0, abs=0.05)


def test_clicks_and_silence_are_not_utterances():
    cutter = UtteranceCutter(pause_seconds=0.5)
    assert stream(cutter, np.concatenate([quiet(2.0), tone(0.05), quiet(1.0)])) == []
    assert cutter.flush() == []


def test_the_noise_floor_follows_a_noisy_line():
    noise = np.random.default_rng(2).normal(0, 0.01, RATE * 2).astype(np.float32)  # about −40 dBFS
    speech = syllables(1.0, 0.3, noise)
    cutter = UtteranceCutter(pause_seconds=0.5)
    found = stream(cutter, np.concatenate([noise, speech, noise]))
    assert len(found) == 1 and found[0].start == pytest.approx(2.0 - PAD_SECONDS, abs=0.1)


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"", "empty"), (b"\x00\x01\x02", "even number"), (b"\x00" * (MAX_FRAME_BYTES + 2), "too large")],
)
def test_malformed_frames_are_refused(data, message):
    with pytest.raises(StreamError, match=message):
        pcm16_to_float(data)


def test_pcm_is_read_little_endian():
    assert pcm16_to_float(np.array([16384, -32768], "<i2").tobytes()).tolist() == [0.5, -1.0]
