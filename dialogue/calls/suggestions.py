"""Choosing, delivering and learning from reply suggestions during a call (SPEC V6–V9).

**Final choice (V7).** The suggestions answer the customer: a segment the salesperson said (``CallSegment.speaker``,
``dialogue.speech.speakers``) gets none. The target model (``dialogue.calls.target_model``) scores every script it
knows for the newest sentence, and ``reply_kinds.read_customer`` reads what the sentence calls for (the customer's
act from its words, the emotion, the customer's sentences before). The final score of each active script of the
call's language, product category and line of business is

    0.35 · model probability + 0.50 · kind fit + 0.10 · scene affinity + 0.10 · category fit
    (+ 0.08 when a tag of the script names the sentence's topic, + 0.10 for an apology when the customer has been
    angry for two of the last three sentences) − 1 when the script was already used in this call

where the kind fit is 1 for the kind the sentence calls for first, then 0.7, 0.5, 0.35 (an angry complaint: an
apology with a remedy; interest: the next step; busy: a brief callback offer), the category fit is 1 for a script of
the call's product category and ½ for a general one (another category's scripts are not offered), and the scene
affinity weighs the scenes of the last ``CONTEXT_SENTENCES`` sentences (newest 1, then ½, ¼; a ``general`` sentence
half that). The three kept favour more than one kind (a repeated kind counts ``W_REPEATED_KIND`` less after the
first), and a goodbye or do-not-disturb script is never first unless the customer is saying goodbye or refusing
further calls. Scripts the model has not seen yet (a manager just wrote them) still rank by kind, scene and
category. The weights were set on the tuning two thirds of ``bench/data/reply_kinds_labelled.jsonl``
(``bench/bench_reply_kinds.py``).

**Delivery (V8).** Suggestions and segments are pushed to the salesperson's terminal group ``sales.<user_id>``
(the call page listens there); "send to the customer" texts the script to the customer when they agreed to
contact.

**Feedback (V9).** A rating (``excellent`` 80, ``good`` 65, ``fair`` 45, ``poor`` 20, or a number 0–100) or a
plain "used it" (``USED_SCORE``) scores the suggestion; a score above the editable threshold (scoring settings,
default 60) adds the sentence's voice information and the script as a training sample; recording the call's
outcome as a deal makes every reply used in it a sample scored ``OUTCOME_SCORE`` (unless rated low). Every
``REPLY_RETRAIN_AFTER`` new samples queue a retraining on the ``training`` queue.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.consent import current_consents
from crm.models import Consent, Organisation, ProductCategory, User
from crm.tenancy import lines_of, products_for, with_defaults
from dialogue.calls.models import Call, CallSegment, ReplySample, ReplyScript, ReplySuggestion, Speaker
from dialogue.calls.reply_kinds import ENDING_KINDS, CustomerReading, read_customer
from dialogue.calls.script_library import active_reply_model, feedback_samples_since_training
from dialogue.calls.target_model import Example
from dialogue.config import get_scoring
from dialogue.sms import sms_backend
from intent.inference import latest_prediction

TOP_K = 3
CONTEXT_SENTENCES = 3
CONTEXT_WEIGHTS = (1.0, 0.5, 0.25)  # newest first
RATINGS = {"excellent": 80, "good": 65, "fair": 45, "poor": 20}
USED_SCORE = 70
OUTCOME_SCORE = 100
SCRIPT_LANGUAGE = {"zh-hans": "zh-hans", "yue": "zh-hans", "en": "en"}


class Sentence(Protocol):
    text: str
    emotion: str
    scene: str
    sound: dict


class FeedbackRefusedError(ValueError):
    """The feedback or the sending is refused; the message says why."""


@dataclass(frozen=True)
class Suggestion:
    script_id: int
    key: str
    text: str
    scene: str
    score: float
    reasons: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "script": self.script_id, "key": self.key, "text": self.text, "scene": self.scene,
            "score": round(self.score, 3), "reasons": list(self.reasons),
        }  # fmt: skip


# --- V7: the final choice ------------------------------------------------------------------------------------------
def choose(
    sentences: Sequence[Sentence],
    language: str,
    category: str = "",
    used: frozenset[str] = frozenset(),
    k: int = TOP_K,
    organisation: Organisation | int | None = None,
    line: str | None = None,
) -> list[Suggestion]:
    """The top ``k`` scripts after the last of ``sentences`` (oldest first; the last is the customer's), from the
    reply scripts ``organisation`` uses (``scripts_for``). ``line`` is the call's line of business (``home``,
    ``banking``, ``insurance``; looked up from ``category`` when not given)."""
    if not sentences:
        return []
    recent = list(sentences[-CONTEXT_SENTENCES:])
    current = recent[-1]
    model = active_reply_model()
    example = Example(
        text=current.text, context=tuple(s.text for s in recent[:-1]), emotion=current.emotion,
        scene=current.scene, category=category, sound=current.sound or {},
    )  # fmt: skip
    probabilities = model.probabilities(example) if model else {}
    customer_before = [s.text for s in recent[:-1] if getattr(s, "speaker", "") != "salesperson"]
    reading = read_customer(current.text, current.emotion, customer_before)
    affinity = scene_affinity([s.scene for s in recent])
    angry_run = sum(s.emotion == "angry" for s in recent) >= 2
    line = line_of(category, organisation) if line is None else line
    scored = []
    for script in scripts_for(organisation, SCRIPT_LANGUAGE.get(language, language)):
        code = script.category.code if script.category_id else ""
        if code and code != category or not _fits_line(script, line):
            continue
        probability = probabilities.get(script.key, 0.0)
        fit = reading.fit(script.kind)
        reasons = [_("model %(p)d%%") % {"p": round(probability * 100)}] if probability >= 0.05 else []
        score = (
            W_MODEL * probability + W_KIND * fit + W_SCENE * affinity.get(script.scene, 0.0)
            + (W_CATEGORY if code else W_CATEGORY / 2)
        )  # fmt: skip
        if fit >= 0.7:
            reasons.append(_("what the customer's words call for"))
        if affinity.get(script.scene, 0.0) >= 0.5:
            reasons.append(_("fits the scene"))
        if code:
            reasons.append(_("for this product"))
        if _topic_matches(script, current.text):
            score += W_TOPIC
        if angry_run and "apology" in (script.tags or []):
            score += 0.10
            reasons.append(_("the customer has been angry"))
        if script.key in used:
            score -= 1.0
            reasons.append(_("already used in this call"))
        scored.append(
            (script.kind, Suggestion(script.pk, script.key, script.text, script.scene, score, tuple(reasons)))
        )
    scored.sort(key=lambda pair: (-pair[1].score, pair[1].key))
    return [suggestion for _kind, suggestion in _no_goodbye_first(_varied(scored, k), reading)][:k]


W_MODEL, W_KIND, W_SCENE, W_CATEGORY, W_TOPIC, W_REPEATED_KIND = 0.35, 0.50, 0.10, 0.10, 0.08, 0.10
# A script tagged with a line of business is offered only on calls of that line (a bank's customer is not invited
# to the furniture showroom); "banking" also covers the insurance a bank sells.
LINE_TAGS = {"home": {"home"}, "banking": {"banking", "insurance"}}
# Words of the customer's sentence that a script's tag answers, to choose among scripts of the same kind.
TOPICS = {
    "delivery": re.compile(r"送|到货|发货|物流|待发货"),
    "quality": re.compile(r"坏|裂|歪|松|闪|质量|味道|不一样|划"),
    "repair": re.compile(r"修|坏|松|不顺|关不严"),
    "charge": re.compile(r"扣|年费|账单|消费|少了|收益|利息.{0,4}不对|算.{0,2}不对|逾期"),
    "transfer": re.compile(r"转账|到账|到期"),
    "service": re.compile(r"态度|排队|打不通|没人|三次|登不上|没消息"),
    "driving": re.compile(r"开车"),
    "text": re.compile(r"会议|开会|上班|在外面|地铁|接孩子"),
    "interest-rate": re.compile(r"利率|利息"),
    "fee": re.compile(r"年费|手续费|申购费|费"),
    "price-match": re.compile(r"别家|网上|别的"),
    "instalment": re.compile(r"分期|一次.{0,4}拿不出"),
    "discount": re.compile(r"打.?折|优惠|便宜"),
    "store": re.compile(r"看看|店里|过去|展厅|样品|坐一坐|实物"),
    "branch": re.compile(r"网点|办理|去哪办|怎么申请|办一张"),
    "risk-assessment": re.compile(r"测评|理财|基金"),
    "quote": re.compile(r"报价|方案"),
    "wechat": re.compile(r"微信"),
    "materials": re.compile(r"资料|图片"),
    "link": re.compile(r"链接|下单|付款"),
    "do-not-disturb": re.compile(r"别再|骚扰|删"),
}


def line_of(category: str, organisation: Organisation | int | None = None) -> str:
    """The line of business of a product category code ("" when unknown): the organisation's own category of that
    code when it has one (two organisations may use one code for different lines), else the default organisation's."""
    if not category:
        return ""
    categories = ProductCategory.objects.filter(code=category)
    if organisation is not None:
        own = categories.filter(organisation=organisation).values_list("line_of_business", flat=True).first()
        if own is not None:
            return own
    default_first = categories.order_by("-organisation__is_default", "pk")
    return default_first.values_list("line_of_business", flat=True).first() or ""


def _fits_line(script: ReplyScript, line: str) -> bool:
    tagged = [LINE_TAGS[tag] for tag in script.tags or () if tag in LINE_TAGS]
    return not tagged or not line or any(line in lines for lines in tagged)


def _topic_matches(script: ReplyScript, text: str) -> bool:
    return any(tag in TOPICS and TOPICS[tag].search(text) for tag in script.tags or ())


def _varied(scored: list[tuple[str, Suggestion]], k: int) -> list[tuple[str, Suggestion]]:
    """The top ``k`` with some variety: after the first, a script of a kind already chosen counts ``W_REPEATED_KIND``
    less, so a close second kind (the next step beside an answer) gets a place."""
    chosen: list[tuple[str, Suggestion]] = []
    rest = scored[:]
    while rest and len(chosen) < k:
        kinds = {kind for kind, _s in chosen}
        best = max(rest, key=lambda pair: pair[1].score - (W_REPEATED_KIND if pair[0] and pair[0] in kinds else 0.0))
        chosen.append(best)
        rest.remove(best)
    return chosen + rest


def _no_goodbye_first(scored: list[tuple[str, Suggestion]], reading: CustomerReading) -> list[tuple[str, Suggestion]]:
    """A goodbye (or a promise never to call again) is never first for a customer who is not ending the call: the
    best other script goes before it."""
    if not scored or reading.may_end or scored[0][0] not in ENDING_KINDS:
        return scored
    other = next((i for i, (kind, _s) in enumerate(scored) if kind not in ENDING_KINDS), None)
    if other is None:
        return scored
    return [scored[other], *scored[:other], *scored[other + 1 :]]


def scripts_for(organisation: Organisation | int | None, language: str) -> list[ReplyScript]:
    """The active reply scripts of ``language`` an organisation's calls choose from (issue 19): the product-wide
    scripts, each replaced by the organisation's own script of the same key, and the organisation's other scripts.
    An organisation's script that is switched off takes the product-wide one of its key out as well. ``None``: the
    product-wide scripts alone."""
    organisation_id = organisation.pk if isinstance(organisation, Organisation) else organisation
    rows = with_defaults(ReplyScript.objects.filter(language=language), organisation_id).select_related("category")
    chosen: dict[str, ReplyScript] = {}
    for script in sorted(rows, key=lambda script: script.organisation_id is not None):
        chosen[script.key] = script  # the organisation's own after (over) the product-wide one
    return [
        script
        for script in chosen.values()
        if script.is_active
        # A script tied to a category of another company is not this company's (a product-wide one matches by code).
        and (
            script.organisation_id is None
            or not script.category_id
            or script.category.organisation_id == organisation_id
        )
    ]


def scene_affinity(scenes: Sequence[str]) -> dict[str, float]:
    """Scene → weight in [0, 1] from the scenes of the recent sentences (oldest first). ``general`` sentences
    carry half weight, so a specific scene before them is not lost."""
    weights: dict[str, float] = defaultdict(float)
    for weight, scene in zip(CONTEXT_WEIGHTS, reversed(scenes), strict=False):
        weights[scene] += weight * (0.5 if scene == "general" else 1.0)
    top = max(weights.values(), default=0.0)
    return {scene: value / top for scene, value in weights.items()} if top else {}


# --- Per call ------------------------------------------------------------------------------------------------------
def call_category(call: Call) -> str:
    """The product category of the customer's top intended product that the salesperson offers (the intent
    engine's latest ranking, limited to the customer's organisation and the salesperson's lines of business)."""

    prediction = latest_prediction(call.customer)
    ids = [intent.get("product_id") for intent in (prediction.intents if prediction else [])]
    lines = lines_of(call.salesperson)
    offered = products_for(call.customer.organisation_id, lines, on_sale=False).in_bulk(
        [pk for pk in ids if isinstance(pk, int)]
    )
    product = next((offered[pk] for pk in ids if pk in offered), None)
    return product.category.code if product is not None else ""


def suggest_after(segment: CallSegment, category: str | None = None) -> list[ReplySuggestion]:
    """Choose and store the top suggestions after ``segment`` (replacing any stored for it). The salesperson's own
    sentences get none: suggestions answer the customer."""
    call = segment.call
    if segment.speaker == Speaker.SALESPERSON:
        ReplySuggestion.objects.filter(segment=segment).delete()
        return []
    recent = list(
        CallSegment.objects.filter(call=call, index__lte=segment.index).order_by("-index")[:CONTEXT_SENTENCES]
    )
    used = frozenset(
        ReplySuggestion.objects.filter(call=call, used_at__isnull=False).values_list("script__key", flat=True)
    )
    chosen = choose(
        recent[::-1],
        call.language,
        call_category(call) if category is None else category,
        used,
        organisation=call.customer.organisation_id,
    )
    scripts = ReplyScript.objects.in_bulk([s.script_id for s in chosen])  # the frames read the scripts' texts
    with transaction.atomic():
        ReplySuggestion.objects.filter(segment=segment).delete()
        return ReplySuggestion.objects.bulk_create(
            ReplySuggestion(
                call=call,
                segment=segment,
                script=scripts[s.script_id],
                rank=rank,
                score=round(s.score, 4),
                reasons=list(s.reasons),
            )  # fmt: skip
            for rank, s in enumerate(chosen, start=1)
        )


def suggestion_frame(suggestion: ReplySuggestion) -> dict[str, Any]:
    return {
        "id": suggestion.pk, "segment": suggestion.segment.index, "rank": suggestion.rank,
        "script": suggestion.script_id, "key": suggestion.script.key, "text": suggestion.script.text,
        "scene": suggestion.script.scene, "score": suggestion.score, "reasons": suggestion.reasons,
        "used": suggestion.used_at is not None, "rating": suggestion.rating, "sent": suggestion.sent_at is not None,
    }  # fmt: skip


# --- V9: feedback --------------------------------------------------------------------------------------------------
def rate(suggestion: ReplySuggestion, user: User, *, used: object = None, rating: object = None) -> ReplySuggestion:
    """Record "used it" and/or a rating; above the threshold the sentence and the script become a training sample."""

    if used is None and rating is None:
        raise FeedbackRefusedError(_("Send used (true) or a rating."))
    if used is not None and not isinstance(used, bool):
        raise FeedbackRefusedError(_("used must be true or false."))
    score = _score(rating)
    with transaction.atomic():
        locked = (
            ReplySuggestion.objects.select_for_update()
            .select_related("segment", "call__customer", "script")
            .get(pk=suggestion.pk)
        )
        threshold = get_scoring(locked.call.customer.organisation_id).feedback_score_threshold
        if used:
            locked.used_at = locked.used_at or timezone.now()
        if score is not None:
            locked.rating, locked.rated_by = score, user
        effective = locked.rating if locked.rating is not None else (USED_SCORE if locked.used_at else None)
        if effective is not None and effective > threshold and locked.sample_id is None:
            locked.sample = _sample_of(locked, effective)
        elif locked.sample_id and (effective is None or effective <= threshold):
            ReplySample.objects.filter(pk=locked.sample_id).delete()  # a lowered rating takes the sample back
            locked.sample = None
        locked.save()
    return locked


def record_outcome(call: Call, outcome: object) -> Call:
    """The call's result (V9, "or the outcome is recorded"): after a deal, every reply used in the call becomes a
    training sample scored ``OUTCOME_SCORE`` (an existing sample is raised to it), except one the salesperson rated
    at or below the threshold: their explicit judgement wins."""

    if outcome not in ("deal", "no_deal"):
        raise FeedbackRefusedError(_("outcome must be deal or no_deal."))
    threshold = get_scoring(call.customer.organisation_id).feedback_score_threshold
    with transaction.atomic():
        Call.objects.filter(pk=call.pk).update(outcome=outcome)
        if outcome == "deal":
            used = ReplySuggestion.objects.select_for_update().filter(call=call, used_at__isnull=False)
            for suggestion in used.select_related("segment", "call", "script"):
                if suggestion.rating is not None and suggestion.rating <= threshold:
                    continue
                if suggestion.sample_id:
                    ReplySample.objects.filter(pk=suggestion.sample_id).update(
                        score=OUTCOME_SCORE, source=ReplySample.Source.OUTCOME
                    )
                else:
                    suggestion.sample = _sample_of(suggestion, OUTCOME_SCORE, ReplySample.Source.OUTCOME)
                    suggestion.save(update_fields=["sample"])
    return Call.objects.get(pk=call.pk)


def _score(rating: object) -> int | None:
    if rating is None:
        return None
    if isinstance(rating, str) and rating in RATINGS:
        return RATINGS[rating]
    if isinstance(rating, int) and not isinstance(rating, bool) and 0 <= rating <= 100:
        return rating
    raise FeedbackRefusedError(
        _("rating must be one of %(labels)s or a number from 0 to 100.") % {"labels": ", ".join(RATINGS)}
    )


def _sample_of(suggestion: ReplySuggestion, score: int, source: str = ReplySample.Source.FEEDBACK) -> ReplySample:
    segment = suggestion.segment
    before = CallSegment.objects.filter(call=segment.call, index__lt=segment.index).order_by("-index")[:2]
    return ReplySample.objects.create(
        script=suggestion.script, text=segment.text, context=[s.text for s in reversed(before)],
        emotion=segment.emotion, scene=segment.scene, category=call_category(suggestion.call), sound=segment.sound,
        source=source, score=score,
    )  # fmt: skip


def retraining_due() -> bool:
    """Enough feedback samples the active model has not seen (``REPLY_RETRAIN_AFTER``): after ``rate`` or
    ``record_outcome`` the caller (the API view) then queues a retraining (``tasks.retrain_when_due``)."""
    return feedback_samples_since_training() >= settings.REPLY_RETRAIN_AFTER


# --- V8: to the customer -------------------------------------------------------------------------------------------
def send_to_customer(suggestion: ReplySuggestion) -> ReplySuggestion:
    """Text the script to the customer (their contact consent and phone number are required)."""

    customer = suggestion.call.customer
    if not current_consents(customer)[Consent.Purpose.CONTACT]:
        raise FeedbackRefusedError(_("The customer has not agreed to be contacted."))
    if not customer.phone:
        raise FeedbackRefusedError(_("The customer has no phone number."))
    sms_backend().send(customer.phone, suggestion.script.text)
    ReplySuggestion.objects.filter(pk=suggestion.pk).update(sent_at=timezone.now())
    suggestion.refresh_from_db()
    return suggestion
