"""Sharing a card (SPEC S9): the contact file and QR codes.

vCards come from vobject (escaping, line folding and UTF-8 as RFC 2426 wants them) and QR codes from segno
(pure Python, SVG out) — both well-kept libraries, so neither format is hand-written here.
"""

from __future__ import annotations

import io

import segno
import vobject

from salescard.models import SmartCard


def vcard_for(card: SmartCard, card_url: str) -> str:
    """A vCard 3.0 of the salesperson: UTF-8 name, phone, e-mail, company, title and the card's URL."""
    vcard = vobject.vCard()
    vcard.add("fn").value = card.display_name
    family, given = split_name(card.display_name)
    vcard.add("n").value = vobject.vcard.Name(family=family, given=given)
    if card.phone:
        tel = vcard.add("tel")
        tel.value = card.phone
        tel.type_param = "CELL"
    if card.email:
        email = vcard.add("email")
        email.value = card.email
        email.type_param = "INTERNET"
    if card.company:
        vcard.add("org").value = [card.company]
    if card.title:
        vcard.add("title").value = card.title
    vcard.add("url").value = card_url
    if card.im_id:
        vcard.add("x-im").value = card.im_id
    return vcard.serialize()


def split_name(name: str) -> tuple[str, str]:
    """(family, given): 陈静 → 陈, 静; "Jing Chen" → Chen, Jing."""
    name = name.strip()
    if " " in name:
        given, _, family = name.rpartition(" ")
        return family, given
    if name and "\u4e00" <= name[0] <= "\u9fff":
        return name[:1], name[1:]
    return name, ""


def qr_svg(data: str, *, scale: int = 5) -> bytes:
    """A standalone SVG document with the QR code of ``data``."""
    out = io.BytesIO()
    segno.make(data, error="m", micro=False).save(out, kind="svg", scale=scale, border=2)
    return out.getvalue()
