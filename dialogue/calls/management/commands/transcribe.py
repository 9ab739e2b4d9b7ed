"""``manage.py transcribe PATH [--language zh-hans|yue|en] [--category CODE]``: a call recording's segments with
times, emotions and sound information, each followed by the suggested replies (the active reply model and the final
choice of ``dialogue.calls.suggestions``, as on the call page); then one JSON object (text, segments with their
``suggestions``, rtf) as the last line. Nothing is stored."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dialogue.calls.suggestions import choose
from dialogue.speech.audio_input import AudioInputError, decode_file
from dialogue.speech.recognition import WHISPER_LANGUAGES, SpeechError, transcribe


class Command(BaseCommand):
    help = "Transcribe a call recording (WAV, MP3, M4A, WebM, Ogg, FLAC) with Whisper and analyse each segment."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("path", type=Path)
        parser.add_argument("--language", default="zh-hans", choices=sorted(set(WHISPER_LANGUAGES) - {"zh"}))
        parser.add_argument("--category", default="", help="Product category code of the call (e.g. sofa).")

    def handle(self, *args, **options) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            clip = decode_file(path)
            result = transcribe(clip, options["language"], progress=self._progress)
        except (AudioInputError, SpeechError) as error:
            raise CommandError(str(error)) from None
        segments = []
        for index, segment in enumerate(result.segments):
            sound = segment.sound
            pitch = f"F0 {sound['f0_mean']:.0f} Hz" if sound.get("f0_mean") else "F0 —"
            rate = f"{sound['speaking_rate']:.1f} syll/s" if sound.get("speaking_rate") else ""
            self.stdout.write(
                f"[{_clock(segment.start)} → {_clock(segment.end)}] {segment.text}  "
                f"({segment.emotion}; {segment.scene}; {pitch}, {sound.get('intonation', '—')}, {rate})"
            )
            suggestions = choose(result.segments[: index + 1], options["language"], options["category"])
            for rank, suggestion in enumerate(suggestions, start=1):
                self.stdout.write(f"    {rank}. {suggestion.text}  [{suggestion.key}]")
            segments.append({**segment.as_dict(), "suggestions": [s.as_dict() for s in suggestions]})
        if not result.segments:
            self.stdout.write("No speech found.")
        self.stdout.write(
            f"{clip.duration:.1f} s of audio in {result.seconds:.1f} s (real-time factor {result.rtf:.2f})"
        )
        self.stdout.write(json.dumps({**result.as_dict(), "segments": segments}, ensure_ascii=False))

    def _progress(self, done: float, total: float) -> None:
        if total > 300:
            print(f"… {done / total:.0%}", file=sys.stderr, flush=True)


def _clock(seconds: float) -> str:
    return f"{int(seconds // 60):02d}:{seconds % 60:05.2f}"
