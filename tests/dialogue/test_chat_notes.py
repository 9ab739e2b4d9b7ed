"""The bot's own notes (issue 17): never the text it said last when another wording exists, slots filled, and
Cantonese in Hong Kong Traditional characters — names and filled-in questions included."""

from __future__ import annotations

import pytest

from dialogue import chat_notes

# Characters that differ between Simplified and Traditional: none may appear in a Cantonese note.
SIMPLIFIED_ONLY = set("这们个为说时话电过问请让现进发经钱价对还给应见陈静涛顾务处称马会没准确线时间")
SLOTS = {
    "question": "沙发可以拆洗吗？",
    "product": "云朵布艺沙发",
    "salesperson": "陈静",
    "wait": "通常 3 分钟内回复",
    "wait_sentence": "预计通常 3 分钟内回复。",
    "phone": "139****5678",
    "previous": "陈静",
    "colleague": "林涛",
}
KINDS_WITH_CHOICE = [
    (kind, lang) for kind, by_lang in chat_notes.NOTES.items() for lang, texts in by_lang.items() if len(texts) > 1
]


@pytest.mark.parametrize(("kind", "language"), KINDS_WITH_CHOICE)
def test_a_note_never_repeats_the_last_thing_the_bot_said(kind: str, language: str) -> None:
    every = {chat_notes.pick(kind, language, rotation=n, **SLOTS) for n in range(10)}
    assert len(every) > 1
    for said in every:
        for rotation in range(5):
            assert chat_notes.pick(kind, language, [said], rotation, **SLOTS) != said


def test_with_one_wording_the_same_note_may_come_again_rather_than_nothing() -> None:
    said = chat_notes.pick("nobody_free", "zh-hans")
    assert chat_notes.pick("nobody_free", "zh-hans", [said]) == said


def test_three_notes_in_a_row_never_say_the_same_thing_twice_running() -> None:
    recent: list[str] = []
    for rotation in range(6):
        text = chat_notes.pick("still_waiting", "zh-hans", recent[-1:], rotation, **SLOTS)
        assert not recent or text != recent[-1]
        recent.append(text)


@pytest.mark.parametrize("kind", sorted(chat_notes.NOTES))
def test_cantonese_notes_are_in_traditional_characters(kind: str) -> None:
    for rotation in range(3):
        text = chat_notes.pick(kind, "yue", rotation=rotation, **SLOTS)
        assert text and not SIMPLIFIED_ONLY & set(text), text
        assert "{" not in text


def test_a_cantonese_note_turns_the_names_into_traditional_characters() -> None:
    text = chat_notes.pick("passed_on", "yue", previous="陈静", colleague="林涛")
    assert text == "陳靜暫時走唔開，我已經請林濤嚟幫你，請稍等。"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh-hans", "陈静暂时走不开，我已请林涛来为您服务，请稍候。"),
        ("en", "陈静 cannot get to you right now, so I have asked 林涛 to help you. One moment, please."),
        ("fr", "陈静暂时走不开，我已请林涛来为您服务，请稍候。"),  # an unknown language falls back to Mandarin
    ],
)
def test_passed_on_in_each_language(language: str, expected: str) -> None:
    assert chat_notes.pick("passed_on", language, previous="陈静", colleague="林涛") == expected


def test_wait_sentences_say_when_or_ask_for_a_number() -> None:
    assert chat_notes.wait_sentence(True, 4, "zh-hans") == "预计通常 4 分钟内回复。"
    assert chat_notes.wait_sentence(True, None, "en") == "Expect a reply soon: they usually reply within minutes."
    assert "留低電話" in chat_notes.wait_sentence(False, None, "yue")


def test_a_missing_slot_leaves_no_braces() -> None:
    text = chat_notes.pick("still_waiting", "zh-hans", salesperson="陈静")
    assert "{" not in text and "陈静" in text
