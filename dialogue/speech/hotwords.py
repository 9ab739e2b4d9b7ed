"""Hotword boosting for Whisper's decoder (SPEC V1): once the text decoded so far ends with the beginning of an
organisation's word (打 of 打折, 分 of 分期, 沙 of 沙发), the token that continues the word gets ``bonus`` added to its
logit, so 打这 becomes 打折 when the audio allows it.

Only continuations are boosted, never the first character of a word: boosting every word's first character pulls
unrelated speech towards the catalogue (in our runs an initial prompt full of business words turned 达摩院 into
打摩院). Boosting enters the decoder's log-probabilities like any other logit filter, so beam search, the
temperature fallback and the no-speech and log-probability guards see the boosted scores. Pure torch and
openai-whisper: no Django.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import torch

DEFAULT_BONUS = 3.0  # added to a continuation's logit: about 20 times more likely, never forced
_TAIL_TOKENS = 12  # how far back the decoded text is read to find the beginning of a word
_FOLLOWED_TOKENS = 4  # tokens of a word's rest followed (a character takes up to three)


class HotwordBoost:
    """A ``whisper.decoding.LogitFilter`` (duck-typed: ``apply(logits, tokens)``) that boosts word continuations.

    Whisper's byte-level tokens split many Chinese characters in two or three (折 is two tokens), so a continuation
    is the token sequence of the rest of the word, followed token by token: the first token once the text ends
    with the word's beginning, the next while the tokens sampled since match the sequence."""

    def __init__(self, tokenizer, sample_begin: int, terms: Iterable[str], bonus: float = DEFAULT_BONUS) -> None:  # noqa: ANN001 - whisper's Tokenizer
        self.tokenizer = tokenizer
        self.sample_begin = sample_begin
        self.bonus = bonus
        self.rests: dict[str, set[tuple[int, ...]]] = {}  # the beginning of a word -> token sequences of its rest
        for term in {t for t in terms if len(t) > 1}:
            for cut in range(1, len(term)):
                rest = tuple(tokenizer.encode(term[cut:])[:_FOLLOWED_TOKENS])
                if rest:
                    self.rests.setdefault(term[:cut], set()).add(rest)
        self.longest = max((len(prefix) for prefix in self.rests), default=0)

    def apply(self, logits: torch.Tensor, tokens: torch.Tensor) -> None:
        if not self.rests or tokens.shape[1] <= self.sample_begin:
            return
        for row in range(tokens.shape[0]):
            boosted = self.continuations(tokens[row, self.sample_begin :].tolist())
            if boosted:
                logits[row, sorted(boosted)] += self.bonus

    def continuations(self, sampled: Sequence[int]) -> set[int]:
        """The tokens that would continue a word whose beginning ends the text of ``sampled``."""
        sampled = [t for t in sampled[-_TAIL_TOKENS:] if t < self.tokenizer.eot]
        found: set[int] = set()
        for done in range(min(_FOLLOWED_TOKENS, len(sampled) + 1)):  # tokens of the rest already sampled
            head, since = sampled[: len(sampled) - done], tuple(sampled[len(sampled) - done :])
            text = self.tokenizer.decode(head)
            if not text or text.endswith("\ufffd"):  # the beginning must end on a whole character
                continue
            for size in range(1, min(self.longest, len(text)) + 1):
                for rest in self.rests.get(text[-size:], ()):
                    if len(rest) > done and rest[:done] == since:
                        found.add(rest[done])
        return found


def decode_with_hotwords(model, mel: torch.Tensor, options, terms: Sequence[str], bonus: float = DEFAULT_BONUS):  # noqa: ANN001, ANN201 - whisper's model, options and DecodingResult
    """``whisper.decode`` with ``HotwordBoost`` among the logit filters (no boosting without ``terms``)."""
    from whisper.decoding import DecodingTask

    single = mel.ndim == 2
    if single:
        mel = mel.unsqueeze(0)
    task = DecodingTask(model, options)
    if terms:
        task.logit_filters.append(HotwordBoost(task.tokenizer, task.sample_begin, terms, bonus))
    result = task.run(mel)
    return result[0] if single else result
