"""Call recordings in (SPEC V1): every format a browser or phone records in is decoded to 16 kHz mono; what is not
a recording, has no sound or is too long is refused with a reason."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from dialogue.speech.acoustics import pitch_track
from dialogue.speech.audio_input import TARGET_RATE, AudioInputError, decode, decode_file
from tests.needs import needs

pytestmark = needs(binary="ffmpeg")


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True, capture_output=True)


@pytest.fixture(scope="module")
def recordings(tmp_path_factory) -> dict[str, Path]:
    """A 2-second 220 Hz tone at 44.1 kHz stereo, encoded in every accepted format."""
    folder = tmp_path_factory.mktemp("audio")
    source = folder / "tone.wav"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=220:sample_rate=44100:duration=2", "-ac", "2", str(source))
    files = {"wav": source}
    for suffix, codec in (("mp3", "libmp3lame"), ("m4a", "aac"), ("webm", "libopus"), ("ogg", "libvorbis"),
                          ("flac", "flac")):  # fmt: skip
        target = folder / f"tone.{suffix}"
        ffmpeg("-i", str(source), "-c:a", codec, str(target))
        files[suffix] = target
    return files


@pytest.mark.parametrize("kind", ["wav", "mp3", "m4a", "webm", "ogg", "flac"])
def test_every_format_decodes_to_16k_mono(recordings, kind):
    clip = decode(recordings[kind].read_bytes())
    assert clip.format == kind
    assert clip.rate == TARGET_RATE and clip.samples.dtype == np.float32 and clip.samples.ndim == 1
    assert clip.duration == pytest.approx(2.0, abs=0.1)
    assert np.nanmedian(pitch_track(clip.samples, clip.rate)) == pytest.approx(220, rel=0.01)


def test_the_format_is_judged_by_content_not_name(recordings, tmp_path):
    renamed = tmp_path / "call.wav"
    renamed.write_bytes(recordings["mp3"].read_bytes())
    assert decode_file(renamed).format == "mp3"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"\x00" * 1000, "not a recording"),
        (b"hello, this is a text file\n" * 50, "not a recording"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", "not a recording"),
    ],
)
def test_what_is_not_a_recording_is_refused(data, reason):
    with pytest.raises(AudioInputError, match=reason):
        decode(data)


def test_an_image_or_a_silent_video_is_refused(tmp_path):
    png = tmp_path / "x.png"
    ffmpeg("-f", "lavfi", "-i", "color=c=red:s=32x32", "-frames:v", "1", str(png))
    with pytest.raises(AudioInputError, match="Unsupported format|no sound"):
        decode(png.read_bytes())
    video = tmp_path / "x.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc=duration=1:size=64x64:rate=10", "-c:v", "mpeg4", str(video))
    with pytest.raises(AudioInputError, match="no sound"):
        decode(video.read_bytes())


def test_limits_on_size_and_length(recordings):
    data = recordings["wav"].read_bytes()
    with pytest.raises(AudioInputError, match="larger than"):
        decode(data, max_bytes=1024)
    with pytest.raises(AudioInputError, match="0:00:01"):
        decode(data, max_seconds=1)


def test_a_three_hour_call_is_refused_before_decoding(tmp_path):
    long_call = tmp_path / "3h.mp3"
    ffmpeg("-f", "lavfi", "-i", "anullsrc=r=8000:cl=mono", "-t", "10800", "-c:a", "libmp3lame", "-b:a", "8k",
           str(long_call))  # fmt: skip
    with pytest.raises(AudioInputError, match="lasts 3:00:0.*up to 2:00:00"):
        decode_file(long_call)


def test_a_stream_without_a_stated_length_is_cut_at_the_limit(recordings, tmp_path):
    # A browser's MediaRecorder writes WebM without a duration; simulate by piping through ffmpeg.
    piped = tmp_path / "live.webm"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=220:duration=5", "-c:a", "libopus", "-f", "webm", str(piped))
    with pytest.raises(AudioInputError, match="lasts"):
        decode_file(piped, max_seconds=2)
