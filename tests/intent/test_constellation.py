"""Constellation from birthday (S1)."""

from __future__ import annotations

import datetime

import pytest

from intent.constellation import CHINESE_NAMES, CONSTELLATIONS, constellation_of


@pytest.mark.parametrize(
    ("day", "sign"),
    [
        ((1990, 3, 8), "pisces"),
        ((1990, 3, 21), "aries"),
        ((1985, 12, 22), "capricorn"),
        ((1985, 1, 19), "capricorn"),
        ((1985, 1, 20), "aquarius"),
        ((2000, 2, 29), "pisces"),
        ((1978, 8, 23), "virgo"),
    ],
)
def test_birthday_maps_to_its_sign(day, sign) -> None:
    assert constellation_of(datetime.date(*day)) == sign


def test_every_day_of_a_leap_year_has_exactly_one_of_twelve_signs() -> None:
    start = datetime.date(2024, 1, 1)
    seen = {constellation_of(start + datetime.timedelta(days=i)) for i in range(366)}
    assert seen == set(CONSTELLATIONS) == set(CHINESE_NAMES)
