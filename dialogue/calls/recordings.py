"""Call recordings (SPEC V1, V2, X3): receive an upload under the customer's call-recording consent, transcribe it
in the background, store the segments with who said each (``dialogue.speech.speakers``).
A call never stays stuck: every failure ends in ``failed`` with a reason."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.consent import current_consents
from crm.models import Consent, Customer, User
from dialogue.calls.models import Call, CallSegment, ReplySuggestion, Speaker
from dialogue.calls.pushes import announce_status
from dialogue.calls.suggestions import call_category, suggest_after
from dialogue.speech.audio_input import AudioInputError, decode_file, probe
from dialogue.speech.recognition import Segment, SpeechError, transcribe
from dialogue.speech.speakers import read_channels, separate

logger = logging.getLogger(__name__)


class CallRefusedError(ValueError):
    """The recording is refused; the message says why (no consent, not audio, too long, too large)."""


def check_recording_consent(customer: Customer) -> None:
    if not current_consents(customer)[Consent.Purpose.CALL_RECORDING]:
        raise CallRefusedError(_("The customer has not agreed to call recording; record the consent first."))


def receive_call(customer: Customer, salesperson: User, data: bytes, filename: str, language: str) -> Call:
    """Check the consent and the file (format and stated length, without decoding it), store the call. The caller
    (the API view) then queues its transcription (``tasks.enqueue_transcription``)."""
    check_recording_consent(customer)
    if not data:
        raise CallRefusedError(_("The recording is empty."))
    if len(data) > settings.CALL_MAX_BYTES:
        raise CallRefusedError(_("The recording is larger than %(mb)s MB.") % {"mb": settings.CALL_MAX_BYTES >> 20})
    with tempfile.NamedTemporaryFile(suffix=".audio") as handle:
        handle.write(data)
        handle.flush()
        try:
            kind, stated = probe(Path(handle.name))
        except AudioInputError as error:
            raise CallRefusedError(str(error)) from None
    if stated is not None and stated > settings.CALL_MAX_SECONDS:
        raise CallRefusedError(
            _("The recording lasts %(minutes)d minutes; up to %(limit)d minutes are accepted.")
            % {"minutes": stated // 60, "limit": settings.CALL_MAX_SECONDS // 60}
        )
    with transaction.atomic():
        call = Call(customer=customer, salesperson=salesperson, language=language, audio_format=kind, duration=stated)
        call.recording.save(f"call.{kind}", ContentFile(data), save=False)
        call.save()
    return call


def transcribe_call(call_id: int) -> Call | None:
    """Transcribe the call's recording into segments; idempotent (a call done stays done)."""
    call = Call.objects.filter(pk=call_id).first()
    if call is None or call.status == Call.Status.DONE:
        return call
    _update(call.pk, status=Call.Status.TRANSCRIBING, progress=0.0, error="")
    try:
        clip = decode_file(Path(call.recording.path))

        def progress(done: float, total: float) -> None:
            _update(call.pk, progress=round(done / total, 3) if total else 1.0)

        result = transcribe(clip, call.language, progress=progress, organisation=call.customer.organisation_id)
    except (AudioInputError, SpeechError, OSError) as error:
        return _update(call.pk, status=Call.Status.FAILED, error=str(error)[:300])
    except Exception:
        logger.exception("Transcribing call %s failed", call.pk)
        _update(call.pk, status=Call.Status.FAILED, error=_("Transcription failed; see the log."))
        raise
    speakers = _speakers(Path(call.recording.path), result.segments, clip.duration)
    with transaction.atomic():
        CallSegment.objects.filter(call=call).delete()  # a redelivered task starts over
        store_segments(call, result.segments, speakers=speakers)
        return _update(
            call.pk, status=Call.Status.DONE, progress=1.0, duration=clip.duration, rtf=round(result.rtf, 3),
            transcribed_at=timezone.now(),
        )  # fmt: skip


def _speakers(path: Path, segments: list[Segment], duration: float) -> list[str]:
    """Who said each segment (``dialogue.speech.speakers``: the channels when the recording has two, else the voices);
    not separated when the channels cannot be read again."""
    try:
        channels = read_channels(path, duration + 1.0)
    except (AudioInputError, OSError):
        logger.warning("The speakers of %s could not be separated", path)
        return [Speaker.UNKNOWN] * len(segments)
    return separate(channels, [(segment.start, segment.end) for segment in segments]).speakers


def _update(call_id: int, **values: object) -> Call:
    """Change the call and tell the salesperson's call page."""
    Call.objects.filter(pk=call_id).update(**values)
    call = Call.objects.get(pk=call_id)
    announce_status(call)  # after commit
    return call


def store_segments(
    call: Call, segments: list[Segment], category: str | None = None, speakers: list[str] | None = None
) -> list[tuple[CallSegment, list[ReplySuggestion]]]:
    """Store recognised segments after the call's last one, each with who said it (``speakers``, parallel to
    ``segments``; not separated when absent) and, after the customer's, its top reply suggestions (V7)."""
    last = CallSegment.objects.filter(call=call).order_by("-index").values_list("index", flat=True).first()
    first_index = 0 if last is None else last + 1
    category = call_category(call) if category is None else category
    speakers = speakers or [Speaker.UNKNOWN] * len(segments)
    stored = []
    for index, (segment, speaker) in enumerate(zip(segments, speakers, strict=True), start=first_index):
        row = CallSegment.objects.create(
            call=call, index=index, start=segment.start, end=segment.end, text=segment.text,
            emotion=segment.emotion, emotion_scores=segment.emotion_scores, first_emotion=segment.first_emotion,
            second_scores=segment.second_scores, keywords=list(segment.keywords), situation=segment.situation,
            scene=segment.scene, relation=segment.relation, sound=segment.sound, speaker=speaker,
        )  # fmt: skip
        stored.append((row, suggest_after(row, category)))
    return stored
