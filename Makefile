# SalesCard — the two commands: `make run` and `make test`. See README.md.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format run-distributed setup prepare setup-dev messages clean vendor

# --- Set-up (virtual environment with the pinned requirements) -----------------------------------
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	# openai-whisper without its triton dependency (GPU kernels); its other dependencies are in requirements.txt.
	$(BIN)/pip install -q --no-deps openai-whisper==20250625
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

# Written once, never overwritten: DEBUG off, a generated SECRET_KEY, the local host names (scripts/write-env.py).
.env:
	$(PYTHON) scripts/write-env.py --host $(HOST)

# The pages' front-end: three.js with the avatar code, Chart.js with the dashboard code, bundled by esbuild (npm packages from package-lock.json).
VENDOR := static/vendor/salescard/avatar.js
$(VENDOR): package.json package-lock.json frontend/avatar.js frontend/dashboard.js
	npm ci --no-audit --no-fund --loglevel=error
	npm run --silent build

vendor: $(VENDOR)

setup: $(VENV)/.runtime .env $(VENDOR)
	scripts/system-deps.sh espeak ffmpeg
	$(MAKE) --no-print-directory prepare

# Database, static files, demo data and first models for whichever database the environment names: numbered steps,
# each with its approximate first-time duration and the time left (scripts/prepare.py), then how long it took.
prepare:
	$(BIN)/python scripts/prepare.py --base-url http://$(HOST):$(PORT)

setup-dev: $(VENV)/.dev

# --- The embedded default: one Daphne process, SQLite, in-memory channel layer, eager Celery -------
# DEBUG is off (.env): static files through whitenoise from collectstatic's folder, the product's error pages.
# Daphne's own access log (stdout, past the logging system) would print every card and sidebar token: --verbosity 0
# turns it off, and the project writes a redacted access log instead (salescard/log_redaction.py).
run: setup
	@echo "SalesCard on http://$(HOST):$(PORT)/admin/"
	$(BIN)/daphne -b $(HOST) -p $(PORT) --verbosity 0 salescard.asgi:application

# --- Tests: lint, unit + e2e on the embedded default, then integration on real PostgreSQL + Redis --
test: setup-dev $(VENDOR)
	scripts/system-deps.sh redis postgresql chromium espeak ffmpeg
	scripts/run-tests.sh

lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# --- Distributed: Daphne, one Celery worker per queue and Celery beat against REDIS_URL / DATABASE_URL -----
run-distributed: $(VENV)/.runtime .env $(VENDOR)
	@test -n "$$REDIS_URL" || grep -q '^REDIS_URL=.\+' .env || { echo "Set REDIS_URL (and DATABASE_URL) first"; exit 1; }
	$(MAKE) --no-print-directory prepare
	$(BIN)/celery -A salescard worker -Q default,inference -c 2 -n inference@%h -l info & \
	$(BIN)/celery -A salescard worker -Q speech -c 1 -n speech@%h -l info & \
	$(BIN)/celery -A salescard worker -Q training -c 1 -n training@%h -l info & \
	$(BIN)/celery -A salescard beat -s var/celerybeat-schedule -l info & \
	trap 'kill 0' INT TERM EXIT; \
	$(BIN)/daphne -b $(HOST) -p $(PORT) --verbosity 0 salescard.asgi:application

messages: setup-dev
	$(MANAGE) makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=var --ignore=tests --ignore=bench --ignore=static/vendor
	$(BIN)/python scripts/derive-hant-catalogue.py
	$(MANAGE) compilemessages -l zh_Hans -l zh_Hant --ignore=.venv

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache node_modules static/vendor
