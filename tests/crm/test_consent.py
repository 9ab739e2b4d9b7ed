"""crm/consent.py: the latest decision per purpose counts; no decision means no consent."""

from __future__ import annotations

import pytest

from crm.consent import customers_with_consent, record_consent
from crm.models import Consent
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

USAGE = Consent.Purpose.USAGE_DATA


def test_the_latest_decision_counts_per_customer_and_purpose() -> None:
    granted, withdrawn, undecided, other_purpose = (CustomerFactory() for _ in range(4))
    record_consent(granted, USAGE, True)
    record_consent(withdrawn, USAGE, True)
    record_consent(withdrawn, USAGE, False)
    record_consent(other_purpose, Consent.Purpose.CONTACT, True)
    ids = [c.pk for c in (granted, withdrawn, undecided, other_purpose)]
    assert customers_with_consent(ids, USAGE) == {granted.pk}
    record_consent(withdrawn, USAGE, True)
    assert customers_with_consent(ids, USAGE) == {granted.pk, withdrawn.pk}
    assert customers_with_consent([], USAGE) == set()
