"""``manage.py extract_facts TEXT`` / ``manage.py extract_facts --image PATH``: the profile facts found, one per line,
then all of them as one JSON list on the last line."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from crm.im_profile.extraction import extract_text
from crm.im_profile.ocr import UnreadableImageError, image_findings


class Command(BaseCommand):
    help = "Print the profile facts (phone, e-mail, company, …) found in a chat text or an image."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("text", nargs="*", help="The chat text (words are joined with spaces).")
        parser.add_argument("--image", help="Read this image (business card, screenshot) with OCR instead.")

    def handle(self, *args, **options) -> None:
        if bool(options["image"]) == bool(options["text"]):
            raise CommandError("Give either a TEXT or --image PATH.")
        if options["image"]:
            path = Path(options["image"])
            if not path.is_file():
                raise CommandError(f"No such file: {path}")
            try:
                reading = image_findings(path.read_bytes())
            except UnreadableImageError as error:
                raise CommandError(str(error)) from None
            self.stdout.write("OCR text:\n" + "\n".join(f"  {line}" for line in reading.lines))
            findings = reading.findings
        else:
            findings = extract_text(" ".join(options["text"]))
        for finding in findings:
            self.stdout.write(f"{finding.field}: {finding.value} (confidence {finding.confidence:.2f})")
        if not findings:
            self.stdout.write("No facts found.")
        self.stdout.write(json.dumps([asdict(f) for f in findings], ensure_ascii=False))
