"""``manage.py converse --card <token or username> [--as <customer>] [--product <sku>] [--continue]
[--language zh-hans|yue|en] "msg 1" "msg 2" …``: run customer messages through the card chat (issue 17 item 7).

One JSON line per customer message (reply, situation, emotion, K, P, handoff, purchase, behaviour, ms), then a JSON
summary line. Hand-off e-mails and texts that the console back-ends print go to stderr, so stdout stays JSON.
"""

from __future__ import annotations

import contextlib
import json
import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser

from salescard.conversing import LANGUAGES, ConverseError, build_request, open_chat, run_chat, summarise


class Command(BaseCommand):
    help = (
        "Run customer messages through a smart card's chat, as the card socket does, in a new conversation (or the "
        "customer's latest with --continue); prints one JSON line per message and a JSON summary."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("messages", nargs="*", help="The customer's messages, in order.")
        parser.add_argument("--card", required=True, help="A card link token or the salesperson's username.")
        parser.add_argument(
            "--as",
            dest="customer",
            help="The customer's id or phone number (default: a new visitor lead of the card's public link).",
        )
        parser.add_argument("--product", help="The SKU the conversation is about (its intended product).")
        parser.add_argument(
            "--continue",
            dest="continue_latest",
            action="store_true",
            help="Continue the customer's latest conversation on this card instead of starting a new one.",
        )
        parser.add_argument("--language", choices=LANGUAGES, help="The customer's language for this conversation.")

    def handle(self, *args: object, **options: object) -> None:
        try:
            request = build_request(
                card=options["card"],
                customer=options["customer"],
                product=options["product"],
                language=options["language"],
                continue_latest=options["continue_latest"],
                messages=options["messages"],
            )
        except ConverseError as error:
            raise CommandError(str(error)) from error
        turns = []
        # self.stdout was bound to the real stdout when the command was made; the console e-mail and SMS
        # back-ends write to sys.stdout, which goes to stderr meanwhile.
        with contextlib.redirect_stdout(sys.stderr):
            session = open_chat(request)
            for turn in run_chat(session, request.messages):
                turns.append(turn)
                self._line(turn.as_dict())
        self._line(summarise(session, turns).as_dict())

    def _line(self, data: dict) -> None:
        self.stdout.write(json.dumps(data, ensure_ascii=False))
        self.stdout.flush()
