"""The trained personality model (SPEC S5): profile features → social style, learnt from the styles
salespeople observed (``Customer.observed_social_style``), combined with the preset personality database.

The model is a multinomial logistic regression (scikit-learn) over the same kinds of features the preset
database reads — MBTI letters, constellation, hobbies, job-title words — so the two can be compared and
blended: ``p = w · p_model + (1 − w) · p_preset``, with ``w`` chosen on the validation split. Weights are
saved as plain JSON under MODEL_DIR (no pickle: loading a file never runs code) and loaded once per process
(``MODEL``, a ``base.model_files`` slot: re-read when the file changes; a corrupt file raises to the caller).
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score

from base.model_files import Located, ModelSlot
from base.model_gate import judge
from base.progress import Progress
from crm.models import Customer
from intent.config import IntentConfig, get_config
from intent.constellation import CONSTELLATIONS, constellation_of
from intent.models import PersonalityAssessment
from intent.personality import PersonalityResult, assess_personality

FILE_NAME = "personality.json"
FORMAT = "salescard-personality-v1"
STYLES = ("analytical", "driver", "amiable", "expressive")
BLEND_WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)


class PersonalityModelError(Exception):
    """The saved personality model is missing, corrupt or of another format."""


@dataclass(frozen=True)
class PersonalityModel:
    hobbies: tuple[str, ...]
    job_words: tuple[str, ...]
    coef: np.ndarray  # [styles, features]
    intercept: np.ndarray  # [styles]
    blend_weight: float
    metrics: dict

    def features(self, customer: Customer) -> np.ndarray:
        return featurise(customer, self.hobbies, self.job_words)

    def probabilities(self, customer: Customer) -> dict[str, float]:
        logits = self.coef @ self.features(customer) + self.intercept
        exp = np.exp(logits - logits.max())
        probs = exp / exp.sum()
        return {style: float(p) for style, p in zip(STYLES, probs, strict=True)}


def featurise(customer: Customer, hobbies: tuple[str, ...], job_words: tuple[str, ...]) -> np.ndarray:
    mbti = customer.mbti or ""
    letters = [(1.0 if letter in mbti else -1.0) if mbti else 0.0 for letter in "ESTJ"]
    sign = constellation_of(customer.birthday) if customer.birthday else None
    constellation = [1.0 if sign == s else 0.0 for s in CONSTELLATIONS]
    liked = set(customer.hobbies or [])
    hobby_hits = [1.0 if h in liked else 0.0 for h in hobbies]
    title = customer.job_title or ""
    job_hits = [1.0 if w in title else 0.0 for w in job_words]
    return np.array(letters + constellation + hobby_hits + job_hits, dtype=np.float64)


def preset_distribution(result: PersonalityResult) -> dict[str, float]:
    smoothed = {s: result.scores.get(s, 0.0) + 1.0 for s in STYLES}
    total = sum(smoothed.values())
    return {s: v / total for s, v in smoothed.items()}


def blend(model_probs: dict[str, float], preset: dict[str, float], weight: float) -> dict[str, float]:
    return {s: weight * model_probs[s] + (1 - weight) * preset[s] for s in STYLES}


@dataclass(frozen=True)
class TrainingReport:
    path: Path
    labelled: int
    metrics: dict


FOLDS = 5


def train_personality_model(
    seed: int = 7, config: IntentConfig | None = None, progress: bool = False
) -> TrainingReport:
    """Train on customers with an observed style and save under MODEL_DIR; ``progress`` shows the five outer folds
    and the final choice of weight (``base.progress``).

    Evaluation is 5-fold cross-validation by customer: every labelled customer is predicted once by a
    model that never saw them. The blend weight with the best out-of-fold accuracy is kept (weight 0 is
    the preset database alone, 1 the trained model alone); the saved model is then fit on everyone.
    """
    config = config or get_config()
    labelled = list(Customer.objects.exclude(observed_social_style="").order_by("pk"))
    if len(labelled) < 40:
        raise PersonalityModelError(
            f"Only {len(labelled)} customers have a social style observed by staff; at least 40 are needed to train."
        )
    started = time.perf_counter()
    random.Random(seed).shuffle(labelled)
    hobbies = tuple(sorted({t.value for t in config.traits if t.feature == "hobby"}))
    job_words = tuple(sorted({t.value for t in config.traits if t.feature == "job_title"}))
    features = np.stack([featurise(c, hobbies, job_words) for c in labelled])
    labels = [c.observed_social_style for c in labelled]
    presets = [preset_distribution(assess_personality(c, config)) for c in labelled]

    def fit(rows: list[int]) -> PersonalityModel:
        classifier = LogisticRegression(C=1.0, max_iter=2000, random_state=seed)
        classifier.fit(features[rows], [labels[i] for i in rows])
        order = [list(classifier.classes_).index(s) if s in classifier.classes_ else None for s in STYLES]
        coef = np.stack([classifier.coef_[k] if k is not None else np.zeros(features.shape[1]) for k in order])
        # A style nobody in the training rows showed gets a very low prior instead of breaking the model.
        intercept = np.array([classifier.intercept_[k] if k is not None else -20.0 for k in order])
        return PersonalityModel(hobbies, job_words, coef, intercept, 0.5, {})

    def out_of_fold(rows: list[int], folds: int) -> dict[float, dict[int, str]]:
        """Each row of ``rows`` predicted by a model fit on the other folds of ``rows``, at every blend weight."""
        predicted: dict[float, dict[int, str]] = {w: {} for w in BLEND_WEIGHTS}
        for fold in range(folds):
            held_out = rows[fold::folds]
            model = fit([i for k, i in enumerate(rows) if k % folds != fold])
            for i in held_out:
                model_probs = model.probabilities(labelled[i])
                for weight in BLEND_WEIGHTS:
                    probs = blend(model_probs, presets[i], weight)
                    predicted[weight][i] = max(STYLES, key=lambda s: probs[s])
        return predicted

    def choose_weight(predicted: dict[float, dict[int, str]]) -> float:
        def accuracy(weight: float) -> float:
            return sum(predicted[weight][i] == labels[i] for i in predicted[weight]) / len(predicted[weight])

        return max(BLEND_WEIGHTS, key=lambda w: (accuracy(w), -abs(w - 0.5)))

    # Nested cross-validation (issue 20): each outer fold's blend weight is chosen by an inner cross-validation on
    # the other four folds only, so the combined figure is measured on customers that neither the model nor the
    # choice of weight saw. The database alone and the model alone are read off the same outer folds.
    everyone = list(range(len(labelled)))
    outer_database, outer_model, outer_combined = [""] * len(labelled), [""] * len(labelled), [""] * len(labelled)
    chosen_weights = []
    reporter = Progress("train_personality", FOLDS + 1, "fold", enabled=progress)
    for fold in range(FOLDS):
        held_out = everyone[fold::FOLDS]
        inner = [i for i in everyone if i % FOLDS != fold]
        weight = choose_weight(out_of_fold(inner, FOLDS - 1))
        chosen_weights.append(weight)
        model = fit(inner)
        for i in held_out:
            model_probs = model.probabilities(labelled[i])
            for target, w in ((outer_database, 0.0), (outer_model, 1.0), (outer_combined, weight)):
                probs = blend(model_probs, presets[i], w)
                target[i] = max(STYLES, key=lambda s: probs[s])
        reporter.advance()

    def scores(predicted: list[str]) -> dict[str, float]:
        return {
            "accuracy": round(float(accuracy_score(labels, predicted)), 3),
            "macro_f1": round(float(f1_score(labels, predicted, average="macro", labels=list(STYLES))), 3),
        }

    metrics = {
        "preset database": scores(outer_database),
        "trained model": scores(outer_model),
        "combined": scores(outer_combined),
        "evaluation": (
            f"{FOLDS}-fold cross-validation by customer over {len(labelled)} observed customers; the blend weight "
            f"of each fold chosen by an inner {FOLDS - 1}-fold cross-validation on its training customers"
        ),
        "fold_weights": chosen_weights,
        "seed": seed,
    }
    verdict = judge(
        "accuracy",
        metrics["combined"]["accuracy"],
        {"preset database": metrics["preset database"]["accuracy"]},
        split="held-out folds",
    )
    # The weight that serves: chosen the same way on everyone, or the database alone when the combined method did
    # not beat it on the held-out folds.
    best_weight = choose_weight(out_of_fold(everyone, FOLDS)) if verdict.passed else 0.0
    metrics["blend_weight"] = best_weight
    metrics["verdict"] = verdict.as_dict()
    final = fit(list(range(len(labelled))))
    reporter.close()
    metrics["seconds"] = round(time.perf_counter() - started, 2)
    path = Path(settings.MODEL_DIR) / FILE_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "format": FORMAT,
        "styles": list(STYLES),
        "hobbies": list(hobbies),
        "job_words": list(job_words),
        "coef": final.coef.tolist(),
        "intercept": final.intercept.tolist(),
        "blend_weight": best_weight,
        "metrics": metrics,
    }
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=1))
    tmp.replace(path)  # atomic: a reader never sees half a file
    MODEL.forget()
    return TrainingReport(path=path, labelled=len(labelled), metrics=metrics)


def _read(path: Path, _source: object = None) -> PersonalityModel:
    try:
        data = json.loads(path.read_text())
        if data.get("format") != FORMAT or data.get("styles") != list(STYLES):
            raise PersonalityModelError(f"{path} is not a {FORMAT} file.")
        coef, intercept = np.array(data["coef"], dtype=np.float64), np.array(data["intercept"], dtype=np.float64)
        width = 4 + len(CONSTELLATIONS) + len(data["hobbies"]) + len(data["job_words"])
        if coef.shape != (len(STYLES), width) or intercept.shape != (len(STYLES),):
            raise PersonalityModelError(f"{path} has weights of the wrong shape {coef.shape}.")
        model = PersonalityModel(
            tuple(data["hobbies"]),
            tuple(data["job_words"]),
            coef,
            intercept,
            float(data["blend_weight"]),
            data["metrics"],
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise PersonalityModelError(f"{path} is corrupt: {exc}") from exc
    return model


MODEL: ModelSlot[PersonalityModel] = ModelSlot(
    "personality", lambda: Located.of_file(Path(settings.MODEL_DIR) / FILE_NAME), _read, 0.0, on_failure="raise"
)


def load_personality_model() -> PersonalityModel | None:
    """The saved model, loaded once per process (reloaded when the file changes); None when none exists.
    ``PersonalityModelError`` when the file is corrupt or of another format."""
    return MODEL.get()


def combined_personality(
    customer: Customer, config: IntentConfig | None = None
) -> tuple[PersonalityResult, dict[str, float], str]:
    """The preset result blended with the trained model when one is saved: (result, model probabilities, method)."""
    config = config or get_config()
    preset = assess_personality(customer, config)
    model = load_personality_model()
    if model is None or model.blend_weight <= 0:  # none trained, or it did not beat the database (issue 20)
        return preset, {}, PersonalityAssessment.Method.PRESET
    model_probs = model.probabilities(customer)
    blended = blend(model_probs, preset_distribution(preset), model.blend_weight)
    best = max(STYLES, key=lambda s: blended[s])
    reasons = (
        *preset.reasons,
        f"trained model ({model.blend_weight:.0%} of the blend): {best} {model_probs[best]:.0%}",
    )
    result = PersonalityResult(best, round(blended[best], 3), preset.scores, reasons)
    return result, {s: round(p, 3) for s, p in model_probs.items()}, PersonalityAssessment.Method.COMBINED


def record_personality(customer: Customer, config: IntentConfig | None = None) -> PersonalityAssessment:
    config = config or get_config()
    result, model_probs, method = combined_personality(customer, config)
    return PersonalityAssessment.objects.create(
        customer=customer,
        personality_type=config.personality_types[result.type_code],
        confidence=result.confidence,
        method=method,
        scores=result.scores,
        model_probabilities=model_probs,
        reasons=list(result.reasons),
    )
