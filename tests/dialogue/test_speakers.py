"""Who said what in a call (SPEC V2, V7; dialogue/speech/speakers.py), on real audio: the shipped demo calls (two
espeak voices, mono) and two-channel recordings built from them, one party per channel. The turns' speakers come
from the demo calls' manifest; nothing of the separation is replaced."""

from __future__ import annotations

import json
import wave
from pathlib import Path

import numpy as np
import pytest

from dialogue.speech.audio_input import TARGET_RATE
from dialogue.speech.speakers import CUSTOMER, SALESPERSON, OnlineVoices, read_channels, separate, speech_turns
from tests.needs import needs

pytestmark = needs(binary="ffmpeg")
DEMO = Path(__file__).resolve().parents[2] / "dialogue" / "demo_calls"
MANIFEST = {clip["file"]: clip for clip in json.loads((DEMO / "manifest.json").read_text(encoding="utf-8"))}


def demo(name: str) -> tuple[np.ndarray, list[tuple[float, float]], list[str]]:
    """A demo call's mono samples, its turns found in the audio, and who said each (the manifest)."""
    samples = read_channels(DEMO / name, 120.0)[0]
    turns = speech_turns(samples)
    speakers = [turn["speaker"] for turn in MANIFEST[name]["turns"]]
    assert len(turns) == len(speakers)  # every turn of the demo calls is one stretch of speech
    return samples, turns, speakers


def two_channel_wav(path: Path, samples: np.ndarray, turns, speakers, left: str, bleed_db: float = -30.0) -> Path:
    """A stereo recording with ``left``'s turns on the left channel and the other party's on the right; each channel
    also hears the other party faintly (``bleed_db``), as a call recorder's channels do."""
    channels = np.zeros((2, len(samples)), np.float32)
    bleed = 10 ** (bleed_db / 20)
    for (start, end), speaker in zip(turns, speakers, strict=True):
        span = slice(int(start * TARGET_RATE), int(end * TARGET_RATE))
        own = 0 if speaker == left else 1
        channels[own, span] += samples[span]
        channels[1 - own, span] += bleed * samples[span]
    pcm = (np.clip(channels.T, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(2)
        writer.setsampwidth(2)
        writer.setframerate(TARGET_RATE)
        writer.writeframes(pcm.tobytes())
    return path


@pytest.mark.parametrize("name", ["sofa_price_zh.mp3", "delivery_complaint_zh.mp3"])
@pytest.mark.parametrize("left", [SALESPERSON, CUSTOMER])
def test_two_channels_give_each_turn_its_party(tmp_path, name, left):
    samples, turns, truth = demo(name)
    path = two_channel_wav(tmp_path / "call.wav", samples, turns, truth, left)
    channels = read_channels(path, 120.0)
    assert channels.shape[0] == 2
    split = separate(channels, turns)
    # The salesperson's channel is the one that opens the call, whichever side of the recording it is on.
    assert split.method == "channels" and split.speakers == truth


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_one_channel_is_separated_by_voice_with_the_opening_voice_the_salesperson(name):
    samples, turns, truth = demo(name)
    split = separate(samples[None, :], turns)
    assert split.method == "voices" and split.speakers == truth


def test_channels_that_copy_each_other_are_separated_by_voice(tmp_path):
    samples, turns, truth = demo("insurance_busy_zh.mp3")
    split = separate(np.stack([samples, samples]), turns)
    assert split.method == "voices" and split.speakers == truth


def test_a_single_sentence_is_not_separated():
    samples, turns, _ = demo("sofa_price_zh.mp3")
    assert separate(samples[None, :], turns[:1]).speakers == [""]


def test_live_voices_follow_the_voice_not_the_turn_order():
    # One microphone hearing both: the salesperson speaks twice in a row, then the customer three times.
    samples, turns, truth = demo("sofa_price_zh.mp3")
    order = [0, 1, 2, 4, 3, 5, 7, 6]
    voices = OnlineVoices()
    heard = [voices.assign(samples[int(turns[i][0] * TARGET_RATE) : int(turns[i][1] * TARGET_RATE)]) for i in order]
    assert heard == [truth[i] for i in order] == [SALESPERSON, CUSTOMER, SALESPERSON, SALESPERSON, CUSTOMER,
                                                  CUSTOMER, CUSTOMER, SALESPERSON]  # fmt: skip
