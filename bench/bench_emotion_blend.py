"""Benchmark: the emotion blend the product shows (SPEC S11, S16; issue 20), through ``analyze_reply``'s path
(``prepare`` → shipped word lists → model → ``dialogue.emotion.blend``), for the shipped model.

The lexicon weight is chosen on a validation split the shipped model never saw: 10 % of the COVID +
general-Weibo pool as split when ``emotion-shipped-1`` was trained (seed 13, before issue 20 moved 30 % of the
general-Weibo half to validation). The SMP2020 general-Weibo test half is only scored.

Run: .venv/bin/python bench/bench_emotion_blend.py [--model dialogue/trained/emotion.pt] [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--model", type=Path, default=ROOT / "dialogue" / "trained" / "emotion.pt")
    args = parser.parse_args()
    if not (args.data / "emotion").is_dir():
        print(f"skipped: {args.data} is not here (the public data lives outside the project)")
        sys.exit(1 if os.environ.get("CI", "").lower() == "true" else 0)
    os.environ.setdefault("ENV_FILE", "")
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salescard.settings")
    import django

    django.setup()
    import torch

    from dialogue.config import ScoringValues
    from dialogue.emotion_training import data as emotion_data
    from dialogue.emotion_training.live import (
        choose_lexicon_weight,
        lexicon_only,
        live_results,
        model_alone,
        read_rows,
        shipped_word_lists,
        six_class_of,
    )
    from dialogue.emotion_training.network import load_model

    torch.set_num_threads(1)
    seed = 13
    usual = emotion_data._unique(emotion_data.load_smp2020_file(args.data / emotion_data.USUAL_FILE))
    usual_train, test = emotion_data.stratified_split(usual, (0.5, 0.5), key=lambda e: e.emotion, seed=seed + 1)
    virus = [e for name in emotion_data.VIRUS_FILES for e in emotion_data.load_smp2020_file(args.data / name)]
    pool = emotion_data._unique([*virus, *usual_train], exclude={e.text for e in test})
    _, validation = emotion_data.stratified_split(pool, (0.9, 0.1), key=lambda e: (e.source, e.emotion), seed=seed + 2)
    predictor = load_model(args.model).predictor()
    words = shipped_word_lists()
    rows = read_rows([e.text for e in validation], predictor, words)
    chosen, grid = choose_lexicon_weight(rows, validation)
    print(f"lexicon weight → six-class macro-F1 on validation ({len(validation)} rows):")
    print("  " + ", ".join(f"{weight}: {figure:.4f}" for weight, figure in grid.items()) + f"; best {chosen}")
    test_rows = read_rows([e.text for e in test], predictor, words)
    readers = {
        "live blend, default settings": live_results(test_rows, ScoringValues()),
        "live blend, before issue 20's weights (0.4 / 0.6)": live_results(
            test_rows, ScoringValues(lexicon_weight=0.4, model_weight=0.6)
        ),
        "model through the blend, lexicon weight 0": model_alone(test_rows),
        "lexicon alone": live_results(lexicon_only(test_rows), ScoringValues()),
    }
    print(f"\nSMP2020 general-Weibo test half ({len(test)} rows):")
    print("| reader | acc | macro-F1 |\n|---|---|---|")
    for name, results in readers.items():
        figures = six_class_of(results, test)
        print(f"| {name} | {figures['accuracy']:.4f} | {figures['macro_f1']:.4f} |")
    raw = predictor.predict(test_rows.texts)
    figures = six_class_of_raw(raw, test)
    print(f"| the network's top emotion (no rules) | {figures['accuracy']:.4f} | {figures['macro_f1']:.4f} |")


def six_class_of_raw(predictions, examples) -> dict:  # noqa: ANN001
    from dialogue.emotion_training.data import EMOTIONS
    from dialogue.emotion_training.network import six_class_scores

    return six_class_scores([EMOTIONS.index(p.top) for p in predictions], [int(e.emotion) for e in examples])


if __name__ == "__main__":
    main()
