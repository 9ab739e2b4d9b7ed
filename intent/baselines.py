"""Baselines that IntentNet must beat on the same split (SPEC S4 evaluation):

- popularity: every customer gets the products ranked by how often they were targets in training;
- logistic regression (scikit-learn) over a flat view of the same inputs — the user-info vector, dwell
  time per product category and per line of business, and daily minutes per app category.
Both return a score matrix [examples × product indices] so that the ranking metrics treat all alike.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
from sklearn.linear_model import LogisticRegression

from intent.features import CustomerInputs, TrainingExample


def popularity_scores(train: list[TrainingExample], n_products: int, count: int) -> np.ndarray:
    """Scores for ``count`` examples: the training target frequency of each product index."""
    frequency = Counter(t for example in train if example.kind != "browse" for t in example.targets)
    row = np.zeros(n_products + 1)
    for index, n in frequency.items():
        row[index] = n
    row[0] = -np.inf  # padding is never a product
    return np.tile(row, (count, 1))


def flat_features(inputs: CustomerInputs, product_category: list[int], n_categories: int, n_apps: int) -> np.ndarray:
    dwell = np.zeros(n_categories + 1)
    for product, seconds in zip(inputs.browse_products, inputs.browse_dwell, strict=True):
        dwell[product_category[product]] += math.log1p(seconds)
    apps = np.zeros(n_apps + 1)
    for app, minutes in zip(inputs.app_categories, inputs.app_minutes, strict=True):
        apps[app] = math.log1p(minutes)
    return np.concatenate([np.asarray(inputs.user_features), dwell, apps])


class LogisticBaseline:
    def __init__(self, product_category: list[int], n_categories: int, n_apps: int, seed: int) -> None:
        self.product_category = product_category
        self.n_categories = n_categories
        self.n_apps = n_apps
        self.model = LogisticRegression(C=0.5, max_iter=3000, random_state=seed)

    def _matrix(self, examples: list[TrainingExample]) -> np.ndarray:
        return np.stack(
            [flat_features(e.inputs, self.product_category, self.n_categories, self.n_apps) for e in examples]
        )

    def fit(self, train: list[TrainingExample]) -> LogisticBaseline:
        # The same examples IntentNet learns from, self-supervised browsing included.
        self.model.fit(self._matrix(train), [e.targets[0] for e in train])
        return self

    def scores(self, examples: list[TrainingExample], n_products: int) -> np.ndarray:
        probabilities = self.model.predict_proba(self._matrix(examples))
        scores = np.full((len(examples), n_products + 1), -np.inf)
        scores[:, self.model.classes_] = probabilities
        return scores
