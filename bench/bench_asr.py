"""Benchmark: speech recognition for calls (issues 8 and 20) — Whisper base built offline (``manage.py
build_asr_model``), run through ``dialogue.speech.recognition`` (chunking, guards, Simplified output, Chinese
punctuation, sound analysis included), before and after biasing towards the organisation's vocabulary, in one run.

- "before": no biasing; "after": the product's default (``DEFAULT_BIASING``: hotword boosting of the words of
  ``dialogue.speech.vocabulary``; the product-wide business words without an organisation). The real clips are
  also decoded with each demo company's vocabulary (words that have nothing to do with them: biasing must not
  hurt unrelated speech) and with the vocabulary sentence as Whisper's initial prompt as well.
- Character error rate on the real Mandarin clips of ``../shared/data/speech`` (punctuation and spaces removed,
  both sides converted to Simplified) and word error rate on the English clip. Nothing was tuned on these clips.
- Character error rate on the Mandarin demo calls (``dialogue/demo_calls``, espeak-ng), each decoded with its demo
  company's catalogue (``seed_demo``), and whether their key words come out; on espeak-ng sentences.
- Real-time factor (recognition seconds / audio seconds, model loaded and warmed up) on this CPU, and the live
  recogniser (``recognise_utterance``) before and after: on each real clip as one utterance, and on the demo calls
  cut into utterances at pauses as live capture cuts them, with the recognition time per utterance.
Published anchors: Whisper base ≈ 22 % CER on AISHELL-1 test without fine-tuning, small ≈ 14 %.

Run: .venv/bin/python bench/bench_asr.py [--data ../shared/data/speech]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ESPEAK_SENTENCES = ("您好，我想了解一下大额存单", "这个沙发多少钱", "现在有事，不要说了", "我下午三点有空")
_NOT_TEXT = re.compile(r"[\s\W_]+", re.UNICODE)


def edit_distance(a: list[str], b: list[str]) -> int:
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def normalise_chinese(text: str) -> list[str]:
    from dialogue.text import to_simplified

    return list(_NOT_TEXT.sub("", to_simplified(text)))


def normalise_english(text: str) -> list[str]:
    return re.sub(r"[^a-z' ]+", " ", text.lower()).split()


def set_up(model_dir: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.update({"ENV_FILE": "", "DEBUG": "false", "SECRET_KEY": "bench-" + "x" * 60,
                       "ALLOWED_HOSTS": "localhost", "MODEL_DIR": str(model_dir),
                       "DATABASE_URL": f"sqlite:///{model_dir}/bench.sqlite3",
                       "DJANGO_SETTINGS_MODULE": "salescard.settings"})  # fmt: skip
    import django

    django.setup()
    from django.core.management import call_command

    from salescard.demo.seeding import seed_demo

    call_command("migrate", verbosity=0)  # the first emotion reads the conversation engine's word lists
    call_command("build_asr_model", verbosity=0)
    seed_demo(customers=1)  # the two demo companies' catalogues: the vocabulary their calls are decoded with


class Tally:
    """Errors, reference length and seconds of one configuration over a set of clips."""

    def __init__(self) -> None:
        self.errors, self.total, self.seconds, self.audio = 0, 0, 0.0, 0.0

    def add(self, reference: list[str], hypothesis: list[str], seconds: float, audio: float) -> int:
        errors = edit_distance(reference, hypothesis)
        self.errors += errors
        self.total += len(reference)
        self.seconds += seconds
        self.audio += audio
        return errors

    def __str__(self) -> str:
        rate = self.errors / max(1, self.total)
        return f"{rate:6.1%} ({self.errors}/{self.total}), RTF {self.seconds / max(self.audio, 1e-9):.2f}"


def organisation_of(line: str) -> int:
    from crm.models import Organisation
    from salescard.demo.companies import company_of_line

    return Organisation.objects.get(name=company_of_line(line).name).pk


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "speech")
    parser.add_argument("--parts", default="real,demo,live", help="which parts to run (default: all three)")
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    if not (args.data / "manifest.tsv").is_file():
        sys.exit(f"no manifest at {args.data}: the real clips live in ../shared/data/speech")
    set_up(Path(tempfile.mkdtemp(prefix="salescard-asr-")))
    from dialogue.speech.audio_input import decode, decode_file
    from dialogue.speech.recognition import DEFAULT_BIASING, NO_BIASING, Biasing, transcribe
    from dialogue.speech.vocabulary import vocabulary_for

    loaded = time.perf_counter()
    transcribe(decode_file(args.data / "funasr_asr_example.wav"), "zh-hans")  # loads the model, warms up
    print(f"model load + warm-up: {time.perf_counter() - loaded:.1f} s")
    home, bank = organisation_of("home"), organisation_of("insurance")
    for organisation in (None, home, bank):
        print(f"vocabulary of {organisation}: {vocabulary_for(organisation).prompt}")
    # (name, biasing, organisation for the real clips): before, after, and after with each demo company's words.
    configs = [
        ("before", NO_BIASING, None),
        ("after", DEFAULT_BIASING, None),
        ("after, home words", DEFAULT_BIASING, home),
        ("after, bank words", DEFAULT_BIASING, bank),
        ("prompt + boost, home", Biasing(prompt=True), home),
    ]
    rows = list(csv.DictReader((args.data / "manifest.tsv").open(encoding="utf-8"), delimiter="\t"))
    real = {name: Tally() for name, _, _ in configs}
    english = {name: Tally() for name, _, _ in configs[:2]}
    ascii_marks = {name: 0 for name, _, _ in configs}
    print(f"\n{'real clip':26} {'secs':>5} {'config':22} {'errors':>7}  transcript")
    for row in rows if "real" in parts else ():
        clip = decode_file(args.data / row["file"])
        is_english = row["lang"] == "en"
        normalise = normalise_english if is_english else normalise_chinese
        reference = normalise(row["reference_text"])
        for name, biasing, organisation in configs[:2] if is_english else configs:
            result = transcribe(clip, "en" if is_english else "zh-hans", organisation=organisation, biasing=biasing)
            tally = (english if is_english else real)[name]
            errors = tally.add(reference, normalise(result.text), result.seconds, clip.duration)
            if not is_english:
                ascii_marks[name] += len(_ASCII_MARK_BY_CJK.findall(result.text))
            print(
                f"{row['id'][:26]:26} {clip.duration:5.1f} {name:22} {errors:3}/{len(reference):<3}  {result.text[:70]}"
            )
    calls = demo_calls(decode_file, transcribe, configs, home, bank) if "demo" in parts else {}
    espeak = {name: Tally() for name, _, _ in configs[:2]}
    for sentence in ESPEAK_SENTENCES if "demo" in parts else ():
        wav = subprocess.run(["espeak-ng", "-v", "cmn-latn-pinyin", "-s", "150", "--stdout", sentence],
                             capture_output=True, check=True).stdout  # fmt: skip
        clip = decode(wav)
        for name, biasing, _ in configs[:2]:
            result = transcribe(clip, "zh-hans", biasing=biasing)
            espeak[name].add(normalise_chinese(sentence), normalise_chinese(result.text), result.seconds, clip.duration)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("\nupload path (transcribe): CER and real-time factor")
    for name, _, _ in configs:
        print(f"  {name:22} real Mandarin clips {real[name]}; demo calls {calls.get(name, '-')}; "
              f"ASCII punctuation by Chinese characters: {ascii_marks[name]}")  # fmt: skip
    for name in english:
        print(f"  {name:22} WER, English clip {english[name]}; espeak-ng Mandarin CER {espeak[name]}")
    print(f"peak memory {peak:.0f} MB")
    if "live" in parts:
        live_path(args.data, rows, home, bank)


_ASCII_MARK_BY_CJK = re.compile(r"(?<=[\u3400-\u9fff])[,?!;:.]|[,?!;:.](?=[\u3400-\u9fff])")
# The demo calls' line of business: their organisation's vocabulary is the one the call is decoded with.
DEMO_CALL_LINE = {
    "sofa_price_zh.mp3": "home",
    "delivery_complaint_zh.mp3": "home",
    "insurance_busy_zh.mp3": "insurance",
}
KEY_WORDS = ("打折", "打八折", "沙发", "再不送到", "投诉", "重疾险", "送货")


def demo_calls(decode_file, transcribe, configs, home: int, bank: int) -> dict:  # noqa: ANN001
    """CER of the Mandarin demo calls (dialogue/demo_calls, espeak-ng), each decoded with its company's words."""
    manifest = json.loads((ROOT / "dialogue" / "demo_calls" / "manifest.json").read_text(encoding="utf-8"))
    tallies = {name: Tally() for name, _, _ in configs}
    print(f"\n{'demo call':26} {'secs':>5} {'config':22} {'errors':>7}  key words heard")
    for call in manifest:
        if call["language"] != "zh-hans":
            continue
        clip = decode_file(ROOT / "dialogue" / "demo_calls" / call["file"])
        said = "".join(turn["text"] for turn in call["turns"])
        organisation = organisation_of(DEMO_CALL_LINE[call["file"]])
        for name, biasing, _ in configs[:2]:  # a call has its own company; the prompt was measured on the real clips
            result = transcribe(clip, "zh-hans", organisation=organisation, biasing=biasing)
            errors = tallies[name].add(normalise_chinese(said), normalise_chinese(result.text), result.seconds,
                                       clip.duration)  # fmt: skip
            heard = [f"{w}{'✓' if w in result.text else '✗'}" for w in KEY_WORDS if w in said]
            size = len(normalise_chinese(said))
            print(f"{call['file'][:26]:26} {clip.duration:5.1f} {name:22} {errors:3}/{size:<3}  "
                  f"{' '.join(heard)}  {result.text}")  # fmt: skip
    return tallies


def live_path(data: Path, rows: list[dict], home: int, bank: int) -> None:
    """The live recogniser (``recognise_utterance``: one greedy decode, encoder trimmed to the utterance + 1 s),
    before and after biasing: each real clip as one utterance, and the demo calls cut into utterances at pauses
    the way live capture cuts them."""
    from dialogue.speech.audio_input import decode_file
    from dialogue.speech.recognition import DEFAULT_BIASING, NO_BIASING, recognise_utterance
    from dialogue.speech.utterances import UtteranceCutter

    configs = (("before", NO_BIASING), ("after", DEFAULT_BIASING))
    real = {name: Tally() for name, _ in configs}
    print(f"\n{'live path: real clip':26} {'config':8} {'errors':>7}  transcript")
    for row in rows:
        if row["lang"] != "zh":
            continue
        clip = decode_file(data / row["file"])
        reference = normalise_chinese(row["reference_text"])
        for name, biasing in configs:
            started = time.perf_counter()
            text = "".join(s.text for s in recognise_utterance(clip.samples, "zh-hans", biasing=biasing))
            errors = real[name].add(reference, normalise_chinese(text), time.perf_counter() - started, clip.duration)
            print(f"{row['id'][:26]:26} {name:8} {errors:3}/{len(reference):<3}  {text[:70]}")
    manifest = json.loads((ROOT / "dialogue" / "demo_calls" / "manifest.json").read_text(encoding="utf-8"))
    calls = {name: Tally() for name, _ in configs}
    latency = {name: [] for name, _ in configs}
    for call in manifest:
        if call["language"] != "zh-hans":
            continue
        clip = decode_file(ROOT / "dialogue" / "demo_calls" / call["file"])
        cutter = UtteranceCutter()
        utterances = cutter.feed(clip.samples) + cutter.flush()
        organisation = organisation_of(DEMO_CALL_LINE[call["file"]])
        said = normalise_chinese("".join(turn["text"] for turn in call["turns"]))
        for name, biasing in configs:
            texts, seconds = [], 0.0
            for utterance in utterances:
                started = time.perf_counter()
                texts += [s.text for s in recognise_utterance(utterance.samples, "zh-hans", organisation=organisation,
                                                              biasing=biasing)]  # fmt: skip
                latency[name].append(time.perf_counter() - started)
                seconds += latency[name][-1]
            errors = calls[name].add(said, normalise_chinese("".join(texts)), seconds, clip.duration)
            print(f"{call['file'][:26]:26} {name:8} {errors:3}/{len(said):<3}  {len(utterances)} utterances  "
                  f"{''.join(texts)}")  # fmt: skip
    for name, _ in configs:
        times = sorted(latency[name])
        print(f"live path, {name}: real clips {real[name]}; demo calls cut at pauses {calls[name]}; "
              f"recognition per utterance median {times[len(times) // 2]:.2f} s, max {times[-1]:.2f} s")  # fmt: skip


if __name__ == "__main__":
    main()
