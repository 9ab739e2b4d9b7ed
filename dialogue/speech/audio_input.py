"""Call recordings in (SPEC V1): check an uploaded file and decode it to the 16 kHz mono samples that speech
recognition and the sound analysis read.

FFmpeg does the decoding (Debian's ``ffmpeg``; openai-whisper needs it too): every format a browser or a phone
records in — WAV, MP3, M4A/AAC, WebM/Opus, Ogg — without a Python codec per format. The file is judged by its
content (``ffprobe``), not by its name, and refused with a clear reason when it is empty, too large, not audio,
has no sound stream, or is longer than ``CALL_MAX_SECONDS`` (default two hours; a three-hour file is refused
before anything is decoded). A recording whose length the container does not state (a browser's WebM) is decoded
at most to the limit plus one second, then judged.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings

TARGET_RATE = 16_000
# ffprobe's format names → what the product calls them.
FORMATS = {
    "wav": "wav",
    "mp3": "mp3",
    "mov,mp4,m4a,3gp,3g2,mj2": "m4a",
    "matroska,webm": "webm",
    "ogg": "ogg",
    "flac": "flac",
    "aac": "aac",
}
PROBE_SECONDS = 30


class AudioInputError(ValueError):
    """The recording is refused; the message says why and is shown to the user."""


@dataclass(frozen=True)
class AudioClip:
    samples: np.ndarray  # float32 in [-1, 1], mono, TARGET_RATE
    rate: int
    duration: float  # seconds
    format: str  # one of FORMATS' values

    def span(self, start: float, end: float) -> np.ndarray:
        return self.samples[max(0, int(start * self.rate)) : max(0, int(end * self.rate))]


def decode(data: bytes, *, max_seconds: float | None = None, max_bytes: int | None = None) -> AudioClip:
    """Check and decode a recording held in memory."""
    max_bytes = settings.CALL_MAX_BYTES if max_bytes is None else max_bytes
    if not data:
        raise AudioInputError("The recording is empty.")
    if len(data) > max_bytes:
        raise AudioInputError(f"The recording is larger than {max_bytes // (1024 * 1024)} MB.")
    with tempfile.NamedTemporaryFile(suffix=".audio") as handle:
        handle.write(data)
        handle.flush()
        return decode_file(Path(handle.name), max_seconds=max_seconds)


def decode_file(path: Path, *, max_seconds: float | None = None) -> AudioClip:
    """Check and decode a recording on disk."""
    limit = settings.CALL_MAX_SECONDS if max_seconds is None else max_seconds
    kind, stated = probe(path)
    if stated is not None and stated > limit:
        raise AudioInputError(
            f"The recording lasts {_clock(stated)}; recordings up to {_clock(limit)} are accepted (CALL_MAX_SECONDS)."
        )
    samples = _pcm(path, limit + 1)
    duration = len(samples) / TARGET_RATE
    if duration > limit:
        raise AudioInputError(f"The recording lasts more than {_clock(limit)} (CALL_MAX_SECONDS).")
    if duration < 0.1:
        raise AudioInputError("The recording holds no sound (shorter than 0.1 s).")
    return AudioClip(samples, TARGET_RATE, duration, kind)


def probe(path: Path) -> tuple[str, float | None]:
    """The format and stated duration of a recording, or ``AudioInputError`` when it is no audio we accept."""
    try:
        result = subprocess.run(
            ["ffprobe", "-v", "error", "-of", "json", "-show_format", "-show_streams", str(path)],
            capture_output=True,
            timeout=PROBE_SECONDS,
            check=False,
        )
    except FileNotFoundError:
        raise AudioInputError("ffprobe is not installed (Debian package ffmpeg).") from None
    except subprocess.TimeoutExpired:
        raise AudioInputError("The file could not be read in time.") from None
    try:
        info = json.loads(result.stdout or b"{}")
    except ValueError:
        info = {}
    name = info.get("format", {}).get("format_name", "")
    if result.returncode != 0 or not name:
        raise AudioInputError("The file is not a recording that can be read (WAV, MP3, M4A, WebM, Ogg, FLAC).")
    if name not in FORMATS:
        raise AudioInputError(f"Unsupported format {name!r}: send WAV, MP3, M4A, WebM, Ogg or FLAC.")
    if not any(stream.get("codec_type") == "audio" for stream in info.get("streams", [])):
        raise AudioInputError("The file has no sound.")
    duration = info["format"].get("duration")
    try:
        stated = float(duration) if duration not in (None, "N/A") else None
    except ValueError:
        stated = None
    return FORMATS[name], stated


def _pcm(path: Path, seconds: float) -> np.ndarray:
    command = [
        "ffmpeg", "-nostdin", "-v", "error", "-i", str(path), "-t", f"{seconds:.3f}", "-vn", "-ac", "1",
        "-ar", str(TARGET_RATE), "-f", "s16le", "-",
    ]  # fmt: skip
    try:
        # Decoding runs at hundreds of times real time; the timeout only stops a stuck decoder.
        result = subprocess.run(command, capture_output=True, timeout=60 + seconds / 20, check=False)
    except subprocess.TimeoutExpired:
        raise AudioInputError("Decoding the recording took too long.") from None
    if result.returncode != 0 and not result.stdout:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise AudioInputError(f"The recording could not be decoded: {message[-1] if message else 'unknown error'}.")
    return np.frombuffer(result.stdout[: len(result.stdout) // 2 * 2], "<i2").astype(np.float32) / 32768


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
