"""Integration tests need the real services that ``make test`` starts (scripts/with-services.sh).

Outside ``make test`` they skip with a message; with ``CI=true`` a missing service fails instead.
"""

from __future__ import annotations

import pytest
from django.conf import settings

from tests import needs


@pytest.fixture(autouse=True)
def _require_real_services() -> None:
    missing = []
    if not settings.REDIS_URL:
        missing.append("REDIS_URL (Redis)")
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        missing.append("DATABASE_URL (PostgreSQL)")
    if missing:
        needs.missing(f"integration tests need {', '.join(missing)}; run them through `make test`")
