"""The conversation engine's one entry point (SPEC S11–S16): ``analyze_reply(conversation, text)``.

For each customer message: normalise (Traditional → Simplified), match the word lists once, then
emotion (lexicon + model), satisfaction K with its reasons, deal rate P, the situation, an answer or none,
"guess what you want to ask" suggestions and the resulting actions — offer the purchase link, hand off to the
salesperson, update the intent engine (X2). The customer's message with its analysis, the bot's answer, the
hand-off and the intent feedback are written in one transaction; pushes and e-mails follow the commit.
While the salesperson has the chat, the message is analysed for them but the bot stays quiet.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field, replace

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from base.queueing import enqueue
from crm.models import Customer, Product, User
from crm.tenancy import lines_of, products_for
from dialogue import lexicon
from dialogue.answers import ProductFacts, Suggestion, detect_situation, suggest_questions
from dialogue.chat_notes import someone
from dialogue.config import ScoringValues, get_config
from dialogue.emotion import EmotionResult, detect_emotion
from dialogue.handoff import ConversationClosedError, closed_message, deliver_after_commit, first_assignee, hand_off
from dialogue.handoff_escalation import sweep_handoffs
from dialogue.knowledge import get_knowledge_base
from dialogue.models import FAQ, Conversation, HandOff, Message, Reason, Situation
from dialogue.presence import expected_wait_minutes, is_online
from dialogue.reply_plan import (
    ANSWER,
    CLARIFY,
    HANDOFF,
    PURCHASE,
    Helper,
    Plan,
    Turn,
    is_upset,
    plan_reply,
    refine_situation,
    wants_to_buy,
)
from dialogue.score_explanations import scoring_weights
from dialogue.scoring import DealRate, ProductAttributes, Satisfaction, score_deal_rate, score_satisfaction
from dialogue.text import prepare, validate_reply
from intent.feedback import record_feedback
from intent.inference import latest_prediction
from intent.models import IntentFeedback
from intent.tasks import predict_intents_task

logger = logging.getLogger(__name__)
State = Conversation.State
FEEDBACK_SOURCE = {
    Conversation.Channel.CARD: IntentFeedback.Source.CARD,
    Conversation.Channel.TERMINAL: IntentFeedback.Source.STAFF,
    Conversation.Channel.CALL: IntentFeedback.Source.CALL,
}


@dataclass(frozen=True)
class ReplyAnalysis:
    message_id: int
    language: str
    emotion: EmotionResult
    satisfaction: Satisfaction
    deal_rate: DealRate
    situation: str
    answer: str | None
    answer_message_id: int | None
    answer_confidence: float
    suggestions: list[Suggestion]
    actions: list[dict]
    handoff_id: int | None = None
    matched: dict[str, list[str]] = field(default_factory=dict)
    # What the bot did with the message: answer, clarify, handoff, purchase, acknowledge (a person is coming) or
    # quiet (a person has the chat); and why it handed off (a HandOff.Reason), when it did.
    behaviour: str = "answer"
    handoff_reason: str | None = None
    message_ids: list[int] = field(default_factory=list)  # the customer's message, then every bot line
    # For the pushes after the turn (``conversation_pushes.publish_after_customer_message``), not part of the
    # analysis: the row the turn was written with, and whether the turn moved it to another state (a hand-off).
    conversation: Conversation | None = field(default=None, compare=False, repr=False)
    state_changed: bool = False

    def as_dict(self) -> dict:
        data = asdict(replace(self, conversation=None))
        del data["conversation"], data["state_changed"]
        return data


def start_conversation(
    customer: Customer,
    *,
    salesperson: User | None = None,
    product: Product | None = None,
    channel: str = Conversation.Channel.CARD,
    greeting: str = "",
) -> Conversation:
    """Open a conversation about ``product`` (by default the customer's first predicted intent)."""
    if product is None:
        product = _first_intent(customer, salesperson or customer.owner)
    conversation = Conversation.objects.create(
        customer=customer,
        salesperson=salesperson or customer.owner,
        product=product,
        channel=channel,
        language=customer.language,
        greeting=greeting,
    )
    if greeting:
        Message.objects.create(conversation=conversation, sender=Message.Sender.BOT, text=greeting)
    return conversation


def analyze_reply(conversation: Conversation | int, text: str) -> ReplyAnalysis:
    """Analyse one customer message (in ``conversation``, a row or its id) and answer it; raises
    ``ReplyRefusedError`` for empty or over-long text. The caller pushes the turn
    (``conversation_pushes.publish_after_customer_message``)."""
    text = validate_reply(text)
    # The caller's copy may predate a hand-off (so its id is enough); one query brings the state, the product and
    # the salesperson. The conversation row is read twice in all: here, and under the lock that writes the turn.
    conversation_id = conversation if isinstance(conversation, int) else conversation.pk
    conversation = Conversation.objects.select_related("product__category", "salesperson", "customer").get(
        pk=conversation_id
    )
    state_before = conversation.state
    if conversation.state == State.CLOSED:
        raise ConversationClosedError(closed_message())
    # Issue 19: the conversation's organisation (its customer's) decides the word lists, templates, settings and
    # knowledge; the salesperson's lines of business narrow the knowledge further.
    organisation_id = conversation.customer.organisation_id
    lines = lines_of(conversation.salesperson)
    config = get_config(organisation_id)
    cfg = config.scoring
    prepared = prepare(text, conversation.language)
    matches = config.words.match(prepared.normalised)
    product = product_facts(_own_product(conversation))
    emotion = detect_emotion(prepared.normalised, matches, cfg)
    satisfaction = score_satisfaction(
        len(prepared.tokens), matches, cfg, prepared.normalised, _attributes(product), emotion.model_positive
    )
    deal = score_deal_rate(matches, prepared.chars, cfg)
    situation = refine_situation(detect_situation(matches, deal.above_threshold), text)
    knowledge = get_knowledge_base(organisation_id)
    history = _history(conversation)
    salesperson = _salesperson_name(conversation)
    ready_to_buy = product is not None and bool(product.purchase_url) and wants_to_buy(situation, deal.above_threshold)
    upset = is_upset(situation, emotion.label)
    turn = Turn(
        state=conversation.state,
        text=text,
        normalised=prepared.normalised,
        language=prepared.language,
        situation=situation,
        emotion=emotion.label,
        below_satisfaction=satisfaction.below_threshold,
        ready_to_buy=ready_to_buy,
        product=product,
        organisation_id=organisation_id,
        salesperson=salesperson or someone(prepared.language),
        misses_before=history.misses,
        recent_bot_texts=history.recent_bot_texts,
        clarified_faq=history.clarified_faq,
        rotation=len(history.asked),
        person_silent=conversation.state == State.SALESPERSON and _person_silent(conversation, cfg),
        lines=lines,
    )
    plan = plan_reply(
        turn,
        knowledge=knowledge,
        templates=config.templates,
        cfg=cfg,
        helper=lambda: _helper(conversation, prepared.language),
        category_products=lambda: _category_products(product, organisation_id, lines),
    )
    answer = plan.answer
    signals = _intent_signals(matches, satisfaction, deal)
    actions: list[dict] = []
    if ready_to_buy and conversation.state != State.SALESPERSON and not upset:
        actions.append({"type": "offer_purchase_link", "product_id": product.id, "url": product.purchase_url})
    elif upset:  # an angry complaint is no moment to sell: the card takes an earlier offer off the screen
        actions.append({"type": "withdraw_purchase_offer"})
    if conversation.state != State.BOT:
        actions.append({"type": "forward_to_salesperson"})
    if product is not None:
        actions += [{"type": "update_intent", "signal": signal, "product_id": product.id} for signal in signals]

    with transaction.atomic():
        conversation = (
            Conversation.objects.select_for_update(of=("self",))
            .select_related("customer", "product__category", "salesperson")
            .get(pk=conversation.pk)
        )
        if conversation.state == State.CLOSED:  # closed is closed: the caller starts a new conversation
            raise ConversationClosedError(closed_message())
        details = _details(emotion, satisfaction, deal, matches) | {
            "behaviour": plan.behaviour,
            "weights": scoring_weights(cfg, satisfaction.model_positive),  # what the explanation shows (issue 21)
        }
        message = Message.objects.create(
            conversation=conversation,
            sender=Message.Sender.CUSTOMER,
            text=text,
            language=prepared.language,
            emotion=emotion.label,
            emotion_scores=emotion.scores,
            polarity=emotion.polarity,
            satisfaction=satisfaction.score,
            deal_rate=deal.score,
            reasons=list(satisfaction.reasons),
            situation=situation,
            answer_confidence=answer.confidence if answer else None,
            actions=actions,
            analysis=details,
        )
        handoff = None
        if plan.handoff_reason is not None:
            handoff = hand_off(conversation, plan.handoff_reason, _handoff_detail(satisfaction, plan, cfg))
            actions.append({"type": "hand_off", "reason": plan.handoff_reason, "handoff_id": handoff.pk})
            Message.objects.filter(pk=message.pk).update(actions=actions)
        if plan.callback_phone:
            _note_callback(conversation, plan.callback_phone)
        bot_messages = [
            Message.objects.create(
                conversation=conversation,
                sender=Message.Sender.BOT,
                text=line.text,
                language=prepared.language,
                situation=line.situation,
                answer_confidence=line.confidence,
                faq_id=line.faq_id,
            )
            for line in plan.lines
            if line.text
        ]
        if answer is not None and answer.faq_id and plan.behaviour in (ANSWER, PURCHASE, HANDOFF):
            FAQ.objects.filter(pk=answer.faq_id).update(popularity=F("popularity") + 1)
        if product is not None and signals:
            source = FEEDBACK_SOURCE.get(conversation.channel, IntentFeedback.Source.CARD)
            for signal in signals:
                record_feedback(conversation.customer, conversation.product, signal, source, note=text[:300])
            # S12: the intent is updated from the feedback, the profile and the browsing history.
            customer_id = conversation.customer_id
            enqueue(predict_intents_task, [customer_id], embedded="inline")
        Conversation.objects.filter(pk=conversation.pk).update(updated_at=message.created_at)
        conversation.updated_at = message.created_at  # the row as stored, for the pushes after commit
    if conversation.state == State.WAITING or handoff is not None:
        transaction.on_commit(_sweep_soon)

    answered = history.answered_faqs | ({answer.faq_id} if answer and answer.faq_id else set())
    suggestions = suggest_questions(
        knowledge=knowledge,
        product=product,
        language=prepared.language,
        asked=[*history.asked, text],
        answered_faqs=answered,
    )
    answer_text = "\n".join(m.text for m in bot_messages) if bot_messages else None
    return ReplyAnalysis(
        message_id=message.pk,
        language=prepared.language,
        emotion=emotion,
        satisfaction=satisfaction,
        deal_rate=deal,
        situation=situation,
        answer=answer_text,
        answer_message_id=bot_messages[-1].pk if bot_messages else None,
        answer_confidence=answer.confidence if answer else 0.0,
        suggestions=suggestions,
        actions=actions,
        handoff_id=handoff.pk if handoff else None,
        matched=_matched_words(matches),
        behaviour=plan.behaviour,
        handoff_reason=plan.handoff_reason,
        message_ids=[message.pk, *(m.pk for m in bot_messages)],
        conversation=conversation,
        state_changed=handoff is not None or conversation.state != state_before,
    )


def current_suggestions(conversation: Conversation, messages: list[Message] | None = None) -> list[Suggestion]:
    """The "guess what you want to ask" questions for a conversation as it stands (e.g. when a card opens);
    ``messages`` are its messages when the caller has them already."""
    history = _history(conversation, messages)
    return suggest_questions(
        knowledge=get_knowledge_base(conversation.customer.organisation_id),
        product=product_facts(_own_product(conversation)),
        language=conversation.language,
        asked=history.asked,
        answered_faqs=history.answered_faqs,
    )


def product_facts(product: Product | None) -> ProductFacts | None:
    if product is None:
        return None
    specs = dict(product.specs or {})
    return ProductFacts(
        id=product.pk,
        name=product.name,
        category_id=product.category_id,
        category=product.category.name,
        price=product.price,
        price_label=str(specs.get("price_label", "")),
        design=product.design,
        colour=product.colour,
        size=product.size,
        specs=specs,
        purchase_url=product.purchase_url,
    )


@dataclass(frozen=True)
class _History:
    asked: list[str]
    answered_faqs: set[int]
    misses: int = 0  # the customer's latest messages in a row that the bot could only clarify
    recent_bot_texts: tuple[str, ...] = ()
    clarified_faq: int | None = None  # the FAQ of "您是想问…吗？" when that was the bot's last line


RECENT_BOT_TEXTS = 3


def _history(conversation: Conversation, messages: list[Message] | None = None) -> _History:
    asked: list[str] = []
    answered: set[int] = set()
    bot_texts: list[str] = []
    misses = 0
    clarified: int | None = None
    # Only the behaviour of each stored analysis is read, not the whole analysis of every message.
    rows = (
        [(m.sender, m.text, m.faq_id, m.situation, (m.analysis or {}).get("behaviour")) for m in messages]
        if messages is not None
        else conversation.messages.values_list("sender", "text", "faq_id", "situation", "analysis__behaviour")
    )
    for sender, text, faq_id, situation, behaviour in rows:
        if sender == Message.Sender.CUSTOMER:
            asked.append(text)
            misses = misses + 1 if behaviour == CLARIFY else 0
            clarified = None
        elif sender == Message.Sender.BOT:
            bot_texts.append(text)
            clarified = faq_id if situation == Situation.CLARIFY else None
            if faq_id and situation != Situation.CLARIFY:
                answered.add(faq_id)
        else:
            misses, clarified = 0, None  # a person wrote: the count starts again
    return _History(asked, answered, misses, tuple(bot_texts[-RECENT_BOT_TEXTS:]), clarified)


def _intent_signals(matches: list[lexicon.Match], satisfaction: Satisfaction, deal: DealRate) -> list[str]:
    """X2: what this reply tells the intent engine about the intended product."""
    signals = []
    if satisfaction.below_threshold:
        signals.append(IntentFeedback.Signal.DISSATISFIED)
    if lexicon.of_kind(matches, lexicon.REJECT):
        signals.append(IntentFeedback.Signal.REJECTED)
    elif lexicon.of_kind(matches, lexicon.INTEREST) or deal.above_threshold:
        signals.append(IntentFeedback.Signal.INTERESTED)
    return signals


def _attributes(product: ProductFacts | None) -> ProductAttributes | None:
    if product is None:
        return None
    return ProductAttributes(colour=product.colour, design=product.design, size=product.size)


def _own_product(conversation: Conversation) -> Product | None:
    """The conversation's product when it is one of its organisation's: another company's is never talked about."""
    product = conversation.product if conversation.product_id else None
    if product is None or product.organisation_id != conversation.customer.organisation_id:
        return None
    return product


def _category_products(product: ProductFacts | None, organisation_id: int | None, lines: tuple[str, ...]) -> list[int]:
    if product is None:
        return []
    return list(
        products_for(organisation_id, lines).filter(category_id=product.category_id).values_list("pk", flat=True)
    )


def _first_intent(customer: Customer, salesperson: User | None) -> Product | None:
    """The customer's top predicted product that the salesperson offers: of the customer's organisation and the
    salesperson's lines of business."""
    prediction = latest_prediction(customer)
    if prediction is None or not prediction.intents:
        return None
    ids = [intent.get("product_id") for intent in prediction.intents]
    offered = products_for(customer.organisation_id, lines_of(salesperson), on_sale=False).in_bulk(
        [pk for pk in ids if isinstance(pk, int)]
    )
    return next((offered[pk] for pk in ids if pk in offered), None)


def _salesperson_name(conversation: Conversation) -> str:
    user = conversation.salesperson
    if user is None:
        return ""
    return user.get_full_name() or user.username


def _handoff_detail(satisfaction: Satisfaction, plan: Plan, cfg: ScoringValues) -> str:
    """Why, in words a salesperson reads at a glance, in the staff's language."""
    with override(settings.LANGUAGE_CODE):
        if plan.handoff_reason == HandOff.Reason.LOW_SATISFACTION:
            reasons = "、".join(str(Reason(r).label) if r in Reason.values else r for r in satisfaction.reasons)
            text = _("satisfaction %(k).1f, below %(threshold).1f") % {
                "k": satisfaction.score,
                "threshold": cfg.satisfaction_threshold,
            }
            if reasons:
                text += _("; about %(reasons)s") % {"reasons": reasons}
            if satisfaction.reason_words:
                text += _("; words: %(words)s") % {"words": "、".join(satisfaction.reason_words)}
            return str(text)
        if plan.handoff_reason == HandOff.Reason.REPEATED_MISSES:
            return str(_("the bot could not answer %(n)s questions in a row") % {"n": cfg.handoff_after_misses})
        if plan.handoff_reason == HandOff.Reason.HUMAN_TOPIC:
            return str(_("a topic a person answers"))
        return ""


def _helper(conversation: Conversation, language: str) -> Helper:
    """Who the customer waits for: the pending hand-off's assignee, else the salesperson."""
    pending = (
        conversation.handoffs.filter(status=HandOff.Status.PENDING).select_related("assignee").order_by("-pk").first()
    )
    user = pending.assignee if pending is not None and pending.assignee_id else conversation.salesperson
    if user is None:
        user = first_assignee(conversation)
    if user is None:
        return Helper(someone(language), False, None)
    return Helper(user.get_full_name() or user.username, is_online(user.pk), expected_wait_minutes(user.pk))


def _person_silent(conversation: Conversation, cfg: ScoringValues) -> bool:
    """A person has the chat and has written nothing for the set time, and the bot has not said so since."""
    latest_staff = (
        conversation.messages.filter(sender=Message.Sender.SALESPERSON)
        .order_by("-pk")
        .values("pk", "created_at")
        .first()
    )
    accepted = conversation.handoffs.filter(accepted_at__isnull=False).order_by("-accepted_at").first()
    moments = [latest_staff["created_at"]] if latest_staff else []
    if accepted is not None:
        moments.append(accepted.accepted_at)
    if not moments:
        return False
    since = max(moments)
    if (timezone.now() - since).total_seconds() < cfg.salesperson_silence_seconds:
        return False
    return not conversation.messages.filter(
        sender=Message.Sender.BOT, situation=Situation.ACKNOWLEDGE, created_at__gt=since
    ).exists()


def _note_callback(conversation: Conversation, phone: str) -> None:
    """The customer left a number to be called back: it goes with the pending hand-off to whoever takes it."""
    pending = conversation.handoffs.filter(status=HandOff.Status.PENDING).order_by("-pk").first()
    if pending is None:
        return
    with override(settings.LANGUAGE_CODE):
        note = str(_("call back on %(phone)s") % {"phone": phone})
        separator = str(_("; "))
    detail = f"{pending.detail}{separator}{note}" if pending.detail else note
    push = dict(pending.push_message)
    push["callback_phone"] = phone
    push["summary"] = separator.join(part for part in (push.get("summary", ""), note) if part)
    HandOff.objects.filter(pk=pending.pk).update(detail=detail[:300], push_message=push)
    deliver_after_commit(pending.pk)


def _sweep_soon() -> None:
    """Escalations are due only after the accept time; a customer writing to a waiting chat is a good moment."""
    try:
        sweep_handoffs()
    except Exception:  # the customer's answer must not fail because an escalation did
        logger.exception("Sweeping hand-offs failed")


def _matched_words(matches: list[lexicon.Match]) -> dict[str, list[str]]:
    words: dict[str, list[str]] = {}
    for match in matches:
        words.setdefault(match.kind, []).append(match.word)
    return words


def _details(emotion: EmotionResult, satisfaction: Satisfaction, deal: DealRate, matches: list[lexicon.Match]) -> dict:
    return {
        "lexicon_rule": emotion.lexicon_rule,
        "lexicon_scores": emotion.lexicon_scores,
        "model_scores": emotion.model_scores,
        "model_version": emotion.model_version,
        "positive_share": satisfaction.positive_share,
        "negative_share": satisfaction.negative_share,
        "reason_words": list(satisfaction.reason_words),
        "intent_chars": deal.intent_chars,
        "reply_chars": deal.reply_chars,
        "matched": _matched_words(matches),
    }
