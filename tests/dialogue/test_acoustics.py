"""Sound information (SPEC V2): pitch, energy, pauses, speaking rate and final intonation, on synthetic signals
with known answers and on espeak-ng speech said in different ways."""

from __future__ import annotations

import io
import subprocess
import wave

import numpy as np
import pytest

from dialogue.speech.acoustics import AudioError, analyse, analyse_span, pitch_track, read_wav, syllables
from tests.needs import needs

RATE = 16_000


def tone(hz: float, seconds: float, amplitude: float = 0.5) -> np.ndarray:
    t = np.arange(int(RATE * seconds)) / RATE
    return amplitude * np.sin(2 * np.pi * hz * t)


def glide(start_hz: float, end_hz: float, seconds: float) -> np.ndarray:
    frequency = np.linspace(start_hz, end_hz, int(RATE * seconds))
    return 0.5 * np.sin(2 * np.pi * np.cumsum(frequency) / RATE)


def wav_bytes(samples: np.ndarray, width: int = 2, channels: int = 1) -> bytes:
    ints = np.clip(samples * 32767, -32768, 32767).astype("<i2")
    if channels == 2:
        ints = np.repeat(ints, 2)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(width)
        writer.setframerate(RATE)
        writer.writeframes(ints.tobytes())
    return buffer.getvalue()


@pytest.mark.parametrize("hz", [80, 150, 220, 400])
def test_pitch_of_a_pure_tone(hz):
    f0 = pitch_track(tone(hz, 0.5), RATE)
    assert np.nanmedian(f0) == pytest.approx(hz, rel=0.01)
    assert np.mean(~np.isnan(f0)) > 0.9


def test_silence_and_noise_have_no_pitch():
    assert np.isnan(pitch_track(np.zeros(RATE), RATE)).all()
    noise = np.random.default_rng(1).normal(0, 0.3, RATE)
    assert np.mean(~np.isnan(pitch_track(noise, RATE))) < 0.1


def test_rising_falling_and_level_endings():
    level = np.concatenate([tone(180, 0.6), tone(180, 0.4)])
    assert analyse(np.concatenate([tone(180, 0.6), glide(180, 300, 0.4)]), RATE).intonation == "rising"
    assert analyse(np.concatenate([tone(250, 0.6), glide(250, 150, 0.4)]), RATE).intonation == "falling"
    assert analyse(level, RATE).intonation == "level"


def test_range_in_semitones_and_energy():
    octave = np.concatenate([tone(110, 0.5), tone(220, 0.5)])
    info = analyse(octave, RATE)
    assert info.f0_range == pytest.approx(12, abs=0.5)
    quiet, loud = analyse(tone(200, 0.5, 0.05), RATE), analyse(tone(200, 0.5, 0.5), RATE)
    assert loud.energy_mean - quiet.energy_mean == pytest.approx(20, abs=0.5)


def test_pauses_are_counted_inside_the_speech_only():
    speech = np.concatenate([np.zeros(RATE // 2), tone(200, 0.5), np.zeros(RATE // 2), tone(200, 0.5),
                             np.zeros(RATE // 20), tone(200, 0.5), np.zeros(RATE // 2)])  # fmt: skip
    info = analyse(speech, RATE)
    assert info.pause_count == 1  # the 50 ms gap is no pause; the silence before and after is not inside
    assert info.pause_ratio == pytest.approx(0.5 / 2.05, abs=0.02)  # of the time from the first tone to the last


def test_speaking_rate_counts_syllables():
    assert syllables("现在有事，不要说了") == 8
    assert syllables("Hello, I am calling about insurance") == 2 + 1 + 1 + 2 + 2 + 4
    info = analyse(tone(200, 2.0), RATE, "现在有事不要说了")
    assert info.speaking_rate == pytest.approx(4.0, rel=0.05)
    assert analyse(tone(200, 2.0), RATE).speaking_rate is None


def test_wav_reading_and_bad_audio():
    samples, rate = read_wav(wav_bytes(tone(200, 0.5), channels=2))
    assert rate == RATE and len(samples) == RATE // 2
    assert np.nanmedian(pitch_track(samples, rate)) == pytest.approx(200, rel=0.01)
    for bad in (b"", b"RIFF1234WAVE", b"ID3 not a wav"):
        with pytest.raises(AudioError):
            read_wav(bad)
    with pytest.raises(AudioError, match="empty"):
        read_wav(wav_bytes(np.zeros(0)))
    with pytest.raises(AudioError, match="silent"):
        analyse(np.zeros(RATE), RATE)
    with pytest.raises(AudioError, match="shorter"):
        analyse(np.zeros(10), RATE)
    with pytest.raises(AudioError, match="too short"):
        analyse_span(tone(200, 1.0), RATE, 0.5, 0.51)


@needs(binary="espeak-ng")
def test_the_same_words_said_differently_sound_different():
    def say(*options: str) -> tuple[np.ndarray, int]:
        command = [
            "espeak-ng",
            "-v",
            "cmn-latn-pinyin",
            *options,
            "--stdout",
            "xian4 zai4 you3 shi4, bu2 yao4 shuo1 le5",
        ]
        return read_wav(subprocess.run(command, capture_output=True, check=True).stdout)

    calm = analyse(*say("-p", "30", "-s", "130", "-a", "60"), text="现在有事，不要说了")
    angry = analyse(*say("-p", "75", "-s", "230", "-a", "200"), text="现在有事，不要说了")
    assert angry.f0_mean > calm.f0_mean * 1.3
    assert angry.speaking_rate > calm.speaking_rate * 1.3
    assert angry.energy_mean > calm.energy_mean
