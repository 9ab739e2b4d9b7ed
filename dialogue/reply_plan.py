"""What the bot does with one customer message (issue 17 items 1–2): answer, clarify, hand off, offer the purchase,
acknowledge that a person is coming, or stay quiet — and what it says.

    who has the chat   bot                              waiting for a person            a person
    ─────────────────  ───────────────────────────────  ──────────────────────────────  ────────────────────────
    can answer         the answer                       the answer                      quiet (a silence note
    cannot answer      "您是想问…吗？" / what it can do   "X is coming, expect …" or      after the set time)
                                                        "leave your number"
    hand-off rules     answer what it can + who is      —
                       coming (online: expected wait;
                       offline: leave your number)

A hand-off follows an explicit request, K below its threshold (S12/S13), a topic only a person answers, or
``handoff_after_misses`` questions in a row that the bot could not answer — not a single miss. A reply that says yes
to "您是想问…吗？" gets that FAQ's answer.

Pure: the caller (``dialogue.analysis``) brings everything read from the database and stores the result.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from dialogue import chat_notes
from dialogue.answers import Answer, ProductFacts, compose_answer, hit_text, in_script, search_languages
from dialogue.company_answers import company_hit
from dialogue.config import ScoringValues, TemplateRow
from dialogue.knowledge import Hit, KnowledgeBase
from dialogue.models import Conversation, HandOff, Situation
from dialogue.text import is_question

State = Conversation.State
Reason = HandOff.Reason

ANSWER, CLARIFY, HANDOFF, PURCHASE, ACKNOWLEDGE, QUIET = (
    "answer",
    "clarify",
    "handoff",
    "purchase",
    "acknowledge",
    "quiet",
)
NO_RETRIEVAL = frozenset({Situation.GREETING, Situation.THANKS, Situation.HUMAN})
# A company fact beats a template answer (which cites nothing) when it covers at least this much of the question.
COMPANY_OVER_TEMPLATE = 0.5
CLARIFY_MIN_CONFIDENCE = 0.12  # below this the closest FAQ is too far to offer back as "did you mean"
HEDGE_MIN_CONFIDENCE = 0.15  # from here to the answer threshold the bot answers, saying which question it answers
_YES = re.compile(
    r"^(是|是的|是啊|对|对的|对啊|嗯|嗯嗯|好|好的|没错|就是|就是这个|yes|yeah|yep|yup|right|correct|係|係呀|係啊|啱|啱呀|對)"
    r"[啊呀的啦喔哦!！。.,，~ ]*$",
    re.IGNORECASE,
)
# Asking for a person in words the situation list may miss: a real person, a call back, the salesperson themself.
_HUMAN_REQUEST = re.compile(
    r"(真人|人工|本人|叫个人|叫個人|搵個人|找个人|联系我|聯絡我|给我打(个)?电话|打(个)?电话给我|打電話俾我|"
    r"回电|回電|"
    r"\b(agent|human|real person|someone real|call me( back)?|"
    r"(speak|talk) to (a|the|your) (person|salesperson|adviser|advisor|manager))\b)",
    re.IGNORECASE,
)
# The customer's own case — an order, a claim, a policy or an account — only a person can look into.
_PERSONAL_CASE = re.compile(
    r"(单号|單號|订单号|訂單號|保单号|保單號|我的订单|我張單|我的保单|我的账户|我的賬戶|我的帳戶|账户.{0,4}冻结|賬戶.{0,4}凍結|"
    r"理赔.{0,3}(进度|到哪|状态)|受益人.{0,4}改|改.{0,4}受益人|变更受益人|投诉处理结果|盗刷|被盗|挂失|帮我查|查一下我的|"
    r"我的.{0,6}(还剩|余额|欠款|到账)|"
    r"\b(my (order|claim|policy|account)|order number|claim number|policy number|account (was |is )?frozen|"
    r"change (the|my) beneficiary)\b|[A-Z]{2,}[- ]?\d{6,}|\d{4}-\d{3,})",
    re.IGNORECASE,
)
_CHITCHAT = (
    (
        "chitchat_bot",
        re.compile(r"(你是(不是)?机器人|你係咪機械人|你係機械人|are you (a )?(bot|robot|human|real))", re.I),
    ),
    ("chitchat_thanks", re.compile(r"^(谢谢|謝謝|多谢|多謝|唔該晒?|感谢|thanks?( you)?|thx|ty)[^\w]*$", re.I)),
    ("chitchat_bye", re.compile(r"^(再见|再見|拜拜|bye|goodbye|see you)[^\w]*$", re.I)),
)
_BUY_STATEMENT = re.compile(
    r"(我要|我想|就要|就买|我買|我要買|我想買|給我|给我来|下单|落單|"
    r"\b(i want|i'd like|i will take|i'll take|i'll buy)\b)",
    re.IGNORECASE,
)
# While a person is on the way, these ask about the wait, not about delivery times.
_WAIT_QUESTION = re.compile(
    r"(还要多久|要等多久|等多久|多久才|人呢|有人吗|在吗|怎么还没|还没来|咁耐|幾時到|有冇人|"
    r"\b(how long|still waiting|anyone there|where are you|hello\?)\b)",
    re.IGNORECASE,
)
UPSET = frozenset({"angry", "low"})
_PHONE = re.compile(r"(?<!\d)(\+?\d[\d\- ]{6,18}\d)(?!\d)")


def refine_situation(situation: str, text: str) -> str:
    """The word lists' situation, corrected where whole phrases say more: a request for a person, a question about
    buying rather than a decision to buy."""
    if situation != Situation.HUMAN and _HUMAN_REQUEST.search(text):
        return Situation.HUMAN
    if situation == Situation.PURCHASE and is_question(text) and not _BUY_STATEMENT.search(text):
        # "能用支付宝买吗？" asks something: answer it (the link still goes out when P is high).
        return Situation.GENERAL
    return situation


def wants_to_buy(situation: str, deal_above_threshold: bool) -> bool:
    """S14's P above its threshold, or a plain statement of buying ("我要办青春卡"; a question is not one)."""
    return deal_above_threshold or situation == Situation.PURCHASE


def is_upset(situation: str, emotion: str) -> bool:
    """A complaint or an angry message: the card withdraws its purchase offer rather than sell into it."""
    return situation == Situation.COMPLAINT or emotion == "angry"


def personal_case(text: str) -> bool:
    return bool(_PERSONAL_CASE.search(text))


@dataclass(frozen=True)
class BotLine:
    text: str
    situation: str
    confidence: float | None = None
    faq_id: int | None = None


@dataclass(frozen=True)
class Helper:
    """Who is coming when the chat waits for a person."""

    name: str
    online: bool
    wait_minutes: int | None


@dataclass(frozen=True)
class Turn:
    """Everything the decision needs about one customer message."""

    state: str
    text: str
    normalised: str
    language: str
    situation: str
    emotion: str
    below_satisfaction: bool
    ready_to_buy: bool  # P above its threshold and the product has a purchase link
    product: ProductFacts | None
    organisation_id: int | None
    salesperson: str
    misses_before: int  # questions in a row the bot could not answer, before this one
    recent_bot_texts: Sequence[str]
    clarified_faq: int | None  # the FAQ the bot last offered with "您是想问…吗？", when that was its last line
    rotation: int
    person_silent: bool = False  # a person has the chat and has not written for the set time
    lines: tuple[str, ...] = ()  # the salesperson's lines of business (empty: every line of the organisation)


@dataclass(frozen=True)
class Plan:
    behaviour: str
    lines: list[BotLine] = field(default_factory=list)
    handoff_reason: str | None = None
    answer: Answer | None = None
    callback_phone: str = ""


def plan_reply(
    turn: Turn,
    *,
    knowledge: KnowledgeBase,
    templates: Sequence[TemplateRow],
    cfg: ScoringValues,
    helper: Callable[[], Helper],
    category_products: Callable[[], list[int]],
) -> Plan:
    if turn.state == State.SALESPERSON:
        if turn.person_silent:
            note = chat_notes.pick("person_silent", turn.language, turn.recent_bot_texts, salesperson=turn.salesperson)
            return Plan(QUIET, [BotLine(note, Situation.ACKNOWLEDGE)])
        return Plan(QUIET)

    chitchat = _chitchat(turn)
    if chitchat is not None and turn.state == State.BOT:
        return Plan(ANSWER, [BotLine(chitchat, Situation.GENERAL, 1.0)])
    answer = _best_answer(turn, knowledge, templates, cfg, category_products)
    answered = answer is not None and answer.text is not None and not _is_human_topic(answer)
    # A near match is answered, naming the question it answers; it is not a miss.
    hedged = None if answered or turn.situation == Situation.HUMAN else _hedged_answer(turn, knowledge)

    if turn.state == State.WAITING:
        line = _answer_line(answer) if answered else hedged
        return _while_waiting(turn, line, answer, helper)

    reason = _handoff_reason(turn, answer, answered or hedged is not None, cfg)
    if reason is not None:
        lines = []
        if answered and reason == Reason.LOW_SATISFACTION:
            lines.append(_answer_line(answer))
        lines.append(BotLine(_coming(turn, helper()), Situation.HANDOFF))
        return Plan(HANDOFF, lines, reason, answer)
    if answered:
        behaviour = PURCHASE if turn.ready_to_buy else ANSWER
        return Plan(behaviour, [_answer_line(answer)], None, answer)
    if turn.ready_to_buy:  # nothing else fits: the purchase answer goes with the link
        offer = _compose(turn, Situation.PURCHASE, knowledge, templates, cfg)
        return Plan(PURCHASE, [_answer_line(offer)] if offer.text else [], None, offer)
    if hedged is not None:
        return Plan(ANSWER, [hedged], None, answer)
    return Plan(CLARIFY, [_clarification(turn, knowledge)], None, answer)


def _best_answer(
    turn: Turn,
    knowledge: KnowledgeBase,
    templates: Sequence[TemplateRow],
    cfg: ScoringValues,
    category_products: Callable[[], list[int]],
) -> Answer | None:
    if turn.situation == Situation.HUMAN:
        return None
    if turn.clarified_faq is not None and _YES.match(turn.text.strip()):
        confirmed = next((d for d in knowledge.docs if d.faq_id == turn.clarified_faq), None)
        if confirmed is not None:
            prefix = chat_notes.pick("yes_answer_prefix", turn.language)
            text = in_script(f"{prefix}{confirmed.text}", turn.language)
            return Answer(text, Situation.GENERAL, 1.0, confirmed.faq_id, "faq")
    comparing = category_products() if turn.situation == Situation.COMPARISON else ()
    answer = _compose(turn, turn.situation, knowledge, templates, cfg, comparing)
    if turn.situation in NO_RETRIEVAL:
        return answer
    hit = company_hit(turn.organisation_id, turn.normalised, turn.language)
    if hit is None or hit.confidence < cfg.answer_min_confidence:
        return answer
    rival = 0.0
    if answer.text is not None:
        rival = answer.confidence if answer.source != "template" else COMPANY_OVER_TEMPLATE
    if hit.confidence < rival:
        return answer
    source = "company_human" if hit.human_only else "company"
    return Answer(in_script(hit.text, turn.language), Situation.COMPANY, hit.confidence, None, source)


def _is_human_topic(answer: Answer) -> bool:
    return answer.source == "company_human"


def _compose(
    turn: Turn,
    situation: str,
    knowledge: KnowledgeBase,
    templates: Sequence[TemplateRow],
    cfg: ScoringValues,
    category_products: Sequence[int] = (),
) -> Answer:
    """The answer for ``situation`` from the product knowledge and templates (``dialogue.answers``)."""
    return compose_answer(
        query=turn.normalised,
        situation=situation,
        emotion=turn.emotion,
        language=turn.language,
        product=turn.product,
        knowledge=knowledge,
        templates=templates,
        cfg=cfg,
        salesperson=turn.salesperson,
        rotation=turn.rotation,
        category_products=category_products,
        recent_answers=turn.recent_bot_texts,
        organisation_id=turn.organisation_id,
        lines=turn.lines,
    )


def _handoff_reason(turn: Turn, answer: Answer | None, answered: bool, cfg: ScoringValues) -> str | None:
    if turn.situation == Situation.HUMAN:
        return Reason.REQUESTED
    if (answer is not None and _is_human_topic(answer)) or personal_case(turn.text):
        return Reason.HUMAN_TOPIC
    if turn.below_satisfaction and _upset(turn, answer, answered):
        return Reason.LOW_SATISFACTION
    if not answered and not turn.ready_to_buy and turn.misses_before + 1 >= cfg.handoff_after_misses:
        return Reason.REPEATED_MISSES
    return None


def _upset(turn: Turn, answer: Answer | None, answered: bool) -> bool:
    """K below its threshold hands off when a person helps: the customer is upset (angry or low) or complaining —
    unless they asked a question the knowledge answers ("不喜欢可以退货吗？"). A calm "有点贵" gets the bot's answer."""
    if answered and answer is not None and answer.source != "template" and is_question(turn.text):
        return False
    return turn.emotion in UPSET or turn.situation == Situation.COMPLAINT


def _chitchat(turn: Turn) -> str | None:
    if turn.situation not in (Situation.GENERAL, Situation.GREETING, Situation.THANKS):
        return None
    text = turn.text.strip()
    for kind, pattern in _CHITCHAT:
        if pattern.search(text):
            return chat_notes.pick(
                kind, turn.language, turn.recent_bot_texts, turn.rotation, salesperson=turn.salesperson
            )
    return None


def _while_waiting(turn: Turn, line: BotLine | None, answer: Answer | None, helper: Callable[[], Helper]) -> Plan:
    """A person is on the way: the bot still answers what it can, and otherwise says who is coming and when."""
    phone = _phone_in(turn.text)
    person = helper()
    if phone:
        note = chat_notes.pick(
            "callback_noted", turn.language, turn.recent_bot_texts, phone=_masked(phone), salesperson=person.name
        )
        return Plan(ACKNOWLEDGE, [BotLine(note, Situation.ACKNOWLEDGE)], callback_phone=phone)
    if line is not None and turn.situation != Situation.HUMAN and not _WAIT_QUESTION.search(turn.text):
        behaviour = PURCHASE if turn.ready_to_buy else ANSWER
        return Plan(behaviour, [line], None, answer)
    sentence = chat_notes.wait_sentence(person.online, person.wait_minutes, turn.language)
    note = chat_notes.pick(
        "still_waiting",
        turn.language,
        turn.recent_bot_texts,
        turn.rotation,
        salesperson=person.name,
        wait_sentence=sentence,
    )
    return Plan(PURCHASE if turn.ready_to_buy else ACKNOWLEDGE, [BotLine(note, Situation.ACKNOWLEDGE)])


def _coming(turn: Turn, person: Helper) -> str:
    if person.online:
        return chat_notes.pick(
            "coming_online",
            turn.language,
            turn.recent_bot_texts,
            turn.rotation,
            salesperson=person.name,
            wait=chat_notes.wait_phrase(person.wait_minutes, turn.language),
        )
    return chat_notes.pick(
        "coming_offline", turn.language, turn.recent_bot_texts, turn.rotation, salesperson=person.name
    )


def _hedged_answer(turn: Turn, knowledge: KnowledgeBase) -> BotLine | None:
    """A question the knowledge nearly matches (a product's FAQ or spec) is answered, naming what it answers — the
    customer reads the answer at once instead of confirming "您是想问…吗？" first."""
    if turn.product is None or turn.situation not in (Situation.GENERAL, Situation.SPEC_QUESTION):
        return None
    hits = knowledge.search(
        turn.normalised,
        products={turn.product.id},
        categories={turn.product.category_id},
        languages=search_languages(turn.language),
        kinds=("faq", "spec"),
        lines=turn.lines,
        limit=1,
    )
    if not hits or hits[0].confidence < HEDGE_MIN_CONFIDENCE:
        return None
    hit = hits[0]
    answer = hit_text(hit, turn.language, turn.product)
    if hit.doc.kind == "spec":
        return BotLine(in_script(answer, turn.language), Situation.SPEC_QUESTION, hit.confidence)
    text = chat_notes.pick(
        "hedged",
        turn.language,
        turn.recent_bot_texts,
        turn.rotation,
        question=in_script(hit.doc.title, turn.language),
        answer=in_script(answer, turn.language),
    )
    return BotLine(text, Situation.GENERAL, hit.confidence, hit.doc.faq_id)


def _clarification(turn: Turn, knowledge: KnowledgeBase) -> BotLine:
    """The closest FAQ offered back ("您是想问…吗？"), or what the bot can help with."""
    closest = _closest_faq(turn, knowledge)
    if closest is not None:
        text = chat_notes.pick(
            "clarify",
            turn.language,
            turn.recent_bot_texts,
            turn.rotation,
            question=in_script(closest.doc.title, turn.language),
        )
        return BotLine(text, Situation.CLARIFY, closest.confidence, closest.doc.faq_id)
    product = turn.product.name if turn.product else chat_notes.someone(turn.language)
    text = chat_notes.pick("clarify_open", turn.language, turn.recent_bot_texts, turn.rotation, product=product)
    return BotLine(text, Situation.CLARIFY, 0.0)


def _closest_faq(turn: Turn, knowledge: KnowledgeBase) -> Hit | None:
    products = {turn.product.id} if turn.product else set()
    categories = {turn.product.category_id} if turn.product else set()
    hits = knowledge.search(
        turn.normalised,
        products=products,
        categories=categories,
        languages=search_languages(turn.language),
        kinds=("faq",),
        lines=turn.lines,
        limit=1,
    )
    if hits and hits[0].confidence >= CLARIFY_MIN_CONFIDENCE:
        return hits[0]
    return None


def _answer_line(answer: Answer) -> BotLine:
    return BotLine(answer.text or "", answer.situation, answer.confidence, answer.faq_id)


def _phone_in(text: str) -> str:
    match = _PHONE.search(text)
    if not match:
        return ""
    digits = re.sub(r"[\s\-]", "", match.group(1))
    return digits if 7 <= len(digits.lstrip("+")) <= 15 else ""


def _masked(phone: str) -> str:
    return phone if len(phone) < 8 else f"{phone[:3]}****{phone[-4:]}"
