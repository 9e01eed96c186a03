# Two commands do all the set-up on a fresh Debian machine:
#   make run    install, compile translations, build assets, migrate SQLite, serve with gunicorn
#   make test   install system and development packages, run every test on SQLite, then the
#               database tests again on a throwaway PostgreSQL server
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# One gunicorn process with threads by default: rate-limit counts in the default RATELIMIT_STORAGE_URI
# (memory://) live in one process, and with several workers each would allow the whole limit (README,
# Configuration). With a shared store (redis://...) WORKERS defaults to 2; WORKERS=n overrides either way.
WORKERS ?= $(if $(filter memory://%,$(or $(RATELIMIT_STORAGE_URI),memory://)),1,2)
THREADS ?= 8
export FLASK_APP := benchmark.app

.PHONY: run cluster soak-cluster test test-sqlite test-postgres accessibility-statement system-deps install install-dev config translations assets db lint bench clean

run: install config translations assets db
	@echo ""
	@echo "  Settlement Digital Capacity Benchmark: http://$(HOST):$(PORT)/"
	@echo ""
	ASSETS_AUTO_BUILD=false $(BIN)/gunicorn --workers $(WORKERS) --worker-class gthread --threads $(THREADS) --bind $(HOST):$(PORT) --access-logfile - wsgi:app

# Several app servers on one machine (README, "Running several servers"): a throwaway PostgreSQL,
# Redis, two gunicorn servers (deploy/gunicorn.conf.py) and nginx (deploy/nginx.conf); prints the
# address; Ctrl-C stops everything. The system packages are installed when missing.
cluster: system-deps install translations assets
	ASSETS_AUTO_BUILD=false $(BIN)/python -m perf.cluster

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Stops with one line naming the variable when the environment holds a bad value (README, "Configuration").
config: install
	@$(BIN)/python -m benchmark.config

translations: install config
	$(BIN)/flask translate compile

assets: install config
	$(BIN)/flask assets build

db: install config
	$(BIN)/flask db upgrade

# The system packages the tests need, installed only when missing.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing="$$missing nginx-light"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	command -v valgrind >/dev/null || missing="$$missing valgrind"; \
	command -v gcc >/dev/null || missing="$$missing gcc"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

test: system-deps install-dev translations
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite:
	$(BIN)/python -m pytest -p no:cacheprovider

# Browser tests run in the SQLite pass only; the PostgreSQL pass reruns the database tests (-m db).
test-postgres:
	PYTEST="$(BIN)/python -m pytest -p no:cacheprovider -m db" scripts/with-postgres.sh

# Regenerate the committed data of the public accessibility statement (benchmark/data/accessibility.json):
# the accessibility tests, all of which must run and pass (CI=true: no skip). Other test runs write it
# to a temporary folder, and a test run that changes a tracked file fails (tests/conftest.py).
accessibility-statement: system-deps install-dev translations
	CI=true ACCESSIBILITY_STATEMENT_FILE=$(CURDIR)/benchmark/data/accessibility.json \
	  $(BIN)/python -m pytest -p no:cacheprovider tests/browser/test_accessibility.py

lint: install-dev
	$(BIN)/ruff check benchmark tests perf
	$(BIN)/ruff format --check benchmark tests perf
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python scripts/typography.py --quiet

# Benchmarks (perf/README.md): page throughput, then the data at 10k/100k/1M synthetic assessments on
# SQLite and a throwaway PostgreSQL, within about 20 minutes; writes perf/RESULTS.md.
bench: install-dev
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }
	scripts/with-postgres.sh $(BIN)/python -m perf.run

# Durability under kill -9 (perf/soak.py): 10 trials of about 20 s on SQLite, then on a throwaway
# PostgreSQL; gunicorn is SIGKILLed mid-load and restarted; writes perf/soak-results.json.
.PHONY: soak
soak: install-dev translations
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }
	$(BIN)/python -m perf.soak
	scripts/with-postgres.sh $(BIN)/python -m perf.soak --postgres

# The cluster under failure (perf/soak_cluster.py): 50 respondents through nginx while one app
# server is SIGKILLed and restarted, then Redis, then PostgreSQL (fast shutdown); TRIALS=10 by
# default; writes perf/soak-cluster.json.
TRIALS ?= 10
soak-cluster: system-deps install-dev translations assets
	$(BIN)/python -m perf.soak_cluster --trials $(TRIALS) --write

clean:
	rm -rf static/gen static/.webassets-cache translations/*/LC_MESSAGES/*.mo
