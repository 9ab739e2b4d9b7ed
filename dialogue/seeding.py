"""Default configuration of the conversation engine (SPEC X1), read from ``dialogue/seed/*.json``.

The data migration loads the word lists, the answer templates and the scoring-settings row into a fresh
database; ``manage.py seed_faqs`` adds the demo catalogue's FAQs (the catalogue itself is demo data) and brings
an existing install's defaults up to date the same way. A manager's edits survive a re-run:

- words: missing ones are added; a word whose label is still the one an earlier release shipped
  (``RELABELLED``, e.g. 打折 from ``price_objection`` to ``discount``) takes the new label, any other label stays;
- only product-wide rows (no organisation) are seeded; an organisation's own rows are its managers' (issue 19);
- templates: for each situation and language whose templates are all shipped ones (current or retired, none
  switched off), the retired texts are removed and the current ones added; a situation and language with a
  template a manager wrote or edited is left as it is.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.utils import timezone

SEED_DIR = Path(__file__).resolve().parent / "seed"
# (kind, label an earlier release shipped, label the seed now gives): such words move to the new label.
RELABELLED = frozenset({("situation", "price_objection", "discount")})


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


def _product_wide(model: Any) -> Any:
    """The product-wide rows of ``model`` (issue 19: no organisation); every row for a historical model from before
    organisations."""
    if any(field.name == "organisation" for field in model._meta.get_fields()):
        return model.objects.filter(organisation__isnull=True)
    return model.objects.all()


def seed_defaults(word_entry_model: Any, template_model: Any, settings_model: Any) -> dict[str, int]:
    """Insert the default lists, templates and settings that are missing and bring unedited defaults up to date
    (historical models welcome). Only the product-wide rows are read and written: an organisation's own words,
    templates and settings override them and are never touched."""
    existing = dict(
        ((kind, language, word), (pk, label))
        for pk, kind, language, word, label in _product_wide(word_entry_model).values_list(
            "pk", "kind", "language", "word", "label"
        )
    )
    new_words = []
    relabelled = 0
    for row in word_list_rows():
        key = (row["kind"], row["language"], row["word"])
        if key not in existing:
            existing[key] = (None, row["label"])
            new_words.append(word_entry_model(**row))
            continue
        pk, label = existing[key]
        if pk is not None and (row["kind"], label, row["label"]) in RELABELLED:
            changed = word_entry_model.objects.filter(pk=pk, label=label)
            relabelled += changed.update(label=row["label"], updated_at=timezone.now())
    word_entry_model.objects.bulk_create(new_words, batch_size=500)
    added, removed = _update_templates(template_model)
    if not _product_wide(settings_model).exists():
        settings_model.objects.create()
    return {"words": len(new_words), "relabelled": relabelled, "templates": added, "retired_templates": removed}


def _update_templates(template_model: Any) -> tuple[int, int]:
    seed = read_seed("answer_templates.json")
    current = {(row["situation"], row["emotion"], row["language"], row["text"]) for row in seed}
    shipped = {row["text"] for row in seed} | set(read_seed("answer_templates_retired.json"))
    groups: dict[tuple[str, str], list[tuple[int, str, str, bool]]] = {}
    for pk, situation, emotion, language, text, active in _product_wide(template_model).values_list(
        "pk", "situation", "emotion", "language", "text", "is_active"
    ):
        groups.setdefault((situation, language), []).append((pk, emotion, text, active))
    removed = 0
    new_rows = []
    for situation, language in dict.fromkeys((row["situation"], row["language"]) for row in seed):
        rows = groups.get((situation, language), [])
        if any(text not in shipped or not active for _, _, text, active in rows):
            continue  # a manager's own templates: theirs to keep
        stale = [pk for pk, emotion, text, _ in rows if (situation, emotion, language, text) not in current]
        removed += template_model.objects.filter(pk__in=stale).delete()[0] if stale else 0
        have = {(situation, emotion, language, text) for _, emotion, text, _ in rows}
        for row in seed:
            key = (row["situation"], row["emotion"], row["language"], row["text"])
            if row["situation"] == situation and row["language"] == language and key not in have:
                new_rows.append(template_model(**row))
    template_model.objects.bulk_create(new_rows)
    return len(new_rows), removed
