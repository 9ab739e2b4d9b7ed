"""Benchmark: speech recognition for calls (issue 8) — Whisper base built offline (``manage.py build_asr_model``),
run through ``dialogue.speech.recognition.transcribe`` (chunking, guards, Simplified output, sound analysis included).

- Character error rate on the real Mandarin clips of ``../shared/data/speech`` (punctuation and spaces removed,
  both sides converted to Simplified) and word error rate on the English clip.
- Character error rate on espeak-ng Mandarin (``cmn-latn-pinyin``): robotic speech, a harder case.
- Real-time factor per clip on this CPU (after one warm-up transcription; the model loads once per process) and the
  process's peak memory. Published anchor: Whisper base ≈ 22 % CER on AISHELL-1 test without fine-tuning.

Run: .venv/bin/python bench/bench_asr.py [--data ../shared/data/speech]
"""

from __future__ import annotations

import argparse
import csv
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

    call_command("migrate", verbosity=0)  # the first emotion reads the conversation engine's word lists
    call_command("build_asr_model", verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "speech")
    args = parser.parse_args()
    if not (args.data / "manifest.tsv").is_file():
        sys.exit(f"no manifest at {args.data}: the real clips live in ../shared/data/speech")
    set_up(Path(tempfile.mkdtemp(prefix="salescard-asr-")))
    from dialogue.speech.audio_input import decode, decode_file
    from dialogue.speech.recognition import transcribe

    loaded = time.perf_counter()
    transcribe(decode_file(args.data / "funasr_asr_example.wav"), "zh-hans")  # loads the model, warms up
    print(f"model load + warm-up: {time.perf_counter() - loaded:.1f} s\n")
    rows = list(csv.DictReader((args.data / "manifest.tsv").open(encoding="utf-8"), delimiter="\t"))
    print(f"{'clip':32} {'lang':4} {'secs':>6} {'RTF':>6} {'errors':>8} {'rate':>7}  transcript")
    totals = {"zh": [0, 0], "en": [0, 0]}
    rtfs = []
    for row in rows:
        clip = decode_file(args.data / row["file"])
        language = "en" if row["lang"] == "en" else "zh-hans"
        result = transcribe(clip, language)
        normalise = normalise_english if row["lang"] == "en" else normalise_chinese
        reference, hypothesis = normalise(row["reference_text"]), normalise(result.text)
        errors = edit_distance(reference, hypothesis)
        key = "en" if row["lang"] == "en" else "zh"
        totals[key][0] += errors
        totals[key][1] += len(reference)
        rtfs.append(result.rtf)
        print(f"{row['id'][:32]:32} {row['lang']:4} {clip.duration:6.1f} {result.rtf:6.2f} "
              f"{errors:4}/{len(reference):<3} {errors / max(1, len(reference)):7.1%}  {result.text[:60]}")  # fmt: skip
    espeak = [0, 0]
    for sentence in ESPEAK_SENTENCES:
        wav = subprocess.run(["espeak-ng", "-v", "cmn-latn-pinyin", "-s", "150", "--stdout", sentence],
                             capture_output=True, check=True).stdout  # fmt: skip
        result = transcribe(decode(wav), "zh-hans")
        reference = normalise_chinese(sentence)
        errors = edit_distance(reference, normalise_chinese(result.text))
        espeak[0] += errors
        espeak[1] += len(reference)
        print(f"{'espeak: ' + sentence:32} zh   {'':>6} {result.rtf:6.2f} {errors:4}/{len(reference):<3} "
              f"{errors / len(reference):7.1%}  {result.text[:60]}")  # fmt: skip
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print()
    print(f"CER, real Mandarin clips: {totals['zh'][0] / totals['zh'][1]:.1%} ({totals['zh'][0]}/{totals['zh'][1]})")
    print(f"WER, English clip: {totals['en'][0] / max(1, totals['en'][1]):.1%}")
    print(f"CER, espeak-ng Mandarin: {espeak[0] / espeak[1]:.1%} ({espeak[0]}/{espeak[1]})")
    print(f"RTF: mean {sum(rtfs) / len(rtfs):.2f}, max {max(rtfs):.2f} (target ≤ 0.5); peak memory {peak:.0f} MB")
    live_path(args.data, rows)


def live_path(data: Path, rows: list[dict]) -> None:
    """The live recogniser (``recognise_utterance``: one greedy decode, encoder trimmed to the clip + 1 s) on each
    real clip as one utterance, beside the same greedy decode on Whisper's full 30-s window (the baseline)."""
    import whisper

    from dialogue.speech.audio_input import decode_file
    from dialogue.speech.recognition import clean_text, recognise_utterance, whisper_model

    model = whisper_model()
    print(f"\n{'live path: clip':32} {'trimmed':>16} {'full window':>16}")
    sums = {"trimmed": [0, 0, 0.0], "full": [0, 0, 0.0]}
    for row in rows:
        clip = decode_file(data / row["file"])
        language = "en" if row["lang"] == "en" else "zh-hans"
        normalise = normalise_english if row["lang"] == "en" else normalise_chinese
        reference = normalise(row["reference_text"])
        started = time.perf_counter()
        trimmed = "".join(s.text for s in recognise_utterance(clip.samples, language))
        trimmed_seconds = time.perf_counter() - started
        started = time.perf_counter()
        mel = whisper.log_mel_spectrogram(whisper.pad_or_trim(clip.samples), model.dims.n_mels)
        options = whisper.DecodingOptions(language=language[:2], fp16=False, without_timestamps=True, temperature=0.0)
        full = clean_text(whisper.decode(model, mel, options).text, language[:2])
        full_seconds = time.perf_counter() - started
        cells = []
        for name, text, seconds in (("trimmed", trimmed, trimmed_seconds), ("full", full, full_seconds)):
            errors = edit_distance(reference, normalise(text))
            sums[name][0] += errors
            sums[name][1] += len(reference)
            sums[name][2] += seconds
            cells.append(f"{errors:3}/{len(reference):<3} {seconds:5.2f}s")
        print(f"{row['id'][:32]:32} {cells[0]:>16} {cells[1]:>16}")
    for name, (errors, total, seconds) in sums.items():
        print(f"live path, {name}: error rate {errors / total:.1%} ({errors}/{total}), {seconds:.1f} s for all clips")


if __name__ == "__main__":
    main()
