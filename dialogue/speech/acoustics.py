"""Sound information of speech (SPEC V2): how something was said, beside what was said.

For a stretch of mono audio (a Whisper segment, or the span of one keyword in it):
- **pitch (F0)**: a YIN estimate per 10 ms frame (de Cheveigné & Kawahara 2002: the cumulative-mean-normalised
  difference function, its first dip under ``YIN_THRESHOLD``, parabolic interpolation), voiced frames only;
  reported as the mean in Hz and the range (90th − 10th percentile) in semitones, which compares voices of
  different heights;
- **energy**: RMS per frame in dB relative to full scale, mean and range over the speech frames;
- **pauses**: runs of frames quieter than ``SILENCE_BELOW_PEAK_DB`` under the loudest frame, longer than
  ``MIN_PAUSE_SECONDS``, inside the speech; their count and share of the time from the first word to the last;
- **speaking rate**: syllables per second of speech (a Chinese character is a syllable; an English word counts its
  vowel groups), when the text is given;
- **final intonation**: the slope of F0 over the last ``FINAL_SECONDS`` of voiced speech, in semitones per second:
  rising (a question, surprise), falling (a statement, finality) or level.

Plain numpy, vectorised over frames: a ten-second segment takes a few milliseconds.
"""

from __future__ import annotations

import io
import math
import re
import wave
from dataclasses import asdict, dataclass

import numpy as np

FRAME_SECONDS = 0.04  # long enough for two periods of a 50 Hz voice
HOP_SECONDS = 0.01
F0_MIN, F0_MAX = 60.0, 500.0
YIN_THRESHOLD = 0.15
SILENCE_BELOW_PEAK_DB = 35.0
SILENCE_FLOOR_DB = -60.0  # quieter than this is silence however quiet the loudest frame is
MIN_PAUSE_SECONDS = 0.2
FINAL_SECONDS = 0.4
RISING, FALLING = 4.0, -4.0  # semitones per second
_CJK = re.compile(r"[\u3400-\u9fff]")
_WORD = re.compile(r"[A-Za-z']+")
_VOWEL_GROUP = re.compile(r"[aeiouy]+")


class AudioError(ValueError):
    """The audio cannot be analysed (not PCM WAV, empty, too short); the message says why."""


@dataclass(frozen=True)
class SoundInfo:
    duration: float  # seconds
    voiced_ratio: float  # share of frames with a pitch
    f0_mean: float | None  # Hz
    f0_range: float | None  # semitones, 90th − 10th percentile
    energy_mean: float  # dBFS over speech frames
    energy_range: float  # dB, 90th − 10th percentile over speech frames
    pause_count: int
    pause_ratio: float  # share of the time in pauses, from the first to the last speech frame
    speaking_rate: float | None  # syllables per second of speech
    final_slope: float | None  # semitones per second over the last FINAL_SECONDS of voiced speech
    intonation: str  # "rising", "falling", "level" or "unknown"

    def as_dict(self) -> dict:
        return {k: (round(v, 3) if isinstance(v, float) else v) for k, v in asdict(self).items()}


# --- Reading --------------------------------------------------------------------------------------------------------
def read_wav(data: bytes) -> tuple[np.ndarray, int]:
    """Mono float samples in [-1, 1] and the sample rate of a PCM WAV file (8, 16, 24 or 32 bit)."""
    try:
        with wave.open(io.BytesIO(data)) as reader:
            channels, width, rate = reader.getnchannels(), reader.getsampwidth(), reader.getframerate()
            raw = reader.readframes(reader.getnframes())
    except (wave.Error, EOFError) as error:
        raise AudioError(f"Not a PCM WAV file: {error}.") from None
    if width == 1:
        samples = (np.frombuffer(raw, np.uint8).astype(np.float32) - 128) / 128
    elif width == 2:
        samples = np.frombuffer(raw, "<i2").astype(np.float32) / 32768
    elif width == 3:
        bytes_ = np.frombuffer(raw, np.uint8).reshape(-1, 3)
        ints = bytes_[:, 0].astype(np.int32) | bytes_[:, 1].astype(np.int32) << 8 | bytes_[:, 2].astype(np.int32) << 16
        samples = (np.where(ints >= 1 << 23, ints - (1 << 24), ints)).astype(np.float32) / (1 << 23)
    elif width == 4:
        samples = np.frombuffer(raw, "<i4").astype(np.float32) / 2**31
    else:
        raise AudioError(f"Unsupported sample width: {width} bytes.")
    if channels > 1:
        samples = samples[: len(samples) // channels * channels].reshape(-1, channels).mean(axis=1)
    if not len(samples):
        raise AudioError("The recording is empty.")
    return samples, rate


# --- Frames ---------------------------------------------------------------------------------------------------------
def _frames(samples: np.ndarray, rate: int, seconds: float = FRAME_SECONDS) -> np.ndarray:
    """Overlapping frames of ``seconds`` every ``HOP_SECONDS`` (pitch needs 40 ms; energy and pauses use 10 ms)."""
    size, hop = int(seconds * rate), int(HOP_SECONDS * rate)
    if len(samples) < size:
        samples = np.pad(samples, (0, size - len(samples)))
    count = 1 + (len(samples) - size) // hop
    return np.lib.stride_tricks.as_strided(
        samples, shape=(count, size), strides=(samples.strides[0] * hop, samples.strides[0]), writeable=False
    )


def frame_energy_db(frames: np.ndarray) -> np.ndarray:
    rms = np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1))
    return 20 * np.log10(np.maximum(rms, 1e-10))


def energy_per_hop(samples: np.ndarray, rate: int) -> np.ndarray:
    """RMS energy in dBFS of every 10 ms of ``samples``."""
    return frame_energy_db(_frames(samples, rate, HOP_SECONDS))


def has_speech(samples: np.ndarray, rate: int) -> bool:
    return bool(len(samples)) and bool(speech_frames(energy_per_hop(samples, rate)).any())


def speech_frames(energy: np.ndarray) -> np.ndarray:
    """Frames loud enough to be speech: within ``SILENCE_BELOW_PEAK_DB`` of the loudest, above the floor."""
    return (energy > energy.max() - SILENCE_BELOW_PEAK_DB) & (energy > SILENCE_FLOOR_DB)


def pitch_track(samples: np.ndarray, rate: int) -> np.ndarray:
    """F0 in Hz per frame (YIN), NaN where the frame is unvoiced or silent."""
    frames = _frames(samples.astype(np.float64), rate)
    size = frames.shape[1]
    tau_min, tau_max = max(2, int(rate / F0_MAX)), min(size // 2, int(rate / F0_MIN))
    window = size - tau_max
    # Difference function d(τ) = Σ (x_j − x_{j+τ})² over the first ``window`` samples, for every frame at once.
    head = frames[:, :window]
    energy0 = np.sum(head**2, axis=1, keepdims=True)
    cumulative = np.cumsum(frames**2, axis=1)
    taus = np.arange(1, tau_max + 1)
    shifted_energy = cumulative[:, taus + window - 1] - cumulative[:, taus - 1]
    spectrum = np.fft.rfft(frames, n=2 * size)
    correlation = np.fft.irfft(spectrum * np.conj(np.fft.rfft(head, n=2 * size)), n=2 * size)[:, 1 : tau_max + 1]
    difference = energy0 + shifted_energy - 2 * correlation
    # Cumulative mean normalisation: d'(τ) = d(τ) · τ / Σ_{k≤τ} d(k).
    normalised = difference * taus / np.maximum(np.cumsum(difference, axis=1), 1e-12)
    f0 = np.full(len(frames), np.nan)
    for index in np.flatnonzero(speech_frames(frame_energy_db(frames))):
        row = normalised[index]
        below = np.flatnonzero(row[tau_min - 1 :] < YIN_THRESHOLD)
        if not len(below):
            continue
        tau = below[0] + tau_min - 1  # index into row; the lag is tau + 1
        while tau + 1 < len(row) and row[tau + 1] < row[tau]:
            tau += 1  # walk down to the dip's bottom
        shift = 0.0
        if 0 < tau < len(row) - 1:
            a, b, c = row[tau - 1], row[tau], row[tau + 1]
            denominator = a - 2 * b + c
            shift = 0.5 * (a - c) / denominator if denominator else 0.0
        f0[index] = rate / (tau + 1 + shift)
    f0[(f0 < F0_MIN) | (f0 > F0_MAX)] = np.nan
    return f0


# --- The summary ----------------------------------------------------------------------------------------------------
def syllables(text: str) -> int:
    """Chinese characters count one syllable each; English words count their vowel groups (at least one)."""
    chinese = len(_CJK.findall(text))
    english = sum(max(1, len(_VOWEL_GROUP.findall(word.lower()))) for word in _WORD.findall(text))
    return chinese + english


def pauses(speech: np.ndarray) -> list[tuple[int, int]]:
    """Runs of non-speech frames (start, end) longer than ``MIN_PAUSE_SECONDS``, inside the speech."""
    min_frames = int(round(MIN_PAUSE_SECONDS / HOP_SECONDS))
    spoken = np.flatnonzero(speech)
    if not len(spoken):
        return []
    runs, start = [], None
    for index in range(spoken[0], spoken[-1] + 1):
        if not speech[index] and start is None:
            start = index
        elif speech[index] and start is not None:
            if index - start >= min_frames:
                runs.append((start, index))
            start = None
    return runs


def analyse(samples: np.ndarray, rate: int, text: str = "") -> SoundInfo:
    """The sound information of ``samples`` (mono floats at ``rate``); ``text`` gives the speaking rate."""
    if len(samples) < int(FRAME_SECONDS * rate):
        raise AudioError(f"The audio is shorter than {FRAME_SECONDS * 1000:.0f} ms.")
    energy = energy_per_hop(samples, rate)
    speech = speech_frames(energy)
    if not speech.any():
        raise AudioError("The audio is silent.")
    f0 = pitch_track(samples, rate)
    voiced = f0[~np.isnan(f0)]
    silent_runs = pauses(speech)
    pause_frames = sum(end - start for start, end in silent_runs)
    spoken = np.flatnonzero(speech)
    span_frames = spoken[-1] - spoken[0] + 1
    speech_seconds = max(speech.sum() * HOP_SECONDS, HOP_SECONDS)
    count = syllables(text) if text else 0
    slope = _final_slope(f0)
    return SoundInfo(
        duration=len(samples) / rate,
        voiced_ratio=float(len(voiced) / len(f0)),
        f0_mean=float(voiced.mean()) if len(voiced) else None,
        f0_range=float(12 * math.log2(np.percentile(voiced, 90) / np.percentile(voiced, 10)))
        if len(voiced) > 2
        else None,
        energy_mean=float(energy[speech].mean()),
        energy_range=float(np.percentile(energy[speech], 90) - np.percentile(energy[speech], 10)),
        pause_count=len(silent_runs),
        pause_ratio=float(pause_frames / span_frames),
        speaking_rate=float(count / speech_seconds) if count else None,
        final_slope=slope,
        intonation=_intonation(slope),
    )


def _final_slope(f0: np.ndarray) -> float | None:
    voiced = np.flatnonzero(~np.isnan(f0))
    if len(voiced) < 5:
        return None
    last = voiced[voiced >= voiced[-1] - int(FINAL_SECONDS / HOP_SECONDS)]
    if len(last) < 5:
        return None
    semitones = 12 * np.log2(f0[last] / np.nanmedian(f0))
    return float(np.polyfit(last * HOP_SECONDS, semitones, 1)[0])


def _intonation(slope: float | None) -> str:
    if slope is None:
        return "unknown"
    if slope >= RISING:
        return "rising"
    if slope <= FALLING:
        return "falling"
    return "level"


def analyse_span(samples: np.ndarray, rate: int, start: float, end: float, text: str = "") -> SoundInfo:
    """The sound information of the stretch from ``start`` to ``end`` seconds (a segment or a keyword)."""
    first, last = max(0, int(start * rate)), min(len(samples), int(end * rate))
    if last - first < int(FRAME_SECONDS * rate):
        raise AudioError("The span is too short to analyse.")
    return analyse(samples[first:last], rate, text)
