#!/usr/bin/env bash
# The whole suite: lint, then unit + e2e tests on the embedded default (SQLite, in-memory channel
# layer, eager Celery), then the integration tests against real PostgreSQL and Redis started here.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

# Tests never read a developer's .env: the environment below is the whole configuration.
export ENV_FILE= DEBUG=true DJANGO_SETTINGS_MODULE=salescard.settings
unset DATABASE_URL REDIS_URL

echo "== lint"
$BIN/ruff check .
$BIN/ruff format --check .

echo "== unit and e2e tests (embedded default)"
$BIN/pytest -m "not integration" "$@"

echo "== integration tests (PostgreSQL + Redis + Celery worker + Daphne)"
scripts/with-services.sh $BIN/pytest -m integration "$@"
