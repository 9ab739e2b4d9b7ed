"""Benchmark: ``analyze_reply`` latency (issue 4 target: p50 ≤ 10 ms including the emotion model), with the
lexicon-only engine (no active model) side by side as the baseline, and a breakdown by phase.

Builds a throw-away SQLite database with the demo data and FAQs, installs the shipped emotion model, opens
conversations about each customer's first intent and sends real Chinese, Cantonese and English replies
(questions, complaints, purchase intent, small talk). Every call stores its messages, as in production;
replies that hand the chat off are followed by a release to the bot so the next one is answered again.

Run: .venv/bin/python bench/bench_analyze_reply.py [--customers 50] [--repeat 300]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from demo_database import set_up_demo_database  # noqa: E402

REPLIES = (
    "这款沙发可以拆洗吗？",
    "多少钱？有没有优惠？",
    "太贵了，质量也一般，不太满意",
    "我想买，怎么下单？",
    "和真皮的比哪个好？",
    "送货要多久？",
    "谢谢你，介绍得很清楚",
    "這個保費太貴啦，唔該平啲",
    "Can I pay in instalments?",
    "我再考虑一下吧",
    "你好",
    "等待期是多久？理赔麻烦吗？",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=300)
    args = parser.parse_args()
    os.environ.setdefault("EMAIL_URL", "dummymail://")  # hand-off mails are not the subject here
    os.environ.setdefault("HANDOFF_CHANNELS", "inapp")
    set_up_demo_database(args.customers)
    from django.core.management import call_command

    from salescard.torch_threads import limit_torch_threads_for_requests

    limit_torch_threads_for_requests()  # as in the web process that serves the card and the terminal
    call_command("seed_faqs", verbosity=0)
    call_command("install_emotion_model", verbosity=0)
    from crm.models import Customer, Product
    from dialogue import emotion
    from dialogue.analysis import analyze_reply, start_conversation
    from dialogue.handoff import release_to_bot
    from dialogue.models import Conversation, EmotionModelVersion

    product = Product.objects.filter(is_active=True).order_by("pk").first()
    conversations = [
        start_conversation(customer, product=product) for customer in Customer.objects.order_by("pk")[: args.customers]
    ]

    def run(repeat: int) -> list[float]:
        analyze_reply(conversations[0], REPLIES[0])  # warm caches: word lists, knowledge base, model
        samples = []
        for i in range(repeat):
            conversation = conversations[i % len(conversations)]
            started = time.perf_counter()
            analyze_reply(conversation, REPLIES[i % len(REPLIES)])
            samples.append((time.perf_counter() - started) * 1000)
            if Conversation.objects.filter(pk=conversation.pk, state=Conversation.State.WAITING).exists():
                release_to_bot(conversation)
        return samples

    def describe(samples: list[float]) -> str:
        return f"p50 {statistics.median(samples):6.2f} ms   p95 {statistics.quantiles(samples, n=20)[18]:6.2f} ms"

    with_model = run(args.repeat)
    EmotionModelVersion.objects.update(is_active=False)
    emotion.MODEL.forget()
    lexicon_only = run(args.repeat)
    print(f"analyze_reply over {args.repeat} replies, {len(conversations)} conversations (SQLite, web torch threads)")
    print(f"  with the emotion model  {describe(with_model)}   (target p50 ≤ 10 ms)")
    print(f"  lexicon only (baseline) {describe(lexicon_only)}")
    print(
        json.dumps(
            {
                "p50_ms": round(statistics.median(with_model), 2),
                "p95_ms": round(statistics.quantiles(with_model, n=20)[18], 2),
                "lexicon_only_p50_ms": round(statistics.median(lexicon_only), 2),
            }
        )
    )


if __name__ == "__main__":
    main()
