"""The product knowledge base and its retrieval (SPEC S11 answers, S9 "guess what you want to ask").

Documents are the manager-editable FAQs (per product or category), every product's specs and description,
and the published cases — of one organisation (issue 19): each company's bot answers from its own knowledge only,
and a salesperson's lines of business narrow it further (``lines``). They are indexed with BM25 (the ``bm25s``
library) over jieba search-mode tokens; the index is built once per process and organisation and rebuilt when one
of its FAQs, products or cases changes (a cheap fingerprint is checked at most every ``RECHECK_SECONDS``).

BM25 scores are not comparable between queries, so the lexical confidence of a hit is the share of the query's
IDF mass that the document covers: 1.0 when every informative query word occurs in it, 0 when none does. With the
trained semantic matcher (``dialogue.semantic_match``) the **confidence** is a calibrated blend of that coverage and
the question–document cosine, so a paraphrase without shared words is found; without its weights, coverage alone.
A question about the weather matches nothing in a furniture knowledge base and gets no answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

import bm25s
import numpy as np
from django.db.models import Count, Max, Q

from base.table_cache import KeyedTableCache
from crm.models import Case, Organisation, Product, ProductCategory
from crm.tenancy import scoped
from dialogue import phrasing
from dialogue.models import FAQ
from dialogue.phrasing import ATTRIBUTES, HIDDEN_SPECS, SPECS
from dialogue.semantic_match import SemanticMatcher, document_text, loaded_matcher
from dialogue.text import _jieba, to_simplified

RECHECK_SECONDS = 5.0

# Function words that say nothing about what is asked.
STOPWORDS = frozenset(
    "的 了 吗 呢 吧 啊 呀 哦 嗯 么 我 你 您 他 她 它 我们 你们 这 那 这个 那个 是 有 在 和 与 也 都 就 还 "
    "可以 能 会 要 想 请问 请 一下 一个 什么 怎么 怎样 如何 多少 哪 哪个 哪些 为什么 吗? 嘛 啦 咯 喔 "
    "个 些 点 一点 现在 然后 如果 可能 问 问下 知道 告诉 给 对 把 被 让 从 到 上 下 里 中 "
    "a an the is are was were be do does did i you we it this that what how which can could would "
    "please to of for in on and or me my your about tell there any".split()
)

# Spec names in Mandarin and English for the index (and for callers that import them from here); the labels
# and phrases in every customer language live in ``dialogue.phrasing``.
SPEC_LABELS: dict[str, tuple[str, str]] = {
    key: (phrase.label["zh-hans"], phrase.label["en"])
    for key, phrase in SPECS.items()
    if key not in (*ATTRIBUTES, "price")
}


@dataclass(frozen=True)
class Doc:
    kind: str  # faq, spec, description, case
    title: str  # the question, spec name, product or case title
    text: str  # what an answer says
    product_id: int | None
    category_id: int | None
    language: str  # "" for language-neutral documents (specs)
    faq_id: int | None = None
    popularity: int = 0
    spec_key: str = ""  # for a spec document: which spec (material, size …)
    line: str = ""  # the line of business of its product or category ("" for none: every line)


@dataclass(frozen=True)
class Hit:
    doc: Doc
    score: float  # BM25
    confidence: float  # what the answer threshold is compared with
    lexical: float = 0.0  # share of the query's IDF mass the document covers
    semantic: float = 0.0  # cosine similarity from the trained matcher (0 without it)


def search_tokens(text: str) -> list[str]:
    """jieba search-mode tokens (words and their sub-words), lower-case, without stopwords or punctuation."""
    tokens = []
    for token in _jieba().lcut_for_search(to_simplified(text.lower())):
        token = token.strip()
        if token and token not in STOPWORDS and any(char.isalnum() for char in token):
            tokens.append(token)
    return tokens


def spec_label(key: str, language: str) -> str:
    """The spec's name in ``language`` (zh-hans, yue or en); an unknown key reads as its words."""
    return phrasing.spec_label(key, language)


def spec_value(value: object, language: str) -> str:
    if isinstance(value, bool):
        if language == "en":
            return "yes" if value else "no"
        return "是" if value else "否"
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return str(value)


def format_price(price: Decimal | None) -> str:
    if price is None:
        return ""
    return f"{price:,.0f}" if price == price.to_integral_value() else f"{price:,.2f}"


class KnowledgeBase:
    """BM25 over every document, blended with the trained semantic matcher when there is one (issue 17 item 5);
    ``search`` limits hits to the products and categories in scope.

    Without a matcher a hit's confidence is its lexical coverage. With one, every document in scope is a
    candidate — a paraphrase that shares no word with its FAQ still finds it — and the confidence is the
    matcher's calibrated blend of lexical coverage and cosine similarity (``dialogue.semantic_match``).
    Document vectors are computed once, when the index is built.
    """

    def __init__(self, docs: Sequence[Doc], matcher: SemanticMatcher | bool | None = True) -> None:
        """``matcher``: True for the shipped one (None when its file is missing), None or False for BM25 alone."""
        self.docs = list(docs)
        corpus = [search_tokens(f"{doc.title} {doc.text}") for doc in self.docs]
        self._doc_terms = [frozenset(tokens) for tokens in corpus]
        self.title_terms = {id(doc): frozenset(search_tokens(doc.title)) for doc in self.docs if doc.kind == "faq"}
        self._retriever = bm25s.BM25()
        self._retriever.index(corpus or [["-"]], show_progress=False)
        frequency: dict[str, int] = {}
        for terms in self._doc_terms:
            for term in terms:
                frequency[term] = frequency.get(term, 0) + 1
        total = max(len(self.docs), 1)
        self._idf = {term: float(np.log(1 + (total - n + 0.5) / (n + 0.5))) for term, n in frequency.items()}
        self._unknown_idf = float(np.log(1 + (total - 1 + 0.5) / 1.5))
        self.matcher = loaded_matcher() if matcher is True else (matcher or None)
        self._vectors = (
            self.matcher.encode_documents([document_text(doc.kind, doc.title, doc.text) for doc in self.docs])
            if self.matcher is not None
            else None
        )

    def search(
        self,
        query: str,
        *,
        expansion: str = "",
        products: Iterable[int] = (),
        categories: Iterable[int] = (),
        languages: Iterable[str] = ("zh-hans",),
        kinds: Iterable[str] = ("faq", "spec", "description", "case"),
        exclude_faqs: Iterable[int] = (),
        lines: Iterable[str] = (),
        limit: int = 5,
    ) -> list[Hit]:
        """``lines``: the lines of business the salesperson sells (empty: every line)."""
        terms = list(dict.fromkeys(search_tokens(query)))
        if not self.docs or not (terms or self.matcher is not None and query.strip()):
            return []
        allowed = self._mask(
            set(products), set(categories), {*languages, ""}, set(kinds), set(exclude_faqs), set(lines)
        )
        # Expansion words help ranking but not confidence: the customer did not say them.
        expanded = list(dict.fromkeys([*terms, *search_tokens(expansion)]))
        scores = self._retriever.get_scores(expanded) if expanded else np.zeros(len(self.docs))
        weights = [self._idf.get(term, self._unknown_idf) for term in terms]
        mass = sum(weights) or 1.0

        def coverage(index: int) -> float:
            covered = sum(w for term, w in zip(terms, weights, strict=True) if term in self._doc_terms[index])
            return covered / mass

        if self.matcher is None:
            order = np.argsort(-np.where(allowed, scores, -1.0))
            hits: list[Hit] = []
            for index in order[: limit * 3]:
                if not allowed[index] or scores[index] <= 0:
                    break
                lexical = round(coverage(index), 4)
                hits.append(Hit(self.docs[index], float(scores[index]), lexical, lexical))
            hits.sort(key=lambda hit: (-hit.confidence, -hit.score))
            return hits[:limit]

        candidates = np.flatnonzero(allowed)
        if not len(candidates):
            return []
        lexical = np.array([coverage(i) if scores[i] > 0 else 0.0 for i in candidates])
        cosine = self._vectors[candidates] @ self.matcher.encode_query(query)
        confidence = self.matcher.combined.confidence(lexical, cosine)
        best = np.lexsort((-scores[candidates], -confidence))[:limit]
        return [
            Hit(
                self.docs[candidates[i]],
                float(scores[candidates[i]]),
                round(float(confidence[i]), 4),
                round(float(lexical[i]), 4),
                round(float(cosine[i]), 4),
            )
            for i in best
        ]

    def _mask(
        self,
        products: set[int],
        categories: set[int],
        languages: set[str],
        kinds: set[str],
        exclude: set[int],
        lines: set[str],
    ) -> np.ndarray:
        scoped = bool(products or categories)
        return np.array(
            [
                doc.kind in kinds
                and doc.language in languages
                and (doc.faq_id is None or doc.faq_id not in exclude)
                and (not lines or not doc.line or doc.line in lines)
                and (
                    not scoped
                    or doc.product_id in products
                    or (doc.product_id is None and doc.category_id in categories)
                )
                for doc in self.docs
            ],
            dtype=bool,
        )

    def faqs(
        self,
        *,
        products: Iterable[int],
        categories: Iterable[int],
        languages: Iterable[str],
        lines: Iterable[str] = (),
    ) -> list[Doc]:
        products, categories, languages, lines = set(products), set(categories), set(languages), set(lines)
        return [
            doc
            for doc in self.docs
            if doc.kind == "faq"
            and doc.language in languages
            and (not lines or not doc.line or doc.line in lines)
            and (doc.product_id in products or (doc.product_id is None and doc.category_id in categories))
        ]


def build_documents(organisation: Organisation | int | None = None) -> list[Doc]:
    """The documents of ``organisation``'s knowledge: its FAQs, products and cases (issue 19: nothing of another
    company). ``None`` reads every organisation's, for benchmarks and tests; the engine always names one."""
    docs: list[Doc] = []
    faqs = scoped(FAQ.objects.filter(is_active=True), organisation)
    for faq in faqs.select_related("product__category", "category"):
        category_id = faq.category_id or (faq.product.category_id if faq.product else None)
        category = faq.category or (faq.product.category if faq.product else None)
        docs.append(
            Doc(
                "faq",
                faq.question,
                faq.answer,
                faq.product_id,
                category_id,
                faq.language,
                faq.pk,
                faq.popularity,
                line=category.line_of_business if category else "",
            )
        )
    for product in scoped(Product.objects.filter(is_active=True), organisation).select_related("category"):
        line = product.category.line_of_business
        if product.description:
            docs.append(
                Doc(
                    "description",
                    product.name,
                    product.description,
                    product.pk,
                    product.category_id,
                    "zh-hans",
                    line=line,
                )
            )
        for key, value in (product.specs or {}).items():
            if key in HIDDEN_SPECS:
                continue
            zh, en = SPEC_LABELS.get(key, (key, key.replace("_", " ")))
            text = spec_value(value, "zh-hans")
            docs.append(_spec_doc(product, f"{zh} {en}", text, key))
        for key, value in (("size", product.size), ("colour", product.colour), ("design", product.design)):
            if value:
                docs.append(_spec_doc(product, ATTRIBUTE_WORDS[key], value, key))
    cases = scoped(Case.objects.filter(is_published=True), organisation)
    for case in cases.select_related("product__category", "category"):
        category = case.category or (case.product.category if case.product else None)
        line = category.line_of_business if category else ""
        docs.append(Doc("case", case.title, case.summary, case.product_id, case.category_id, "zh-hans", line=line))
    return docs


ATTRIBUTE_WORDS = {
    "size": "尺寸 规格 大小 多大 期限 size",
    "colour": "颜色 色 colour color",
    "design": "款式 风格 设计 design style",
}


def _spec_doc(product: Product, words: str, value: str, key: str) -> Doc:
    return Doc(
        "spec",
        f"{product.name} {words}",
        value,
        product.pk,
        product.category_id,
        "",
        spec_key=key,
        line=product.category.line_of_business,
    )


def get_knowledge_base(organisation: Organisation | int | None = None) -> KnowledgeBase:
    """The knowledge base of ``organisation`` (a conversation's: its customer's), built once per process and
    organisation. ``None``: every organisation's documents, for benchmarks; the engine always names one."""
    return CACHE.get(organisation.pk if isinstance(organisation, Organisation) else organisation)


def invalidate_knowledge_base(organisation: Organisation | int | None = None) -> None:
    """Rebuild the knowledge base of ``organisation`` on its next use; without one, of every organisation."""
    if organisation is None:
        CACHE.invalidate()
    else:
        CACHE.invalidate(organisation.pk if isinstance(organisation, Organisation) else organisation)


def _fingerprint(organisation_id: int | None) -> tuple:
    parts: list = []
    for model, flag in ((FAQ, "is_active"), (Product, "is_active"), (Case, "is_published")):
        shown = Count("id", filter=Q(**{flag: True}))
        rows = scoped(model.objects.all(), organisation_id)
        parts.extend(rows.aggregate(n=Count("id"), on=shown, latest=Max("updated_at")).values())
    # A category moved to another line of business changes the documents' lines.
    categories = scoped(ProductCategory.objects.all(), organisation_id)
    parts.extend(categories.aggregate(n=Count("id"), latest=Max("updated_at")).values())
    return tuple(parts)


CACHE: KeyedTableCache[int | None, KnowledgeBase] = KeyedTableCache(
    lambda organisation_id: KnowledgeBase(build_documents(organisation_id)), _fingerprint, RECHECK_SECONDS
)
