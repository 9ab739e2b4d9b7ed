"""The trained FAQ matcher at run time (issue 17 item 5; SPEC S9, S11): paraphrases find their FAQ.

``dialogue/trained/faq_matcher.pt`` holds the bi-encoder of ``dialogue.semantic_nn`` (trained by
``manage.py train_faq_matcher``) with two calibrations chosen on the validation split of
``dialogue/seed/faq_paraphrases.jsonl``:

- **combined**: ``confidence = σ(k · (w · lexical + (1 − w) · cosine) + c)``, where *lexical* is the knowledge base's
  BM25 coverage and *cosine* the semantic similarity; the probability that the best hit answers the question, so
  the answer threshold (0.3) keeps meaning "confident enough";
- **semantic**: the same without the lexical part (used by the benchmark to show the matcher alone).

The file is loaded once per process (``MATCHER``, a ``base.model_files`` slot). Without it (or with an unreadable
one) retrieval is BM25 alone, and a warning says so once.
"""

from __future__ import annotations

import logging
import math
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from base.model_files import Located, ModelSlot
from dialogue.text import to_simplified

if TYPE_CHECKING:
    from dialogue.semantic_nn import NumpyEncoder

logger = logging.getLogger(__name__)

WEIGHTS = Path(__file__).resolve().parent / "trained" / "faq_matcher.pt"
DOCUMENT_CHARS = 160  # what a document's vector is made from: an FAQ's question, else the start of title + text


@dataclass(frozen=True)
class Calibration:
    """confidence = σ(k · (w · lexical + (1 − w) · cosine) + c)."""

    w: float
    k: float
    c: float

    def confidence(self, lexical: np.ndarray, cosine: np.ndarray) -> np.ndarray:
        blend = self.w * lexical + (1.0 - self.w) * cosine
        return 1.0 / (1.0 + np.exp(-(self.k * blend + self.c)))

    def as_dict(self) -> dict[str, float]:
        return {"w": self.w, "k": self.k, "c": self.c}


class SemanticMatcher:
    """Encodes questions and documents into unit vectors and turns (lexical, cosine) into a confidence."""

    def __init__(self, encoder: NumpyEncoder, combined: Calibration, semantic: Calibration, *, name: str = "") -> None:
        self.encoder = encoder
        self.combined = combined
        self.semantic = semantic
        self.name = name
        self._cache: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def encode_query(self, text: str) -> np.ndarray:
        return self._encode([normalise(text)])[0]

    def encode_documents(self, texts: list[str]) -> np.ndarray:
        """Document vectors, remembered by text so that rebuilding the index after an FAQ edit stays cheap."""
        keys = [normalise(text)[:DOCUMENT_CHARS] for text in texts]
        missing = [key for key in dict.fromkeys(keys) if key not in self._cache]
        if missing:
            vectors = self._encode(missing)
            with self._lock:
                if len(self._cache) > 50_000:
                    self._cache.clear()
                self._cache.update(zip(missing, vectors, strict=True))
        if not keys:
            return np.zeros((0, self.encoder.dim), dtype=np.float32)
        return np.stack([self._cache[key] for key in keys])

    def _encode(self, texts: list[str]) -> np.ndarray:
        return self.encoder.encode(texts)


def normalise(text: str) -> str:
    return to_simplified(text.lower())


def document_text(kind: str, title: str, text: str) -> str:
    """An FAQ is matched by its question; other documents by what they are about and say."""
    return title if kind == "faq" else f"{title} {text}"


# --- The shipped matcher, once per process ------------------------------------------------------------------


def _locate() -> Located:
    return Located(str(WEIGHTS), WEIGHTS, label=str(WEIGHTS))  # read when called: tests point WEIGHTS elsewhere


# Loaded once (never rechecked: the file ships with the code); ``MATCHER.forget()`` reads it again after retraining.
MATCHER: ModelSlot[SemanticMatcher] = ModelSlot("faq_matcher", _locate, lambda path, _: load_matcher(path), math.inf)


def loaded_matcher() -> SemanticMatcher | None:
    return MATCHER.get()


def load_matcher(path: Path) -> SemanticMatcher | None:
    """The matcher in ``path``, or None (with a warning) when it is missing, unreadable or switched off."""
    if not path.exists():
        logger.warning("FAQ matcher %s is missing: knowledge search uses BM25 alone.", path)
        return None
    import torch

    from dialogue.semantic_nn import NumpyEncoder

    try:
        saved = torch.load(path, map_location="cpu", weights_only=True)
        encoder = NumpyEncoder({key: value.float().numpy() for key, value in saved["state"].items()})
        combined, semantic = Calibration(**saved["combined"]), Calibration(**saved["semantic"])
    except Exception as error:  # noqa: BLE001 - a broken file must not take the chat down: BM25 serves
        logger.warning("FAQ matcher %s is unreadable (%s): knowledge search uses BM25 alone.", path, error)
        return None
    if not saved.get("enabled", True):
        logger.info("FAQ matcher %s is switched off (it did not beat BM25): BM25 alone.", path)
        return None
    if not all(math.isfinite(v) for v in (*combined.as_dict().values(), *semantic.as_dict().values())):
        logger.warning("FAQ matcher %s has no usable calibration: knowledge search uses BM25 alone.", path)
        return None
    return SemanticMatcher(encoder, combined, semantic, name=str(saved.get("name", path.stem)))
