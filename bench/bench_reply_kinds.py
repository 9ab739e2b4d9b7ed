"""Benchmark: are the suggested reply scripts what a salesperson would say? (SPEC V6, V7; issue 20 item 5)

Data: ``bench/data/reply_kinds_labelled.jsonl``, 203 Chinese customer sentences of the two demo businesses (furniture,
bank with its insurance; complaints, interest, busy, price objections, questions, goodbyes, refusals, small talk,
hesitation, …), each with the customer's tone (the fused emotion V5 would give), the product category of the call
and the reply kinds a salesperson would accept. The file was split once, per act, before any tuning: ``tune`` (two
thirds, used to set the weights and cues) and ``held_out`` (a third, never looked at while tuning).

For every sentence the scene is the product's own (the conversation engine's situation of the words), the emotion
the labelled tone. A suggestion is *appropriate* when its script's kind is one of the sentence's acceptable kinds.
Top-1: the first suggestion is appropriate; top-3: one of the first three is. Side by side in the same run:

- **now**: ``suggestions.choose`` (target model + the customer's act and emotion + scene + category, no goodbye
  first for an engaged or upset customer), with the target model trained on the shipped history;
- **before**: the final choice as it was before issue 20 (0.65 · model + 0.25 · scene + category, the library
  without the scripts issue 20 added), the same trained model;
- **keyword rules**: one short keyword list per kind, first hit wins (``reply_kinds.keyword_kinds``);
- **model alone**: the target model's top scripts, nothing else.

Also counted: how often a goodbye (or do-not-disturb) script comes first for a customer who is not ending the call.

Run: .venv/bin/python bench/bench_reply_kinds.py [--split held_out|tune|all] [--show-misses]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from demo_database import set_up_demo_database  # noqa: E402

DATA = Path(__file__).resolve().parent / "data" / "reply_kinds_labelled.jsonl"
ISSUE_20_SCRIPTS_FROM = "apology-delivery-delay"  # the first script issue 20 appended to reply_scripts.json


@dataclass
class Said:
    text: str
    emotion: str
    scene: str
    sound: dict = field(default_factory=dict)
    speaker: str = "customer"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", default="held_out", choices=["held_out", "tune", "all"])
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    set_up_demo_database(customers=3)
    import torch

    torch.set_num_threads(1)
    from django.conf import settings

    from base.model_files import file_sha256
    from dialogue.calls import suggestions
    from dialogue.calls.models import ReplyModelVersion, ReplyScript
    from dialogue.calls.reply_kinds import ENDING_KINDS, keyword_kinds, read_customer
    from dialogue.calls.script_library import SCRIPTS_FILE, seed_reply_library, training_examples
    from dialogue.calls.target_model import Example, fit
    from dialogue.sentence_context import scene_of
    from dialogue.speech.recognition import first_emotion

    seed_reply_library()
    model = fit(training_examples(), seed=args.seed)
    path = model.save(Path(settings.MODEL_DIR) / "reply" / "bench.pt")
    ReplyModelVersion.objects.create(version="bench", path="reply/bench.pt", sha256=file_sha256(path), is_active=True)

    shipped = json.loads(SCRIPTS_FILE.read_text(encoding="utf-8"))
    keys = [entry["key"] for entry in shipped]
    new_keys = set(keys[keys.index(ISSUE_20_SCRIPTS_FROM) :])
    scripts = list(ReplyScript.objects.filter(language="zh-hans", organisation__isnull=True).select_related("category"))
    kind_of = {s.key: s.kind for s in scripts}

    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    if args.split != "all":
        rows = [r for r in rows if r["split"] == args.split]

    def before(sentence: Said, category: str) -> list[str]:
        """The final choice before issue 20: 0.65 · model + 0.25 · scene + category fit, old library."""
        probabilities = model.probabilities(Example(sentence.text, (), sentence.emotion, sentence.scene, category))
        affinity = suggestions.scene_affinity([sentence.scene])
        scored = []
        for script in scripts:
            code = script.category.code if script.category_id else ""
            if script.key in new_keys or code and code != category:
                continue
            score = 0.65 * probabilities.get(script.key, 0.0) + 0.25 * affinity.get(script.scene, 0.0)
            scored.append((-(score + (0.10 if code else 0.05)), script.key))
        return [key for _, key in sorted(scored)[:3]]

    def model_alone(sentence: Said, category: str) -> list[str]:
        probabilities = model.probabilities(Example(sentence.text, (), sentence.emotion, sentence.scene, category))
        ranked = sorted(probabilities.items(), key=lambda kv: -kv[1])
        return [key for key, _ in ranked if key in kind_of][:3]  # the Mandarin scripts

    systems = {
        "now (issue 20)": lambda s, c: [x.key for x in suggestions.choose([s], "zh-hans", c)],
        "before issue 20": before,
        "model alone": model_alone,
    }
    results: dict[str, Counter] = defaultdict(Counter)
    by_act: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    misses = []
    for row in rows:
        acceptable = set(row["kinds"])
        scene = scene_of(first_emotion(row["text"], "zh-hans").situation)
        sentence = Said(row["text"], row["emotion"], scene)
        ending_ok = read_customer(row["text"], row["emotion"]).may_end or acceptable <= ENDING_KINDS
        ranked_kinds = {
            name: [kind_of[key] for key in system(sentence, row["category"])] for name, system in systems.items()
        }
        ranked_kinds["keyword rules"] = list(keyword_kinds(row["text"]))[:3]
        for name, kinds in ranked_kinds.items():
            top1, top3 = bool(kinds) and kinds[0] in acceptable, any(k in acceptable for k in kinds[:3])
            results[name]["n"] += 1
            results[name]["top1"] += top1
            results[name]["top3"] += top3
            results[name]["goodbye_first"] += bool(kinds) and kinds[0] in ENDING_KINDS and not ending_ok
            by_act[name][row["act"]]["n"] += 1
            by_act[name][row["act"]]["top1"] += top1
            if name.startswith("now") and not top1:
                misses.append((row["id"], row["text"], row["emotion"], sorted(acceptable), kinds))

    n = len(rows)
    print(f"{n} sentences ({args.split}); appropriateness = the suggested script's kind is an acceptable one")
    print(f"{'system':<18} {'top-1':>6} {'top-3':>6} {'goodbye first, customer engaged/upset':>40}")
    for name, counts in results.items():
        print(f"{name:<18} {counts['top1'] / n:6.3f} {counts['top3'] / n:6.3f} {counts['goodbye_first']:>10d} of {n}")
    print("top-1 by act:")
    acts = sorted({row["act"] for row in rows})
    print(f"{'system':<18} " + " ".join(f"{act[:11]:>11}" for act in acts))
    for name in results:
        cells = [by_act[name][act] for act in acts]
        print(f"{name:<18} " + " ".join(f"{c['top1']:>5d}/{c['n']:<5d}" for c in cells))
    examples = ["我的沙发到现在还没送到", "好的，我想去看看"]
    for text in examples:
        emotion = "angry" if "没送到" in text else "joyful"
        scene = scene_of(first_emotion(text, "zh-hans").situation)
        chosen = suggestions.choose([Said(text, emotion, scene)], "zh-hans", "sofa")
        print(f"{text} ({emotion}) →", [f"{c.key}: {c.text[:24]}…" for c in chosen])
    if args.show_misses:
        for miss in misses:
            print("MISS", *miss)


if __name__ == "__main__":
    main()
