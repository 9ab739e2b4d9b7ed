"""The bot's answer to a reply (SPEC S11) and the "guess what you want to ask" suggestions (S9).

An answer comes from the reply's **situation** (greeting, thanks, price question or objection, spec question,
comparison, complaint, ready to buy — read from the ``situation`` word list), its **emotion** and the
**intended product**: a manager-editable template for that situation, emotion and language, with slots filled
from the product's specs and, for questions, from the best knowledge-base hit (``dialogue.knowledge``). A
question whose best hit is below the minimum confidence gets no answer here; ``dialogue.reply_plan`` then decides
(a near match, "您是想问…吗？", or after repeated misses a hand-off).

Facts are phrased as sentences in the customer's language (``dialogue.phrasing``): "这款沙发的套子可以拆下来洗",
never "可拆洗：是". A question about discounts is answered from the promotions running now (``crm.promotions``): a
``discount`` template with ``{answer}`` names them, one without it says plainly that there is none. The bot does
not say the same text twice in a row: among the fitting templates it takes one whose filled text differs from its
last answers (``recent_answers``).
"""

from __future__ import annotations

import re
import string
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from crm.promotions import PromotionFact, current_promotions
from dialogue import lexicon, phrasing
from dialogue.config import ScoringValues, TemplateRow
from dialogue.knowledge import ATTRIBUTE_WORDS, SPEC_LABELS, Doc, Hit, KnowledgeBase, search_tokens
from dialogue.lexicon import Match
from dialogue.models import AnswerTemplate, Situation
from dialogue.text import to_hong_kong

# When cues of several situations appear, the first in this order decides.
SITUATION_PRIORITY = (
    Situation.HUMAN,
    Situation.COMPLAINT,
    Situation.PRICE_OBJECTION,
    Situation.DISCOUNT,
    Situation.COMPARISON,
    Situation.PURCHASE,
    Situation.PRICE_QUESTION,
    Situation.SPEC_QUESTION,
    Situation.THANKS,
    Situation.GREETING,
)
_SPACES = re.compile(r" {2,}")
RECENT_QUESTIONS = 20  # suggestions avoid and follow what the customer asked lately
NEEDS_RETRIEVAL = frozenset({Situation.SPEC_QUESTION, Situation.COMPARISON, Situation.GENERAL})
MAY_CITE = frozenset({Situation.PRICE_OBJECTION, Situation.COMPLAINT, Situation.PRICE_QUESTION})
# A comparison rarely repeats the FAQ's wording ("和真皮的比哪个好" vs "…有什么区别"): its question is searched
# together with the words comparison FAQs are written with.
QUERY_EXPANSION = {Situation.COMPARISON: " 区别 对比 比较 difference compare"}
DEFAULT_PRICE_LABEL = phrasing.DEFAULT_PRICE_LABEL
PRODUCT_PLACEHOLDER = {"zh-hans": "这款产品", "yue": "呢款產品", "en": "this product"}
NO_RETRIEVAL = frozenset(
    {Situation.GREETING, Situation.THANKS, Situation.PURCHASE, Situation.HUMAN, Situation.DISCOUNT}
)
# What a price objection adds when a promotion is running, how a promotion's end date is said, and the answer
# to a discount question when no template fits.
PROMOTION_NOTE = {
    "zh-hans": "另外，现在正好有优惠：{promotions}。",
    "yue": "另外，而家啱啱有優惠：{promotions}。",
    "en": "Also, there is an offer right now: {promotions}.",
}
PROMOTION_UNTIL = {
    "zh-hans": "{title}（截至{month}月{day}日）",
    "yue": "{title}（做到{month}月{day}號）",
    "en": "{title} (until {date})",
}
HAS_PROMOTION = {
    "zh-hans": "现在有优惠：{promotions}。",
    "yue": "而家有優惠：{promotions}。",
    "en": "There is an offer right now: {promotions}.",
}
NO_PROMOTION = {
    "zh-hans": "{product}目前没有进行中的优惠活动。",
    "yue": "{product}而家冇進行緊嘅優惠活動。",
    "en": "There is no promotion on {product} right now.",
}


@dataclass(frozen=True)
class ProductFacts:
    """What an answer may say about the intended product."""

    id: int
    name: str
    category_id: int
    category: str
    price: Decimal | None
    price_label: str
    design: str
    colour: str
    size: str
    specs: dict
    purchase_url: str


@dataclass(frozen=True)
class Answer:
    text: str | None  # None: no answer, the salesperson takes over
    situation: str
    confidence: float
    faq_id: int | None = None
    source: str = ""  # template, faq, spec, description or case


@dataclass(frozen=True)
class Suggestion:
    faq_id: int
    question: str


def detect_situation(matches: Sequence[Match], ready_to_buy: bool) -> str:
    cues = {m.label for m in lexicon.of_kind(matches, lexicon.SITUATION)}
    if ready_to_buy:
        cues.add(Situation.PURCHASE)
    for situation in SITUATION_PRIORITY:
        if situation in cues:
            return situation
    return Situation.GENERAL


def search_languages(language: str) -> tuple[str, ...]:
    """Knowledge written for the customer's language; Cantonese speakers read written Chinese too."""
    return {"en": ("en",), "yue": ("yue", "zh-hans")}.get(language, ("zh-hans",))


def compose_answer(
    *,
    query: str,
    situation: str,
    emotion: str,
    language: str,
    product: ProductFacts | None,
    knowledge: KnowledgeBase,
    templates: Sequence[TemplateRow],
    cfg: ScoringValues,
    salesperson: str = "",
    rotation: int = 0,
    category_products: Iterable[int] = (),
    recent_answers: Sequence[str] = (),
    promotions: Sequence[PromotionFact] | None = None,
    organisation_id: int | None = None,
    lines: Sequence[str] = (),
) -> Answer:
    """The answer to one customer message. ``recent_answers``: the bot's last answer texts, which this one must
    not repeat; ``promotions``: those running for the product (read from the database when None and needed);
    ``organisation_id`` and ``lines``: the conversation's organisation and the salesperson's lines of business,
    which knowledge and promotions are limited to (``knowledge`` is the organisation's already)."""
    if promotions is None and situation in (Situation.DISCOUNT, Situation.PRICE_OBJECTION):
        promotions = _promotions_for(product, language, organisation_id, lines)
    if situation == Situation.DISCOUNT:
        return _discount_answer(
            product, language, emotion, templates, salesperson, rotation, recent_answers, promotions or ()
        )
    hit = _best_hit(query, situation, language, product, knowledge, category_products, lines)
    confident = hit is not None and hit.confidence >= cfg.answer_min_confidence
    if situation in NEEDS_RETRIEVAL and not confident:
        return Answer(None, situation, hit.confidence if hit else 0.0)
    if situation == Situation.PRICE_QUESTION and product is None and not confident:
        return Answer(None, situation, hit.confidence if hit else 0.0)
    cited = hit if confident and (situation in NEEDS_RETRIEVAL or situation in MAY_CITE) else None
    cited_text = hit_text(cited, language, product) if cited else ""
    slots = product_slots(product, language, cited.doc if cited else None)
    slots.update(answer=cited_text, salesperson=salesperson)
    note = ""
    if situation == Situation.PRICE_OBJECTION and promotions:
        note = _say(PROMOTION_NOTE, language, promotions=promotion_text(promotions, language))

    def finish(template: str) -> str:
        text = fill(template, slots)
        if cited and "{answer}" not in template and cited_text not in text:
            text = join_sentences(text, cited_text, language)
        return join_sentences(text, note, language)

    rows = templates_for(templates, situation, emotion, language, slots)
    if rows:
        text = pick_text(rows, rotation, recent_answers, finish, language)
    else:
        text = in_script(join_sentences(cited_text, note, language), language)
    if not text:
        return Answer(None, situation, 0.0)
    return Answer(
        text=text,
        situation=situation,
        confidence=cited.confidence if cited else 1.0,
        faq_id=cited.doc.faq_id if cited else None,
        source=cited.doc.kind if cited else "template",
    )


def handoff_text(
    templates: Sequence[TemplateRow],
    emotion: str,
    language: str,
    salesperson: str,
    rotation: int,
    recent_answers: Sequence[str] = (),
) -> str:
    slots = {"salesperson": salesperson}
    rows = templates_for(templates, Situation.HANDOFF, emotion, language, slots)
    return pick_text(rows, rotation, recent_answers, lambda t: fill(t, slots), language) if rows else ""


def _discount_answer(
    product: ProductFacts | None,
    language: str,
    emotion: str,
    templates: Sequence[TemplateRow],
    salesperson: str,
    rotation: int,
    recent_answers: Sequence[str],
    promotions: Sequence[PromotionFact],
) -> Answer:
    """The promotions running now, or plainly none (with the price, which the data has)."""
    slots = product_slots(product, language)
    named = promotion_text(promotions, language)
    slots.update(answer=named, salesperson=salesperson)
    rows = [
        row
        for row in templates_for(templates, Situation.DISCOUNT, emotion, language, slots)
        if ("{answer}" in row.text) == bool(named)
    ]
    if rows:
        text = pick_text(rows, rotation, recent_answers, lambda t: fill(t, slots), language)
    elif named:
        text = in_script(_say(HAS_PROMOTION, language, promotions=named), language)
    else:
        text = in_script(_say(NO_PROMOTION, language, product=slots["product"]), language)
    return Answer(text=text, situation=Situation.DISCOUNT, confidence=1.0, source="promotion" if named else "template")


def _promotions_for(
    product: ProductFacts | None, language: str, organisation_id: int | None, lines: Sequence[str]
) -> list[PromotionFact]:
    if product is None:
        return current_promotions(None, None, language, organisation=organisation_id, lines=lines)
    return current_promotions(product.id, product.category_id, language, organisation=organisation_id)


def promotion_text(promotions: Sequence[PromotionFact], language: str) -> str:
    """年底下单立减500元（截至12月31日） — the promotions as one phrase, joined as a person lists them."""
    language = phrasing.normal_language(language)
    shown = []
    for promotion in promotions:
        end = promotion.ends_on
        if end is None:
            shown.append(promotion.title)
        else:
            date = f"{end.day} {end.strftime('%B')}"
            shown.append(
                PROMOTION_UNTIL[language].format(title=promotion.title, month=end.month, day=end.day, date=date)
            )
    return phrasing.join_list(shown, language)


def _say(texts: dict[str, str], language: str, **values: str) -> str:
    return texts[phrasing.normal_language(language)].format(**values)


def join_sentences(first: str, second: str, language: str) -> str:
    """Two sentences as one answer: a space between English ones, none between Chinese ones."""
    first, second = first.strip(), second.strip()
    if not first or not second:
        return first or second
    return f"{first} {second}" if language == "en" else f"{first}{second}"


def in_script(text: str, language: str) -> str:
    """Cantonese answers in Hong Kong Traditional characters, also where a product name or a Mandarin FAQ
    filled a slot; other languages as written."""
    return to_hong_kong(text) if language == "yue" else text


def _best_hit(
    query: str,
    situation: str,
    language: str,
    product: ProductFacts | None,
    knowledge: KnowledgeBase,
    category_products: Iterable[int],
    lines: Sequence[str] = (),
) -> Hit | None:
    if situation in NO_RETRIEVAL:
        return None
    products = {product.id} if product else set()
    categories = {product.category_id} if product else set()
    if situation == Situation.COMPARISON:
        products |= set(category_products)
    hits = knowledge.search(
        query,
        expansion=QUERY_EXPANSION.get(situation, ""),
        products=products,
        categories=categories,
        languages=search_languages(language),
        lines=lines,
    )
    return hits[0] if hits else None


def hit_text(hit: Hit, language: str, product: ProductFacts | None = None) -> str:
    doc = hit.doc
    if doc.kind == "spec":
        return spec_sentence(doc, language, product)
    if doc.kind == "case":
        return f"{doc.title}：{doc.text}"
    return doc.text


def templates_for(
    templates: Sequence[TemplateRow], situation: str, emotion: str, language: str, slots: dict[str, str]
) -> list[TemplateRow]:
    """The templates an answer may use, best first: the language's own (Mandarin when it has none), those whose
    slots can all be filled, the emotion's own before the any-emotion ones."""
    for lang in dict.fromkeys((language, "zh-hans")):
        rows = [t for t in templates if t.situation == situation and t.language == lang]
        rows = [t for t in rows if _fillable(t.text, slots)] or rows
        if rows:
            return [t for t in rows if t.emotion == emotion] + [t for t in rows if not t.emotion]
    return []


def pick_text(
    rows: Sequence[TemplateRow],
    rotation: int,
    recent_answers: Sequence[str],
    render: Callable[[str], str],
    language: str,
) -> str:
    """The filled text (in the customer's script) of the first template, from ``rotation`` on among the
    emotion's own and then among the others, that differs from the bot's recent answers; the rotation's choice
    when every one would repeat."""
    own = [t for t in rows if t.emotion]
    rest = [t for t in rows if not t.emotion]
    recent = {_comparable(text) for text in recent_answers if text}
    first = ""
    for row in [*_rotated(own, rotation), *_rotated(rest, rotation)]:
        text = in_script(render(row.text), language)
        if not text:
            continue
        first = first or text
        if _comparable(text) not in recent:
            return text
    return first


def _rotated(rows: list[TemplateRow], rotation: int) -> list[TemplateRow]:
    if not rows:
        return []
    start = rotation % len(rows)
    return rows[start:] + rows[:start]


def _comparable(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def spec_sentence(doc: Doc, language: str, product: ProductFacts | None = None) -> str:
    """A spec document as a sentence: "这款沙发的套子可以拆下来洗。" about the intended product, or
    "云朵布艺沙发可以坐3人。" about another product of a comparison."""
    key = doc.spec_key
    category = product.category if product else ""
    if product is not None and doc.product_id == product.id:
        value = _product_value(product, key)
        return phrasing.phrase_spec(key, doc.text if value is None else value, language, category)
    return phrasing.phrase_spec(key, doc.text, language, category, about=_doc_product_name(doc))


def _product_value(product: ProductFacts, key: str) -> object:
    if key in phrasing.ATTRIBUTES:
        return getattr(product, key) or None
    return product.specs.get(key)


def _doc_product_name(doc: Doc) -> str:
    """The product a spec document is about: its title is "<product name> <the spec's search words>"."""
    if doc.spec_key in ATTRIBUTE_WORDS:
        words = ATTRIBUTE_WORDS[doc.spec_key]
    else:
        zh, en = SPEC_LABELS.get(doc.spec_key, (doc.spec_key, doc.spec_key.replace("_", " ")))
        words = f"{zh} {en}"
    return doc.title.removesuffix(f" {words}").strip() if doc.title.endswith(f" {words}") else ""


def product_slots(product: ProductFacts | None, language: str, spec_doc: Doc | None = None) -> dict[str, str]:
    """The template slots: ``{spec}`` is a sentence about one spec (the one asked about, else the first),
    ``{price}`` the amount with thousands separators, ``{price_label}`` what the price is, in the customer's
    language."""
    if product is None:
        placeholder = PRODUCT_PLACEHOLDER.get(language, PRODUCT_PLACEHOLDER["zh-hans"])
        return dict.fromkeys(AnswerTemplate.SLOTS, "") | {"product": placeholder, "category": placeholder}
    spec = ""
    if spec_doc is not None and spec_doc.kind == "spec":
        spec = spec_sentence(spec_doc, language, product)
    else:
        shown = [(k, v) for k, v in product.specs.items() if k not in phrasing.HIDDEN_SPECS and v not in (None, "")]
        if shown:
            spec = phrasing.phrase_spec(shown[0][0], shown[0][1], language, product.category)
    return {
        "product": product.name,
        "price": phrasing.format_money(product.price, language),
        "price_label": phrasing.price_label(product.price_label, language),
        "category": product.category,
        "design": product.design,
        "colour": product.colour,
        "size": product.size,
        "spec": spec,
    }


def _fillable(template: str, slots: dict[str, str]) -> bool:
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    return all(slots.get(name) for name in names if name != "answer")


class _Slots(dict):
    def __missing__(self, key: str) -> str:
        return ""


def fill(template: str, slots: dict[str, str]) -> str:
    return _SPACES.sub(" ", string.Formatter().vformat(template, (), _Slots(slots))).strip()


def suggest_questions(
    *,
    knowledge: KnowledgeBase,
    product: ProductFacts | None,
    language: str,
    asked: Sequence[str],
    answered_faqs: Iterable[int],
    limit: int = 5,
) -> list[Suggestion]:
    """3–5 FAQ questions for the intended product, most asked and most related to the chat first, never one
    already answered or asked (S9 猜你想问)."""
    if product is None:
        return []
    faqs = knowledge.faqs(products={product.id}, categories={product.category_id}, languages=(language,))
    if len(faqs) < 3 and language != "zh-hans":
        faqs += knowledge.faqs(products={product.id}, categories={product.category_id}, languages=("zh-hans",))
    answered = set(answered_faqs)
    asked_terms = [set(search_tokens(text)) for text in asked[-RECENT_QUESTIONS:]]
    chat_terms = set().union(*asked_terms) if asked_terms else set()
    top_popularity = max((doc.popularity for doc in faqs), default=0) or 1
    ranked: list[tuple[float, int, Doc]] = []
    for doc in faqs:
        if doc.faq_id in answered:
            continue
        terms = knowledge.title_terms.get(id(doc)) or frozenset(search_tokens(doc.title))
        if terms and any(len(terms & asked_set) / len(terms) >= 0.8 for asked_set in asked_terms):
            continue
        relevance = len(terms & chat_terms) / len(terms) if terms else 0.0
        specific = 0.1 if doc.product_id == product.id else 0.0
        score = doc.popularity / top_popularity + relevance + specific
        ranked.append((score, zlib.crc32(doc.title.encode()), doc))
    ranked.sort(key=lambda item: (-item[0], item[1]))
    return [
        Suggestion(doc.faq_id, in_script(doc.title, language)) for _, _, doc in ranked[:limit] if doc.faq_id is not None
    ]
