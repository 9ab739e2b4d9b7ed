"""The bot's answer to a reply (SPEC S11) and the "guess what you want to ask" suggestions (S9).

An answer comes from the reply's **situation** (greeting, thanks, price question or objection, spec question,
comparison, complaint, ready to buy — read from the ``situation`` word list), its **emotion** and the
**intended product**: a manager-editable template for that situation, emotion and language, with slots filled
from the product's specs and, for questions, from the best knowledge-base hit (``dialogue.knowledge``). A
question whose best hit covers less of it than the minimum confidence gets no answer: the salesperson takes over.
"""

from __future__ import annotations

import re
import string
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from dialogue import lexicon
from dialogue.config import ScoringValues, TemplateRow
from dialogue.knowledge import Doc, Hit, KnowledgeBase, format_price, search_tokens, spec_label, spec_value
from dialogue.lexicon import Match
from dialogue.models import AnswerTemplate, Situation
from dialogue.text import to_hong_kong

# When cues of several situations appear, the first in this order decides.
SITUATION_PRIORITY = (
    Situation.HUMAN,
    Situation.COMPLAINT,
    Situation.PRICE_OBJECTION,
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
DEFAULT_PRICE_LABEL = {"zh-hans": "价格", "yue": "價錢", "en": "price"}
PRODUCT_PLACEHOLDER = {"zh-hans": "这款产品", "yue": "呢款產品", "en": "this product"}


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
) -> Answer:
    hit = _best_hit(query, situation, language, product, knowledge, category_products)
    confident = hit is not None and hit.confidence >= cfg.answer_min_confidence
    if situation in NEEDS_RETRIEVAL and not confident:
        return Answer(None, situation, hit.confidence if hit else 0.0)
    if situation == Situation.PRICE_QUESTION and product is None and not confident:
        return Answer(None, situation, hit.confidence if hit else 0.0)
    cited = hit if confident and (situation in NEEDS_RETRIEVAL or situation in MAY_CITE) else None
    cited_text = _hit_text(cited, language) if cited else ""
    slots = product_slots(product, language, cited.doc if cited else None)
    slots.update(answer=cited_text, salesperson=salesperson)
    template = choose_template(templates, situation, emotion, language, rotation, slots)
    text = fill(template, slots) if template else cited_text
    if cited and "{answer}" not in (template or "") and cited_text not in text:
        text = f"{text} {cited_text}".strip()
    if not text:
        return Answer(None, situation, 0.0)
    return Answer(
        text=in_script(text, language),
        situation=situation,
        confidence=cited.confidence if cited else 1.0,
        faq_id=cited.doc.faq_id if cited else None,
        source=cited.doc.kind if cited else "template",
    )


def handoff_text(templates: Sequence[TemplateRow], emotion: str, language: str, salesperson: str, rotation: int) -> str:
    slots = {"salesperson": salesperson}
    template = choose_template(templates, Situation.HANDOFF, emotion, language, rotation, slots)
    return in_script(fill(template, slots), language) if template else ""


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
) -> Hit | None:
    if situation in (Situation.GREETING, Situation.THANKS, Situation.PURCHASE, Situation.HUMAN):
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
    )
    return hits[0] if hits else None


def _hit_text(hit: Hit, language: str) -> str:
    doc = hit.doc
    if doc.kind == "spec":
        separator = ": " if language == "en" else "："
        return f"{spec_label(doc.spec_key, language)}{separator}{doc.text}"
    if doc.kind == "case":
        return f"{doc.title}：{doc.text}"
    return doc.text


def choose_template(
    templates: Sequence[TemplateRow],
    situation: str,
    emotion: str,
    language: str,
    rotation: int = 0,
    slots: dict[str, str] | None = None,
) -> str | None:
    """The emotion's own template when there is one, else an any-emotion one; Mandarin when the language
    has none. Templates whose slots would stay empty (a price without a product) give way to others.
    ``rotation`` varies the choice among equals, so the bot does not repeat itself."""
    for lang in dict.fromkeys((language, "zh-hans")):
        rows = [t for t in templates if t.situation == situation and t.language == lang]
        if slots is not None:
            rows = [t for t in rows if _fillable(t.text, slots)] or rows
        for candidates in ([t for t in rows if t.emotion == emotion], [t for t in rows if not t.emotion]):
            if candidates:
                return candidates[rotation % len(candidates)].text
    return None


def product_slots(product: ProductFacts | None, language: str, spec_doc: Doc | None = None) -> dict[str, str]:
    if product is None:
        placeholder = PRODUCT_PLACEHOLDER.get(language, PRODUCT_PLACEHOLDER["zh-hans"])
        return dict.fromkeys(AnswerTemplate.SLOTS, "") | {"product": placeholder, "category": placeholder}
    spec = ""
    if spec_doc is not None and spec_doc.kind == "spec":
        spec = f"{spec_label(spec_doc.spec_key, language)} {spec_doc.text}"
    else:
        shown = [(k, v) for k, v in product.specs.items() if k != "price_label"]
        if shown:
            spec = f"{spec_label(shown[0][0], language)} {spec_value(shown[0][1], language)}"
    return {
        "product": product.name,
        "price": format_price(product.price),
        "price_label": product.price_label or DEFAULT_PRICE_LABEL.get(language, "价格"),
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


def template_slot_errors(text: str, situation: str) -> str | None:
    """Why a template cannot be used (unknown slot, broken braces), or None."""
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError as error:
        return f"The template's braces are broken: {error}."
    unknown = sorted({name for name in fields if name not in AnswerTemplate.SLOTS})
    if unknown:
        return f"Unknown slot {', '.join('{' + n + '}' for n in unknown)}; use {', '.join(AnswerTemplate.SLOTS)}."
    if situation == Situation.GENERAL and "answer" not in fields:
        return "A template for other questions must contain {answer}, where the found answer goes."
    return None


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
