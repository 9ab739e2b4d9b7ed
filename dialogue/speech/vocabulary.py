"""What the recogniser expects to hear from an organisation (SPEC V1: speech recognition that knows the business).

Whisper decodes better when it is told the words a call is likely to contain. ``vocabulary_for(organisation)``
gathers them from the organisation's catalogue (``crm.tenancy.categories_for`` / ``products_for``: category names
and the short names of the products on sale), the business words of its lines of business (``BUSINESS_WORDS``:
打折, 分期, 送货, 投诉, 退款, 理财, 存款, 保险 …) and the words its managers added to their own word lists (the
organisation's rows of the purchase-intent, interest and aspect lists; the product-wide rows are hundreds of
everyday words and would crowd the catalogue out), and writes them into one short natural sentence in Simplified
characters with Chinese punctuation (``prompt``). Whisper's initial prompt is text "said before" the audio, so the
sentence also primes Simplified characters and full-width punctuation.

The prompt is kept short (``MAX_PROMPT_CHARS``): a long list makes Whisper copy catalogue words into unrelated
speech and costs decoding time on every utterance. The vocabulary is built once per organisation and process and
rebuilt when its catalogue or word lists change (``base.table_cache``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Max, Q

from base.table_cache import KeyedTableCache
from crm.models import Organisation, Product, ProductCategory
from crm.tenancy import categories_for, products_for
from dialogue import lexicon
from dialogue.models import Language, WordEntry

RECHECK_SECONDS = 30.0  # how often a process looks for a changed catalogue or word lists
MAX_PROMPT_CHARS = 90  # about 100 Whisper tokens; the decoder allows 223
MAX_TERM_CHARS = 8  # longer product names are descriptions, not words a caller says
_WORD_LIST_KINDS = (lexicon.PURCHASE_INTENT, lexicon.INTEREST, lexicon.ASPECT)
_Line = ProductCategory.LineOfBusiness

# Words a customer and a salesperson of each line of business say, whatever the catalogue.
COMMON_WORDS = ("打折", "优惠", "分期", "退款", "投诉")
BUSINESS_WORDS = {
    _Line.HOME: ("打折", "分期", "送货", "安装", "退款", "投诉"),
    _Line.BANKING: ("存款", "理财", "利率", "贷款", "分期", "投诉"),
    _Line.INSURANCE: ("保险", "保费", "理赔", "退保", "投诉"),
}
_BRACKETS = re.compile(r"[（(][^）)]*[）)]")
_SEPARATORS = re.compile(r"[/／、,，;；|]")  # 房贷/消费贷 names two terms
_NOT_A_TERM = re.compile(r"[^\u3400-\u9fffA-Za-z0-9+]")


@dataclass(frozen=True)
class Vocabulary:
    """An organisation's words for the recogniser: ``terms`` in order of importance and the ``prompt`` sentence."""

    name: str  # the organisation's name, "" for the product-wide vocabulary
    terms: tuple[str, ...]
    prompt: str


def vocabulary_for(organisation: Organisation | int | None) -> Vocabulary:
    """The vocabulary of ``organisation`` (the product-wide business words alone for ``None``), cached."""
    key = organisation.pk if isinstance(organisation, Organisation) else organisation
    return CACHE.get(key)


def write_prompt(name: str, categories: Iterable[str], words: Iterable[str], products: Iterable[str]) -> Vocabulary:
    """One Simplified sentence naming the categories, the business words and as many products as fit in
    ``MAX_PROMPT_CHARS``, in that order (categories and business words are said far more often than product
    names)."""
    categories, words, products = _terms(categories), _terms(words), _terms(products)
    words = tuple(w for w in words if w not in categories)
    products = tuple(p for p in products if p not in categories and p not in words)
    opening = f"您好，这里是{name}。" if name else "您好，"

    def sentence(shown: tuple[str, ...], said: tuple[str, ...]) -> str:
        offer = f"我们有{'、'.join(shown)}" if shown else ""
        service = f"欢迎咨询{'、'.join(said)}" if said else ""
        return opening + "，".join(part for part in (offer, service) if part) + "。"

    # Whole terms only: the last business words, then the last categories, give way when the sentence is too long.
    shown, said = categories, words
    while len(sentence(shown, said)) > MAX_PROMPT_CHARS and (said or shown):
        shown, said = (shown, said[:-1]) if len(said) > 1 or not shown else (shown[:-1], said)
    prompt = sentence(shown, said)
    kept: list[str] = []
    for product in products:
        if len(prompt) + len(f"比如{'、'.join([*kept, product])}。") > MAX_PROMPT_CHARS:
            break
        kept.append(product)
    if kept:
        prompt += f"比如{'、'.join(kept)}。"
    return Vocabulary(name, (*categories, *words, *kept), prompt)


def _terms(values: Iterable[str]) -> tuple[str, ...]:
    """Distinct short terms in order: brackets and punctuation dropped, names longer than ``MAX_TERM_CHARS``
    skipped."""
    seen: dict[str, None] = {}
    for value in values:
        for part in _SEPARATORS.split(_BRACKETS.sub("", value or "")):
            term = _NOT_A_TERM.sub("", part)
            if term and len(term) <= MAX_TERM_CHARS:
                seen.setdefault(term, None)
    return tuple(seen)


def _build(organisation_id: int | None) -> Vocabulary:
    if organisation_id is None:
        return write_prompt("", (), COMMON_WORDS, ())
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return write_prompt("", (), COMMON_WORDS, ())
    categories = list(
        categories_for(organisation).order_by("line_of_business", "pk").values_list("name", "line_of_business")
    )
    lines = dict.fromkeys(line for _, line in categories)
    words = [word for line in lines for word in BUSINESS_WORDS.get(line, ())] or list(COMMON_WORDS)
    own = WordEntry.objects.filter(
        organisation=organisation, kind__in=_WORD_LIST_KINDS, language=Language.MANDARIN, is_active=True
    ).order_by("-weight", "pk")
    words += list(own.values_list("word", flat=True))
    products = products_for(organisation).order_by("category__line_of_business", "pk").values_list("name", flat=True)
    return write_prompt(organisation.name, [name for name, _ in categories], words, products)


def _fingerprint(organisation_id: int | None) -> tuple:
    if organisation_id is None:
        return ()
    changed = {"n": Count("id"), "latest": Max("updated_at")}
    products = Product.objects.filter(organisation=organisation_id).aggregate(
        **changed, on=Count("id", filter=Q(is_active=True))
    )
    categories = ProductCategory.objects.filter(organisation=organisation_id).aggregate(**changed)
    words = WordEntry.objects.filter(organisation=organisation_id).aggregate(
        **changed, on=Count("id", filter=Q(is_active=True))
    )
    name = Organisation.objects.filter(pk=organisation_id).values_list("name", flat=True).first()
    return (name, *products.values(), *categories.values(), *words.values())


CACHE: KeyedTableCache[int | None, Vocabulary] = KeyedTableCache(_build, _fingerprint, RECHECK_SECONDS)
