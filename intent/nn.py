"""IntentNet, the intent network of SPEC S4 (also serving X2: the card, the call assistant and the branch).

Three fully connected branches — browsing history (products with dwell time and recency), app usage (app
categories with daily minutes) and user info (a dense profile vector) — become tokens that are concatenated and
read by a multi-head self-attention encoder (softmax(QKᵀ/√dk)·V, pre-layer-norm). Each branch's encoded tokens
are pooled into one vector (b, a, u), and three *association parameters* are computed from the pairs:
browsing×apps = g₁(b, a), browsing×user = g₂(b, u), apps×user = g₃(a, u). Each association scores every product
by a dot product with the product's representation, giving the first, second and third intended product.

Products are represented by id embedding + category embedding + mean of attribute-value embeddings (colour,
design, price band, risk level…), the same representation on the input (browsed products) and the output
(scored products). A product added after training has no trained id embedding, but its category and attributes
still place it; ``IntentNetConfig.id_dropout`` hides random product ids during training so the network learns
to rely on category and attributes as well.

Index conventions (shared with ``intent.features.Vocabulary``): products, categories, attribute values and app
categories are numbered from 1; index 0 is padding/unknown and is never recommended. Logits therefore have
``n_products + 1`` columns and column ``i`` is product index ``i``.

Public interface:

- ``IntentNetConfig`` (``to_dict`` / ``from_dict``) and ``IntentNet(config, seed=None)``;
- ``IntentNet.set_catalogue(product_category, product_attributes)`` — may grow the catalogue after training;
- ``IntentBatch`` (tensors, or ``IntentBatch.from_rows(rows, config)`` from per-customer lists; browsing is
  left-padded, most recent event last);
- ``IntentNet.forward(batch) -> IntentOutput`` with the association vectors, their mixing weights, per-association
  logits ``[B, 3, P+1]`` and combined logits ``[B, P+1]`` (for ranking all products, SPEC B4);
- ``top_intents(output, k=3, exclude=None) -> TopIntents``: three distinct products, each with its probability
  and the association that produced it;
- ``intent_loss(output, targets, association_weight)`` — full-softmax cross-entropy, one or several targets;
- ``save_intentnet`` / ``load_intentnet`` — a plain ``torch.save`` dict, loaded with ``weights_only=True`` so that
  loading a file never runs code;
- ``IntentNet.forward_sequence(batch)`` — the causal next-item mode used only to evaluate the browsing branch on
  public sequential-recommendation data (``bench/bench_intentnet_sequential.py``).

This module imports torch only: nothing from Django or the rest of the project.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import torch
import torch.nn.functional as F  # noqa: N812 — the usual torch alias
from torch import Tensor, nn

FORMAT = "salescard-intentnet-v2"  # v2: the browsing-history prior

# Order of the association axis everywhere (logits[:, k], TopIntents.associations); ASCII so the names can be
# stored and used in URLs and group names as they are.
ASSOCIATIONS = ("browsing_apps", "browsing_user", "apps_user")

_BROWSE, _APPS, _USER = 0, 1, 2


@dataclass
class IntentNetConfig:
    n_products: int  # real products, numbered 1..n_products
    n_categories: int = 1
    n_attribute_values: int = 0
    max_attributes_per_product: int = 6
    n_app_categories: int = 0
    n_user_features: int = 0
    max_browse: int = 50
    max_apps: int = 16
    d_model: int = 64
    n_heads: int = 4
    n_layers: int = 2
    ff_multiplier: int = 2
    user_tokens: int = 2
    dropout: float = 0.2
    id_dropout: float = 0.0  # share of product ids hidden per training step, so category/attributes carry weight
    history_prior: bool = True  # add the browsing-history prior to the scores (see IntentNet.history_prior)
    wide_user: bool = False  # a linear path from the profile vector to the scores (see IntentNet.wide_user)

    def __post_init__(self) -> None:
        if self.n_products < 1:
            raise ValueError("n_products must be at least 1")
        if self.d_model % self.n_heads:
            raise ValueError(f"d_model ({self.d_model}) must be divisible by n_heads ({self.n_heads})")
        if not 0.0 <= self.dropout < 1.0 or not 0.0 <= self.id_dropout < 1.0:
            raise ValueError("dropout and id_dropout must be in [0, 1)")
        if min(self.max_browse, self.max_apps, self.user_tokens, self.n_layers, self.ff_multiplier) < 1:
            raise ValueError("max_browse, max_apps, user_tokens, n_layers and ff_multiplier must be at least 1")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping) -> IntentNetConfig:
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})


@dataclass
class IntentBatch:
    """Inputs for B customers. Index 0 is padding; browsing is left-padded so the most recent event is last."""

    browse_products: Tensor  # [B, L] long
    browse_dwell: Tensor  # [B, L] float, seconds
    browse_recency: Tensor  # [B, L] float, days before the moment of prediction
    app_categories: Tensor  # [B, A] long
    app_minutes: Tensor  # [B, A] float, average daily minutes
    user_features: Tensor  # [B, F] float

    def __len__(self) -> int:
        return self.browse_products.shape[0]

    @property
    def browse_mask(self) -> Tensor:
        return self.browse_products > 0

    @property
    def app_mask(self) -> Tensor:
        return self.app_categories > 0

    @classmethod
    def from_rows(cls, rows: Sequence[object], config: IntentNetConfig) -> IntentBatch:
        """Batch per-customer lists (mappings or objects such as ``intent.features.CustomerInputs``) with the
        fields of this class; keeps the ``max_browse`` most recent events and the first ``max_apps`` apps."""
        browse = [_take(row, "browse_products")[-config.max_browse :] for row in rows]
        dwell = [_take(row, "browse_dwell")[-config.max_browse :] for row in rows]
        recency = [_take(row, "browse_recency")[-config.max_browse :] for row in rows]
        apps = [_take(row, "app_categories")[: config.max_apps] for row in rows]
        minutes = [_take(row, "app_minutes")[: config.max_apps] for row in rows]
        users = [list(_take(row, "user_features")) for row in rows]
        for vector in users:
            if len(vector) != config.n_user_features:
                raise ValueError(f"user_features has {len(vector)} values, the model expects {config.n_user_features}")
        length = max((len(b) for b in browse), default=0)
        width = max((len(a) for a in apps), default=0)
        return cls(
            browse_products=_left_pad(browse, length, torch.long),
            browse_dwell=_left_pad(dwell, length, torch.float32),
            browse_recency=_left_pad(recency, length, torch.float32),
            app_categories=_right_pad(apps, width, torch.long),
            app_minutes=_right_pad(minutes, width, torch.float32),
            user_features=torch.tensor(users, dtype=torch.float32).reshape(len(rows), config.n_user_features),
        )


def _take(row: object, name: str) -> Sequence:
    return row[name] if isinstance(row, Mapping) else getattr(row, name)


def _left_pad(rows: list[Sequence], length: int, dtype: torch.dtype) -> Tensor:
    out = torch.zeros(len(rows), length, dtype=dtype)
    for i, values in enumerate(rows):
        if len(values):
            out[i, length - len(values) :] = torch.tensor(list(values), dtype=dtype)
    return out


def _right_pad(rows: list[Sequence], length: int, dtype: torch.dtype) -> Tensor:
    out = torch.zeros(len(rows), length, dtype=dtype)
    for i, values in enumerate(rows):
        if len(values):
            out[i, : len(values)] = torch.tensor(list(values), dtype=dtype)
    return out


@dataclass
class IntentOutput:
    association_vectors: Tensor  # [N, 3, d] — the association parameters
    mix: Tensor  # [N, 3] weights of the associations in the combined score, summing to 1
    logits: Tensor | None  # [N, 3, P+1]; None when only the combined score was asked for
    combined: Tensor  # [N, P+1]

    def combined_probabilities(self, exclude: Tensor | None = None) -> Tensor:
        """Probability of each product over the recommendable ones (SPEC B4's purchase-probability ranking)."""
        return _masked(self.combined, exclude).softmax(-1)


@dataclass
class Intent:
    product: int  # product index
    probability: float
    association: str  # one of ASSOCIATIONS


@dataclass
class TopIntents:
    products: Tensor  # [B, k] long; 0 where fewer than k products could be recommended
    probabilities: Tensor  # [B, k]
    associations: Tensor  # [B, k] long, index into ASSOCIATIONS

    def for_customer(self, row: int) -> list[Intent]:
        products, probabilities = self.products[row].tolist(), self.probabilities[row].tolist()
        associations = self.associations[row].tolist()
        return [
            Intent(p, q, ASSOCIATIONS[a])
            for p, q, a in zip(products, probabilities, associations, strict=True)
            if p > 0
        ]


class _Association(nn.Module):
    """g(x, y) = LayerNorm(x + y + MLP([x, y, x⊙y])): the product term lets the pair interact, the residual keeps
    each side's own evidence when the other side is uninformative (e.g. no app usage without consent)."""

    def __init__(self, d: int, dropout: float) -> None:
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(3 * d, 2 * d), nn.GELU(), nn.Dropout(dropout), nn.Linear(2 * d, d))
        self.norm = nn.LayerNorm(d)

    def forward(self, x: Tensor, y: Tensor) -> Tensor:
        return self.norm(x + y + self.mlp(torch.cat([x, y, x * y], dim=-1)))


class IntentNet(nn.Module):
    def __init__(self, config: IntentNetConfig, seed: int | None = None) -> None:
        super().__init__()
        self.config = config
        self._frozen_tables: tuple[Tensor, Tensor] | None = None  # see _tables
        if seed is None:
            self._build()
        else:
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(seed)
                self._build()

    def _build(self) -> None:
        c = self.config
        d = c.d_model
        self.product_id = nn.Embedding(c.n_products + 1, d, padding_idx=0)
        self.product_bias = nn.Embedding(c.n_products + 1, 1, padding_idx=0)
        self.category = nn.Embedding(c.n_categories + 1, d, padding_idx=0)
        self.attribute = nn.Embedding(c.n_attribute_values + 1, d, padding_idx=0)
        self.register_buffer("product_category", torch.zeros(c.n_products + 1, dtype=torch.long))
        self.register_buffer(
            "product_attributes", torch.zeros(c.n_products + 1, c.max_attributes_per_product, dtype=torch.long)
        )

        # Branch 1: product representation + log dwell + log recency → FC.
        self.browse_fc = nn.Sequential(nn.Linear(d + 2, d), nn.GELU(), nn.Linear(d, d))
        self.position = nn.Embedding(c.max_browse, d)
        # Branch 2: app category + log minutes → FC.
        self.app_category = nn.Embedding(c.n_app_categories + 1, d, padding_idx=0)
        self.app_fc = nn.Sequential(nn.Linear(d + 1, d), nn.GELU(), nn.Linear(d, d))
        # Branch 3: profile vector → FC → a few tokens (added to learned tokens, so an empty profile still works).
        self.user_fc = (
            nn.Sequential(nn.Linear(c.n_user_features, d), nn.GELU(), nn.Linear(d, c.user_tokens * d))
            if c.n_user_features
            else None
        )
        self.user_tokens = nn.Parameter(torch.zeros(c.user_tokens, d))
        # One always-present token per sequence branch: it stands for the branch when it is empty (no browsing,
        # no apps, no consent) and keeps every attention row from being fully masked.
        self.branch_tokens = nn.Parameter(torch.zeros(2, d))
        self.branch_type = nn.Embedding(3, d)
        self.input_dropout = nn.Dropout(c.dropout)

        layer = nn.TransformerEncoderLayer(
            d,
            c.n_heads,
            dim_feedforward=c.ff_multiplier * d,
            dropout=c.dropout,
            activation="gelu",
            batch_first=True,
            norm_first=True,
        )
        self.encoder = nn.TransformerEncoder(layer, c.n_layers, norm=nn.LayerNorm(d), enable_nested_tensor=False)

        self.associations = nn.ModuleList(_Association(d, c.dropout) for _ in ASSOCIATIONS)
        self.mixer = nn.Linear(3 * d, len(ASSOCIATIONS))
        # Browsing-history prior: learned weights of "how long the customer looked at this product" and "at its
        # category", added to every product's logit (see history_prior).
        self.history_weights = nn.Parameter(torch.tensor([0.5, 0.5]))
        self._init_weights()
        # Wide path (opt-in): the profile vector mapped linearly into the association space, so each product's score
        # moves linearly with every profile value; tabular inputs such as economic indicators then keep their trend
        # beyond the training range, where the attention branches saturate. Built after the other weights and
        # zero at the start, so a seeded model starts exactly as it would without the path.
        self.user_wide = None
        if c.wide_user and c.n_user_features:
            self.user_wide = nn.Linear(c.n_user_features, d, bias=False)
            nn.init.zeros_(self.user_wide.weight)

    def _init_weights(self) -> None:
        for module in self.modules():
            if isinstance(module, nn.Embedding):
                nn.init.normal_(module.weight, std=0.02)
            elif isinstance(module, nn.Linear):
                nn.init.normal_(module.weight, std=0.02)
                if module.bias is not None:
                    nn.init.zeros_(module.bias)
        nn.init.zeros_(self.product_bias.weight)
        nn.init.normal_(self.user_tokens, std=0.02)
        nn.init.normal_(self.branch_tokens, std=0.02)
        for embedding in (self.product_id, self.category, self.attribute, self.app_category):
            with torch.no_grad():
                embedding.weight[0].zero_()

    # --- catalogue ---------------------------------------------------------------------------------------------

    def set_catalogue(self, product_category: Tensor, product_attributes: Tensor) -> None:
        """Product index → category index ``[P+1]`` and attribute indices ``[P+1, max_attr]`` (0 = padding; row 0
        is the padding product). The catalogue may outgrow the model: products, categories and attribute values
        numbered beyond what it was trained on get zero embeddings (and products a zero bias), so a new product is
        scored from what is known of its category and attributes, and a new category counts as unknown until the
        next training."""
        c = self.config
        self._frozen_tables = None
        product_category = torch.as_tensor(product_category, dtype=torch.long)
        product_attributes = torch.as_tensor(product_attributes, dtype=torch.long)
        rows = product_category.shape[0]
        if product_category.dim() != 1 or product_attributes.dim() != 2 or product_attributes.shape[0] != rows:
            raise ValueError("product_category must be [products + 1] and product_attributes [products + 1, max_attr]")
        if product_attributes.shape[1] > c.max_attributes_per_product:
            raise ValueError(f"at most {c.max_attributes_per_product} attributes per product")
        if rows < c.n_products + 1:
            raise ValueError(f"the catalogue has {rows - 1} products; the model already knows {c.n_products}")
        if bool((product_category < 0).any()) or bool((product_attributes < 0).any()):
            raise ValueError("category and attribute indices must not be negative")
        c.n_products = _grow_embedding(self.product_id, rows - 1)
        _grow_embedding(self.product_bias, rows - 1)
        c.n_categories = _grow_embedding(self.category, _largest(product_category))
        c.n_attribute_values = _grow_embedding(self.attribute, _largest(product_attributes))
        padded = torch.zeros(rows, c.max_attributes_per_product, dtype=torch.long)
        padded[:, : product_attributes.shape[1]] = product_attributes
        device = self.product_id.weight.device
        self.product_category = product_category.to(device)
        self.product_attributes = padded.to(device)

    def product_table(self) -> Tensor:
        """The representation of every product, ``[P+1, d]``; row 0 (padding) is zero."""
        ids = self.product_id.weight
        if self.training and self.config.id_dropout > 0:
            # Hide whole products (not single dimensions) and do not rescale: a hidden product looks exactly like
            # one added after training, which is the case this teaches the model to handle.
            ids = ids * (torch.rand(ids.shape[0], 1, device=ids.device) >= self.config.id_dropout)
        attributes = self.attribute(self.product_attributes)
        present = (self.product_attributes > 0).unsqueeze(-1)
        attribute_mean = (attributes * present).sum(1) / present.sum(1).clamp(min=1)
        return ids + self.category(self.product_category) + attribute_mean

    def _tables(self) -> tuple[Tensor, Tensor]:
        """The product table and biases. In inference (eval mode, no autograd) they depend only on the weights and
        the catalogue, so they are computed once and kept until the mode, the weights or the catalogue change."""
        if self.training or torch.is_grad_enabled():
            return self.product_table(), self._product_bias()
        if self._frozen_tables is None:
            self._frozen_tables = (self.product_table(), self._product_bias())
        return self._frozen_tables

    def train(self, mode: bool = True) -> IntentNet:
        self._frozen_tables = None
        return super().train(mode)

    def load_state_dict(self, *args, **kwargs):
        self._frozen_tables = None
        return super().load_state_dict(*args, **kwargs)

    def _product_bias(self) -> Tensor:
        bias = self.product_bias.weight.squeeze(-1)
        if self.training and self.config.id_dropout > 0:
            bias = bias * (torch.rand_like(bias) >= self.config.id_dropout)
        return bias

    # --- encoder -------------------------------------------------------------------------------------------------

    def _tokens(self, batch: IntentBatch, table: Tensor) -> tuple[Tensor, Tensor, int, int]:
        c = self.config
        size, length = batch.browse_products.shape
        width = batch.app_categories.shape[1]
        if length > c.max_browse:
            raise ValueError(f"{length} browsing events; the model reads at most {c.max_browse}")
        if batch.user_features.shape[1] != c.n_user_features:
            raise ValueError(f"user_features has {batch.user_features.shape[1]} values, expected {c.n_user_features}")
        type_embedding = self.branch_type.weight

        products = table[batch.browse_products]
        time_features = torch.stack(
            [torch.log1p(batch.browse_dwell.clamp(min=0)), torch.log1p(batch.browse_recency.clamp(min=0))], dim=-1
        )
        # Positions count back from the most recent event, so a short history uses the same positions as the end
        # of a long one.
        positions = torch.arange(c.max_browse - length, c.max_browse, device=products.device)
        browse = products + self.browse_fc(torch.cat([products, time_features], -1)) + self.position(positions)

        apps = self.app_category(batch.app_categories)
        minutes = torch.log1p(batch.app_minutes.clamp(min=0)).unsqueeze(-1)
        apps = apps + self.app_fc(torch.cat([apps, minutes], -1))

        user = self.user_tokens.expand(size, -1, -1)
        if self.user_fc is not None:
            user = user + self.user_fc(batch.user_features).view(size, c.user_tokens, c.d_model)

        branch = self.branch_tokens.unsqueeze(0).expand(size, -1, -1)
        tokens = torch.cat(
            [
                branch[:, :1] + type_embedding[_BROWSE],
                browse + type_embedding[_BROWSE],
                branch[:, 1:] + type_embedding[_APPS],
                apps + type_embedding[_APPS],
                user + type_embedding[_USER],
            ],
            dim=1,
        )
        always = torch.ones(size, 1, dtype=torch.bool, device=tokens.device)
        valid = torch.cat(
            [always, batch.browse_mask, always, batch.app_mask, always.expand(size, c.user_tokens)], dim=1
        )
        return self.input_dropout(tokens), valid, length, width

    def _encode(self, batch: IntentBatch, table: Tensor, causal: bool) -> tuple[Tensor, Tensor, Tensor, Tensor]:
        """Encoded browsing (pooled ``[B, d]``, or per event ``[B, L, d]`` when causal), apps and user vectors."""
        tokens, valid, length, width = self._tokens(batch, table)
        mask = _causal_mask(length, width, self.config.user_tokens, tokens.device) if causal else None
        encoded = self.encoder(tokens, mask=mask, src_key_padding_mask=~valid)
        browse_end, apps_end = 1 + length, 2 + length + width
        apps = _masked_mean(encoded[:, browse_end:apps_end], valid[:, browse_end:apps_end])
        user = encoded[:, apps_end:].mean(1)
        if causal:
            return encoded[:, 1:browse_end], apps, user, valid[:, 1:browse_end]
        return _masked_mean(encoded[:, :browse_end], valid[:, :browse_end]), apps, user, valid[:, :browse_end]

    def _associate(self, browse: Tensor, apps: Tensor, user: Tensor) -> tuple[Tensor, Tensor]:
        pairs = ((browse, apps), (browse, user), (apps, user))
        vectors = torch.stack([g(x, y) for g, (x, y) in zip(self.associations, pairs, strict=True)], dim=-2)
        mix = self.mixer(torch.cat([browse, apps, user], -1)).softmax(-1)
        return vectors, mix

    def score(self, vectors: Tensor, table: Tensor | None = None, bias: Tensor | None = None) -> Tensor:
        """Logits of every product for vectors ``[..., d]`` → ``[..., P+1]``; the padding column is −inf."""
        if table is None or bias is None:
            frozen_table, frozen_bias = self._tables()
            table = frozen_table if table is None else table
            bias = frozen_bias if bias is None else bias
        # −inf in the bias rather than a fill afterwards: one fused matrix product, no second pass over the logits
        # (they dominate the cost of full-softmax training over tens of thousands of items).
        bias = bias.index_fill(0, torch.zeros(1, dtype=torch.long, device=bias.device), float("-inf"))
        flat = torch.addmm(bias, vectors.reshape(-1, vectors.shape[-1]), table.T)
        return flat.view(*vectors.shape[:-1], table.shape[0])

    def output_from(
        self, vectors: Tensor, mix: Tensor, with_association_logits: bool = True, prior: Tensor | None = None
    ) -> IntentOutput:
        """Score association vectors ``[N, 3, d]`` mixed by ``mix`` ``[N, 3]``. The combined score is the dot product
        with the mixed vector (one matrix product instead of three for ranking and for sequence training).
        ``prior`` ``[N, P+1]`` (the browsing-history prior) is added to the combined and every association's
        logits."""
        table, bias = self._tables()
        combined = self.score((mix.unsqueeze(-1) * vectors).sum(-2), table, bias)
        logits = self.score(vectors, table, bias) if with_association_logits else None
        if prior is not None:
            combined = combined + prior
            logits = logits + prior.unsqueeze(1) if logits is not None else None
        return IntentOutput(vectors, mix, logits, combined)

    def history_prior(self, batch: IntentBatch) -> Tensor:
        """``[B, P+1]``: w₁·log(1 + Σ log(1 + dwell) over views of the product) + w₂·the same over views of any
        product of its category. A short, direct path from "looked at it a lot" to the score, which the attention
        branches would otherwise have to learn from few examples; being category-based, it also covers products
        added after training. The weights are learned with the rest."""
        size = batch.browse_products.shape[0]
        rows = self.product_category.shape[0]
        weight = torch.log1p(batch.browse_dwell.clamp(min=0)) * batch.browse_mask
        product = torch.zeros(size, rows, dtype=weight.dtype, device=weight.device)
        product.scatter_add_(1, batch.browse_products, weight)
        category = torch.zeros(size, self.config.n_categories + 1, dtype=weight.dtype, device=weight.device)
        category.scatter_add_(1, self.product_category[batch.browse_products], weight)
        by_product = category[:, self.product_category]
        by_product[:, 0] = 0.0
        return self.history_weights[0] * torch.log1p(product) + self.history_weights[1] * torch.log1p(by_product)

    def forward(self, batch: IntentBatch) -> IntentOutput:
        table, _ = self._tables()
        browse, apps, user, _ = self._encode(batch, table, causal=False)
        vectors, mix = self._associate(browse, apps, user)
        if self.user_wide is not None:
            # Added to every association, so the combined score (mix sums to 1) gains exactly the wide term.
            vectors = vectors + self.user_wide(batch.user_features).unsqueeze(-2)
        prior = self.history_prior(batch) if self.config.history_prior else None
        return self.output_from(vectors, mix, prior=prior)

    def forward_sequence(self, batch: IntentBatch) -> tuple[Tensor, Tensor, Tensor]:
        """Causal next-item mode (sequence-recommendation evaluation only): every browsing event sees the events up
        to itself, the app and user tokens see neither. Returns association vectors ``[B, L, 3, d]``, their mix
        ``[B, L, 3]`` and the mask of real events ``[B, L]``; feed the selected positions to ``output_from``."""
        table, _ = self._tables()
        browse, apps, user, valid = self._encode(batch, table, causal=True)
        length = browse.shape[1]
        vectors, mix = self._associate(
            browse, apps.unsqueeze(1).expand(-1, length, -1), user.unsqueeze(1).expand(-1, length, -1)
        )
        return vectors, mix, valid

    def size_bytes(self) -> int:
        return sum(t.numel() * t.element_size() for t in self.state_dict().values())


def _largest(indices: Tensor) -> int:
    return int(indices.max()) if indices.numel() else 0


def _grow_embedding(embedding: nn.Embedding, largest_index: int) -> int:
    """Append zero rows so ``largest_index`` is valid; returns the number of real (non-padding) rows."""
    rows = embedding.weight.shape[0]
    if largest_index >= rows:
        weight = embedding.weight.detach()
        extra = torch.zeros(largest_index + 1 - rows, weight.shape[1], dtype=weight.dtype, device=weight.device)
        embedding.weight = nn.Parameter(torch.cat([weight, extra]))
        embedding.num_embeddings = largest_index + 1
    return embedding.weight.shape[0] - 1


def _masked_mean(values: Tensor, valid: Tensor) -> Tensor:
    weights = valid.unsqueeze(-1).to(values.dtype)
    return (values * weights).sum(1) / weights.sum(1).clamp(min=1)


def _causal_mask(length: int, width: int, user_tokens: int, device: torch.device) -> Tensor:
    """``[T, T]`` boolean, True = may not attend. Token order: browse branch token, L events, apps branch token,
    A apps, user tokens. Events see the branch token, earlier events and the non-browsing tokens; the other
    tokens see only non-browsing tokens, so nothing pools information from a later event."""
    total = 2 + length + width + user_tokens
    events = torch.arange(1, 1 + length, device=device)
    blocked = torch.zeros(total, total, dtype=torch.bool, device=device)
    blocked[:, events] = True
    blocked[1 : 1 + length, 1 : 1 + length] = torch.ones(length, length, dtype=torch.bool, device=device).triu(1)
    return blocked


def _masked(logits: Tensor, exclude: Tensor | None) -> Tensor:
    if exclude is None:
        return logits
    return logits.masked_fill(exclude.to(torch.bool), float("-inf"))


def top_intents(output: IntentOutput, k: int = 3, exclude: Tensor | None = None) -> TopIntents:
    """The first, second and third intended products, distinct, one per association.

    Rule: each association's probabilities are a softmax over the recommendable products (padding and
    ``exclude`` removed). For intent 1..k, among the associations not used yet, take each one's best product not
    chosen yet; the association whose best product has the highest probability gives this intent. So the first
    intent is the best product of the most confident association. ``exclude`` is ``[P+1]`` or ``[B, P+1]``
    (True = inactive or rejected). Where fewer than k products remain, the missing intents are product 0.
    """
    if output.logits is None:
        raise ValueError("top_intents needs the per-association logits (with_association_logits=True)")
    if not 1 <= k <= len(ASSOCIATIONS):
        raise ValueError(f"k must be between 1 and {len(ASSOCIATIONS)}: one intent per association")
    logits = output.logits
    if exclude is not None:
        exclude = exclude.to(torch.bool)
        logits = logits.masked_fill(exclude.unsqueeze(-2) if exclude.dim() == 2 else exclude, float("-inf"))
    all_excluded = torch.isinf(logits).all(-1, keepdim=True)
    probabilities = logits.masked_fill(all_excluded, 0.0).softmax(-1).masked_fill(all_excluded, 0.0)
    size = probabilities.shape[0]
    rows = torch.arange(size, device=probabilities.device)
    available = probabilities.clone()
    used = torch.zeros(size, len(ASSOCIATIONS), dtype=torch.bool, device=probabilities.device)
    products, chosen_probabilities, associations = [], [], []
    for _ in range(k):
        best_probability, best_product = available.max(-1)  # [B, 3]
        best_probability = best_probability.masked_fill(used, -1.0)
        probability, association = best_probability.max(-1)
        product = best_product[rows, association]
        product = product.masked_fill(probability <= 0, 0)
        products.append(product)
        chosen_probabilities.append(probability.clamp(min=0))
        associations.append(association)
        used[rows, association] = True
        available[rows, :, product] = 0.0
    return TopIntents(torch.stack(products, 1), torch.stack(chosen_probabilities, 1), torch.stack(associations, 1))


def _nll(logits: Tensor, targets: Tensor) -> Tensor:
    """Mean negative log-likelihood; targets are indices ``[N]`` or multi-hot ``[N, P+1]`` (averaged over the
    positives of each row, then over rows)."""
    if targets.dim() == 1:
        return F.cross_entropy(logits, targets)
    positive = targets.to(torch.bool)
    counts = positive.sum(-1)
    if bool((counts == 0).any()):
        raise ValueError("every example needs at least one target product")
    log_probabilities = logits.log_softmax(-1)
    # where(), not multiplication: the padding column is −inf and −inf·0 would be NaN.
    picked = torch.where(positive, log_probabilities, torch.zeros_like(log_probabilities)).sum(-1)
    return (-picked / counts).mean()


def intent_loss(output: IntentOutput, targets: Tensor, association_weight: float = 0.5) -> Tensor:
    """Full-softmax cross-entropy of the target products against the combined logits, plus ``association_weight``
    times the mean cross-entropy of each association's logits (so each association is a recommender on its own).
    ``targets``: product indices ``[N]`` (long) or multi-hot ``[N, P+1]``."""
    loss = _nll(output.combined, targets)
    if association_weight > 0:
        if output.logits is None:
            raise ValueError("association_weight > 0 needs the per-association logits")
        count = output.logits.shape[1]
        flat = output.logits.reshape(-1, output.logits.shape[-1])
        repeated = targets.repeat_interleave(count, dim=0)
        loss = loss + association_weight * _nll(flat, repeated)
    return loss


def save_intentnet(model: IntentNet, path: Path | str, metadata: Mapping | None = None) -> None:
    torch.save(
        {
            "format": FORMAT,
            "config": model.config.to_dict(),
            "state": model.state_dict(),
            "metadata": dict(metadata or {}),
        },
        path,
    )


def load_intentnet(path: Path | str) -> tuple[IntentNet, dict]:
    """The saved model (in eval mode) and its metadata; raises ValueError for a file of another format."""
    data = torch.load(path, map_location="cpu", weights_only=True)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"{path} is not a {FORMAT} file")
    model = IntentNet(IntentNetConfig.from_dict(data["config"]))
    model.load_state_dict(data["state"])
    model.eval()
    return model, data["metadata"]
