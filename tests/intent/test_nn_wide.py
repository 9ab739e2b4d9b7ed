"""intent/nn.py, the opt-in wide path (``IntentNetConfig.wide_user``, issue 20): off by default, so saved models
load and score as before; when on, a seeded model starts exactly where it would start without it, and the path
learns how the scores follow a profile value. No database."""

import pytest
import torch

from intent.nn import IntentBatch, IntentNet, IntentNetConfig, intent_loss, load_intentnet, save_intentnet

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def config(**changes) -> IntentNetConfig:
    settings = dict(n_products=2, n_categories=2, n_app_categories=3, n_user_features=2, max_browse=1, max_apps=2)
    settings.update(d_model=16, n_heads=2, n_layers=1, dropout=0.0)
    settings.update(changes)
    return IntentNetConfig(**settings)


def customers(x: torch.Tensor) -> IntentBatch:
    count = len(x)
    return IntentBatch(
        browse_products=torch.zeros(count, 1, dtype=torch.long),
        browse_dwell=torch.zeros(count, 1),
        browse_recency=torch.zeros(count, 1),
        app_categories=torch.ones(count, 2, dtype=torch.long),
        app_minutes=torch.ones(count, 2),
        user_features=torch.stack([x, torch.zeros(count)], 1),
    )


def model_of(cfg: IntentNetConfig) -> IntentNet:
    model = IntentNet(cfg, seed=3)
    model.set_catalogue(torch.tensor([0, 1, 2]), torch.zeros(3, cfg.max_attributes_per_product, dtype=torch.long))
    return model.eval()


def test_a_model_saved_before_the_wide_path_existed_loads_and_scores_the_same(tmp_path):
    # given a model saved by a version that did not know wide_user
    model = model_of(config())
    path = tmp_path / "old.pt"
    save_intentnet(model, path)
    saved = torch.load(path, weights_only=True)
    del saved["config"]["wide_user"]
    torch.save(saved, path)
    # when it is loaded
    loaded, _ = load_intentnet(path)
    # then it has no wide path and gives the same scores
    batch = customers(torch.linspace(-1, 1, 5))
    assert loaded.user_wide is None
    with torch.no_grad():
        assert torch.equal(loaded(batch).combined, model(batch).combined)


def test_the_wide_path_starts_at_zero_so_the_seeded_model_is_unchanged():
    batch = customers(torch.linspace(-2, 2, 7))
    with torch.no_grad():
        assert torch.equal(model_of(config(wide_user=True))(batch).combined, model_of(config())(batch).combined)


def test_the_wide_path_learns_a_profile_trend_that_the_scores_follow():
    # given customers whose chance of product 1 rises with their first profile value
    generator = torch.Generator().manual_seed(0)
    model = model_of(config(wide_user=True)).train()
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(150):
        x = torch.rand(128, generator=generator) * 2 - 1
        targets = torch.where(torch.rand(128, generator=generator) < torch.sigmoid(3 * x), 1, 2)
        loss = intent_loss(model(customers(x)), targets)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    model.eval()
    # when scored across the range
    with torch.no_grad():
        probability = model(customers(torch.tensor([-1.0, 0.0, 1.0]))).combined[:, 1:].softmax(-1)[:, 0]
    # then the wide path has learnt weights and P(product 1) rises with the value
    assert model.user_wide.weight.abs().sum() > 0
    assert probability[0] < 0.35 < probability[1] < 0.65 < probability[2]
