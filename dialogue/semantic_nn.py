"""The FAQ matcher's network (issue 17 item 5; SPEC S9, S11): a small bi-encoder over hashed character n-grams.

A question and a document are encoded alike: the text's units (each Chinese character, each Latin word or number)
give unigram, bigram and trigram features and, for Latin words, character trigrams; every feature is hashed into
``buckets`` rows of an ``EmbeddingBag`` (mean), and a residual two-layer MLP maps the mean to a unit vector.
Cosine similarity between two vectors says how alike the questions are. Hashing keeps the model small and open:
a word it never saw still shares n-grams with words it did.

Inference runs on numpy (``NumpyEncoder``): a short question is encoded in well under a millisecond, without the
per-call overhead of torch. This module imports nothing from Django; ``dialogue.semantic_match`` loads it.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

_UNITS = re.compile(r"[a-z0-9]+|[\u3400-\u9fff]")
MAX_UNITS = 96  # a document's first units; a question is far shorter


def features(text: str) -> list[str]:
    """The n-gram features of already normalised text (lower-case, Simplified)."""
    units = _UNITS.findall(text)[:MAX_UNITS]
    if not units:
        return []
    padded = ["^", *units, "$"]
    found = [f"1:{unit}" for unit in units]
    found += [f"2:{a}|{b}" for a, b in zip(padded, padded[1:], strict=False)]
    found += [f"3:{a}|{b}|{c}" for a, b, c in zip(padded, padded[1:], padded[2:], strict=False)]
    for unit in units:
        if unit.isascii() and len(unit) > 3:
            word = f"<{unit}>"
            found += [f"c:{word[i : i + 3]}" for i in range(len(word) - 2)]
    return found


def hashed(text: str, buckets: int) -> list[int]:
    return [zlib.crc32(feature.encode()) % buckets for feature in features(text)]


class PairEncoder(nn.Module):
    def __init__(self, buckets: int = 16384, dim: int = 64, hidden: int = 128) -> None:
        super().__init__()
        self.buckets = buckets
        self.embedding = nn.EmbeddingBag(buckets, dim, mode="mean")
        self.hidden = nn.Linear(dim, hidden)
        self.out = nn.Linear(hidden, dim)
        nn.init.normal_(self.embedding.weight, std=0.1)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)

    def forward(self, ids: torch.Tensor, offsets: torch.Tensor) -> torch.Tensor:
        mean = self.embedding(ids, offsets)
        vector = mean + self.out(torch.tanh(self.hidden(mean)))
        return nn.functional.normalize(vector, dim=-1)

    def encode(self, texts: Sequence[str]) -> torch.Tensor:
        ids, offsets = batch(texts, self.buckets)
        return self(ids, offsets)


def batch(texts: Sequence[str], buckets: int) -> tuple[torch.Tensor, torch.Tensor]:
    ids: list[int] = []
    offsets: list[int] = []
    for text in texts:
        offsets.append(len(ids))
        ids.extend(hashed(text, buckets) or [0])
    return torch.tensor(ids, dtype=torch.long), torch.tensor(offsets, dtype=torch.long)


class NumpyEncoder:
    """The trained encoder's forward pass in numpy (float32), for serving."""

    def __init__(self, state: dict[str, np.ndarray]) -> None:
        self.embedding = state["embedding.weight"].astype(np.float32)
        self.buckets = self.embedding.shape[0]
        self.w1, self.b1 = state["hidden.weight"].T.astype(np.float32), state["hidden.bias"].astype(np.float32)
        self.w2, self.b2 = state["out.weight"].T.astype(np.float32), state["out.bias"].astype(np.float32)

    @property
    def dim(self) -> int:
        return self.embedding.shape[1]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        means = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            means[row] = self.embedding[hashed(text, self.buckets) or [0]].mean(axis=0)
        vectors = means + np.tanh(means @ self.w1 + self.b1) @ self.w2 + self.b2
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-6)
