"""Demand during the conversation (SPEC B7): what the customer says lowers or raises products, and the watch
switches to the newest top 3.

Each transcript segment is read with the conversation engine's word lists (one lexicon for the product): reject
words (不要, 不考虑, 不感兴趣 …) and interest words (感兴趣, 想了解 …), with their negation and degree handling
(不是不要 is neither). A keyword acts on the products and categories named in its own clause — clauses end at
punctuation and at 但/但是/不过/可是/而是 — so 基金不要，保险感兴趣 lowers funds and raises insurance. Without a
named target it acts on the product talked about last. Every segment of the task is read again from the start,
so the ranking follows the whole conversation and does not drift.

Scores: a rejected product keeps 10 % of its score; an interesting one gains 50 % plus 0.2. A category named with
interest that has no product in the list brings its most suitable product on sale in, just above the current
best. The analysis interval of the scoring settings (30 s by default) paces audio transcription; text segments
are analysed as they arrive.

Only products and categories of the branch's organisation in the lines it serves can be named, raised or brought
in (issue 19): a bank customer who says 沙发 at a bank branch brings no sofa onto the watch.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import transaction

from branch.models import Branch, DemandUpdate, Task, TranscriptSegment
from crm.consent import current_consents
from crm.models import Consent, Product
from crm.tenancy import categories_for, products_for
from dialogue import lexicon
from dialogue.config import get_config
from dialogue.speech.recognition import WHISPER_LANGUAGES, recognise_utterance
from dialogue.text import MAX_REPLY_CHARS, prepare

REJECT_KEEPS = 0.1
INTEREST_TIMES, INTEREST_PLUS = 1.5, 0.2
TOP = 3
SHORT_NAME_CHARS = 4
CLAUSE_END = re.compile(r"[，。！？；,.!?;\n]|但是|不过|可是|而是|但")


class SegmentRefusedError(ValueError):
    """The segment cannot be taken; the message says why."""


@dataclass(frozen=True)
class Target:
    kind: str  # "product" or "category"
    id: int
    name: str
    said_as: str = ""  # the words that name it in a sentence; the name itself when empty

    @property
    def words(self) -> str:
        return (self.said_as or self.name).lower()


@dataclass(frozen=True)
class Adjustment:
    signal: str  # lexicon.REJECT or lexicon.INTEREST
    word: str
    target: Target

    def as_dict(self) -> dict:
        return {"signal": self.signal, "word": self.word, "target": self.target.kind, "id": self.target.id,
                "name": self.target.name}  # fmt: skip


def catalogue_targets(branch: Branch) -> list[Target]:
    """What a sentence may name at ``branch``, longest first (头层牛皮沙发 before 沙发): its organisation's products
    on sale in the lines it serves, by their full name and by its last four characters (people say 大额存单 for
    三年期大额存单), and those lines' categories by name."""
    lines = tuple(branch.lines_of_business or ())
    targets = []
    for pk, name in products_for(branch.organisation_id, lines).values_list("pk", "name"):
        targets.append(Target("product", pk, name))
        if len(name) > SHORT_NAME_CHARS:
            targets.append(Target("product", pk, name, said_as=name[-SHORT_NAME_CHARS:]))
    categories = categories_for(branch.organisation_id, lines).values_list("pk", "name")
    targets += [Target("category", pk, name) for pk, name in categories]
    return sorted(targets, key=lambda t: len(t.words), reverse=True)


def read_adjustments(
    text: str, targets: list[Target], last: Target | None = None, organisation: int | None = None
) -> tuple[list[Adjustment], Target | None]:
    """The reject/interest keywords of ``text`` (``organisation``'s word lists) with what each refers to; also the
    last target named."""
    normalised = prepare(text, "zh-hans").normalised
    clauses = _clauses(normalised)
    named_in = [_named(normalised[start:end], targets) for start, end in clauses]
    adjustments = []
    for match in get_config(organisation).words.match(normalised):
        if match.kind not in (lexicon.REJECT, lexicon.INTEREST):
            continue
        index = next(i for i, (start, end) in enumerate(clauses) if start <= match.start < end)
        named = named_in[index] or ([last] if last else [])
        adjustments += [Adjustment(match.kind, match.word, target) for target in named]
    for named in named_in:
        if named:
            last = named[-1]
    return adjustments, last


def rerank(needs: list[dict], adjustments: list[Adjustment], branch: Branch) -> list[dict]:
    """The needs with the adjustments applied, best first (ties keep the analysis's order); only products ``branch``
    may recommend stay in or are brought in."""
    allowed = products_for(branch.organisation_id, branch.lines_of_business or ())
    category_of = dict(allowed.filter(pk__in=[n["product_id"] for n in needs]).values_list("pk", "category_id"))
    ranked = {
        n["product_id"]: dict(n, score=float(n.get("probability") or 0.0))
        for n in needs
        if n["product_id"] in category_of
    }
    for adjustment in adjustments:
        target = adjustment.target
        hit = [
            pid
            for pid in ranked
            if (pid == target.id if target.kind == "product" else category_of.get(pid) == target.id)
        ]
        if not hit and adjustment.signal == lexicon.INTEREST:
            brought = _bring_in(target, allowed)
            if brought is not None:
                best = max((n["score"] for n in ranked.values()), default=0.0)
                ranked[brought.pk] = _need(brought, best + 0.05, f"客户表示{adjustment.word}「{target.name}」")
                category_of[brought.pk] = brought.category_id
            continue
        for pid in hit:
            need = ranked[pid]
            if adjustment.signal == lexicon.REJECT:
                need["score"] *= REJECT_KEEPS
                need["reason"] = f"客户说「{adjustment.word}」"
            else:
                need["score"] = need["score"] * INTEREST_TIMES + INTEREST_PLUS
                need["reason"] = f"客户表示{adjustment.word}"
    order = sorted(ranked.values(), key=lambda n: -n["score"])
    return [{k: v for k, v in n.items() if k != "score"} | {"probability": round(n["score"], 4)} for n in order]


def add_segment(task: Task, wearable_id: int, text: object) -> tuple[TranscriptSegment, DemandUpdate | None]:
    """Store the segment, read the whole conversation again, and record a demand update when the top 3 changed."""
    if not isinstance(text, str) or not text.strip():
        raise SegmentRefusedError("text must be the words said, as text.")
    if len(text) > MAX_REPLY_CHARS:
        raise SegmentRefusedError(f"text: at most {MAX_REPLY_CHARS} characters per segment.")
    if task.wearable_id != wearable_id or task.status != Task.Status.STARTED:
        raise SegmentRefusedError("Start the task on this watch first.")
    with transaction.atomic():
        segment = TranscriptSegment.objects.create(task=task, text=text.strip())
        adjustments: list[Adjustment] = []
        last = None
        targets = catalogue_targets(task.branch)
        for said in task.segments.order_by("created_at", "pk").values_list("text", flat=True):
            found, last = read_adjustments(said, targets, last, task.branch.organisation_id)
            adjustments += found
        needs = rerank(task.demand.get("needs", task.recommendations), adjustments, task.branch)
        top = needs[:TOP]
        if [n["product_id"] for n in top] == [r["product_id"] for r in task.recommendations]:
            return segment, None
        Task.objects.filter(pk=task.pk).update(recommendations=top)
        task.recommendations = top
        update = DemandUpdate.objects.create(
            task=task, recommendations=top, adjustments=[a.as_dict() for a in adjustments]
        )
    return segment, update


def _clauses(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for stop in CLAUSE_END.finditer(text):
        spans.append((start, stop.start()))
        start = stop.end()
    spans.append((start, len(text)))
    return spans or [(0, len(text))]


def _named(clause: str, targets: list[Target]) -> list[Target]:
    found, taken, seen = [], [False] * len(clause), set()
    for target in targets:
        at = clause.find(target.words)
        size = len(target.words)
        if at >= 0 and not any(taken[at : at + size]) and (target.kind, target.id) not in seen:
            found.append((at, target))
            seen.add((target.kind, target.id))
            taken[at : at + size] = [True] * size
    return [target for _, target in sorted(found, key=lambda item: item[0])]


def _bring_in(target: Target, products) -> Product | None:  # noqa: ANN001 - the branch's products on sale
    if target.kind == "product":
        return products.filter(pk=target.id).first()
    return products.filter(category_id=target.id).order_by("price", "pk").first()


def _need(product: Product, score: float, reason: str) -> dict:
    return {"product_id": product.pk, "product": product.name, "category": product.category.name, "score": score,
            "reason": reason}  # fmt: skip


# --- B7 from audio: the watch's microphone through the call assistant's speech service ------------------------------
def audio_task(wearable_id: int, task_id: object) -> tuple[Task, str]:
    """The started task of this watch that audio may be heard for, and the language to hear it in. The customer's
    call-recording consent is required (SPEC X3): the words are transcribed, the audio is not kept."""

    if not isinstance(task_id, int) or isinstance(task_id, bool):
        raise SegmentRefusedError("task must be a task id.")
    task = Task.objects.filter(pk=task_id, wearable_id=wearable_id).select_related("customer").first()
    if task is None or task.status != Task.Status.STARTED:
        raise SegmentRefusedError("Start the task on this watch first.")
    if not current_consents(task.customer)[Consent.Purpose.CALL_RECORDING]:
        raise SegmentRefusedError("The customer has not agreed to the conversation being recorded.")
    return task, task.customer.language


def hear(task: Task, wearable_id: int, samples, start: float, language: str) -> list[tuple[str, DemandUpdate | None]]:  # noqa: ANN001
    """Recognise one utterance (``dialogue.speech.recognition``, as for calls) and feed each sentence to the demand
    analysis."""

    heard = []
    language = language if language in WHISPER_LANGUAGES else "zh-hans"
    for segment in recognise_utterance(samples, language, start, task.branch.organisation_id):
        task.refresh_from_db(fields=["status", "recommendations", "demand"])
        heard.append((segment.text, add_segment(task, wearable_id, segment.text[:MAX_REPLY_CHARS])[1]))
    return heard
