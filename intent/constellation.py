"""Constellation (Western zodiac sign, 星座) from a birthday (SPEC S1: birthday → constellation)."""

from __future__ import annotations

import datetime

# (month, last day of the sign in that month, sign); a date after the last day belongs to the next sign.
_BOUNDARIES = [
    (1, 19, "capricorn"),
    (2, 18, "aquarius"),
    (3, 20, "pisces"),
    (4, 19, "aries"),
    (5, 20, "taurus"),
    (6, 21, "gemini"),
    (7, 22, "cancer"),
    (8, 22, "leo"),
    (9, 22, "virgo"),
    (10, 23, "libra"),
    (11, 22, "scorpio"),
    (12, 21, "sagittarius"),
]
CONSTELLATIONS = tuple(sign for _, _, sign in _BOUNDARIES)
CHINESE_NAMES = {
    "capricorn": "摩羯座",
    "aquarius": "水瓶座",
    "pisces": "双鱼座",
    "aries": "白羊座",
    "taurus": "金牛座",
    "gemini": "双子座",
    "cancer": "巨蟹座",
    "leo": "狮子座",
    "virgo": "处女座",
    "libra": "天秤座",
    "scorpio": "天蝎座",
    "sagittarius": "射手座",
}


def constellation_of(birthday: datetime.date) -> str:
    """The sign for ``birthday``, e.g. 1990-03-08 → "pisces"."""
    month_index = birthday.month - 1
    _, last_day, sign = _BOUNDARIES[month_index]
    if birthday.day <= last_day:
        return sign
    return _BOUNDARIES[(month_index + 1) % 12][2]
