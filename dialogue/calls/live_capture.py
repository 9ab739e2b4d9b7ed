"""Live call capture (SPEC V1): audio streamed from the salesperson's microphone, transcribed utterance by
utterance while the call goes on.

- Every frame is appended to ``MEDIA_ROOT/calls/live/<call id>.pcm`` before anything else, so a dropped connection
  loses nothing that arrived: ``finish`` (on stop or on disconnect) recognises the speech still waiting, turns the
  PCM into the call's WAV recording and marks the call done.
- Each utterance (``dialogue.speech.utterances``) is recognised, stored as segments with their relations to the
sentences
  before, given its top reply suggestions, and pushed to the salesperson's call page.
- A call longer than ``CALL_MAX_SECONDS`` is ended: what arrived is kept and processed.
- **Who speaks** (``dialogue.speech.speakers``): a call started with ``channels: 2`` streams interleaved stereo, the
  promoter's own microphone on channel 0 (the salesperson) and the line on channel 1 (the customer). Each channel is
  cut into utterances on its own, so every segment knows its speaker, and suggestions follow only the customer's.
  A mono stream (one microphone hearing both) is told apart by voice as it arrives (``speakers.OnlineVoices``: the
  opening utterance is the salesperson's, the answer the customer's, later ones the nearer voice).
"""

from __future__ import annotations

import logging
import threading
import time
import wave
from dataclasses import dataclass, field, replace
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.access import customers_visible_to
from crm.models import User
from dialogue.calls import tasks
from dialogue.calls.models import Call, CallSegment, ReplySuggestion, Speaker
from dialogue.calls.pushes import announce_segment, announce_status
from dialogue.calls.recordings import CallRefusedError, check_recording_consent, store_segments
from dialogue.calls.suggestions import call_category
from dialogue.sentence_context import relations
from dialogue.speech.audio_input import TARGET_RATE
from dialogue.speech.recognition import WHISPER_LANGUAGES, recognise_utterance
from dialogue.speech.speakers import OnlineVoices
from dialogue.speech.utterances import StreamError, Utterance, UtteranceCutter, pcm16_to_float

LIVE_DIR = "calls/live"
STEREO_SUFFIX = ".2ch.pcm"  # a stereo call's PCM file, so that a recovery knows its channels
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SpokenUtterance(Utterance):
    speaker: str = Speaker.UNKNOWN


@dataclass
class LiveCall:
    call: Call
    path: Path
    category: str
    cutter: UtteranceCutter = field(default_factory=UtteranceCutter)  # the microphone (mono: everything)
    channels: int = 1
    line_cutter: UtteranceCutter | None = None  # stereo: the line, the customer
    voices: OnlineVoices = field(default_factory=OnlineVoices)  # mono: the speakers by voice
    last_text: str = ""
    finished: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)  # one recognition or finish at a time

    def receive(self, data: bytes) -> list[Utterance]:
        """Keep a frame of PCM and return the utterances it completed (in stereo, each with its speaker)."""
        if self.finished:
            raise StreamError(_("The call has ended; start a new one."))
        samples = pcm16_to_float(data)
        if self.channels == 2 and len(samples) % 2:
            raise StreamError(_("A stereo frame must hold whole sample pairs (a multiple of 4 bytes)."))
        if self.cutter.seconds + len(samples) / self.channels / TARGET_RATE > settings.CALL_MAX_SECONDS:
            raise StreamError(
                _("The call is longer than %(limit)d minutes; stop it and start a new one.")
                % {"limit": settings.CALL_MAX_SECONDS // 60}
            )
        with self.path.open("ab") as handle:
            handle.write(data)
        if self.line_cutter is None:
            return self.cutter.feed(samples)
        return _in_order(self.cutter.feed(samples[0::2]), self.line_cutter.feed(samples[1::2]))

    def recognise(self, utterance: Utterance) -> list[tuple[CallSegment, list[ReplySuggestion]]]:
        """Recognise one utterance, store its segments with suggestions and push them; returns what was stored."""
        with self.lock:
            return self._recognise(utterance)

    def _recognise(self, utterance: Utterance) -> list[tuple[CallSegment, list[ReplySuggestion]]]:
        segments = recognise_utterance(
            utterance.samples, self.call.language, utterance.start, self.call.customer.organisation_id
        )
        if not segments:
            return []
        texts = [s.text for s in segments]
        linked = relations([self.last_text, *texts] if self.last_text else texts)[-len(texts) :]
        segments = [replace(s, relation=r) for s, r in zip(segments, linked, strict=True)]
        speaker = getattr(utterance, "speaker", None) or self.voices.assign(utterance.samples)
        with transaction.atomic():
            stored = store_segments(self.call, segments, self.category, [speaker] * len(segments))
        self.last_text = texts[-1]
        for row, suggestions in stored:
            announce_segment(self.call, row, suggestions)
        return stored

    def finish(self, waiting: list[Utterance] = ()) -> Call:
        """Recognise the utterances still ``waiting`` and the speech not yet cut, write the recording, mark the call
        done (idempotent)."""
        with self.lock:
            if self.finished:
                return Call.objects.get(pk=self.call.pk)
            self.finished = True
            rest = (
                self.cutter.flush()
                if self.line_cutter is None
                else _in_order(self.cutter.flush(), self.line_cutter.flush())
            )
            for utterance in [*waiting, *rest]:
                try:
                    self._recognise(utterance)
                except Exception:  # the recording is still kept and the call still ends
                    logger.exception("Recognising the end of live call %s failed", self.call.pk)
            return self._close()

    def _close(self) -> Call:
        duration = write_recording(self.call.pk, self.path, self.channels)
        Call.objects.filter(pk=self.call.pk).update(
            recording=recording_name(self.call.pk), duration=duration, status=Call.Status.DONE, progress=1.0,
            transcribed_at=timezone.now(),
        )  # fmt: skip
        call = Call.objects.get(pk=self.call.pk)
        announce_status(call)
        return call


def _in_order(microphone: list[Utterance], line: list[Utterance]) -> list[Utterance]:
    """The utterances of both channels by start time, each with its speaker."""
    spoken = [SpokenUtterance(u.start, u.samples, Speaker.SALESPERSON) for u in microphone]
    spoken += [SpokenUtterance(u.start, u.samples, Speaker.CUSTOMER) for u in line]
    return sorted(spoken, key=lambda u: u.start)


def recording_name(call_id: int) -> str:
    return f"{LIVE_DIR}/{call_id}.wav"


def write_recording(call_id: int, path: Path, channels: int = 1) -> float:
    """The streamed PCM as the call's WAV recording (the PCM file goes); returns the duration in seconds."""
    raw = path.read_bytes() if path.exists() else b""
    raw = raw[: len(raw) // (2 * channels) * 2 * channels]
    with wave.open(str(Path(settings.MEDIA_ROOT) / recording_name(call_id)), "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(2)
        writer.setframerate(TARGET_RATE)
        writer.writeframes(raw)
    path.unlink(missing_ok=True)
    return round(len(raw) / 2 / channels / TARGET_RATE, 2)


def recover_abandoned_calls(idle_seconds: float = 300.0) -> list[int]:
    """Live calls whose web process died mid-call (still ``transcribing``, no audio for ``idle_seconds``): what
    arrived becomes the recording and goes through the upload path's transcription. Run whenever a live call
    starts and by ``make run``'s prepare step (``manage.py recover_live_calls``); returns the calls recovered."""

    recovered = []
    for call in Call.objects.filter(source=Call.Source.LIVE, status=Call.Status.TRANSCRIBING):
        stereo = Path(settings.MEDIA_ROOT) / LIVE_DIR / f"{call.pk}{STEREO_SUFFIX}"
        channels = 2 if stereo.exists() else 1
        path = stereo if channels == 2 else Path(settings.MEDIA_ROOT) / LIVE_DIR / f"{call.pk}.pcm"
        if path.exists() and time.time() - path.stat().st_mtime < idle_seconds:
            continue  # still streaming
        with transaction.atomic():
            duration = write_recording(call.pk, path, channels)
            Call.objects.filter(pk=call.pk).update(
                recording=recording_name(call.pk), duration=duration, status=Call.Status.RECEIVED, progress=0.0
            )
            tasks.enqueue_transcription(call.pk)
        recovered.append(call.pk)
    return recovered


def start_live_call(user: User, customer_id: object, language: object, channels: object = 1) -> LiveCall:
    """Open a live call for one of the user's customers who agreed to call recording; ``channels`` 2: stereo frames,
    the promoter's microphone on channel 0 and the line on channel 1."""
    if not isinstance(customer_id, int) or isinstance(customer_id, bool):
        raise CallRefusedError(_("customer must be a customer id."))
    if channels not in (1, 2) or isinstance(channels, bool):
        raise CallRefusedError(_("channels must be 1 (one microphone) or 2 (microphone and line)."))
    if language not in set(WHISPER_LANGUAGES) - {"zh"}:
        raise CallRefusedError(_("language must be zh-hans, yue or en."))
    customer = customers_visible_to(user).filter(pk=customer_id).first()
    if customer is None:
        raise CallRefusedError(_("You are not linked to this customer."))
    check_recording_consent(customer)
    recover_abandoned_calls()  # calls a dead process left behind, before this one begins
    call = Call.objects.create(
        customer=customer, salesperson=user, source=Call.Source.LIVE, language=language, audio_format="wav",
        status=Call.Status.TRANSCRIBING,
    )  # fmt: skip
    folder = Path(settings.MEDIA_ROOT) / LIVE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (f"{call.pk}{STEREO_SUFFIX}" if channels == 2 else f"{call.pk}.pcm")
    path.write_bytes(b"")
    announce_status(call)
    line = UtteranceCutter() if channels == 2 else None
    return LiveCall(call, path, call_category(call), channels=channels, line_cutter=line)


__all__ = ["CallRefusedError", "LiveCall", "StreamError", "start_live_call"]
