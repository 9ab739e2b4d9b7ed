"""Benchmark: satisfaction K (SPEC S12) against human judgement, and the choice of default α, β and threshold.

Data: NTCIR-14 STC-3 (``../shared/data/dialogue/train_data_cn.json``): 3,700 Chinese customer–helpdesk dialogues,
each scored by 19 annotators for customer satisfaction S (−2 … 2). For each dialogue K is computed over the
customer's own turns with the shipped word lists (``dialogue/seed/word_lists.json``) and jieba tokens, exactly
as the engine does, and compared with the annotators' mean S by Spearman's rank correlation.

- **α and β.** Spearman's ρ does not change when K is scaled, so only the ratio |β|/α matters; the grid reports ρ
  for several ratios and the default keeps α = 1 with the best β.
- **Threshold.** A dialogue counts as dissatisfied when the annotators' mean S < 0 (the scale's midpoint).
  The threshold is the K that best separates those dialogues (balanced accuracy), picked on the first half of
  the dialogues (fixed shuffle) and reported on the second half.
- Baseline side by side: snownlp's sentiment of the same customer text.

Run: .venv/bin/python bench/bench_satisfaction.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RATIOS = (0.5, 1.0, 1.5, 2.0, 3.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    parser.add_argument("--no-snownlp", action="store_true", help="skip the (slow) snownlp baseline")
    args = parser.parse_args()
    path = Path(args.data) / "dialogue" / "train_data_cn.json"
    if not path.is_file():
        if os.environ.get("CI") == "true":
            raise SystemExit(f"missing {path}")
        print(f"skipped: {path} is not here (the public data lives outside the project)")
        return

    import django
    import numpy as np
    from scipy.stats import spearmanr

    # Only the scoring code is used (no database), but it lives in a Django app.
    os.environ.setdefault("ENV_FILE", "")
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salescard.settings")
    django.setup()

    from dialogue.lexicon import Entry, WordLists
    from dialogue.scoring import polarity_shares
    from dialogue.seeding import word_list_rows
    from dialogue.text import prepare

    words = WordLists(Entry(r["kind"], r["word"], r["label"], r["weight"]) for r in word_list_rows())
    dialogues = json.loads(path.read_text(encoding="utf-8"))
    random.Random(7).shuffle(dialogues)
    human, positive, negative, texts = [], [], [], []
    for dialogue in dialogues:
        text = "。".join(
            utterance for turn in dialogue["turns"] if turn["sender"] == "customer" for utterance in turn["utterances"]
        )
        prepared = prepare(text)
        matches = words.match(prepared.normalised)
        a, b = polarity_shares(len(prepared.tokens), matches)
        positive.append(a)
        negative.append(b)
        human.append(float(np.mean([a["quality"]["S"] for a in dialogue["annotations"]])))
        texts.append(prepared.normalised)
    human_a, pos, neg = np.array(human), np.array(positive), np.array(negative)
    print(f"{len(dialogues)} dialogues; annotators' mean S: {human_a.mean():.3f} (sd {human_a.std():.3f})")
    print(f"dialogues with a positive word: {(pos > 0).mean():.1%}, with a negative word: {(neg > 0).mean():.1%}")
    print("\n|β|/α   Spearman ρ(K, mean S)")
    results = {}
    for ratio in RATIOS:
        rho = spearmanr(pos - ratio * neg, human_a).statistic
        results[ratio] = float(rho)
        print(f"{ratio:5.1f}   {rho:.4f}")
    best_ratio = max(results, key=results.get)
    k = pos - best_ratio * neg
    half = len(k) // 2
    dissatisfied = human_a < 0
    candidates = sorted({round(float(v), 3) for v in np.quantile(k[:half], np.linspace(0.02, 0.98, 97))})

    def balanced_accuracy(threshold: float, part: slice) -> float:
        predicted = k[part] < threshold
        truth = dissatisfied[part]
        sensitivity = (predicted & truth).sum() / max(truth.sum(), 1)
        specificity = (~predicted & ~truth).sum() / max((~truth).sum(), 1)
        return float((sensitivity + specificity) / 2)

    best_threshold = max(candidates, key=lambda t: balanced_accuracy(t, slice(0, half)))
    held_out = balanced_accuracy(best_threshold, slice(half, None))
    print("\nthreshold   balanced accuracy (held-out half)")
    for threshold in sorted({best_threshold, 0.0, -0.02, -0.05, -0.1, -0.2}, reverse=True):
        print(f"K < {threshold:6.3f}   {balanced_accuracy(threshold, slice(half, None)):.3f}")
    print(f"\nbest |β|/α = {best_ratio}; dissatisfied dialogues (mean S < 0): {dissatisfied.mean():.1%}")
    print(f"threshold K < {best_threshold}: balanced accuracy {held_out:.3f} on the held-out half")
    figures = {
        "dialogues": len(dialogues),
        "spearman_by_ratio": results,
        "best_ratio": best_ratio,
        "threshold": best_threshold,
        "threshold_balanced_accuracy_held_out": round(held_out, 4),
    }
    if not args.no_snownlp:
        from snownlp import SnowNLP

        snow = np.array([SnowNLP(t).sentiments if t else 0.5 for t in texts])
        rho = float(spearmanr(snow, human_a).statistic)
        print(f"snownlp sentiment: Spearman ρ {rho:.4f}")
        figures["snownlp_spearman"] = rho
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
