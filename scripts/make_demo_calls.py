#!/usr/bin/env python3
"""Write the demo call recordings of the call assistant: ``dialogue/demo_calls/`` (four MP3 clips + manifest.json).

Run from the repository root::

    python scripts/make_demo_calls.py            # writes dialogue/demo_calls/
    python scripts/make_demo_calls.py --out DIR  # somewhere else

Each clip is a short two-party call (salesperson and customer alternating, 6–8 turns, about 26–30 s) synthesised
by espeak-ng — no network, no neural TTS — and encoded by ffmpeg as mono 16 kHz MP3 at 32 kbit/s (about 110 KB):

- ``sofa_price_zh.mp3``: Mandarin, a sofa (沙发) pre-sale call; the customer calmly finds it 太贵了, asks about the
  discount and the delivery, and ends interested.
- ``insurance_busy_zh.mp3``: Mandarin, a critical-illness insurance (重疾险) cold call; the customer calmly says
  现在有事，不要说了 (busy, not annoyed) and agrees to a call back.
- ``delivery_complaint_zh.mp3``: Mandarin, after-sale; an angry customer (the angry tone profile) complains that
  the delivery is late (不要再说了, 太差了) and the salesperson apologises.
- ``credit_card_en.mp3``: English, a credit-card call; the customer asks about the annual fee and the interest
  rate, calm, then pleased.

The turns' texts, speakers and tones live in ``CLIPS`` below and ``manifest.json`` is written from them. A tone is
a fixed SSML prosody profile (``TONES``) in the bands of ``dialogue.speech.voice_emotion.PROFILES`` — angry: higher
pitch,
faster, louder; calm: a little lower and quieter than the voice's default; joyful: higher, livelier — so that the
voice (second) emotion model reads the delivery, not only the words. Nothing is drawn at random: the output is
byte-for-byte reproducible for a given espeak-ng and ffmpeg. Mandarin is spoken by the ``cmn-latn-pinyin`` voice
(the plain ``cmn`` voice reads most characters as English letters), English by ``en-us``; in every clip the
salesperson is variant f3 and the customer m4. Turns are trimmed of espeak's own leading and trailing silence and
joined by ``PAUSE_SECONDS`` of silence, since pauses are how the recognition finds its segments.

The wordings, pronunciations, voices and rate were chosen for Whisper base (the project's recogniser, ``manage.py
transcribe``), which hears robotic espeak Mandarin poorly (about 70 % character errors on arbitrary sentences):
short, common words; no 就/九/久 (heard as "Q"); 沙发 and 说 said with a flat "s" (``PRONUNCIATION``); f3 and m4 at
165 words a minute, the best of the variants (f1–f5, m1–m4, m7) and rates (130–175) tried. With these every turn
comes back as one segment, the Mandarin clips with about 10 % character errors and the key phrases (太贵了, 不要说了,
不要再说了, 太差了) intact, the English clip word for word. Standard library only, plus the ``espeak-ng`` and
``ffmpeg`` programs.
"""

from __future__ import annotations

import argparse
import array
import json
import subprocess
import sys
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "dialogue" / "demo_calls"

PAUSE_SECONDS = 0.9  # silence between turns
EDGE_SECONDS = 0.3  # silence at the start and the end of a clip
TRIM_THRESHOLD = 200  # |sample| (16-bit) under which espeak's output counts as silence when trimming
TRIM_MARGIN_SECONDS = 0.02
MP3_RATE, MP3_BITRATE = 16000, "32k"

# espeak-ng words per minute (-s) per language; the tone's prosody rate is relative to it.
BASE_RATE = {"zh-hans": 165, "en": 160}
VOICE = {"zh-hans": "cmn-latn-pinyin", "en": "en-us"}

# Tone profiles: SSML prosody in per cent against the voice's own pitch, rate and volume (fixed, deterministic), in
# the bands of dialogue.speech.voice_emotion.PROFILES, so that the project's voice (second) emotion model reads them:
# calm
# a little lower and quieter than the voice's default, angry higher, faster and much louder, joyful higher, livelier
# and louder.
TONES = {
    "calm": {"pitch": -5, "range": "medium", "rate": 0, "volume": -15},
    "angry": {"pitch": 25, "range": "low", "rate": 30, "volume": 70},
    "joyful": {"pitch": 35, "range": "x-high", "rate": 15, "volume": 25},
}


@dataclass(frozen=True)
class Turn:
    speaker: str  # "salesperson" or "customer"
    tone: str  # a key of TONES
    text: str  # what is said, as the manifest shows it


@dataclass(frozen=True)
class Clip:
    file: str
    language: str  # "zh-hans" or "en"
    title_zh: str
    title_en: str
    voices: dict  # speaker -> espeak-ng voice variant
    turns: tuple[Turn, ...]


S, C = "salesperson", "customer"

CLIPS = (
    Clip(
        file="sofa_price_zh.mp3",
        language="zh-hans",
        title_zh="沙发售前咨询：客户嫌贵，询问打折和送货",
        title_en="Sofa pre-sale call: the customer finds it too expensive, asks about a discount and delivery",
        voices={S: "f3", C: "m4"},
        turns=(
            Turn(S, "calm", "您好，我是小王，您想买沙发吗？"),
            Turn(C, "calm", "你好，这个沙发多少钱？"),
            Turn(S, "calm", "这款沙发三千八百块。"),
            Turn(C, "calm", "太贵了，可以打折吗？"),
            Turn(S, "calm", "现在买可以打八折，还免费送货。"),
            Turn(C, "calm", "哪天能送到？"),
            Turn(S, "calm", "三天以内送到。"),
            Turn(C, "calm", "好的，我下午过去看看。"),
        ),
    ),
    Clip(
        file="insurance_busy_zh.mp3",
        language="zh-hans",
        title_zh="重疾险电话推销：客户在忙，约好明天再打",
        title_en="Critical-illness insurance cold call: the customer is busy and agrees to a call back tomorrow",
        voices={S: "f3", C: "m4"},
        turns=(
            Turn(S, "calm", "您好，我是保险公司的小王，想给您介绍一款重疾险。"),
            Turn(C, "calm", "不好意思，现在有事，不要说了。"),
            Turn(S, "calm", "好的，那明天再给您打电话，可以吗？"),
            Turn(C, "calm", "好的，明天下午吧。"),
            Turn(S, "calm", "好的，明天下午三点我再打给您。"),
            Turn(C, "calm", "好的，再见。"),
        ),
    ),
    Clip(
        file="delivery_complaint_zh.mp3",
        language="zh-hans",
        title_zh="售后投诉：沙发迟迟没有送到，客户很生气",
        title_en="After-sale complaint: the sofa has not been delivered and the customer is angry",
        voices={S: "f3", C: "m4"},
        turns=(
            Turn(S, "calm", "您好，这里是客服，请问有什么可以帮您？"),
            Turn(C, "angry", "我的沙发到现在还没送到！"),
            Turn(S, "calm", "不好意思，我马上帮您查一下。"),
            Turn(C, "angry", "你们太差了，我都等了五天了！"),
            Turn(S, "calm", "真的很抱歉，明天上午给您送到。"),
            Turn(C, "angry", "好了，不要再说了！明天再不送到，我要投诉你们！"),
            Turn(S, "calm", "好的，真的对不起。"),
        ),
    ),
    Clip(
        file="credit_card_en.mp3",
        language="en",
        title_zh="信用卡电话推销：客户询问年费和利率",
        title_en="Credit card call: the customer asks about the annual fee and the interest rate",
        voices={S: "f3", C: "m4"},
        turns=(
            Turn(
                S,
                "calm",
                "Hello, this is Anna from Green Bank, do you have a minute to talk about our new credit card?",
            ),
            Turn(C, "calm", "Sure. What is the annual fee?"),
            Turn(S, "calm", "There is no annual fee in the first year. After that, it is twenty-five dollars a year."),
            Turn(C, "calm", "And what is the interest rate?"),
            Turn(
                S, "calm", "The interest rate is fifteen percent, and you get two percent cash back on every purchase."
            ),
            Turn(C, "joyful", "Great, that sounds really good! Please send me the application."),
        ),
    ),
)

# How espeak-ng is told to say words it says unclearly (Mandarin: pinyin with tone numbers, which the
# cmn-latn-pinyin voice reads). Its retroflex "sh" comes out blurred, and Whisper then hears 沙发 as 咖啡 or 傻傻
# and 说了 as 夸了; the flat "s" of a southern accent is understood.
PRONUNCIATION = {
    "zh-hans": {"沙发": "sa1 fa1", "说": "suo1"},
    "en": {},
}


def spoken(turn: Turn, language: str) -> str:
    """The text espeak-ng is given for a turn: its text with the language's pronunciations."""
    text = turn.text
    for word, pronunciation in PRONUNCIATION[language].items():
        text = text.replace(word, pronunciation)
    return text


# --- Synthesis ------------------------------------------------------------------------------------------------------
def ssml(text: str, tone: str) -> str:
    profile = TONES[tone]
    attributes = (
        f'pitch="{profile["pitch"]:+d}%" range="{profile["range"]}" '
        f'rate="{profile["rate"]:+d}%" volume="{profile["volume"]:+d}%"'
    )
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"<speak><prosody {attributes}>{text}</prosody></speak>"


def speak(text: str, language: str, variant: str, tone: str, workdir: Path) -> tuple[array.array, int]:
    """One turn as 16-bit samples (espeak's own silence trimmed) and their sample rate."""
    path = workdir / "turn.wav"
    command = ["espeak-ng", "-v", f"{VOICE[language]}+{variant}", "-s", str(BASE_RATE[language]), "-m",
               "-w", str(path), ssml(text, tone)]  # fmt: skip
    result = subprocess.run(command, capture_output=True, timeout=60, check=False)
    if result.returncode != 0 or not path.is_file():
        raise RuntimeError(f"espeak-ng failed: {result.stderr.decode('utf-8', 'replace').strip()}")
    with wave.open(str(path)) as reader:
        if reader.getnchannels() != 1 or reader.getsampwidth() != 2:
            raise RuntimeError("espeak-ng did not write 16-bit mono PCM")
        rate = reader.getframerate()
        samples = array.array("h", reader.readframes(reader.getnframes()))
    if sys.byteorder == "big":
        samples.byteswap()
    return trim(samples, rate), rate


def trim(samples: array.array, rate: int) -> array.array:
    loud = [i for i, value in enumerate(samples) if abs(value) > TRIM_THRESHOLD]
    if not loud:
        return array.array("h")
    margin = int(TRIM_MARGIN_SECONDS * rate)
    return samples[max(0, loud[0] - margin) : loud[-1] + margin + 1]


def render_clip(clip: Clip, target: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="demo_calls_") as tmp:
        workdir = Path(tmp)
        pieces, rate = [], None
        for turn in clip.turns:
            text, voice = spoken(turn, clip.language), clip.voices[turn.speaker]
            samples, turn_rate = speak(text, clip.language, voice, turn.tone, workdir)
            if rate not in (None, turn_rate):
                raise RuntimeError("espeak-ng changed its sample rate between turns")
            rate = turn_rate
            pieces.append(samples)
        pause = array.array("h", bytes(2 * int(PAUSE_SECONDS * rate)))
        edge = array.array("h", bytes(2 * int(EDGE_SECONDS * rate)))
        audio = array.array("h", edge)
        for index, piece in enumerate(pieces):
            if index:
                audio += pause
            audio += piece
        audio += edge
        if sys.byteorder == "big":
            audio.byteswap()
        wav = workdir / "call.wav"
        with wave.open(str(wav), "wb") as writer:
            writer.setnchannels(1)
            writer.setsampwidth(2)
            writer.setframerate(rate)
            writer.writeframes(audio.tobytes())
        encode(wav, target)


def encode(wav: Path, target: Path) -> None:
    command = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", str(wav),
               "-ac", "1", "-ar", str(MP3_RATE), "-codec:a", "libmp3lame", "-b:a", MP3_BITRATE,
               "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact", "-id3v2_version", "0",
               "-write_xing", "0", str(target)]  # fmt: skip
    result = subprocess.run(command, capture_output=True, timeout=120, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"ffmpeg failed: {result.stderr.decode('utf-8', 'replace').strip()}")


# --- Manifest -------------------------------------------------------------------------------------------------------
def manifest() -> list[dict]:
    return [
        {
            "file": clip.file,
            "language": clip.language,
            "title_zh": clip.title_zh,
            "title_en": clip.title_en,
            "turns": [{"speaker": t.speaker, "tone": t.tone, "text": t.text} for t in clip.turns],
        }
        for clip in CLIPS
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output folder (default: dialogue/demo_calls)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for clip in CLIPS:
        target = args.out / clip.file
        render_clip(clip, target)
        print(f"{target} ({target.stat().st_size // 1024} KB)")
    path = args.out / "manifest.json"
    path.write_text(json.dumps(manifest(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(path)


if __name__ == "__main__":
    main()
