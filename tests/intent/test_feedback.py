"""Feedback (X2): every signal is kept for retraining; rejections demote the product at once."""

from __future__ import annotations

import pytest

from intent.feedback import demoted_products, record_feedback, waiting_examples
from tests.factories import CustomerFactory, ProductFactory

pytestmark = pytest.mark.django_db


def test_rejected_product_is_demoted_for_that_customer_only() -> None:
    customer, other = CustomerFactory(), CustomerFactory()
    sofa = ProductFactory()
    record_feedback(customer, sofa, "rejected", "card", note="太贵了")
    assert demoted_products(customer) == {sofa.pk}
    assert demoted_products(other) == set()


def test_later_interest_lifts_the_demotion() -> None:
    customer, sofa = CustomerFactory(), ProductFactory()
    record_feedback(customer, sofa, "dissatisfied", "branch")
    record_feedback(customer, sofa, "interested", "call")
    assert demoted_products(customer) == set()


def test_a_rejection_older_than_the_demotion_window_no_longer_counts_and_a_batch_answers_everyone() -> None:
    import datetime

    from django.utils import timezone

    from intent.feedback import DEMOTION_DAYS, demoted_products_of

    customer, other, silent = CustomerFactory(), CustomerFactory(), CustomerFactory()
    old, recent = ProductFactory(), ProductFactory()
    stale = record_feedback(customer, old, "rejected", "card")
    stale.created_at = timezone.now() - datetime.timedelta(days=DEMOTION_DAYS + 1)
    stale.save(update_fields=["created_at"])
    record_feedback(customer, recent, "rejected", "card")
    record_feedback(other, old, "dissatisfied", "call")
    assert demoted_products_of([customer.pk, other.pk, silent.pk]) == {
        customer.pk: {recent.pk},
        other.pk: {old.pk},
        silent.pk: set(),
    }
    assert demoted_products_of([]) == {}


def test_every_signal_waits_as_a_training_example() -> None:
    customer, sofa = CustomerFactory(), ProductFactory()
    for signal in ("rejected", "interested", "purchased"):
        record_feedback(customer, sofa, signal, "staff")
    assert waiting_examples() == 3


@pytest.mark.parametrize(("signal", "source"), [("hate", "card"), ("rejected", "fax")])
def test_unknown_signal_or_source_is_refused_and_nothing_is_stored(signal, source) -> None:
    with pytest.raises(ValueError, match="Unknown feedback"):
        record_feedback(CustomerFactory(), ProductFactory(), signal, source)
    assert waiting_examples() == 0
