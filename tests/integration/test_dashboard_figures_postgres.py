"""The managers' dashboard figures on PostgreSQL: the same hand-counted world and assertions as the SQLite tests
(tests/salescard/test_dashboard_figures.py), since the JSON lookups, duration arithmetic and date truncation are
written by each database's own backend."""

from __future__ import annotations

import pytest

from tests.dashboard_world import world  # noqa: F401 (the fixture)
from tests.salescard.test_dashboard_figures import *  # noqa: F403 (the tests)

pytestmark = [pytest.mark.integration, pytest.mark.django_db, pytest.mark.usefixtures("english")]
