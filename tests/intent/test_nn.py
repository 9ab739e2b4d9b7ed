"""intent/nn.py: IntentNet's inputs and outputs, the three distinct intents, learning and generalising to new
products, determinism and saving. Small synthetic catalogues; no database."""

import pytest
import torch

from intent.nn import (
    ASSOCIATIONS,
    IntentBatch,
    IntentNet,
    IntentNetConfig,
    intent_loss,
    load_intentnet,
    save_intentnet,
    top_intents,
)

CATEGORIES = 4
PER_CATEGORY = 10
PRODUCTS = CATEGORIES * PER_CATEGORY


def small_config(**changes) -> IntentNetConfig:
    settings = dict(
        n_products=PRODUCTS,
        n_categories=CATEGORIES,
        n_attribute_values=3,
        max_attributes_per_product=2,
        n_app_categories=5,
        n_user_features=3,
        max_browse=8,
        max_apps=4,
        d_model=32,
        n_heads=2,
        n_layers=1,
        dropout=0.1,
    )
    settings.update(changes)
    return IntentNetConfig(**settings)


def catalogue(extra_categories: tuple[int, ...] = ()) -> tuple[torch.Tensor, torch.Tensor]:
    """Products 1..40 in categories 1..4 (ten each), then one product per extra category; attribute 1..3 is a
    price band unrelated to the category, and every added product shares price band 1."""
    categories = [0] + [1 + i // PER_CATEGORY for i in range(PRODUCTS)] + list(extra_categories)
    attributes = [[0, 0]] + [[1 + i % 3, 0] for i in range(PRODUCTS)] + [[1, 0] for _ in extra_categories]
    return torch.tensor(categories), torch.tensor(attributes)


def products_of(category: int) -> range:
    return range(1 + (category - 1) * PER_CATEGORY, 1 + category * PER_CATEGORY)


def customers(generator: torch.Generator, count: int, flagship: bool) -> tuple[IntentBatch, torch.Tensor, torch.Tensor]:
    """Customers who browse five products of one category and then choose, in that category, either its first
    product (``flagship``) or any product. App usage and profile are noise."""
    browsed = torch.randint(1, CATEGORIES + 1, (count,), generator=generator)
    offsets = torch.randint(0, PER_CATEGORY, (count, 5), generator=generator)
    products = (browsed.unsqueeze(1) - 1) * PER_CATEGORY + 1 + offsets
    if flagship:
        targets = (browsed - 1) * PER_CATEGORY + 1
    else:
        targets = (browsed - 1) * PER_CATEGORY + 1 + torch.randint(0, PER_CATEGORY, (count,), generator=generator)
    batch = IntentBatch(
        browse_products=products,
        browse_dwell=torch.rand(count, 5, generator=generator) * 120,
        browse_recency=torch.rand(count, 5, generator=generator) * 30,
        app_categories=torch.randint(1, 6, (count, 2), generator=generator),
        app_minutes=torch.rand(count, 2, generator=generator) * 60,
        user_features=torch.randn(count, 3, generator=generator),
    )
    return batch, targets, browsed


def train(model: IntentNet, flagship: bool, steps: int, seed: int = 0) -> IntentNet:
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    model.train()
    for _ in range(steps):
        batch, targets, _ = customers(generator, 64, flagship)
        loss = intent_loss(model(batch), targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model.eval()


def new_model(seed: int = 0, **changes) -> IntentNet:
    model = IntentNet(small_config(**changes), seed=seed)
    model.set_catalogue(*catalogue())
    return model.eval()


def empty_rows(count: int) -> list[dict]:
    return [
        dict(
            browse_products=[],
            browse_dwell=[],
            browse_recency=[],
            app_categories=[],
            app_minutes=[],
            user_features=[0.0, 0.0, 0.0],
        )
        for _ in range(count)
    ]


pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def flagship_model() -> IntentNet:
    return train(new_model(seed=1), flagship=True, steps=200)


def test_outputs_score_every_product_per_association_and_never_the_padding():
    batch, _, _ = customers(torch.Generator().manual_seed(0), 6, flagship=True)

    with torch.no_grad():
        output = new_model()(batch)

    assert output.logits.shape == (6, len(ASSOCIATIONS), PRODUCTS + 1)
    assert output.combined.shape == (6, PRODUCTS + 1)
    assert output.association_vectors.shape == (6, 3, 32)
    assert torch.allclose(output.mix.sum(-1), torch.ones(6))
    assert torch.isneginf(output.logits[..., 0]).all() and torch.isneginf(output.combined[:, 0]).all()
    assert torch.isfinite(output.logits[..., 1:]).all()


def test_customer_without_browsing_or_apps_still_gets_three_intents():
    # Given one customer with history and one without browsing or app usage (e.g. no usage consent)
    rows = empty_rows(2)
    rows[0].update(browse_products=[3, 4], browse_dwell=[30.0, 60.0], browse_recency=[2.0, 1.0])
    model = new_model()

    with torch.no_grad():
        mixed = model(IntentBatch.from_rows(rows, model.config))
        only_empty = model(IntentBatch.from_rows(empty_rows(3), model.config))

    # Then scores are finite and every customer still gets three distinct intents
    for output in (mixed, only_empty):
        assert torch.isfinite(output.combined[:, 1:]).all() and torch.isfinite(output.logits[..., 1:]).all()
        intents = top_intents(output)
        assert (intents.products > 0).all()
        assert all(len(set(row.tolist())) == 3 for row in intents.products)


def test_three_intents_are_distinct_one_per_association_and_skip_excluded_products(flagship_model):
    batch, _, _ = customers(torch.Generator().manual_seed(5), 20, flagship=True)
    with torch.no_grad():
        output = flagship_model(batch)
    favourites = top_intents(output).products[:, 0]
    exclude = torch.zeros(20, PRODUCTS + 1, dtype=torch.bool)
    exclude[torch.arange(20), favourites] = True  # e.g. the customer rejected the first intent
    exclude[:, 7] = True  # an inactive product

    intents = top_intents(output, exclude=exclude)

    for row in range(20):
        chosen = intents.products[row].tolist()
        assert len(set(chosen)) == 3 and 0 not in chosen
        assert favourites[row].item() not in chosen and 7 not in chosen
        assert sorted(intents.associations[row].tolist()) == [0, 1, 2]
        described = intents.for_customer(row)
        assert [intent.product for intent in described] == chosen
        assert {intent.association for intent in described} == set(ASSOCIATIONS)


def test_intent_probabilities_are_in_zero_one_and_do_not_increase(flagship_model):
    batch, _, _ = customers(torch.Generator().manual_seed(6), 20, flagship=True)
    with torch.no_grad():
        probabilities = top_intents(flagship_model(batch)).probabilities

    assert ((probabilities > 0) & (probabilities <= 1)).all()
    assert (probabilities[:, :-1] >= probabilities[:, 1:]).all()


def test_when_only_two_products_are_left_the_third_intent_is_empty():
    batch, _, _ = customers(torch.Generator().manual_seed(0), 1, flagship=True)
    exclude = torch.ones(PRODUCTS + 1, dtype=torch.bool)
    exclude[[5, 9]] = False

    with torch.no_grad():
        intents = top_intents(new_model()(batch), exclude=exclude)

    assert sorted(intents.products[0, :2].tolist()) == [5, 9]
    assert intents.products[0, 2].item() == 0 and intents.probabilities[0, 2].item() == 0.0
    assert len(intents.for_customer(0)) == 2


def test_model_learns_that_customers_choose_the_flagship_of_the_category_they_browse(flagship_model):
    batch, targets, _ = customers(torch.Generator().manual_seed(99), 200, flagship=True)

    with torch.no_grad():
        first_choice = flagship_model(batch).combined.argmax(-1)

    hit_rate_at_1 = (first_choice == targets).float().mean().item()
    assert hit_rate_at_1 > 0.8  # chance is 1/40


def test_product_added_after_training_scores_higher_for_customers_who_browsed_its_category():
    # Given a model trained with id dropout, so it learnt what categories mean
    model = train(new_model(seed=2, id_dropout=0.5), flagship=False, steps=300)
    # When two products are added after training: 41 in category 2, 42 in category 3, same price band
    model.set_catalogue(*catalogue(extra_categories=(2, 3)))
    batch, _, browsed = customers(torch.Generator().manual_seed(7), 200, flagship=False)

    with torch.no_grad():
        scores = model(batch).combined

    # Then customers who browsed category 2 prefer 41, those who browsed category 3 prefer 42
    assert model.config.n_products == PRODUCTS + 2
    assert (scores[browsed == 2, 41] > scores[browsed == 2, 42]).all()
    assert (scores[browsed == 3, 42] > scores[browsed == 3, 41]).all()


def test_same_seed_gives_identical_weights_and_logits_after_training():
    batch, _, _ = customers(torch.Generator().manual_seed(3), 8, flagship=False)
    results = []
    for _ in range(2):
        torch.manual_seed(0)  # dropout and id dropout draw from the global generator
        model = train(new_model(seed=11, id_dropout=0.2), flagship=False, steps=5)
        with torch.no_grad():
            results.append(model(batch).logits)

    assert torch.equal(results[0], results[1])


def test_loss_with_several_chosen_products_averages_over_them():
    model = new_model()
    batch, _, _ = customers(torch.Generator().manual_seed(4), 1, flagship=False)
    with torch.no_grad():
        output = model(batch)
    both = torch.zeros(1, PRODUCTS + 1)
    both[0, [3, 17]] = 1.0

    loss = intent_loss(output, both, association_weight=0.5)

    single = [intent_loss(output, torch.tensor([p]), association_weight=0.5) for p in (3, 17)]
    assert loss.item() == pytest.approx((single[0].item() + single[1].item()) / 2, rel=1e-5)


def test_loss_refuses_an_example_without_a_chosen_product():
    model = new_model()
    batch, _, _ = customers(torch.Generator().manual_seed(4), 2, flagship=False)
    with torch.no_grad():
        output = model(batch)
    targets = torch.zeros(2, PRODUCTS + 1)
    targets[0, 3] = 1.0

    with pytest.raises(ValueError, match="at least one target"):
        intent_loss(output, targets)


def test_rows_keep_the_most_recent_browsing_left_padded_and_apps_right_padded():
    config = small_config(max_browse=3, max_apps=2)
    rows = empty_rows(2)
    rows[0].update(
        browse_products=[1, 2, 3, 4, 5],
        browse_dwell=[1.0, 2.0, 3.0, 4.0, 5.0],
        browse_recency=[5.0, 4.0, 3.0, 2.0, 1.0],
        app_categories=[4, 2, 1],
        app_minutes=[90.0, 30.0, 5.0],
    )
    rows[1].update(browse_products=[7], browse_dwell=[9.0], browse_recency=[0.5])

    batch = IntentBatch.from_rows(rows, config)

    assert batch.browse_products.tolist() == [[3, 4, 5], [0, 0, 7]]
    assert batch.browse_dwell.tolist() == [[3.0, 4.0, 5.0], [0.0, 0.0, 9.0]]
    assert batch.app_categories.tolist() == [[4, 2], [0, 0]]
    assert batch.browse_mask.tolist() == [[True, True, True], [False, False, True]]


def test_rows_with_a_profile_vector_of_the_wrong_length_are_refused():
    rows = empty_rows(1)
    rows[0]["user_features"] = [0.0] * 5

    with pytest.raises(ValueError, match="user_features has 5 values, the model expects 3"):
        IntentBatch.from_rows(rows, small_config())


def test_product_of_a_category_added_after_training_is_scored_like_an_unknown_category(flagship_model):
    # Given a product 41 in category 5, which did not exist at training time, and product 42 with no category
    model = IntentNet(small_config(), seed=1)
    model.load_state_dict(flagship_model.state_dict())
    model.set_catalogue(*catalogue(extra_categories=(CATEGORIES + 1, 0)))
    model.eval()
    batch, _, _ = customers(torch.Generator().manual_seed(10), 5, flagship=True)

    with torch.no_grad():
        scores = model(batch).combined

    # Then the model accepts it and, knowing nothing of the category, scores it from its attributes alone
    assert model.config.n_categories == CATEGORIES + 1
    assert torch.allclose(scores[:, 41], scores[:, 42])


def test_a_catalogue_shorter_than_the_trained_one_is_refused():
    categories, attributes = catalogue()

    with pytest.raises(ValueError, match="the catalogue has 39 products; the model already knows 40"):
        new_model().set_catalogue(categories[:-1], attributes[:-1])


def test_sequence_mode_does_not_let_an_event_see_later_events():
    model = new_model()
    batch, _, _ = customers(torch.Generator().manual_seed(8), 4, flagship=False)
    changed = IntentBatch(**{**vars(batch), "browse_products": batch.browse_products.clone()})
    changed.browse_products[:, -1] = 40

    with torch.no_grad():
        before, _, _ = model.forward_sequence(batch)
        after, _, _ = model.forward_sequence(changed)

    assert torch.allclose(before[:, :-1], after[:, :-1], atol=1e-6)
    assert not torch.allclose(before[:, -1], after[:, -1])


def test_saved_model_loads_with_its_grown_catalogue_and_the_same_scores(tmp_path, flagship_model):
    model = IntentNet(small_config(), seed=1)
    model.load_state_dict(flagship_model.state_dict())
    model.set_catalogue(*catalogue(extra_categories=(1,)))
    model.eval()
    batch, _, _ = customers(torch.Generator().manual_seed(9), 5, flagship=True)
    path = tmp_path / "intentnet.pt"

    save_intentnet(model, path, {"version": 3})
    loaded, metadata = load_intentnet(path)

    assert metadata == {"version": 3}
    assert loaded.config.n_products == PRODUCTS + 1
    with torch.no_grad():
        assert torch.equal(loaded(batch).logits, model(batch).logits)


def test_a_file_of_another_format_is_refused(tmp_path):
    path = tmp_path / "other.pt"
    torch.save({"weights": torch.zeros(2)}, path)

    with pytest.raises(ValueError, match="not a salescard-intentnet-v2 file"):
        load_intentnet(path)


def test_history_prior_favours_the_viewed_product_then_its_category():
    model = IntentNet(small_config(), seed=0)
    model.set_catalogue(*catalogue())
    viewed, same_category, other_category = 3, 7, 15  # 3 and 7 are in category 1, 15 in category 2
    batch = IntentBatch.from_rows(
        [
            {
                "browse_products": [viewed, viewed],
                "browse_dwell": [120.0, 300.0],
                "browse_recency": [2.0, 1.0],
                "app_categories": [],
                "app_minutes": [],
                "user_features": [0.0, 0.0, 0.0],
            }
        ],
        model.config,
    )
    prior = model.history_prior(batch)[0]
    assert prior[viewed] > prior[same_category] > prior[other_category] == 0.0
    assert prior[0] == 0.0, "the padding column gets no prior"
    model.eval()
    with torch.no_grad():
        with_prior = model(batch)
        model.history_weights.zero_()
        model.train().eval()  # drop the cached product table, as any change of weights does in training
        without = model(batch)
    for scores, plain in (
        (with_prior.combined[0], without.combined[0]),
        (with_prior.logits[0, 1], without.logits[0, 1]),
    ):
        assert torch.allclose((scores - plain)[1:], prior[1:], atol=1e-5), "the prior is added to every score"
