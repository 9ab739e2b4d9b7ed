"""Word-list matching with negation, degree words and overlapping entries (SPEC X1, S12, S14, S15, V3, B7).

All active entries of every list are compiled into one Aho–Corasick automaton (pyahocorasick), so a reply is
scanned once, whatever the number of entries. The text must already be normalised (Simplified, lower-case,
see ``dialogue.text``), and Chinese lists of both Mandarin and Cantonese apply to every Chinese reply.

How a match is read:
- **Neutral words** (贵宾, 贵公司, 不要紧) use up their characters: nothing inside them counts.
- **A-not-A questions** (靠不靠谱, 要不要, 买唔买) ask rather than negate: that 不 is neither a negator nor the
  start of a rejection.
- **Overlaps.** Lists are grouped by what they measure (polarity, intent, emotion, aspect, situation); inside a
  group the longest entry wins where two overlap, so 不满意 (negative) beats the 满意 (positive) inside it, and
  怎么买 counts once, not as 怎么买 + 买. An intent word inside a keyword→emotion phrase (不要 in 不要说了,
  "stop talking") is not a rejection.
- **Negation and degree.** Walking left from a match through negators (不, 没有, 唔 …), degree words (太, 很,
  非常 …) and at most two other characters (or words, in English) of the same clause: each negator flips the
  match, each degree word multiplies its weight. 不太贵 is therefore not 贵, 不是很满意 is negative and
  不是不满意 is positive again. Words such as 不过 and 不断 are never negators.
- **What negation does** depends on the list: negated positive → negative; negated negative → positive at half
  weight (不贵 is mild praise); negated purchase-intent or interest → reject (不想买, 不感兴趣); a negated
  reject, excited, dissatisfied or emotion keyword no longer counts; aspects and situations stay as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

POSITIVE = "positive"
NEGATIVE = "negative"
PURCHASE_INTENT = "purchase_intent"
EXCITED = "excited"
DISSATISFIED = "dissatisfied"
EMOTION_KEYWORD = "emotion_keyword"
REJECT = "reject"
INTEREST = "interest"
ASPECT = "aspect"
SITUATION = "situation"
NEGATOR = "negator"
DEGREE = "degree"
NEUTRAL = "neutral"
_BLOCKER = "_blocker"

_GROUP = {
    POSITIVE: "polarity",
    NEGATIVE: "polarity",
    PURCHASE_INTENT: "intent",
    REJECT: "intent",
    INTEREST: "intent",
    EXCITED: "emotion",
    DISSATISFIED: "emotion",
    EMOTION_KEYWORD: "emotion",
    ASPECT: "aspect",
    SITUATION: "situation",
    NEGATOR: "modifier",
    DEGREE: "modifier",
    NEUTRAL: "neutral",
    _BLOCKER: "modifier",
}
_NEGATED_KIND = {
    POSITIVE: (NEGATIVE, 1.0),
    NEGATIVE: (POSITIVE, 0.5),
    PURCHASE_INTENT: (REJECT, 1.0),
    INTEREST: (REJECT, 1.0),
    REJECT: (None, 0.0),
    EXCITED: (None, 0.0),
    DISSATISFIED: (None, 0.0),
    EMOTION_KEYWORD: (None, 0.0),
}
# Words that begin with a negation character but negate nothing.
NOT_NEGATIONS = (
    "不过",
    "不仅",
    "不但",
    "不管",
    "不论",
    "不断",
    "不少",
    "不久",
    "不然",
    "要不",
    "无论",
    "差不多",
    "没准",
    "非常",
    "不得不",
    "别家",
    "别的",
    "别人",
    "区别",
    "分别",
    "特别",
    "差别",
    "级别",
    "类别",
    "没想到",
)
# "A-not-A" questions (靠不靠谱, 要不要, 有冇, 买唔买) ask; they neither negate nor reject.
A_NOT_A_NEGATORS = frozenset("不没唔冇")
# Conjunctions end the reach of a negation: in 不贵但不满意 the first 不 does not touch 满意.
CLAUSE_BREAKS = ("但", "但是", "可是", "却", "而且", "就是", "只是", "but", "however", "although")
MAX_FILLERS = 2
_WORD_CHAR = re.compile(r"\w")
_ASCII_WORD = re.compile(r"[a-z0-9']")


@dataclass(frozen=True)
class Entry:
    kind: str
    word: str
    label: str = ""
    weight: float = 1.0


@dataclass(frozen=True)
class Match:
    kind: str  # what the match counts as, after negation
    word: str
    start: int
    end: int
    label: str = ""
    weight: float = 1.0
    negated: bool = False
    listed_as: str = ""  # the list the word came from, when negation changed its kind

    @property
    def chars(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    entry: Entry


class WordLists:
    """The compiled word lists; build once per change of the lists, share between threads (read-only)."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        by_word: dict[str, list[Entry]] = {}
        self.counts: dict[str, int] = {}
        for entry in entries:
            word = entry.word.strip().lower()
            if not word:
                continue
            by_word.setdefault(word, []).append(Entry(entry.kind, word, entry.label, entry.weight))
            self.counts[entry.kind] = self.counts.get(entry.kind, 0) + 1
        for word in (*NOT_NEGATIONS, *CLAUSE_BREAKS):
            by_word.setdefault(word, []).append(Entry(_BLOCKER, word))
        self._automaton = ahocorasick.Automaton()
        for word, word_entries in by_word.items():
            self._automaton.add_word(word, tuple(word_entries))
        self._automaton.make_automaton()

    def match(self, text: str) -> list[Match]:
        """Every counted match in ``text`` (normalised), in reading order."""
        questions = _a_not_a_positions(text)
        # Neither the 不 of 要不要 nor the word after it (靠谱 in 靠不靠谱) counts: the customer is asking.
        hits = [h for h in self._hits(text) if h.start not in questions and h.start - 1 not in questions]
        content, modifiers = _resolve_overlaps(hits)
        matches: list[Match] = []
        for hit in content:
            negated, degree = _modifiers_before(text, hit, modifiers, content)
            match = _apply(hit, negated, degree)
            if match is not None:
                matches.append(match)
        matches.sort(key=lambda m: (m.start, m.end))
        return matches

    def _hits(self, text: str) -> list[_Hit]:
        hits = []
        for end_index, entries in self._automaton.iter(text):
            length = len(entries[0].word)
            start, end = end_index - length + 1, end_index + 1
            if _is_ascii_word(entries[0].word) and not _on_word_boundaries(text, start, end):
                continue
            hits.extend(_Hit(start, end, entry) for entry in entries)
        return hits


def _a_not_a_positions(text: str) -> set[int]:
    """Where a negation character sits between two copies of the same character (要不要, 有冇有)."""
    return {
        i
        for i in range(1, len(text) - 1)
        if text[i] in A_NOT_A_NEGATORS and text[i - 1] == text[i + 1] and _WORD_CHAR.match(text[i - 1])
    }


def _is_ascii_word(word: str) -> bool:
    return word.isascii() and any(char.isalpha() for char in word)


def _on_word_boundaries(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not _ASCII_WORD.match(before) and not _ASCII_WORD.match(after)


def _resolve_overlaps(hits: list[_Hit]) -> tuple[list[_Hit], list[_Hit]]:
    """Longest-first inside each group; intent words inside an emotion phrase are dropped."""
    by_group: dict[str, list[_Hit]] = {}
    for hit in hits:
        by_group.setdefault(_GROUP[hit.entry.kind], []).append(hit)
    chosen: dict[str, list[_Hit]] = {}
    for group, group_hits in by_group.items():
        group_hits.sort(key=lambda h: (-(h.end - h.start), h.start))
        kept: list[_Hit] = []
        for hit in group_hits:
            if all(hit.end <= k.start or hit.start >= k.end or (hit.start, hit.end) == (k.start, k.end) for k in kept):
                kept.append(hit)
        chosen[group] = kept
    phrases = [h for h in chosen.get("emotion", []) if h.entry.kind == EMOTION_KEYWORD]
    chosen["intent"] = [
        h
        for h in chosen.get("intent", [])
        if not any(p.start <= h.start and h.end <= p.end and (p.end - p.start) > (h.end - h.start) for p in phrases)
    ]
    modifiers = chosen.pop("modifier", [])
    masks = chosen.pop("neutral", [])
    if masks:
        for group, group_hits in chosen.items():
            chosen[group] = [h for h in group_hits if not any(m.start <= h.start and h.end <= m.end for m in masks)]
    content = [hit for group_hits in chosen.values() for hit in group_hits]
    return content, modifiers


def _modifiers_before(text: str, target: _Hit, modifiers: list[_Hit], content: list[_Hit]) -> tuple[bool, float]:
    """Walk left from ``target`` through negators, degree words and a few fillers of the same clause; another
    listed word or a conjunction ends the walk."""
    word_ends = {c.end for c in content if c is not target and c.end <= target.start}
    ending_at: dict[int, list[_Hit]] = {}
    for hit in modifiers:
        if hit.end <= target.start and not _inside_earlier_word(hit, target, content):
            ending_at.setdefault(hit.end, []).append(hit)
    negated, degree, fillers = False, 1.0, 0
    position = target.start
    while position > 0:
        while position > 0 and text[position - 1] == " ":
            position -= 1
        candidates = ending_at.get(position)
        if position in word_ends and not candidates:
            break
        if candidates:
            longest = max(candidates, key=lambda h: h.end - h.start)
            if longest.entry.kind == _BLOCKER:
                break
            if longest.entry.kind == NEGATOR:
                negated = not negated
            else:
                degree *= longest.entry.weight
            position = longest.start
            continue
        if fillers >= MAX_FILLERS or position == 0 or not _WORD_CHAR.match(text[position - 1]):
            break
        position = _skip_filler(text, position)
        fillers += 1
    return negated, degree


def _inside_earlier_word(modifier: _Hit, target: _Hit, content: list[_Hit]) -> bool:
    """A negator inside a word that ends before the target (the 不 of 不错) modifies nothing."""
    return any(c.start <= modifier.start and modifier.end <= c.end and c.end <= target.start for c in content)


def _skip_filler(text: str, position: int) -> int:
    """One filler: a Chinese character, or one English word."""
    if _ASCII_WORD.match(text[position - 1]):
        while position > 0 and _ASCII_WORD.match(text[position - 1]):
            position -= 1
        return position
    return position - 1


NEGATED_AWAY_SITUATIONS = frozenset({"price_objection", "complaint"})  # 不贵, 不是要投诉


def _apply(hit: _Hit, negated: bool, degree: float) -> Match | None:
    entry = hit.entry
    if negated and entry.kind == SITUATION and entry.label in NEGATED_AWAY_SITUATIONS:
        return None
    if not negated:
        return Match(entry.kind, entry.word, hit.start, hit.end, entry.label, entry.weight * degree)
    if entry.kind not in _NEGATED_KIND:
        return Match(entry.kind, entry.word, hit.start, hit.end, entry.label, entry.weight, negated=True)
    new_kind, factor = _NEGATED_KIND[entry.kind]
    if new_kind is None:
        return None
    # "Not very X" is weaker than "not X": the degree word under a negation softens instead of strengthening.
    weight = entry.weight * factor * (0.5 if degree > 1 else 1.0)
    return Match(new_kind, entry.word, hit.start, hit.end, "", weight, negated=True, listed_as=entry.kind)


def of_kind(matches: Iterable[Match], kind: str) -> list[Match]:
    return [m for m in matches if m.kind == kind]
