"""What a conversation is about, sentence by sentence (SPEC V2: calls and the watch): the scene, and how each
sentence relates to the ones before.

- **Situation** is the conversation engine's (``dialogue.answers.detect_situation``): the manager-editable cue words
  (多少钱 → price question, 太贵了 → price objection, …) and the purchase-intent rate.
- **Scene** groups situations into the stages of a sales call: ``opening`` (greetings), ``pre_sale`` (questions
  about price, specifications, comparisons), ``objection``, ``after_sale`` (complaints), ``closing`` (ready to buy,
  thanks), or ``general``.
- **Relation** of a sentence to the one before: ``question``; ``answer`` (a statement right after a question);
  ``follow_up`` (a sentence that continues the previous topic: 那…, 还有…, 另外…, or a question after a question);
  ``statement`` otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from dialogue.models import Situation
from dialogue.text import is_question

SCENE_OF_SITUATION = {
    Situation.GREETING: "opening",
    Situation.PRICE_QUESTION: "pre_sale",
    Situation.SPEC_QUESTION: "pre_sale",
    Situation.COMPARISON: "pre_sale",
    Situation.PRICE_OBJECTION: "objection",
    Situation.COMPLAINT: "after_sale",
    Situation.PURCHASE: "closing",
    Situation.THANKS: "closing",
    Situation.HUMAN: "general",
    Situation.HANDOFF: "general",
    Situation.GENERAL: "general",
}
SCENES = ("opening", "pre_sale", "objection", "after_sale", "closing", "general")
_FOLLOW_UP = re.compile(r"^(?:那|那么|还有|另外|再问|然后|对了|顺便|and\b|also\b|then\b)", re.IGNORECASE)


def scene_of(situation: str) -> str:
    return SCENE_OF_SITUATION.get(situation, "general")


def relations(texts: Sequence[str]) -> list[str]:
    """The relation of each sentence to the one before it."""
    result: list[str] = []
    for index, text in enumerate(texts):
        question = is_question(text)
        previous = result[-1] if result else ""
        if index and _FOLLOW_UP.match(text.strip()):
            result.append("follow_up")
        elif question:
            result.append("follow_up" if previous in ("question", "follow_up") and is_question(texts[index - 1])
                          else "question")  # fmt: skip
        elif index and is_question(texts[index - 1]):
            result.append("answer")
        else:
            result.append("statement")
    return result
