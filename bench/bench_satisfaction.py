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
- **The model's lean (issue 20).** K as the engine computes it since issue 20: the shipped emotion model's
  polarity p of the same customer text adds s·max(0, 2p − 1) to A and s·max(0, 1 − 2p) to B
  (``dialogue.scoring.MODEL_LEAN_SHARE``). s is chosen on the first half; every variant is reported on the second
  half (never tuned on) and on all dialogues, beside the word lists alone, the model alone and snownlp.
- Baseline side by side: snownlp's sentiment of the same customer text.

Run: .venv/bin/python bench/bench_satisfaction.py [--data ../shared/data] [--model dialogue/trained/emotion.pt]
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
LEAN_SHARES = (0.01, 0.03, 0.05, 0.1, 0.2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    parser.add_argument("--no-snownlp", action="store_true", help="skip the (slow) snownlp baseline")
    parser.add_argument("--model", default=str(ROOT / "dialogue" / "trained" / "emotion.pt"))
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

    import torch

    from dialogue.config import ScoringValues
    from dialogue.emotion import blend
    from dialogue.emotion_training.live import shipped_word_lists
    from dialogue.emotion_training.network import load_model
    from dialogue.scoring import MODEL_LEAN_SHARE, polarity_shares, score_satisfaction
    from dialogue.text import prepare

    torch.set_num_threads(1)
    words = shipped_word_lists()
    dialogues = json.loads(path.read_text(encoding="utf-8"))
    random.Random(7).shuffle(dialogues)
    human, positive, negative, texts, token_counts, all_matches = [], [], [], [], [], []
    for dialogue in dialogues:
        text = "。".join(
            utterance for turn in dialogue["turns"] if turn["sender"] == "customer" for utterance in turn["utterances"]
        )
        prepared = prepare(text)
        matches = words.match(prepared.normalised)
        a, b = polarity_shares(len(prepared.tokens), matches)
        token_counts.append(len(prepared.tokens))
        all_matches.append(matches)
        positive.append(a)
        negative.append(b)
        human.append(float(np.mean([a["quality"]["S"] for a in dialogue["annotations"]])))
        texts.append(prepared.normalised)
    human_a, pos, neg = np.array(human), np.array(positive), np.array(negative)
    predictions = load_model(args.model).predictor().predict(texts)
    model_positive = np.array([p.positive for p in predictions])
    # What analyze_reply hands score_satisfaction: the blend's trusted model polarity (None for a plain question).
    engine_positive = [
        blend(found, (p.scores, p.positive), ScoringValues(), text=text).model_positive
        for found, p, text in zip(all_matches, predictions, texts, strict=True)
    ]
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

    first, second = slice(0, half), slice(half, None)

    def rho_of(score: np.ndarray, part: slice = slice(None)) -> float:
        return float(spearmanr(score[part], human_a[part]).statistic)

    def with_lean(share: float, silent_only: bool = False) -> np.ndarray:
        lean_a, lean_b = share * np.maximum(0, 2 * model_positive - 1), share * np.maximum(0, 1 - 2 * model_positive)
        if silent_only:
            silent = (pos == 0) & (neg == 0)
            lean_a, lean_b = np.where(silent, lean_a, 0), np.where(silent, lean_b, 0)
        return np.minimum(1, pos + lean_a) - 2 * np.minimum(1, neg + lean_b)

    print("\nthe model's lean added to A and B (α = 1, β = −2): s, ρ on the first half (tuning) / second half")
    lean_grid = {}
    for share in LEAN_SHARES:
        lean_grid[share] = rho_of(with_lean(share), first)
        silent = with_lean(share, silent_only=True)
        print(
            f"s = {share:4.2f}: every reply {lean_grid[share]:.4f} / {rho_of(with_lean(share), second):.4f}; "
            f"only where the lists are silent {rho_of(silent, first):.4f} / {rho_of(silent, second):.4f}"
        )
    chosen = max(lean_grid, key=lean_grid.get)
    # The engine's own function on each dialogue, with the shipped default settings.
    engine_k = np.array(
        [
            score_satisfaction(n, found, ScoringValues(), model_positive=p).score
            for n, found, p in zip(token_counts, all_matches, engine_positive, strict=True)
        ]
    )
    rows = {
        "K, word lists only (before issue 20)": pos - 2 * neg,
        f"K with the model's lean, s = {MODEL_LEAN_SHARE} (the engine)": engine_k,
        "model polarity p alone": model_positive,
    }
    if not args.no_snownlp:
        from snownlp import SnowNLP

        rows["snownlp sentiment (baseline)"] = np.array([SnowNLP(t).sentiments if t else 0.5 for t in texts])
    engine_dissatisfied = balanced_accuracy_of(engine_k, dissatisfied, 0.0, second)
    print(f"\nchosen s = {chosen} (the engine uses {MODEL_LEAN_SHARE})")
    print("| reader | ρ second half (held out) | ρ all dialogues |")
    print("|---|---|---|")
    figures["held_out_spearman"] = {}
    for name, score in rows.items():
        figures["held_out_spearman"][name] = [rho_of(score, second), rho_of(score)]
        print(f"| {name} | {rho_of(score, second):.4f} | {rho_of(score):.4f} |")
    print(f"engine K < 0 as 'dissatisfied': balanced accuracy {engine_dissatisfied:.3f} on the second half")
    figures.update(
        {
            "lean_share_chosen": chosen,
            "lean_grid_first_half": lean_grid,
            "engine_k_balanced_accuracy": engine_dissatisfied,
        }
    )
    print(json.dumps(figures))


def balanced_accuracy_of(score, truth, threshold: float, part: slice) -> float:  # noqa: ANN001
    predicted = score[part] < threshold
    truth = truth[part]
    sensitivity = (predicted & truth).sum() / max(truth.sum(), 1)
    specificity = (~predicted & ~truth).sum() / max((~truth).sum(), 1)
    return float((sensitivity + specificity) / 2)


if __name__ == "__main__":
    main()
