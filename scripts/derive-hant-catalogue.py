#!/usr/bin/env python3
"""Write the Traditional Chinese (Hong Kong) catalogue from the Simplified one, for Cantonese speakers.

Every translated message of locale/zh_Hans is converted with OpenCC's ``s2hk`` profile (a well-kept converter
with Hong Kong variants and phrases) into locale/zh_Hant; ``make messages`` runs this, then compiles both.
Untranslated and fuzzy messages stay untranslated, so English shows rather than a wrong guess.
"""

from __future__ import annotations

from pathlib import Path

import opencc
import polib

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "locale/zh_Hans/LC_MESSAGES/django.po"
TARGET = ROOT / "locale/zh_Hant/LC_MESSAGES/django.po"


def main() -> None:
    convert = opencc.OpenCC("s2hk").convert
    catalogue = polib.pofile(str(SOURCE))
    catalogue.metadata["Language"] = "zh_Hant"
    for entry in catalogue:
        if entry.obsolete or "fuzzy" in entry.flags:
            entry.msgstr = ""
            entry.msgstr_plural = {k: "" for k in entry.msgstr_plural}
            continue
        entry.msgstr = convert(entry.msgstr)
        entry.msgstr_plural = {k: convert(v) for k, v in entry.msgstr_plural.items()}
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    catalogue.save(str(TARGET))
    print(f"{TARGET.relative_to(ROOT)}: {len(catalogue.translated_entries())} messages")


if __name__ == "__main__":
    main()
