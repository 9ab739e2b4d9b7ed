"""Hidden purchase preferences of demo customers (the ground truth behind SPEC S4 and B4).

Each customer gets a probability over product categories that follows from the profile — newly-weds and people
renovating lean to furniture, parents and the middle-aged to insurance, the well-off to large deposits and wealth
products, low earners to consumer loans and credit cards — plus personal noise. It is never stored: behaviour,
chats and transactions are drawn from it, so purchase intent is learnable from what is stored, not read off a field.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from crm.models import ProductCategory
from salescard.demo.catalogue import CATEGORY_CODES, CATEGORY_COMPANY, CATEGORY_LINES
from salescard.demo.companies import BANK, HOME
from salescard.demo.people import OUTDOOR_HOBBIES, DemoCustomer

Line = ProductCategory.LineOfBusiness

SHARPNESS = 1.6  # how strongly the weights follow the scores; higher = more single-minded customers


@dataclass(frozen=True)
class HiddenPreferences:
    weights: dict[str, float]  # category code → probability; sums to 1

    @property
    def ranking(self) -> tuple[str, ...]:
        """Category codes, most wanted first."""
        return tuple(sorted(self.weights, key=lambda code: (-self.weights[code], code)))

    @property
    def codes(self) -> tuple[str, ...]:
        """The categories the customer may want, in catalogue order (those of their company once narrowed)."""
        return tuple(code for code in CATEGORY_CODES if code in self.weights)

    def line_weight(self, line: str) -> float:
        return sum(weight for code, weight in self.weights.items() if CATEGORY_LINES[code] == line)

    def weight(self, code: str) -> float:
        return self.weights.get(code, 0.0)

    def draw_category(self, rng: random.Random, focus: float = 1.0, power: float = 1.0) -> str:
        """A category: with probability ``focus`` from the (``power``-sharpened) weights, otherwise any of them."""
        codes = self.codes
        if rng.random() >= focus:
            return rng.choice(codes)
        weights = [self.weights[code] ** power for code in codes]
        return rng.choices(codes, weights=weights)[0]

    def narrowed(self, company: str) -> HiddenPreferences:
        """The preferences over the categories ``company`` sells, renormalised: a customer of the furniture retailer
        never wants a bank product from it, nor the other way round."""
        kept = {code: w for code, w in self.weights.items() if CATEGORY_COMPANY[code] == company}
        total = sum(kept.values())
        return HiddenPreferences({code: w / total for code, w in kept.items()})


def choose_company(preferences: HiddenPreferences, rng: random.Random) -> str:
    """Which demo company the customer is a customer of: mostly where their wants lie — people furnishing a home
    (newly-weds, renovators, young families) shop at the furniture retailer, savers, investors and the insured bank
    at 招财银行 — with some chance, so that both companies have customers of every kind."""
    home = preferences.line_weight(ProductCategory.LineOfBusiness.HOME)
    return HOME if rng.random() < min(0.9, max(0.1, HOME_SHARE_SCALE * home)) else BANK


HOME_SHARE_SCALE = 1.4  # a good third of the demo customers shop at the furniture retailer


def draw_preferences(customer: DemoCustomer, rng: random.Random) -> HiddenPreferences:
    scores = _profile_scores(customer)
    line_noise = {line: rng.gauss(0, 0.4) for line in Line.values}
    noisy = {code: scores[code] + line_noise[CATEGORY_LINES[code]] + rng.gauss(0, 0.6) for code in CATEGORY_CODES}
    peak = max(noisy.values())
    exp = {code: math.exp(SHARPNESS * (score - peak)) for code, score in noisy.items()}
    total = sum(exp.values())
    return HiddenPreferences({code: value / total for code, value in exp.items()})


def _profile_scores(customer: DemoCustomer) -> dict[str, float]:
    age, level, home = customer.age, customer.income_level, customer.household
    assets: dict[str, int] = customer.fields["assets"]  # type: ignore[assignment]
    risk = customer.fields["preferences"]["risk"]  # type: ignore[index]
    spend = float(customer.fields["monthly_online_spend"] or 0)  # type: ignore[arg-type]
    liquid = customer.liquid_assets
    cautious = risk in ("保守", "稳健")
    outdoors = any(hobby in OUTDOOR_HOBBIES for hobby in customer.hobbies)
    family = home.has_children or home.newly_married

    nesting = (
        1.6 * (home.wedding_soon or home.newly_married) + 1.8 * home.renovating + 0.5 * (age < 35) - 0.8 * (age >= 60)
    ) - 0.1
    return {
        "sofa": nesting + 0.2,
        "bed": nesting + 0.3 * home.has_children,
        "dining-table": nesting + 0.3 * (home.has_children and age >= 35),
        "wardrobe": nesting + 0.3 * home.renovating,
        "lighting": nesting,
        "critical-illness": -0.7 + 1.0 * home.has_children + 0.5 * (28 <= age <= 50) + 0.1 * level,
        "medical": 0.0 + 0.6 * (age >= 50) + 0.4 * home.has_children + 0.2 * (level >= 3),
        "term-life": -0.3 + 1.0 * family + 0.8 * home.mortgage,
        "annuity": -0.9 + 1.1 * (age >= 45) + 0.25 * level + 0.3 * cautious,
        "accident": -0.4 + 1.0 * outdoors + 0.3 * (age < 40),
        "time-deposit": -0.2 + 1.0 * (age >= 55) + 0.8 * (risk == "保守"),
        "large-cd": -0.8 + 1.5 * (liquid >= 800_000) + 0.5 * (age >= 45) + 0.3 * cautious,
        "wealth": -0.4 + 0.9 * (level >= 3) + 0.6 * (liquid >= 300_000) + 0.3 * (risk in ("稳健", "平衡")),
        "fund": -0.5
        + 0.8 * (age < 40 and level >= 2)
        + 0.8 * (risk in ("平衡", "进取"))
        + 0.5 * (assets["stocks"] > 0),
        "loan": -0.5
        + 1.3 * (level <= 1)
        + 1.0 * home.renovating
        + 0.5 * (age < 30)
        + 0.5 * home.wedding_soon
        - 0.5 * (age >= 55),
        "credit-card": -0.4 + 1.0 * (age < 32) + 0.8 * (spend > 4000) + 0.4 * (level <= 2),
    }
