"""Intent inference (SPEC S4, B4, X2): the first, second and third intended products for one customer or
a batch, stored as ``IntentPrediction`` rows.

One engine, trained per organisation (issue 19): each organisation's active model is loaded once per process (a
``base.model_files`` slot per organisation, ``model_slot``) and reloaded only when another version becomes active
or that organisation's catalogue changes; a file that fails its checksum is refused. Its catalogue is the
organisation's products, refreshed from the database, so products added after training are scored from their
category and attributes; a customer is only ever ranked against the products of their own organisation.
Inactive products and products the customer recently turned down are never recommended. Customers the model
cannot judge — no browsing, no app usage (for example without usage consent) — and every customer of an
organisation without an active model (cold start) get the level- and profile-based ranking over their
organisation's catalogue, marked as a fallback.
"""

from __future__ import annotations

import datetime
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import torch
from django.db import transaction
from django.utils import timezone

from base.model_files import Located, ModelSlot
from crm.consent import customers_with_consent
from crm.models import Consent, Customer, Product
from crm.tenancy import products_for
from intent.fallback import fallback_ranking, purchase_counts
from intent.features import HISTORY_DAYS, INPUT_KINDS, Vocabulary, catalogue_arrays, customer_inputs, load_events
from intent.feedback import demoted_products_of
from intent.level import assess_level
from intent.model_store import active_version, slot_name
from intent.models import IntentModelVersion, IntentPrediction
from intent.nn import IntentBatch, IntentNet, load_intentnet, top_intents

INTENTS = 3


@dataclass
class LoadedModel:
    version: IntentModelVersion
    model: IntentNet
    vocab: Vocabulary
    products: dict[int, Product]  # by pk, every product of the current catalogue
    by_index: dict[int, Product] = field(init=False)  # vocabulary index → product
    off_sale: torch.Tensor = field(init=False)  # [P+1] bool: the padding column and products no longer on sale

    def __post_init__(self) -> None:
        self.by_index = {self.vocab.index("products", pk): product for pk, product in self.products.items()}
        # Padding, products no longer on sale, and products the vocabulary knows that are not in this
        # organisation's catalogue now (deleted, or moved to another organisation) are never recommended.
        self.off_sale = torch.ones(len(self.vocab.products) + 1, dtype=torch.bool)
        for index, product in self.by_index.items():
            if product.is_active:
                self.off_sale[index] = False


def _catalogue(organisation_id: int):  # noqa: ANN202 - a queryset of Product
    return Product.objects.filter(organisation_id=organisation_id)


def _catalogue_stamp(organisation_id: int) -> tuple[int, object]:
    products = _catalogue(organisation_id)
    latest = products.order_by("-updated_at").values_list("updated_at", flat=True).first()
    return products.count(), latest


def _load(path: Path, version: IntentModelVersion) -> LoadedModel:
    model, metadata = load_intentnet(path)
    vocab = Vocabulary.from_dict(metadata["vocabulary"])
    products = {p.pk: p for p in _catalogue(version.organisation_id).select_related("category")}
    vocab.add_products(sorted(pk for pk in products if not vocab.index("products", pk)))
    categories, attributes = catalogue_arrays(vocab, products)
    model.set_catalogue(torch.tensor(categories), torch.tensor(attributes))
    model.eval()
    return LoadedModel(version, model, vocab, products)


RECHECK_SECONDS = 5.0  # how often a process looks for a newly activated version or catalogue change
# The organisations' active models, one slot per organisation, made on first use in this process.
_SLOTS: dict[int, ModelSlot[LoadedModel]] = {}
_SLOTS_LOCK = threading.Lock()


def model_slot(organisation_id: int) -> ModelSlot[LoadedModel]:
    """The slot holding ``organisation_id``'s active model in this process."""
    with _SLOTS_LOCK:
        slot = _SLOTS.get(organisation_id)
        if slot is None:

            def locate() -> Located | None:
                version = active_version(organisation_id)
                return None if version is None else Located.of_version(version, _catalogue_stamp(organisation_id))

            slot = _SLOTS[organisation_id] = ModelSlot(slot_name(organisation_id), locate, _load, RECHECK_SECONDS)
        return slot


def loaded_model(organisation_id: int) -> LoadedModel | None:
    """The organisation's active model, loaded once per process; None when it has no active version (cold start)
    or its file is refused.

    Whether another version became active or the catalogue changed is checked at most every
    ``RECHECK_SECONDS``, so a prediction does not pay for those queries.
    """
    return model_slot(organisation_id).get()


def predict_intents(customers: list[Customer]) -> list[IntentPrediction]:
    """Predict and store the intents of ``customers`` (each organisation's customers go through that
    organisation's network at once, and are ranked over its catalogue only)."""
    if not customers:
        return []
    now = timezone.now()
    since = now - datetime.timedelta(days=HISTORY_DAYS)
    ids = [c.pk for c in customers]
    events = load_events(ids, since=since, kinds=INPUT_KINDS)
    consenting = customers_with_consent(ids, Consent.Purpose.USAGE_DATA)
    demoted = demoted_products_of(ids, now)
    by_organisation: dict[int, list[Customer]] = defaultdict(list)
    for customer in customers:
        by_organisation[customer.organisation_id].append(customer)
    rows: list[IntentPrediction] = []
    for organisation_id, members in by_organisation.items():
        rows += _predict_organisation(organisation_id, members, events, consenting, demoted, now)
    position = {customer.pk: i for i, customer in enumerate(customers)}
    rows.sort(key=lambda row: position[row.customer_id])  # in the order asked for
    with transaction.atomic():
        return IntentPrediction.objects.bulk_create(rows)


def _predict_organisation(
    organisation_id: int,
    customers: list[Customer],
    events: dict,
    consenting: set[int],
    demoted: dict[int, set[int]],
    now: datetime.datetime,
) -> list[IntentPrediction]:
    loaded = loaded_model(organisation_id)
    rows: list[IntentPrediction] = []
    model_customers, model_inputs = [], []
    cold: list[tuple[Customer, list[str]]] = []
    for customer in customers:
        if loaded is None:
            cold.append((customer, ["no active intent model (cold start)"]))
            continue
        inputs = customer_inputs(customer, loaded.vocab, events[customer.pk], now, customer.pk in consenting)
        if inputs.is_cold:
            reason = "no browsing or app usage" + ("" if customer.pk in consenting else " (no usage-data consent)")
            cold.append((customer, [reason]))
        else:
            model_customers.append(customer)
            model_inputs.append(inputs)
    if cold:
        on_sale = list(products_for(organisation_id))
        popularity = purchase_counts(organisation_id)
        rows.extend(_fallback(c, reasons, on_sale, popularity, demoted[c.pk]) for c, reasons in cold)
    if model_customers:
        rows.extend(_predict_with_model(loaded, model_customers, model_inputs, demoted))
    return rows


def predict_intent(customer: Customer) -> IntentPrediction:
    return predict_intents([customer])[0]


def _exclusions(loaded: LoadedModel, customers: list[Customer], demoted: dict[int, set[int]]) -> torch.Tensor:
    exclude = loaded.off_sale.repeat(len(customers), 1)
    for row, customer in enumerate(customers):
        for pk in demoted[customer.pk]:
            exclude[row, loaded.vocab.index("products", pk)] = True
    return exclude


CHUNK = 128  # customers per forward pass


def _predict_with_model(
    loaded: LoadedModel, customers: list[Customer], inputs: list, demoted: dict[int, set[int]]
) -> list[IntentPrediction]:
    """Customers go through the network in chunks of similar history length, so short histories are not padded
    to the longest one in the batch (attention and feed-forward cost grow with the padded length)."""
    exclude = _exclusions(loaded, customers, demoted)
    order = sorted(range(len(customers)), key=lambda i: (len(inputs[i].browse_products), len(inputs[i].app_categories)))
    intents_of: dict[int, list] = {}
    with torch.inference_mode():
        for start in range(0, len(order), CHUNK):
            chunk = order[start : start + CHUNK]
            output = loaded.model(IntentBatch.from_rows([inputs[i] for i in chunk], loaded.model.config))
            top = top_intents(output, k=INTENTS, exclude=exclude[chunk])
            for row, i in enumerate(chunk):
                intents_of[i] = top.for_customer(row)
    rows = []
    for i, customer in enumerate(customers):
        intents = []
        for intent in intents_of[i]:
            product = loaded.by_index[intent.product]
            intents.append(
                {
                    "product_id": product.pk,
                    "product": product.name,
                    "probability": round(intent.probability, 4),
                    "association": intent.association,
                }
            )
        reasons = ["usage data used" if inputs[i].used_usage_data else "no usage-data consent: profile and card clicks"]
        rows.append(IntentPrediction(customer=customer, model_version=loaded.version, intents=intents, reasons=reasons))
    return rows


def _fallback(
    customer: Customer, reasons: list[str], on_sale: list[Product], popularity: Counter[int], demoted: set[int]
) -> IntentPrediction:
    ranked, why = fallback_ranking(customer, assess_level(customer), on_sale, exclude=demoted, popularity=popularity)
    top = ranked[:INTENTS]
    total = sum(r.score for r in ranked) or 1.0
    intents = [
        {"product_id": r.product.pk, "product": r.product.name, "probability": round(r.score / total, 4),
         "association": "fallback"}
        for r in top
    ]  # fmt: skip
    return IntentPrediction(
        customer=customer, model_version=None, intents=intents, is_fallback=True, reasons=reasons + why
    )


def rank_products(customer: Customer, k: int = 10, lines: Iterable[str] = ()) -> list[dict]:
    """Up to ``k`` recommendable products of the customer's organisation (in ``lines`` of business when given)
    ranked by purchase probability (SPEC B4's ranked needs), best first; not stored. The organisation's network
    ranks when it has an active model and the customer has history; otherwise the level- and profile-based
    fallback does, as for predictions."""
    now = timezone.now()
    organisation_id = customer.organisation_id
    demoted = demoted_products_of([customer.pk], now)
    allowed = {p.pk: p for p in products_for(organisation_id, lines)}
    loaded = loaded_model(organisation_id)
    if loaded is not None:
        events = load_events([customer.pk], since=now - datetime.timedelta(days=HISTORY_DAYS), kinds=INPUT_KINDS)
        consenting = customers_with_consent([customer.pk], Consent.Purpose.USAGE_DATA)
        inputs = customer_inputs(customer, loaded.vocab, events[customer.pk], now, customer.pk in consenting)
        if not inputs.is_cold:
            exclude = _exclusions(loaded, [customer], demoted)
            for index, product in loaded.by_index.items():
                if product.pk not in allowed:
                    exclude[0, index] = True
            with torch.inference_mode():
                output = loaded.model(IntentBatch.from_rows([inputs], loaded.model.config))
                probabilities = output.combined_probabilities(exclude)[0]
            best = torch.topk(probabilities, min(k, probabilities.numel()))
            return [
                {"product_id": loaded.by_index[i].pk, "product": loaded.by_index[i].name, "probability": round(p, 4)}
                for p, i in zip(best.values.tolist(), best.indices.tolist(), strict=True)
                if p > 0 and i in loaded.by_index and loaded.by_index[i].pk in allowed
            ]
    ranked, _why = fallback_ranking(
        customer,
        assess_level(customer),
        list(allowed.values()),
        exclude=demoted[customer.pk],
        popularity=purchase_counts(organisation_id),
    )
    total = sum(r.score for r in ranked) or 1.0
    return [
        {"product_id": r.product.pk, "product": r.product.name, "probability": round(r.score / total, 4)}
        for r in ranked[:k]
    ]


def latest_prediction(customer: Customer) -> IntentPrediction | None:
    return customer.intent_predictions.order_by("-created_at", "-pk").first()
