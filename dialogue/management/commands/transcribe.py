"""``manage.py transcribe PATH [--language zh-hans|yue|en]``: a call recording's segments with times, the first
(keyword) emotion and the sound information of each; then one JSON object (text, segments, rtf) as the last line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dialogue.audio_input import AudioInputError, decode_file
from dialogue.speech import WHISPER_LANGUAGES, SpeechError, transcribe


class Command(BaseCommand):
    help = "Transcribe a call recording (WAV, MP3, M4A, WebM, Ogg, FLAC) with Whisper and analyse each segment."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("path", type=Path)
        parser.add_argument("--language", default="zh-hans", choices=sorted(set(WHISPER_LANGUAGES) - {"zh"}))

    def handle(self, *args, **options) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            clip = decode_file(path)
            result = transcribe(clip, options["language"], progress=self._progress)
        except (AudioInputError, SpeechError) as error:
            raise CommandError(str(error)) from None
        for segment in result.segments:
            sound = segment.sound
            pitch = f"F0 {sound['f0_mean']:.0f} Hz" if sound.get("f0_mean") else "F0 —"
            rate = f"{sound['speaking_rate']:.1f} syll/s" if sound.get("speaking_rate") else ""
            self.stdout.write(
                f"[{_clock(segment.start)} → {_clock(segment.end)}] {segment.text}  "
                f"({segment.emotion}; {pitch}, {sound.get('intonation', '—')}, {rate})"
            )
        if not result.segments:
            self.stdout.write("No speech found.")
        self.stdout.write(
            f"{clip.duration:.1f} s of audio in {result.seconds:.1f} s (real-time factor {result.rtf:.2f})"
        )
        self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))

    def _progress(self, done: float, total: float) -> None:
        if total > 300:
            print(f"… {done / total:.0%}", file=sys.stderr, flush=True)


def _clock(seconds: float) -> str:
    return f"{int(seconds // 60):02d}:{seconds % 60:05.2f}"
