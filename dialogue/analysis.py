"""The conversation engine's one entry point (SPEC S11–S16): ``analyze_reply(conversation, text)``.

For each customer message: normalise (Traditional → Simplified), match the word lists once, then
emotion (lexicon + model), satisfaction K with its reasons, deal rate P, the situation, an answer or none,
"guess what you want to ask" suggestions and the resulting actions — offer the purchase link, hand off to the
salesperson, update the intent engine (X2). The customer's message with its analysis, the bot's answer, the
hand-off and the intent feedback are written in one transaction; pushes and e-mails follow the commit.
While the salesperson has the chat, the message is analysed for them but the bot stays quiet.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from django.db import transaction
from django.db.models import F

from crm.models import Customer, Product, User
from dialogue import lexicon
from dialogue.answers import (
    Answer,
    ProductFacts,
    Suggestion,
    compose_answer,
    detect_situation,
    handoff_text,
    suggest_questions,
)
from dialogue.config import get_config
from dialogue.emotion import EmotionResult, detect_emotion
from dialogue.handoff import ConversationClosedError, closed_message, hand_off
from dialogue.knowledge import get_knowledge_base
from dialogue.models import FAQ, Conversation, HandOff, Message, Situation
from dialogue.scoring import DealRate, ProductAttributes, Satisfaction, score_deal_rate, score_satisfaction
from dialogue.text import prepare, validate_reply
from intent.feedback import record_feedback
from intent.models import IntentFeedback
from intent.tasks import predict_intents_task

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

    def as_dict(self) -> dict:
        return asdict(self)


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
        product = _first_intent(customer)
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


def analyze_reply(conversation: Conversation, text: str) -> ReplyAnalysis:
    """Analyse one customer message and answer it; raises ``ReplyRefusedError`` for empty or over-long text."""
    text = validate_reply(text)
    # The caller's copy may predate a hand-off; one query brings the state, the product and the salesperson.
    conversation = Conversation.objects.select_related("product__category", "salesperson").get(pk=conversation.pk)
    if conversation.state == State.CLOSED:
        raise ConversationClosedError(closed_message())
    config = get_config()
    cfg = config.scoring
    prepared = prepare(text, conversation.language)
    matches = config.words.match(prepared.normalised)
    product = product_facts(conversation.product)
    emotion = detect_emotion(prepared.normalised, matches, cfg)
    satisfaction = score_satisfaction(len(prepared.tokens), matches, cfg, prepared.normalised, _attributes(product))
    deal = score_deal_rate(matches, prepared.chars, cfg)
    situation = detect_situation(matches, deal.above_threshold)
    knowledge = get_knowledge_base()
    history = _history(conversation)
    bot_answers = conversation.state == State.BOT
    salesperson = _salesperson_name(conversation)
    answer: Answer | None = None
    if bot_answers and situation != Situation.HUMAN:
        answer = compose_answer(
            query=prepared.normalised,
            situation=situation,
            emotion=emotion.label,
            language=prepared.language,
            product=product,
            knowledge=knowledge,
            templates=config.templates,
            cfg=cfg,
            salesperson=salesperson,
            rotation=len(history.asked),
            category_products=_category_products(product) if situation == "comparison" else (),
        )
    handoff_reason = None
    if bot_answers and situation == Situation.HUMAN:
        handoff_reason = HandOff.Reason.REQUESTED
    elif bot_answers and satisfaction.below_threshold:
        handoff_reason = HandOff.Reason.LOW_SATISFACTION
    elif bot_answers and answer is not None and answer.text is None:
        handoff_reason = HandOff.Reason.NO_ANSWER
    signals = _intent_signals(matches, satisfaction, deal)
    actions: list[dict] = []
    if deal.above_threshold and product is not None and product.purchase_url:
        actions.append({"type": "offer_purchase_link", "product_id": product.id, "url": product.purchase_url})
    if not bot_answers:
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
            analysis=_details(emotion, satisfaction, deal, matches),
        )
        answer_message = None
        if answer is not None and answer.text and handoff_reason is None:
            answer_message = Message.objects.create(
                conversation=conversation,
                sender=Message.Sender.BOT,
                text=answer.text,
                language=prepared.language,
                situation=situation,
                answer_confidence=answer.confidence,
                faq_id=answer.faq_id,
            )
            if answer.faq_id:
                FAQ.objects.filter(pk=answer.faq_id).update(popularity=F("popularity") + 1)
        handoff = None
        if handoff_reason is not None:
            detail = _handoff_detail(satisfaction, answer)
            handoff = hand_off(conversation, handoff_reason, detail)
            actions.append({"type": "hand_off", "reason": handoff_reason, "handoff_id": handoff.pk})
            Message.objects.filter(pk=message.pk).update(actions=actions)
            note = handoff_text(config.templates, emotion.label, prepared.language, salesperson, len(history.asked))
            if note:
                answer_message = Message.objects.create(
                    conversation=conversation,
                    sender=Message.Sender.BOT,
                    text=note,
                    language=prepared.language,
                    situation="handoff",
                )
        if product is not None and signals:
            source = FEEDBACK_SOURCE.get(conversation.channel, IntentFeedback.Source.CARD)
            for signal in signals:
                record_feedback(conversation.customer, conversation.product, signal, source, note=text[:300])
            # S12: the intent is updated from the feedback, the profile and the browsing history.
            customer_id = conversation.customer_id
            transaction.on_commit(lambda: predict_intents_task.delay([customer_id]))
        Conversation.objects.filter(pk=conversation.pk).update(updated_at=message.created_at)

    answered = history.answered_faqs | ({answer.faq_id} if answer and answer.faq_id else set())
    suggestions = suggest_questions(
        knowledge=knowledge,
        product=product,
        language=prepared.language,
        asked=[*history.asked, text],
        answered_faqs=answered,
    )
    return ReplyAnalysis(
        message_id=message.pk,
        language=prepared.language,
        emotion=emotion,
        satisfaction=satisfaction,
        deal_rate=deal,
        situation=situation,
        answer=answer_message.text if answer_message else None,
        answer_message_id=answer_message.pk if answer_message else None,
        answer_confidence=answer.confidence if answer else 0.0,
        suggestions=suggestions,
        actions=actions,
        handoff_id=handoff.pk if handoff else None,
        matched=_matched_words(matches),
    )


def current_suggestions(conversation: Conversation, messages: list[Message] | None = None) -> list[Suggestion]:
    """The "guess what you want to ask" questions for a conversation as it stands (e.g. when a card opens);
    ``messages`` are its messages when the caller has them already."""
    history = _history(conversation, messages)
    product = conversation.product if conversation.product_id else None
    return suggest_questions(
        knowledge=get_knowledge_base(),
        product=product_facts(product),
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


def _history(conversation: Conversation, messages: list[Message] | None = None) -> _History:
    asked: list[str] = []
    answered: set[int] = set()
    rows = (
        [(m.sender, m.text, m.faq_id) for m in messages]
        if messages is not None
        else conversation.messages.values_list("sender", "text", "faq_id")
    )
    for sender, text, faq_id in rows:
        if sender == Message.Sender.CUSTOMER:
            asked.append(text)
        elif faq_id:
            answered.add(faq_id)
    return _History(asked, answered)


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


def _category_products(product: ProductFacts | None) -> list[int]:
    if product is None:
        return []
    return list(Product.objects.filter(category_id=product.category_id, is_active=True).values_list("pk", flat=True))


def _first_intent(customer: Customer) -> Product | None:
    from intent.inference import latest_prediction

    prediction = latest_prediction(customer)
    if prediction is None or not prediction.intents:
        return None
    return Product.objects.filter(pk=prediction.intents[0].get("product_id")).select_related("category").first()


def _salesperson_name(conversation: Conversation) -> str:
    user = conversation.salesperson
    if user is None:
        return ""
    return user.get_full_name() or user.username


def _handoff_detail(satisfaction: Satisfaction, answer: Answer | None) -> str:
    if satisfaction.below_threshold:
        reasons = ", ".join(satisfaction.reasons) or "unspecified"
        return f"K={satisfaction.score:.2f}; reasons: {reasons}; words: {'、'.join(satisfaction.reason_words)}"
    if answer is not None:
        return f"no answer (confidence {answer.confidence:.2f}, situation {answer.situation})"
    return "the customer asked for a person"


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
