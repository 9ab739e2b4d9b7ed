"""Default configuration of the conversation engine (SPEC X1), read from ``dialogue/seed/*.json``.

The data migration loads the word lists, the answer templates and the scoring-settings row into a fresh
database; ``manage.py seed_faqs`` adds the demo catalogue's FAQs (the catalogue itself is demo data). Existing
rows are never overwritten, so a manager's edits survive a re-run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SEED_DIR = Path(__file__).resolve().parent / "seed"


def read_seed(name: str) -> Any:
    return json.loads((SEED_DIR / name).read_text(encoding="utf-8"))


def word_list_rows() -> list[dict[str, Any]]:
    """One dict per entry: kind, language, word, label, weight."""
    rows = []
    for language, kinds in read_seed("word_lists.json").items():
        for kind, entries in kinds.items():
            if isinstance(entries, dict):
                for word, value in entries.items():
                    if kind == "degree":
                        rows.append(_row(kind, language, word, "", float(value)))
                    else:
                        rows.append(_row(kind, language, word, str(value), 1.0))
            else:
                rows.extend(_row(kind, language, word, "", 1.0) for word in entries)
    return rows


def _row(kind: str, language: str, word: str, label: str, weight: float) -> dict[str, Any]:
    word = word.strip()
    return {
        "kind": kind,
        "language": language,
        "word": word.lower() if language == "en" else word,
        "label": label,
        "weight": weight,
    }


def seed_defaults(word_entry_model: Any, template_model: Any, settings_model: Any) -> dict[str, int]:
    """Insert the default lists, templates and settings that are missing (historical models welcome)."""
    existing = set(word_entry_model.objects.values_list("kind", "language", "word"))
    new_words = []
    for row in word_list_rows():
        key = (row["kind"], row["language"], row["word"])
        if key not in existing:
            existing.add(key)
            new_words.append(word_entry_model(**row))
    word_entry_model.objects.bulk_create(new_words, batch_size=500)
    new_templates = []
    if not template_model.objects.exists():
        new_templates = [template_model(**row) for row in read_seed("answer_templates.json")]
        template_model.objects.bulk_create(new_templates)
    if not settings_model.objects.exists():
        settings_model.objects.create()
    return {"words": len(new_words), "templates": len(new_templates)}
