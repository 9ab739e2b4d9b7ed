"""Training and tuning the FAQ matcher (issue 17 item 5): contrastive pairs, calibration, evaluation.

Data:

- ``dialogue/seed/faq_paraphrases.jsonl``: colloquial Mandarin, Cantonese and English paraphrases of the shipped FAQs
  (``demo_faqs.json``) and of the company topics, plus off-topic questions; each row has a fixed ``split``
  (train / validation / held_out) assigned by FAQ group, so a held-out FAQ's paraphrases — and the FAQ itself — are
  never trained or tuned on;
- the E-commerce Dialogue Corpus sample (``../shared/data/dialogue/ECD_sample_*.txt``, Taobao customer-service
  turns): context → reply pairs for general shopping language, when the folder is there (training only; the
  product never reads it at run time).

The encoder (``dialogue.semantic_nn``) learns with in-batch negatives (InfoNCE, both directions; pairs of the same
group are not counted as negatives) and a hinge that keeps off-topic questions away from every document. Tuning on
the validation split chooses the blend weight ``w`` (best top-1) and fits ``σ(k·blend + c)`` to "the best hit is
right", with off-topic questions as misses weighing as much as all the rest
(``dialogue.semantic_match.Calibration``).
"""

from __future__ import annotations

import json
import random
import statistics
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from base.model_gate import judge
from base.progress import Progress
from dialogue.answers import search_languages
from dialogue.knowledge import Doc, KnowledgeBase
from dialogue.semantic_match import WEIGHTS, Calibration, SemanticMatcher, normalise
from dialogue.semantic_nn import NumpyEncoder, PairEncoder

SEED_DIR = Path(__file__).resolve().parent / "seed"
PARAPHRASES = SEED_DIR / "faq_paraphrases.jsonl"
FAQS = SEED_DIR / "demo_faqs.json"
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
ECD_DIR = SHARED_DATA / "dialogue"
CHATTER_FILE = SHARED_DATA / "emotion" / "usual_eval_labeled.txt"
THRESHOLD = 0.3  # ScoringValues.answer_min_confidence's default
BLEND_GRID = tuple(round(w * 0.1, 1) for w in range(11))

# Stand-ins for the company documents (issue 17 item 3) in the tuning and benchmark knowledge base: a title that
# names the topic and a fact, in Mandarin and English, like the demo companies' facts.
COMPANY_STAND_INS: dict[str, tuple[str, str, str, str]] = {
    "about": ("公司介绍", "我们是一家成立十余年的正规企业，服务全国客户。", "About us", "We are a licensed company."),
    "address": ("门店地址", "门店位于深圳市南山区科技园路88号一楼。", "Address", "We are at 88 Keji Road, Nanshan."),
    "hours": ("营业时间", "每天上午9点到晚上9点营业，节假日照常。", "Opening hours", "Open daily 9 am to 9 pm."),
    "phone": ("联系电话", "服务热线400-800-1234。", "Phone", "Call our service line 400-800-1234."),
    "payment": (
        "付款方式",
        "支持微信、支付宝、银行卡和信用卡支付。",
        "Payment options",
        "We accept WeChat Pay, Alipay and cards.",
    ),
    "instalments": (
        "分期付款",
        "信用卡可分3、6、12期，免息活动以当期为准。",
        "Instalments",
        "Pay in 3, 6 or 12 parts.",
    ),
    "delivery": ("配送", "市内免费送货上门，外地物流到付。", "Delivery", "Free delivery in the city."),
    "returns": ("退换货", "签收7天内未使用可无理由退换。", "Returns", "Unused items can be returned within 7 days."),
    "after_sales": (
        "售后服务",
        "售后问题请联系顾问或拨打热线，48小时内上门。",
        "After-sales service",
        "We repair within 48 h.",
    ),
    "site": ("官方网站", "官网 www.example.com，可查看全部产品。", "Official site", "Visit www.example.com."),
}


@dataclass(frozen=True)
class Paraphrase:
    group: str | None  # None for an off-topic question
    kind: str  # faq, company or off_topic
    category: str | None
    targets: tuple[str, ...]  # FAQ questions (or the company topic) that answer it
    language: str
    text: str
    split: str


def load_paraphrases(path: Path = PARAPHRASES) -> list[Paraphrase]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [
        Paraphrase(r["group"], r["kind"], r["category"], tuple(r["targets"]), r["language"], r["text"], r["split"])
        for r in rows
    ]


def load_faqs(path: Path = FAQS) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))


def load_ecd_pairs(folder: Path = ECD_DIR) -> list[tuple[str, str]] | None:
    """(last customer turn, correct reply) from the ECD sample files, or None when the folder is absent."""
    files = sorted(folder.glob("ECD_sample_*.txt")) if folder.is_dir() else []
    if not files:
        return None
    pairs: dict[tuple[str, str], None] = {}
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) < 3 or parts[0] != "1":
                continue
            context, reply = parts[-2].strip(), parts[-1].strip()
            if context and reply:
                pairs[(context, reply)] = None
    return list(pairs)


def load_chatter(path: Path = CHATTER_FILE, limit: int = 2000) -> list[str]:
    """General Weibo posts (SMP2020-EWECT, everyday topics): off-topic examples the matcher learns to keep away from
    every document; empty when the file is absent."""
    if not path.is_file():
        return []
    posts = [row["content"].strip()[:40] for row in json.loads(path.read_text(encoding="utf-8"))]
    return [post for post in posts if post][:limit]


def seed_documents(faqs: Sequence[dict]) -> tuple[list[Doc], dict[str, int]]:
    """The shipped FAQs plus company stand-ins in every category: the knowledge base tuning and the benchmark use."""
    categories = {name: i + 1 for i, name in enumerate(sorted({faq["category"] for faq in faqs}))}
    docs = [
        Doc("faq", f["question"], f["answer"], None, categories[f["category"]], f["language"], i + 1, f["popularity"])
        for i, f in enumerate(faqs)
    ]
    for category_id in categories.values():
        for topic, (zh_title, zh_text, en_title, en_text) in COMPANY_STAND_INS.items():
            docs.append(Doc("company", zh_title, zh_text, None, category_id, "zh-hans", spec_key=topic))
            docs.append(Doc("company", en_title, en_text, None, category_id, "en", spec_key=topic))
    return docs, categories


# --- Training ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainingSettings:
    seed: int = 13
    epochs: int = 80
    batch_size: int = 64
    learning_rate: float = 3e-3
    temperature: float = 0.05
    off_topic_margin: float = 0.3
    off_topic_weight: float = 1.0
    buckets: int = 16384
    dim: int = 64
    use_ecd: bool = True


def training_pairs(
    rows: Sequence[Paraphrase], faqs: Sequence[dict], ecd: Sequence[tuple[str, str]] | None
) -> list[tuple[str, str, str]]:
    """(a, b, group) positive pairs from the train split only."""
    train = [r for r in rows if r.split == "train" and r.kind != "off_topic"]
    held = {t for r in rows if r.split != "train" for t in r.targets}
    pairs: list[tuple[str, str, str]] = []
    by_group: dict[str, list[Paraphrase]] = {}
    for row in train:
        by_group.setdefault(row.group, []).append(row)
    for group, members in by_group.items():
        targets = members[0].targets
        if members[0].kind == "company":
            zh_title, zh_text, en_title, en_text = COMPANY_STAND_INS[targets[0]]
            documents = [f"{zh_title} {zh_text}", f"{en_title} {en_text}"]
        else:
            documents = list(targets)
        for row in members:
            pairs.extend((row.text, doc, group) for doc in documents)
        for i, row in enumerate(members):
            pairs.extend((row.text, other.text, group) for other in members[i + 1 :])
        for target in targets if members[0].kind == "faq" else ():
            pairs.extend((a, target, group) for a in targets if a != target)
    for faq in faqs:
        if faq["question"] not in held:
            pairs.append((faq["question"], faq["answer"][:80], f"qa:{faq['question']}"))
    for i, (context, reply) in enumerate(ecd or ()):
        pairs.append((context, reply, f"ecd:{i}"))
    return pairs


def train_encoder(
    rows: Sequence[Paraphrase],
    faqs: Sequence[dict],
    ecd: Sequence[tuple[str, str]] | None,
    cfg: TrainingSettings,
    progress: Progress | None = None,
) -> PairEncoder:
    random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    pairs = [(normalise(a), normalise(b), g) for a, b, g in training_pairs(rows, faqs, ecd if cfg.use_ecd else None)]
    off_topic = [normalise(r.text) for r in rows if r.split == "train" and r.kind == "off_topic"]
    off_topic += [normalise(text) for text in (load_chatter() if cfg.use_ecd else [])]
    model = PairEncoder(cfg.buckets, cfg.dim)
    optimiser = torch.optim.Adam(model.parameters(), lr=cfg.learning_rate)
    for _ in range(cfg.epochs):
        random.shuffle(pairs)
        for start in range(0, len(pairs), cfg.batch_size):
            chunk = pairs[start : start + cfg.batch_size]
            a = model.encode([p[0] for p in chunk])
            b = model.encode([p[1] for p in chunk])
            groups = [p[2] for p in chunk]
            same = torch.tensor([[g == h for h in groups] for g in groups]) & ~torch.eye(len(chunk), dtype=torch.bool)
            logits = (a @ b.T / cfg.temperature).masked_fill(same, -1e4)
            target = torch.arange(len(chunk))
            loss = (nn_ce(logits, target) + nn_ce(logits.T, target)) / 2
            if off_topic:
                negatives = model.encode(random.sample(off_topic, min(32, len(off_topic))))
                near = torch.cat([negatives @ a.T, negatives @ b.T], dim=1)
                loss = loss + torch.relu(near - cfg.off_topic_margin).mean() * cfg.off_topic_weight
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        if progress is not None:
            progress.advance(note=f"loss {loss.item():.3f}")
    if progress is not None:
        progress.close()
    model.eval()
    return model


def nn_ce(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    return torch.nn.functional.cross_entropy(logits, target)


def numpy_encoder(model: PairEncoder) -> NumpyEncoder:
    return NumpyEncoder({key: value.detach().numpy() for key, value in model.state_dict().items()})


# --- Evaluation and tuning --------------------------------------------------------------------------------------


@dataclass
class Outcome:
    row: Paraphrase
    rank: int | None  # 1-based rank of the first right hit in the top 5, None when absent
    confidence: float  # the top hit's
    ms: float


@dataclass
class Figures:
    queries: int
    top1: float
    mrr5: float
    answered_correctly: float  # top hit right and confident
    wrong_answers: float  # top hit wrong but confident (in-domain questions)
    off_topic: int
    false_answers: float  # off-topic questions answered
    search_ms_p50: float
    search_ms_p95: float
    outcomes: list[Outcome] = field(default_factory=list, repr=False)

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "outcomes"}


def search_scope(row: Paraphrase, categories: dict[str, int]) -> dict:
    """The card's scope for a question: the FAQ's category; company and off-topic questions rotate over all."""

    ids = sorted(categories.values())
    category = categories[row.category] if row.category else ids[zlib.crc32(row.text.encode()) % len(ids)]
    return {"categories": {category}, "languages": search_languages(row.language), "kinds": ("faq", "company")}


def is_right(row: Paraphrase, doc: Doc) -> bool:
    if row.kind == "company":
        return doc.kind == "company" and doc.spec_key == row.targets[0]
    return doc.kind == "faq" and doc.title in row.targets


def evaluate(kb: KnowledgeBase, rows: Sequence[Paraphrase], categories: dict[str, int]) -> Figures:
    outcomes = []
    for row in rows:
        started = time.perf_counter()
        hits = kb.search(row.text, **search_scope(row, categories), limit=5)
        ms = (time.perf_counter() - started) * 1000
        rank = next((i + 1 for i, hit in enumerate(hits) if is_right(row, hit.doc)), None)
        outcomes.append(Outcome(row, rank, hits[0].confidence if hits else 0.0, ms))
    domain = [o for o in outcomes if o.row.kind != "off_topic"]
    negatives = [o for o in outcomes if o.row.kind == "off_topic"]
    share = lambda items, test: round(sum(map(test, items)) / len(items), 4) if items else 0.0  # noqa: E731
    times = sorted(o.ms for o in outcomes)
    return Figures(
        queries=len(domain),
        top1=share(domain, lambda o: o.rank == 1),
        mrr5=round(statistics.fmean(1 / o.rank if o.rank else 0.0 for o in domain), 4) if domain else 0.0,
        answered_correctly=share(domain, lambda o: o.rank == 1 and o.confidence >= THRESHOLD),
        wrong_answers=share(domain, lambda o: o.rank != 1 and o.confidence >= THRESHOLD),
        off_topic=len(negatives),
        false_answers=share(negatives, lambda o: o.confidence >= THRESHOLD),
        search_ms_p50=round(float(np.percentile(times, 50)), 3) if times else 0.0,
        search_ms_p95=round(float(np.percentile(times, 95)), 3) if times else 0.0,
        outcomes=outcomes,
    )


def fit_calibration(
    encoder: NumpyEncoder, docs: Sequence[Doc], rows: Sequence[Paraphrase], categories: dict[str, int], w: float
) -> tuple[Calibration, float]:
    """σ(k·blend + c) fitted to "the top hit is right" on ``rows`` (off-topic: never right); and top-1 there."""
    from sklearn.linear_model import LogisticRegression

    ranking = SemanticMatcher(encoder, Calibration(w, 1.0, 0.0), Calibration(0.0, 1.0, 0.0))
    figures = evaluate(KnowledgeBase(docs, ranking), rows, categories)
    # Confidence under the identity calibration is σ(blend): take the logit back.
    blend = np.array([np.log(o.confidence / (1 - o.confidence)) for o in figures.outcomes]).reshape(-1, 1)
    right = np.array([o.rank == 1 and o.row.kind != "off_topic" for o in figures.outcomes])
    # Off-topic questions weigh as much as all the others together: answering them is the costly mistake.
    off = np.array([o.row.kind == "off_topic" for o in figures.outcomes])
    weight = np.where(off, (~off).sum() / max(off.sum(), 1), 1.0)
    model = LogisticRegression(C=100.0).fit(blend, right, sample_weight=weight)
    return Calibration(w, float(model.coef_[0][0]), float(model.intercept_[0])), figures.top1


def tune(
    encoder: NumpyEncoder, docs: Sequence[Doc], rows: Sequence[Paraphrase], categories: dict[str, int]
) -> tuple[Calibration, Calibration, dict[float, float]]:
    """The combined calibration (the blend weight with the best validation top-1, fitted) and the semantic one."""
    validation = [r for r in rows if r.split == "validation"]
    by_weight = {w: fit_calibration(encoder, docs, validation, categories, w) for w in BLEND_GRID}
    best = max(BLEND_GRID, key=lambda w: (by_weight[w][1], -abs(w - 0.5)))
    return by_weight[best][0], by_weight[0.0][0], {w: top1 for w, (_, top1) in by_weight.items()}


@dataclass(frozen=True)
class TrainingReport:
    path: Path
    pairs: int
    ecd_pairs: int | None
    seconds: float
    combined: Calibration
    semantic: Calibration
    validation_top1_by_weight: dict[float, float]
    validation: dict[str, dict]
    size_bytes: int
    verdict: dict = field(default_factory=dict)


def train_faq_matcher(
    cfg: TrainingSettings = TrainingSettings(), path: Path = WEIGHTS, progress: bool = True
) -> TrainingReport:
    """Train, tune and judge the matcher and write it to ``path``; ``progress`` shows the epochs (``base.progress``)."""
    started = time.perf_counter()
    rows, faqs = load_paraphrases(), load_faqs()
    ecd = load_ecd_pairs() if cfg.use_ecd else None
    model = train_encoder(rows, faqs, ecd, cfg, Progress("train_faq_matcher", cfg.epochs, "epoch", enabled=progress))
    encoder = numpy_encoder(model)
    docs, categories = seed_documents(faqs)
    combined, semantic, by_weight = tune(encoder, docs, rows, categories)
    validation = [r for r in rows if r.split == "validation"]
    figures = {
        "bm25": evaluate(KnowledgeBase(docs, None), validation, categories).as_dict(),
        "semantic": evaluate(
            KnowledgeBase(docs, SemanticMatcher(encoder, semantic, semantic)), validation, categories
        ).as_dict(),
        "combined": evaluate(
            KnowledgeBase(docs, SemanticMatcher(encoder, combined, semantic)), validation, categories
        ).as_dict(),
    }
    # Never worse than BM25 (issue 20): on the held-out FAQ groups the combined matcher must answer at least as many
    # questions correctly as BM25 alone, which is what serves when the matcher is disabled.
    held_out = [r for r in rows if r.split == "held_out"]
    verdict = judge(
        "answered_correctly",
        evaluate(KnowledgeBase(docs, SemanticMatcher(encoder, combined, semantic)), held_out, categories).as_dict()[
            "answered_correctly"
        ],
        {"bm25": evaluate(KnowledgeBase(docs, None), held_out, categories).as_dict()["answered_correctly"]},
        split="held-out FAQ groups",
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {key: value.detach().half() for key, value in model.state_dict().items()}
    torch.save(
        {
            "state": state,
            "config": {"buckets": cfg.buckets, "dim": cfg.dim},
            "combined": combined.as_dict(),
            "semantic": semantic.as_dict(),
            "enabled": verdict.passed,
            "verdict": verdict.as_dict(),
            "name": f"faq-matcher-seed{cfg.seed}",
        },
        path,
    )
    pairs = len(training_pairs(rows, faqs, ecd))
    report = TrainingReport(
        path,
        pairs,
        len(ecd) if ecd is not None else None,
        round(time.perf_counter() - started, 1),
        combined,
        semantic,
        by_weight,
        figures,
        path.stat().st_size,
        verdict.as_dict(),
    )
    path.with_suffix(".json").write_text(
        json.dumps(
            {
                "settings": cfg.__dict__,
                "training_pairs": pairs,
                "ecd_pairs": report.ecd_pairs,
                "seconds": report.seconds,
                "combined": combined.as_dict(),
                "semantic": semantic.as_dict(),
                "validation_top1_by_weight": {str(k): v for k, v in by_weight.items()},
                "validation": figures,
                "verdict": verdict.as_dict(),
            },
            indent=1,
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    return report
