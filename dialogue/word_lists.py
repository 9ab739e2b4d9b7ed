"""Bulk import and export of the word lists (SPEC X1) as CSV: ``kind,language,word,label,weight``.

An import is all or nothing: every line is validated as the admin form would validate it, and one bad line
refuses the whole file with the line numbers and reasons, so a half-imported list never goes live. Lines for
words already in that list update their label and weight. An import goes into one organisation's own lists or into
the product-wide ones (issue 19).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from crm.models import Organisation
from dialogue.config import invalidate_config
from dialogue.models import WordEntry

COLUMNS = ("kind", "language", "word", "label", "weight")
MAX_IMPORT_BYTES = 2 * 1024 * 1024


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def export_csv(entries: Iterable[WordEntry]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for entry in entries:
        writer.writerow([entry.kind, entry.language, entry.word, entry.label, entry.weight])
    return out.getvalue()


def import_csv(data: bytes, organisation: Organisation | int | None = None) -> ImportReport:
    """Import into ``organisation``'s own word lists (issue 19: they extend and override the product-wide lists,
    ``dialogue.config.merge_words``); ``None`` imports into the product-wide lists."""
    report = ImportReport()
    if len(data) > MAX_IMPORT_BYTES:
        report.errors.append(f"The file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB.")
        return report
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.errors.append("The file is not UTF-8 text.")
        return report
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("kind", "language", "word") if c not in (reader.fieldnames or [])]
    if missing:
        report.errors.append(f"Missing column(s): {', '.join(missing)}; expected {','.join(COLUMNS)}.")
        return report
    own = (
        WordEntry.objects.filter(organisation=organisation)
        if organisation is not None
        else WordEntry.objects.filter(organisation__isnull=True)
    )
    existing = {(e.kind, e.language, e.word): e for e in own}
    seen: set[tuple[str, str, str]] = set()
    pending: list[tuple[WordEntry, bool]] = []
    for line, row in enumerate(reader, start=2):
        entry, problem = _entry_from_row(row, existing, organisation)
        if problem:
            report.errors.append(f"Line {line}: {problem}")
            continue
        key = (entry.kind, entry.language, entry.word)
        if key in seen:
            report.errors.append(f"Line {line}: “{entry.word}” appears twice in this list.")
            continue
        seen.add(key)
        pending.append((entry, entry.pk is not None))
    if report.errors:
        return report
    with transaction.atomic():
        for entry, is_update in pending:
            entry.save()
            if is_update:
                report.updated += 1
            else:
                report.created += 1
    invalidate_config(organisation)
    return report


def _entry_from_row(row: dict, existing: dict, organisation: Organisation | int | None) -> tuple[WordEntry, str | None]:
    kind = (row.get("kind") or "").strip()
    language = (row.get("language") or "").strip()
    word = (row.get("word") or "").strip()
    if language == "en":
        word = word.lower()
    weight_text = (row.get("weight") or "").strip() or "1"
    entry = existing.get((kind, language, word)) or WordEntry(kind=kind, language=language, word=word)
    if entry.pk is None and organisation is not None:
        entry.organisation_id = organisation.pk if isinstance(organisation, Organisation) else organisation
    entry.label = (row.get("label") or "").strip()
    try:
        entry.weight = float(weight_text)
    except ValueError:
        return entry, f"the weight “{weight_text}” is not a number."
    try:
        entry.full_clean(validate_unique=False)
    except ValidationError as error:
        return entry, "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in error.message_dict.items())
    return entry, None
