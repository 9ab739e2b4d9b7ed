"""Training, evaluation and the model file of the text-emotion network (SPEC S11, S16). No Django imports:
commands and the benchmark call :func:`train_emotion_model`, :func:`evaluate_emotion_model`,
:func:`save_model` and :func:`load_model`.

Training is multi-task: every batch mixes review rows (polarity only), snownlp corpus rows (polarity only) and
Weibo rows (emotion, and polarity where the label implies one); each head's loss is averaged over the rows that
have its label. The epoch kept is the one with the best validation score (mean of binary accuracy and six-class
macro-F1), so ``epochs`` is an upper bound. Everything random draws from ``seed``; with the same seed, data and
thread count the weights are identical.
"""

from __future__ import annotations

import copy
import math
import random
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import torch
import torch.nn.functional as F  # noqa: N812 — the usual torch alias

from base.progress import Progress, ProgressCallback
from dialogue.emotion_nn import (
    EMOTION_NAMES,
    EmotionNet,
    EmotionNetConfig,
    EmotionPrediction,
    EmotionPredictor,
    TextEncoder,
)
from dialogue.emotion_training.data import (
    EMOTIONS,
    USUAL_FILE,
    EmotionDatasets,
    TextExample,
    load_emotion_datasets,
    matching_key,
    snownlp_corpus_paths,
)

MODEL_FORMAT = "salescard-emotion-model"
MODEL_FORMAT_VERSION = 1
DEFAULT_SEED = 13

assert EMOTIONS == EMOTION_NAMES, "the data module and the network must agree on the emotion order"


class EmotionModelFormatError(ValueError):
    """The file is not an emotion model of a format this code reads."""


@dataclass(frozen=True)
class TrainSettings:
    """Knobs of :func:`train_emotion_model` (defaults: the shipped model)."""

    seed: int = DEFAULT_SEED
    epochs: int = 10
    batch_size: int = 64
    learning_rate: float = 2e-3
    bag_learning_rate: float = 2e-3
    bag_weight_decay: float = 0.0
    emotion_loss_weight: float = 1.0
    label_smoothing: float = 0.05
    class_weight_power: float = 0.5
    general_repeat: int = 1
    calibrate_bias: bool = True
    min_char_count: int = 2
    threads: int = 2
    final_lr_fraction: float = 0.1
    average_from: float | None = 0.5
    max_minutes: float | None = None
    net: dict = field(default_factory=dict)


@dataclass
class TrainedEmotionModel:
    """A trained network with its encoder, the settings and seed that made it, and its validation history."""

    net: EmotionNet
    encoder: TextEncoder
    seed: int
    settings: dict = field(default_factory=dict)
    history: list[dict] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    train_seconds: float = 0.0

    def predictor(self, *, batch_size: int = 256) -> EmotionPredictor:
        return EmotionPredictor(self.net, self.encoder, batch_size=batch_size)

    def predict(self, texts: Sequence[str]) -> list[EmotionPrediction]:
        """Shortcut for ``predictor().predict(texts)``, so a loaded model can be used as the predictor."""
        return EmotionPredictor(self.net, self.encoder).predict(texts)


def _class_weights(counts: Sequence[int], power: float) -> torch.Tensor:
    """Inverse-frequency weights softened by ``power``, normalised to mean 1: rare classes (fear, surprise)
    count for macro-F1 without their few rows dominating the loss."""
    raw = [(1.0 / max(count, 1)) ** power for count in counts]
    mean = sum(raw) / len(raw)
    return torch.tensor([value / mean for value in raw])


def _length_batches(lengths: Sequence[int], size: int, rng: random.Random) -> list[list[int]]:
    """Shuffled batches of rows of similar length (sorted within chunks of 50 batches): far less padding for
    the CNN than random batches, and still a different mix each epoch."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    chunk = size * 50
    batches = []
    for start in range(0, len(order), chunk):
        block = sorted(order[start : start + chunk], key=lambda i: lengths[i])
        batches.extend(block[i : i + size] for i in range(0, len(block), size))
    rng.shuffle(batches)
    return batches


def _round_to_half(net: EmotionNet) -> None:
    """Round the weights through float16 so the model in memory scores exactly like the saved file."""
    with torch.no_grad():
        for tensor in net.state_dict().values():
            if tensor.is_floating_point():
                tensor.copy_(tensor.half().float())


def train_emotion_model(
    data_dir: str | Path,
    *,
    seed: int = DEFAULT_SEED,
    epochs: int | None = None,
    max_rows: int | None = None,
    progress: bool = True,
    settings: TrainSettings | None = None,
    datasets: EmotionDatasets | None = None,
    on_progress: ProgressCallback | None = None,
) -> TrainedEmotionModel:
    """Train the emotion network on the data under ``data_dir`` (``../shared/data``).

    ``max_rows`` caps every source file (a seeded sample) for quick runs (``max_rows=200, epochs=2`` trains in
    seconds); ``seed`` and ``epochs`` override the settings' own. Pass ``datasets`` to reuse splits already
    loaded with the same seed. The weights kept are those of the best validation score (single epoch or the
    mean of the later epochs), rounded to float16 exactly as :func:`save_model` stores them. ``progress`` shows the
    batches of every epoch (``base.progress``); ``on_progress(fraction, message)`` hears of them.
    """
    started = time.perf_counter()
    settings = replace(settings or TrainSettings(), seed=seed)
    if epochs is not None:
        settings = replace(settings, epochs=epochs)
    data = datasets or load_emotion_datasets(data_dir, seed=seed, max_rows=max_rows)
    previous_threads = torch.get_num_threads()
    torch.set_num_threads(settings.threads)
    torch.manual_seed(seed)
    rng = random.Random(seed)
    try:
        config_fields = {"buckets": 1 << 17, "max_chars": 256, **settings.net}
        # The general-Weibo rows are few next to the COVID ones and the reviews, and they are the customer's
        # register: each can be seen ``general_repeat`` times an epoch (1, the default, until a full run on
        # idle cores shows that more helps; issue 20 ran out of CPU before it could).
        train = [
            e for e in data.train for _ in range(settings.general_repeat if e.source == Path(USUAL_FILE).name else 1)
        ]
        encoder = TextEncoder.build(
            [e.text for e in data.train],
            min_count=settings.min_char_count,
            buckets=config_fields["buckets"],
            max_chars=config_fields["max_chars"],
        )
        config = EmotionNetConfig(n_chars=encoder.n_chars, **config_fields)
        net = EmotionNet(config)
        prepared = [encoder.prepare(e.text) for e in train]
        if config.tfidf:
            net.set_idf(
                (encoder.collate(prepared[i : i + 512]) for i in range(0, len(prepared), 512)), n_texts=len(prepared)
            )
        bag = net.bag_parameters()
        rest = [p for p in net.parameters() if all(p is not q for q in bag)]
        # Decoupled weight decay on the bag tables only: they memorise the reviews within an epoch or two,
        # while the emotion head still needs several.
        optimizer = torch.optim.AdamW(
            [
                {"params": bag, "lr": settings.bag_learning_rate, "weight_decay": settings.bag_weight_decay},
                {"params": rest, "lr": settings.learning_rate, "weight_decay": 0.0},
            ]
        )
        steps = settings.epochs * math.ceil(len(train) / settings.batch_size)
        # Linear decay to ``final_lr_fraction`` of the start: the late, small steps settle the bag tables.
        schedule = torch.optim.lr_scheduler.LambdaLR(
            optimizer, lambda step: 1.0 - (1.0 - settings.final_lr_fraction) * min(step / steps, 1.0)
        )
        emotion_counts = Counter(e.emotion for e in train if e.emotion is not None)
        weights = _class_weights([emotion_counts[i] for i in range(len(EMOTIONS))], settings.class_weight_power)

        lengths = [len(ids) for ids, _ in prepared]
        emotion_labels = torch.tensor([-1 if e.emotion is None else e.emotion for e in train])
        polarity_labels = torch.tensor([-1.0 if e.positive is None else float(e.positive) for e in train])
        deadline = None if settings.max_minutes is None else started + settings.max_minutes * 60

        history: list[dict] = []
        best_score, best_state = -1.0, copy.deepcopy(net.state_dict())
        first_averaged = (
            None if settings.average_from is None else max(1, math.ceil(settings.epochs * settings.average_from))
        )
        averaged: dict[str, torch.Tensor] | None = None
        n_averaged = 0
        reporter = Progress("train_emotion", steps, "batch", enabled=progress, callback=on_progress)
        for epoch in range(1, settings.epochs + 1):
            net.train()
            batches = _length_batches(lengths, settings.batch_size, rng)
            total, seen = 0.0, 0
            for rows in batches:
                batch = encoder.collate([prepared[i] for i in rows])
                emotion_logits, polarity_logit = net(batch)
                index = torch.tensor(rows)
                loss = _multitask_loss(
                    emotion_logits, polarity_logit, emotion_labels[index], polarity_labels[index], weights, settings
                )
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                schedule.step()
                total += loss.item() * len(rows)
                seen += len(rows)
                reporter.advance(note=f"epoch {epoch}/{settings.epochs}, loss {total / seen:.4f}")
            validation = _validate(net, encoder, data, epoch, total / max(seen, 1))
            history.append(validation)
            if progress:
                reporter.write(_validation_line(validation, validation["score"] > best_score))
            if validation["score"] > best_score:
                best_score, best_state = validation["score"], copy.deepcopy(net.state_dict())
            if first_averaged is not None and epoch >= first_averaged:
                state = net.state_dict()
                averaged = {k: v.clone() for k, v in state.items()} if averaged is None else averaged
                if n_averaged:
                    for name, tensor in state.items():
                        averaged[name] += tensor
                n_averaged += 1
            if deadline is not None and time.perf_counter() > deadline:
                break
        reporter.close()
        if averaged is not None and n_averaged > 1:
            # Weights averaged over the later epochs (as in SWA) are a candidate beside the best single epoch.
            net.load_state_dict({name: tensor / n_averaged for name, tensor in averaged.items()})
            validation = _validate(net, encoder, data, f"mean of {n_averaged} last", history[-1]["loss"])
            history.append(validation)
            if progress:
                reporter.write(_validation_line(validation, validation["score"] > best_score))
            if validation["score"] > best_score:
                best_score, best_state = validation["score"], copy.deepcopy(net.state_dict())
        net.load_state_dict(best_state)
        _round_to_half(net)
        net.eval()
        if settings.calibrate_bias:
            calibrate_emotion_bias(net, encoder, data.emotion_validation)
            _round_to_half(net)
            history.append(_validate(net, encoder, data, "with the per-emotion bias", history[-1]["loss"]))
    finally:
        torch.set_num_threads(previous_threads)
    return TrainedEmotionModel(
        net=net,
        encoder=encoder,
        seed=seed,
        settings={**asdict(settings), "net": config.to_dict()},
        history=history,
        counts=dict(data.counts),
        train_seconds=time.perf_counter() - started,
    )


BIAS_GRID = tuple(round(-1.5 + 0.1 * step, 1) for step in range(31))


def calibrate_emotion_bias(net: EmotionNet, encoder: TextEncoder, examples: Sequence[TextExample]) -> list[float]:
    """Set ``net.emotion_bias`` to the per-emotion offsets that maximise six-class macro-F1 on ``examples``
    (validation rows): three rounds of coordinate ascent over :data:`BIAS_GRID`, one emotion at a time. Cross
    entropy fits accuracy, so the rare emotions (surprise → excited, fear → lost) are under-predicted without it."""
    with torch.no_grad():
        net.emotion_bias.zero_()
    if not examples:
        return [0.0] * len(EMOTIONS)
    emotion, _ = EmotionPredictor(net, encoder).predict_arrays([e.text for e in examples])
    log_probabilities = emotion.clamp(min=1e-9).log()
    gold = [int(e.emotion) for e in examples]
    bias = torch.zeros(len(EMOTIONS))

    def score(candidate: torch.Tensor) -> float:
        return six_class_scores((log_probabilities + candidate).argmax(dim=1).tolist(), gold)["macro_f1"]

    best = score(bias)
    for _ in range(3):
        for label in range(len(EMOTIONS)):
            for value in BIAS_GRID:
                candidate = bias.clone()
                candidate[label] = value
                figure = score(candidate)
                if figure > best + 1e-9:
                    best, bias = figure, candidate
    with torch.no_grad():
        net.emotion_bias.copy_(bias)
    return bias.tolist()


def _validate(net: EmotionNet, encoder: TextEncoder, data: EmotionDatasets, epoch: int | str, loss: float) -> dict:
    """Validation figures of the current weights; ``score`` (mean of binary accuracy and six-class macro-F1)
    picks the weights kept."""
    predictor = EmotionPredictor(net, encoder)
    validation = {
        "epoch": epoch,
        "loss": loss,
        "binary": binary_metrics(predictor, data.binary_validation),
        "emotion": emotion_metrics(predictor, data.emotion_validation),
    }
    validation["score"] = (validation["binary"]["accuracy"] + validation["emotion"]["macro_f1"]) / 2
    return validation


def _validation_line(validation: dict, best: bool) -> str:
    return (
        f"epoch {validation['epoch']}: loss {validation['loss']:.4f}  validation binary acc "
        f"{validation['binary']['accuracy']:.4f}  six-class macro-F1 "
        f"{validation['emotion']['macro_f1']:.4f}{'  *' if best else ''}"
    )


def _multitask_loss(
    emotion_logits: torch.Tensor,
    polarity_logit: torch.Tensor,
    emotion_labels: torch.Tensor,
    polarity_labels: torch.Tensor,
    weights: torch.Tensor,
    settings: TrainSettings,
) -> torch.Tensor:
    """Sum of the two heads' losses, each over only the rows labelled for it (a missing label is -1)."""
    loss = emotion_logits.new_zeros(())
    has_emotion = emotion_labels >= 0
    if has_emotion.any():
        loss = loss + settings.emotion_loss_weight * F.cross_entropy(
            emotion_logits[has_emotion],
            emotion_labels[has_emotion],
            weight=weights,
            label_smoothing=settings.label_smoothing,
        )
    has_polarity = polarity_labels >= 0
    if has_polarity.any():
        loss = loss + F.binary_cross_entropy_with_logits(polarity_logit[has_polarity], polarity_labels[has_polarity])
    return loss


def _f1(tp: int, fp: int, fn: int) -> float:
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)


def binary_scores(predicted: Sequence[int], gold: Sequence[int]) -> dict:
    """Accuracy and macro-F1 (mean of the positive and negative classes' F1) of 0/1 labels."""
    pairs = list(zip(predicted, gold, strict=True))
    if not pairs:
        return {"n": 0, "accuracy": 0.0, "macro_f1": 0.0}
    f1s = []
    for label in (0, 1):
        tp = sum(p == label and g == label for p, g in pairs)
        fp = sum(p == label and g != label for p, g in pairs)
        fn = sum(p != label and g == label for p, g in pairs)
        f1s.append(_f1(tp, fp, fn))
    return {"n": len(pairs), "accuracy": sum(p == g for p, g in pairs) / len(pairs), "macro_f1": sum(f1s) / 2}


def binary_report(predicted: Sequence[int], examples: Sequence[TextExample]) -> dict:
    """:func:`binary_scores` overall and per source file."""
    gold = [int(e.positive) for e in examples]
    report = binary_scores(predicted, gold)
    report["per_source"] = {
        source: binary_scores(
            [p for p, e in zip(predicted, examples, strict=True) if e.source == source],
            [g for g, e in zip(gold, examples, strict=True) if e.source == source],
        )
        for source in sorted({e.source for e in examples})
    }
    return report


def six_class_scores(predicted: Sequence[int], gold: Sequence[int]) -> dict:
    """Accuracy, macro-F1 over the six emotions and each emotion's F1 and support."""
    pairs = list(zip(predicted, gold, strict=True))
    per_class = {}
    for label, name in enumerate(EMOTIONS):
        tp = sum(p == label and g == label for p, g in pairs)
        fp = sum(p == label and g != label for p, g in pairs)
        fn = sum(p != label and g == label for p, g in pairs)
        per_class[name] = {"f1": _f1(tp, fp, fn), "support": tp + fn}
    return {
        "n": len(pairs),
        "accuracy": sum(p == g for p, g in pairs) / len(pairs) if pairs else 0.0,
        "macro_f1": sum(c["f1"] for c in per_class.values()) / len(per_class),
        "per_class": per_class,
    }


def binary_metrics(predictor: EmotionPredictor, examples: Sequence[TextExample]) -> dict:
    """The model's polarity (positive ≥ 0.5) scored on binary-labelled rows."""
    _, positive = predictor.predict_arrays([e.text for e in examples])
    return binary_report([int(p >= 0.5) for p in positive.tolist()], examples)


def emotion_metrics(predictor: EmotionPredictor, examples: Sequence[TextExample]) -> dict:
    """The model's top emotion scored on six-class rows."""
    emotion, _ = predictor.predict_arrays([e.text for e in examples])
    return six_class_scores(emotion.argmax(dim=1).tolist(), [int(e.emotion) for e in examples])


def snownlp_positive(texts: Sequence[str]) -> list[float]:
    """snownlp's sentiment score of each text (the baseline; empty text scores 0.5)."""
    from snownlp import SnowNLP

    return [SnowNLP(text).sentiments if text.strip() else 0.5 for text in texts]


def snownlp_corpus_keys() -> set[str]:
    """:func:`matching_key` of every line snownlp's bundled model was trained on."""
    keys = set()
    for path in snownlp_corpus_paths():
        with path.open(encoding="utf-8") as handle:
            keys.update(matching_key(line) for line in handle if line.strip())
    return keys


def evaluate_emotion_model(
    model: TrainedEmotionModel, datasets: EmotionDatasets, *, snownlp_baseline: bool = True
) -> dict:
    """Every test figure of the model, and snownlp's on the same rows.

    * ``binary``: polarity on the held-out review test split (overall and per file).
    * ``binary_unseen_by_snownlp``: the same, on the test rows that are not in snownlp's own training corpus —
      snownlp has memorised the others, so this is the fair comparison.
    * ``weibo_polarity``: polarity on the SMP2020 usual test rows whose label implies one.
    * ``nlpcc_polarity``: the same on NLPCC 2014 sentences (Weibo, never trained on).
    * ``six_class_smp2020_usual`` and ``six_class_nlpcc2014``: the six-class tests.
    """
    predictor = model.predictor()
    binary_rows = datasets.binary_test
    weibo_polar = [e for e in datasets.emotion_test if e.positive is not None]
    nlpcc_polar = [e for e in datasets.nlpcc_test if e.positive is not None]
    _, positive = predictor.predict_arrays([e.text for e in binary_rows])
    ours = [int(p >= 0.5) for p in positive.tolist()]
    _, weibo_positive = predictor.predict_arrays([e.text for e in weibo_polar])
    ours_weibo = [int(p >= 0.5) for p in weibo_positive.tolist()]
    _, nlpcc_positive = predictor.predict_arrays([e.text for e in nlpcc_polar])
    ours_nlpcc = [int(p >= 0.5) for p in nlpcc_positive.tolist()]
    corpus = snownlp_corpus_keys()
    unseen = [i for i, e in enumerate(binary_rows) if matching_key(e.text) not in corpus]
    report: dict = {
        "rows": dict(datasets.counts),
        "binary": {"model": binary_report(ours, binary_rows)},
        "binary_unseen_by_snownlp": {
            "model": binary_report([ours[i] for i in unseen], [binary_rows[i] for i in unseen])
        },
        "weibo_polarity": {"model": binary_report(ours_weibo, weibo_polar)},
        "nlpcc_polarity": {"model": binary_report(ours_nlpcc, nlpcc_polar)},
        "six_class_smp2020_usual": emotion_metrics(predictor, datasets.emotion_test),
        "six_class_nlpcc2014": emotion_metrics(predictor, datasets.nlpcc_test),
    }
    if snownlp_baseline:
        started = time.perf_counter()
        snow = [int(s >= 0.5) for s in snownlp_positive([e.text for e in binary_rows])]
        per_row_ms = (time.perf_counter() - started) * 1000 / max(len(binary_rows), 1)
        snow_weibo = [int(s >= 0.5) for s in snownlp_positive([e.text for e in weibo_polar])]
        report["binary"]["snownlp"] = binary_report(snow, binary_rows)
        report["binary_unseen_by_snownlp"]["snownlp"] = binary_report(
            [snow[i] for i in unseen], [binary_rows[i] for i in unseen]
        )
        report["weibo_polarity"]["snownlp"] = binary_report(snow_weibo, weibo_polar)
        snow_nlpcc = [int(s >= 0.5) for s in snownlp_positive([e.text for e in nlpcc_polar])]
        report["nlpcc_polarity"]["snownlp"] = binary_report(snow_nlpcc, nlpcc_polar)
        report["snownlp_ms_per_sentence"] = per_row_ms
    return report


def measure_speed(
    predictor: EmotionPredictor, texts: Sequence[str], *, threads: int = 2, single: int = 300, repeat: int = 3
) -> dict:
    """Batched sentences/s over ``texts`` (best of ``repeat``) and single-sentence latency (p50/p95 ms over the
    first ``single`` texts, one call each) with ``threads`` torch threads."""
    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        predictor.predict(texts[:256])
        rates = []
        for _ in range(repeat):
            started = time.perf_counter()
            predictor.predict(texts)
            rates.append(len(texts) / (time.perf_counter() - started))
        latencies = _latencies(predictor.predict_one, texts[:single])
    finally:
        torch.set_num_threads(previous)
    return {
        "threads": threads,
        "sentences": len(texts),
        "mean_chars": statistics.fmean(len(t) for t in texts) if texts else 0.0,
        "batched_sentences_per_s": max(rates),
        "single_p50_ms": statistics.median(latencies),
        "single_p95_ms": statistics.quantiles(latencies, n=20)[18] if len(latencies) >= 20 else max(latencies),
    }


def _latencies(call: Callable[[str], object], texts: Sequence[str]) -> list[float]:
    samples = []
    for text in texts:
        started = time.perf_counter()
        call(text)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def save_model(model: TrainedEmotionModel, path: str | Path) -> Path:
    """One file: the format tag and version, the network config, the character vocabulary, float16 weights, the
    seed and settings, and the validation history (plain types only, so it loads with ``weights_only``)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "format": MODEL_FORMAT,
        "format_version": MODEL_FORMAT_VERSION,
        "emotions": list(EMOTION_NAMES),
        "config": model.net.config.to_dict(),
        "chars": model.encoder.chars,
        "state_dict": {name: tensor.half() for name, tensor in model.net.state_dict().items()},
        "seed": model.seed,
        "settings": model.settings,
        "history": model.history,
        "counts": model.counts,
        "train_seconds": model.train_seconds,
    }
    torch.save(payload, target)
    return target


def load_model(path: str | Path) -> TrainedEmotionModel:
    """Read a file written by :func:`save_model`; anything else raises :class:`EmotionModelFormatError`."""
    source = Path(path)
    try:
        payload = torch.load(source, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise
    except Exception as error:  # noqa: BLE001 — any unreadable file is the same problem to the caller
        raise EmotionModelFormatError(
            f"{source} is not a readable emotion model file ({type(error).__name__}: {error})"
        ) from error
    if not isinstance(payload, dict) or payload.get("format") != MODEL_FORMAT:
        raise EmotionModelFormatError(f"{source} is not an emotion model file (format tag missing or different)")
    if payload.get("format_version") != MODEL_FORMAT_VERSION:
        raise EmotionModelFormatError(
            f"{source} has emotion model format version {payload.get('format_version')}; "
            f"this code reads version {MODEL_FORMAT_VERSION}"
        )
    if tuple(payload["emotions"]) != EMOTION_NAMES:
        raise EmotionModelFormatError(f"{source} predicts {payload['emotions']}, expected {list(EMOTION_NAMES)}")
    config = EmotionNetConfig.from_dict(payload["config"])
    net = EmotionNet(config)
    state = {name: tensor.float() for name, tensor in payload["state_dict"].items()}
    state.setdefault("emotion_bias", torch.zeros(len(EMOTION_NAMES)))  # files written before the bias existed
    net.load_state_dict(state)
    net.eval()
    encoder = TextEncoder(payload["chars"], config.buckets, config.max_chars)
    return TrainedEmotionModel(
        net=net,
        encoder=encoder,
        seed=payload["seed"],
        settings=payload["settings"],
        history=payload["history"],
        counts=payload["counts"],
        train_seconds=payload["train_seconds"],
    )


__all__ = [
    "MODEL_FORMAT",
    "MODEL_FORMAT_VERSION",
    "DEFAULT_SEED",
    "EmotionModelFormatError",
    "TrainSettings",
    "TrainedEmotionModel",
    "binary_metrics",
    "binary_report",
    "binary_scores",
    "emotion_metrics",
    "evaluate_emotion_model",
    "load_model",
    "measure_speed",
    "snownlp_corpus_keys",
    "save_model",
    "six_class_scores",
    "snownlp_positive",
    "train_emotion_model",
]
