"""The FAQ matcher blended with BM25 (``dialogue/semantic_match.py``, ``KnowledgeBase.search``; issue 17 item 5).

The knowledge base here is the shipped FAQs with company stand-ins (no database); the held-out figures are in
``bench/faq_matching.py``.
"""

from __future__ import annotations

import logging

import pytest

import dialogue.semantic_match as semantic_match
from dialogue.knowledge import KnowledgeBase, search_tokens
from dialogue.semantic_match import load_matcher
from dialogue.semantic_training import load_faqs, seed_documents

THRESHOLD = 0.3


@pytest.fixture(scope="module")
def seed_kb():
    docs, categories = seed_documents(load_faqs())
    matcher = load_matcher(semantic_match.WEIGHTS)
    assert matcher is not None, "the shipped dialogue/trained/faq_matcher.pt must load"
    return docs, categories, KnowledgeBase(docs, matcher), KnowledgeBase(docs, None)


def ask(kb: KnowledgeBase, categories: dict[str, int], category: str, question: str, language: str = "zh-hans"):
    return kb.search(question, categories={categories[category]}, languages=(language,), kinds=("faq", "company"))


@pytest.mark.parametrize(
    ("category", "question", "faq"),
    [
        ("critical-illness", "投保重疾要去医院检查吗", "买重疾险需要体检吗？"),
        ("credit-card", "免年费条件是啥", "刷卡6次免次年年费怎么算？"),
    ],
)
def test_a_paraphrase_without_the_faqs_words_finds_its_faq(seed_kb, category, question, faq):
    # Given a colloquial question that shares no word with the FAQ's question, which BM25 alone gets wrong
    _, categories, combined, bm25 = seed_kb
    assert not set(search_tokens(question)) & set(search_tokens(faq))
    lexical = ask(bm25, categories, category, question)
    assert not lexical or lexical[0].doc.title != faq or lexical[0].confidence < THRESHOLD

    # When the blended knowledge base is asked
    hits = ask(combined, categories, category, question)

    # Then the FAQ comes first, confidently enough to be answered
    assert hits[0].doc.title == faq
    assert hits[0].confidence >= THRESHOLD
    assert hits[0].semantic > hits[1].semantic


def test_the_faqs_own_wording_is_still_answered(seed_kb):
    _, categories, combined, _ = seed_kb
    hits = ask(combined, categories, "sofa", "沙发可以拆洗吗？")
    assert hits[0].doc.title == "沙发可以拆洗吗？"
    assert hits[0].confidence >= THRESHOLD
    assert hits[0].lexical == 1.0


@pytest.mark.parametrize(
    ("question", "language"),
    [("今天天气怎么样", "zh-hans"), ("给我讲个笑话", "zh-hans"), ("你是机器人吗", "zh-hans"), ("tell me a joke", "en")],
)
def test_off_topic_questions_stay_below_the_answer_threshold(seed_kb, question, language):
    _, categories, combined, _ = seed_kb
    for category in ("sofa", "critical-illness", "credit-card"):
        hits = ask(combined, categories, category, question, language)
        assert not hits or hits[0].confidence < THRESHOLD, (category, hits[0])


def test_without_the_weights_file_search_is_bm25_alone_with_a_warning(seed_kb, tmp_path, monkeypatch, caplog):
    # Given no weights file
    docs, categories, _, _ = seed_kb
    monkeypatch.setattr(semantic_match, "WEIGHTS", tmp_path / "faq_matcher.pt")
    semantic_match.MATCHER.forget()
    try:
        # When the knowledge base is built
        with caplog.at_level(logging.WARNING, logger="dialogue.semantic_match"):
            kb = KnowledgeBase(docs)

        # Then it warns and answers from BM25: the FAQ's own words still work, a pure paraphrase does not
        assert kb.matcher is None
        assert "BM25 alone" in caplog.text
        hits = ask(kb, categories, "sofa", "沙发可以拆洗吗？")
        assert hits[0].doc.title == "沙发可以拆洗吗？"
        assert hits[0].confidence == hits[0].lexical == 1.0
        assert hits[0].semantic == 0.0
        assert ask(kb, categories, "sofa", "？？") == []
    finally:
        semantic_match.MATCHER.forget()


def test_an_unreadable_weights_file_falls_back_too(tmp_path, caplog):
    broken = tmp_path / "faq_matcher.pt"
    broken.write_bytes(b"not a model")
    with caplog.at_level(logging.WARNING, logger="dialogue.semantic_match"):
        assert load_matcher(broken) is None
    assert "unreadable" in caplog.text
