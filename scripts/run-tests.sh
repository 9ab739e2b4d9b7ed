#!/usr/bin/env bash
# The whole suite: lint, then unit + e2e tests on the embedded default (SQLite, in-memory channel
# layer, eager Celery), then the integration tests against real PostgreSQL and Redis started here.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

# Tests never read a developer's .env: the environment below is the whole configuration.
export ENV_FILE= DEBUG=true DJANGO_SETTINGS_MODULE=salescard.settings
unset DATABASE_URL REDIS_URL

# A stage fails when a process it started (a server a test did not stop, a daemonised Redis, a browser) is still
# running after it; such leftovers are printed and stopped (scripts/no-leftovers.py).
stage() {
  local name=$1
  shift
  echo "== $name"
  python3 scripts/no-leftovers.py "$name" "$@"
}

echo "== lint"
$BIN/ruff check .
$BIN/ruff format --check .

stage "unit and e2e tests (embedded default)" $BIN/pytest -m "not integration" "$@"
stage "integration tests (PostgreSQL + Redis + Celery worker + Daphne)" \
  scripts/with-services.sh $BIN/pytest -m integration "$@"
