"""Benchmark: FAQ matching that understands paraphrase (issue 17 item 5; SPEC S9, S11).

On the held-out split of ``dialogue/seed/faq_paraphrases.jsonl`` (FAQ groups never trained or tuned on: their
paraphrases in Mandarin, Cantonese and English, company-topic questions, and off-topic questions), the knowledge base
of the shipped FAQs plus company stand-in documents (``dialogue.semantic_training.seed_documents``), searched in
each question's category and language as the card does, three ways:

- **BM25** alone (lexical coverage as confidence: what served before);
- **semantic** alone: the trained matcher's calibrated cosine;
- **combined**: the shipped calibrated blend of both (what ``KnowledgeBase.search`` serves).

Figures: top-1 accuracy, MRR@5, answered-correctly rate at the answer threshold (0.3), wrong-answer rate (confident
but wrong), false-answer rate on off-topic questions, search latency p50/p95, and the matcher's encode latency for one
question. Needs no database and no ``../shared/data``.

Run: .venv/bin/python bench/faq_matching.py [--split held_out] [--repeat 200]
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", default="held_out", choices=["train", "validation", "held_out"])
    parser.add_argument("--repeat", type=int, default=200, help="encodings per question for the latency figures")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.update(
        {"ENV_FILE": "", "DEBUG": "false", "SECRET_KEY": "bench-" + "x" * 60, "ALLOWED_HOSTS": "localhost"}
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salescard.settings")
    import django

    django.setup()
    logging.disable(logging.INFO)
    import torch

    torch.set_num_threads(1)
    from dialogue.knowledge import KnowledgeBase
    from dialogue.semantic_match import WEIGHTS, SemanticMatcher, load_matcher
    from dialogue.semantic_training import evaluate, load_faqs, load_paraphrases, seed_documents

    matcher = load_matcher(WEIGHTS)
    if matcher is None:
        sys.exit(f"No usable FAQ matcher at {WEIGHTS}: run manage.py train_faq_matcher first.")
    rows = [row for row in load_paraphrases() if row.split == args.split]
    docs, categories = seed_documents(load_faqs())
    semantic_only = SemanticMatcher(matcher.encoder, matcher.semantic, matcher.semantic)
    KnowledgeBase(docs, None)  # loads jieba's dictionary
    started = time.perf_counter()
    KnowledgeBase(docs, None)
    build_bm25 = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    KnowledgeBase(docs, SemanticMatcher(matcher.encoder, matcher.combined, matcher.semantic))
    build_cold = (time.perf_counter() - started) * 1000
    domain = sum(row.kind != "off_topic" for row in rows)
    languages = sorted({row.language for row in rows})
    per_language = ", ".join(
        f"{lang} {sum(r.language == lang and r.kind != 'off_topic' for r in rows)}" for lang in languages
    )
    print(
        f"{args.split}: {domain} questions of {len({r.group for r in rows if r.group})} FAQ/company groups "
        f"({per_language}), "
        f"{len(rows) - domain} off-topic; {len(docs)} documents; matcher {matcher.name}, "
        f"blend w={matcher.combined.w} k={matcher.combined.k:.2f} c={matcher.combined.c:.2f}"
    )
    header = f"{'matcher':>9} {'top-1':>6} {'MRR@5':>6} {'answered ok':>11} {'wrong ans.':>10} {'off-topic ans.':>14}"
    print(header + f" {'search p50/p95 ms':>18}")
    for name, kb in (
        ("BM25", KnowledgeBase(docs, None)),
        ("semantic", KnowledgeBase(docs, semantic_only)),
        ("combined", KnowledgeBase(docs, matcher)),
    ):
        evaluate(kb, rows[:20], categories)  # warm-up: jieba, caches
        f = evaluate(kb, rows, categories)
        print(
            f"{name:>9} {f.top1:>6.3f} {f.mrr5:>6.3f} {f.answered_correctly:>11.3f} {f.wrong_answers:>10.3f} "
            f"{f.false_answers:>14.3f} {f.search_ms_p50:>9.2f}/{f.search_ms_p95:.2f}"
        )
        if name == "combined":
            by_language = {
                lang: [o for o in f.outcomes if o.row.language == lang and o.row.kind != "off_topic"]
                for lang in languages
            }
            print(
                "  combined top-1 by language: "
                + ", ".join(
                    f"{lang} {sum(o.rank == 1 for o in got) / len(got):.3f}" for lang, got in by_language.items() if got
                )
            )
    times = []
    for row in rows:
        for _ in range(args.repeat // 10 or 1):
            started = time.perf_counter()
            matcher.encode_query(row.text)
            times.append((time.perf_counter() - started) * 1000)
    print(
        f"encode one question: p50 {np.percentile(times, 50):.3f} ms, p95 {np.percentile(times, 95):.3f} ms; "
        f"index build {len(docs)} docs: BM25 {build_bm25:.0f} ms, with document vectors {build_cold:.0f} ms (cold); "
        f"weights {WEIGHTS.stat().st_size / 1e6:.1f} MB"
    )


if __name__ == "__main__":
    main()
