"""Speech for the card's avatar (SPEC S9–S11): text → an audio file, cached by a hash of engine, voice and text.

The engine sits behind the small ``SpeechEngine`` interface so that a better one can be plugged in through the
``TTS_ENGINE`` setting (a dotted path). The default is espeak-ng, a Debian package that runs offline:
Mandarin with ``cmn-latn-pinyin`` (plain ``cmn`` reads many characters as English letters), Cantonese with
``yue`` and English with ``en``. The page drives the avatar's mouth from the audio's loudness (Web Audio), so an
engine only has to produce audio.

Audio URLs carry the text signed by the server (``speech_url``): only text the server itself chose to say
can be rendered, so the endpoint cannot be used to make the server speak arbitrary text.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import tempfile
from functools import cache
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.module_loading import import_string

SIGNING_SALT = "base.tts"
MAX_SPEECH_CHARS = 600  # longer texts are cut at a sentence end: nobody listens to an avatar read a page


class SpeechEngineError(RuntimeError):
    """The engine could not render the text (missing binary, bad voice)."""


class SpeechEngine(Protocol):
    name: str
    content_type: str
    suffix: str

    def voice_for(self, language: str) -> str: ...

    def render(self, text: str, language: str) -> bytes: ...


class EspeakEngine:
    name = "espeak-ng"
    content_type = "audio/wav"
    suffix = ".wav"
    VOICES = {"zh-hans": "cmn-latn-pinyin", "yue": "yue", "en": "en"}
    SPEED = {"zh-hans": 165, "yue": 165, "en": 160}  # words per minute; espeak's default 175 is hurried

    def __init__(self, binary: str = "espeak-ng") -> None:
        self.binary = binary

    def voice_for(self, language: str) -> str:
        return self.VOICES.get(language, self.VOICES["zh-hans"])

    def render(self, text: str, language: str) -> bytes:
        speed = str(self.SPEED.get(language, 165))
        try:
            result = subprocess.run(
                [self.binary, "-v", self.voice_for(language), "-s", speed, "--stdout", "-b", "1", text],
                capture_output=True,
                timeout=30,
                check=False,
            )
        except FileNotFoundError as error:
            raise SpeechEngineError(f"{self.binary} is not installed (Debian package espeak-ng).") from error
        if result.returncode != 0 or not result.stdout.startswith(b"RIFF"):
            raise SpeechEngineError(result.stderr.decode("utf-8", "replace").strip() or "espeak-ng produced no audio")
        return result.stdout


@cache
def speech_engine() -> SpeechEngine:
    return import_string(settings.TTS_ENGINE)()


def trim_for_speech(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= MAX_SPEECH_CHARS:
        return text
    cut = text[:MAX_SPEECH_CHARS]
    ends = [cut.rfind(mark) for mark in "。！？!?.；;"]
    end = max(ends)
    return cut[: end + 1] if end > MAX_SPEECH_CHARS // 3 else cut


def speech_url(text: str, language: str) -> str:
    """The URL of ``text`` spoken in ``language``; the text travels signed, rendering happens on request."""
    token = signing.dumps([language, trim_for_speech(text)], salt=SIGNING_SALT, compress=True)
    return reverse("card-speech", args=[token])


def read_speech_token(token: str) -> tuple[str, str]:
    """(language, text) of a token made by ``speech_url``; ``signing.BadSignature`` when forged."""
    value = signing.loads(token, salt=SIGNING_SALT)
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)):
        raise signing.BadSignature("malformed speech token")
    return value[0], value[1]


def speech_file(text: str, language: str, engine: SpeechEngine | None = None) -> Path:
    """The cached audio file of ``text``; rendered once, then served from disk."""
    engine = engine or speech_engine()
    key = hashlib.sha256(f"{engine.name}\0{engine.voice_for(language)}\0{text}".encode()).hexdigest()
    folder = Path(settings.TTS_CACHE_DIR) / key[:2]
    path = folder / f"{key}{engine.suffix}"
    if path.exists():
        return path
    audio = engine.render(text, language)
    folder.mkdir(parents=True, exist_ok=True)
    # Write then rename: two requests rendering the same text never serve a half-written file.
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".part")
    with os.fdopen(handle, "wb") as out:
        out.write(audio)
    os.replace(temporary, path)
    return path
