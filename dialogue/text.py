"""Preparing a customer's reply for analysis (SPEC S11–S14): normalise, detect the language, tokenise.

Traditional characters (Hong Kong and Taiwan input) become Simplified with OpenCC, so one set of word lists
serves both scripts; full-width letters and digits become half-width (NFKC); English is lower-cased. Cantonese
is told from Mandarin by its own function words (唔, 係, 嘅, 咩 …), which Mandarin does not use.
jieba and OpenCC load their dictionaries once per process, on first use.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from dataclasses import dataclass

MAX_REPLY_CHARS = 2000
"""The longest reply analysed; a longer one is refused with a message (a chat message, not a document)."""

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
_CANTONESE_MARKERS = re.compile(r"[唔係嘅咩冇啲佢嘢咗喺嚟乜噉嗰睇揸俾啱]|點樣|点样|幾多|几多|唔該|唔该|邊個|边个")
_TOKEN = re.compile(r"\w", re.UNICODE)


class ReplyRefusedError(ValueError):
    """A reply that cannot be analysed (empty, too long); the message says why, for the customer. ``code`` (not_text,
    empty, too_long) and ``length`` let a caller say it in the customer's language."""

    def __init__(self, message: str, code: str = "", length: int = 0) -> None:
        super().__init__(message)
        self.code = code
        self.length = length


@dataclass(frozen=True)
class PreparedText:
    original: str
    normalised: str  # Simplified, NFKC, lower-cased: what word lists match against
    language: str  # zh-hans, yue or en
    tokens: tuple[str, ...]  # jieba tokens (words only, no punctuation or spaces)
    has_chinese: bool

    @property
    def chars(self) -> int:
        """D of S14: the characters of the reply, not counting spaces and punctuation."""
        return sum(1 for char in self.normalised if _TOKEN.match(char))


def validate_reply(text: object) -> str:
    if not isinstance(text, str):
        raise ReplyRefusedError("The message must be text.", "not_text")
    stripped = text.strip()
    if not stripped:
        raise ReplyRefusedError("The message is empty.", "empty")
    if len(stripped) > MAX_REPLY_CHARS:
        raise ReplyRefusedError(
            f"The message is too long: {len(stripped)} characters, at most {MAX_REPLY_CHARS}.",
            "too_long",
            len(stripped),
        )
    return stripped


def prepare(text: str, fallback_language: str = "zh-hans") -> PreparedText:
    """Normalise and tokenise a validated reply; ``fallback_language`` decides for text without letters."""
    original = text
    has_chinese = bool(_CJK.search(text))
    normalised = unicodedata.normalize("NFKC", text).lower()
    if has_chinese:
        normalised = _to_simplified(normalised)
    language = detect_language(original, has_chinese, fallback_language)
    return PreparedText(original, normalised, language, tuple(tokenize(normalised)), has_chinese)


def detect_language(text: str, has_chinese: bool, fallback: str) -> str:
    if has_chinese:
        if _CANTONESE_MARKERS.search(text):
            return "yue"
        return fallback if fallback in ("zh-hans", "yue") else "zh-hans"
    if _LATIN_WORD.search(text.lower()):
        return "en"
    return fallback


def tokenize(normalised: str) -> list[str]:
    """jieba words, without punctuation and whitespace (the token count of S12)."""
    return [token for token in _jieba().lcut(normalised) if _TOKEN.match(token)]


def to_simplified(text: str) -> str:
    return _to_simplified(text)


def to_hong_kong(text: str) -> str:
    """Simplified (or mixed) text in Hong Kong Traditional characters, for Cantonese answers."""
    return _opencc_hk().convert(text)


@functools.cache
def _opencc_hk():  # noqa: ANN202 - opencc has no type information
    import opencc

    return opencc.OpenCC("s2hk")


def _to_simplified(text: str) -> str:
    return _opencc().convert(text)


@functools.cache
def _opencc():  # noqa: ANN202 - opencc has no type information
    import opencc

    # Hong Kong Traditional → Simplified also covers Taiwan's characters; phrases such as 鍾意 map correctly.
    return opencc.OpenCC("hk2s")


@functools.cache
def _jieba():  # noqa: ANN202 - jieba has no type information
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


# A question in Mandarin, Cantonese or English: a question mark, a final particle (吗呢么嘛吧; Cantonese 冇未), an
# A-not-A form (是不是, 好不好), a question word (多少, 什么, 怎么, 哪, 几点, 幾時, 点样), or an English question word
# first.
_QUESTION = re.compile(
    r"[?？]|[吗呢么嘛吧冇未]$|[吗呢么嘛][^\w]*$|多少|什么|怎么|怎样|哪|几[个点天年月号种]|为什么|有没有|能不能|可不可以|"
    r"是不是|要不要|可唔可以|係咪|幾時|点样|點樣|(.)不\1|"
    r"^(?:can|could|how|what|when|where|which|who|why|do|does|is|are|will|would|should)\b",
    re.IGNORECASE,
)


def is_question(text: str) -> bool:
    """Whether a sentence asks something (the chat's plan and the calls' sentence relations share this one rule)."""
    return bool(_QUESTION.search(text.strip()))
