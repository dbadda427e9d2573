# Parcours Friches — set-up, run and test on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
DSFR := node_modules/@gouvfr/dsfr/dist
VENDOR := app/static/vendor

.PHONY: help setup check-pdf run test test-fast test-postgres lint fmt bench lock

## help: list the targets
help:
	@grep -E '^## ' $(MAKEFILE_LIST) | sed 's/^## /  /'

## setup: virtualenv + Python deps, npm deps, local copy of the front-end assets (idempotent)
setup: $(VENV)/.installed node_modules/.installed $(VENDOR)/.installed $(VENDOR)/.built check-pdf

# The council summary PDF (WeasyPrint) needs Pango and HarfBuzz from the system.
PDF_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
check-pdf: $(VENV)/.installed
	@$(BIN)/python -c 'import weasyprint' 2>/dev/null || { \
	  echo "WeasyPrint (synthèse PDF) ne trouve pas ses bibliothèques système (Pango, HarfBuzz)."; \
	  echo "Sous Debian ou Ubuntu : sudo apt-get install $(PDF_DEBS)"; exit 1; }

# Exact versions and hashes from requirements.lock (regenerate with `make lock`), then the
# project itself without resolving anything again.
$(VENV)/.installed: pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 est requis")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

## lock: pin every Python dependency (runtime and test) with its hashes in requirements.lock
lock:
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --allow-unsafe --extra test --generate-hashes --no-emit-index-url --no-emit-find-links --strip-extras -o requirements.lock pyproject.toml

node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

# Only what pages use is copied from the 88 MB DSFR package (see docs/architecture.md).
$(VENDOR)/.installed: node_modules/.installed Makefile
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/dsfr/utility/icons
	cp $(DSFR)/dsfr.min.css $(DSFR)/dsfr.module.min.js $(DSFR)/dsfr.nomodule.min.js $(VENDOR)/dsfr/
	cp $(DSFR)/utility/icons/icons.min.css $(VENDOR)/dsfr/utility/icons/
	cp -r $(DSFR)/fonts $(DSFR)/icons $(DSFR)/favicon $(DSFR)/artwork $(VENDOR)/dsfr/
	mkdir -p $(VENDOR)/leaflet && cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css node_modules/leaflet/dist/images $(VENDOR)/leaflet/
	touch $@

# The DSFR components and icons the pages use (dsfr.subset.min.css, icons.subset.min.css), then
# Brotli and gzip twins of every static file (app/assets_build.py; fails on an unknown icon).
# Rebuilt whenever a template, script, stylesheet or Python file changes.
ASSET_SOURCES := $(shell find app/templates app/static/js app/static/css -type f ! -name '*.gz' ! -name '*.br' 2>/dev/null) $(shell find app -name '*.py' -not -path '*/vendor/*' 2>/dev/null)
$(VENDOR)/.built: $(VENV)/.installed $(VENDOR)/.installed $(ASSET_SOURCES)
	$(BIN)/python -m app.assets_build
	touch $@

## run: serve the service on http://127.0.0.1:5000 with the embedded SQLite database, and its task worker
run: setup
	$(FLASK) db upgrade
	$(FLASK) content check
	$(FLASK) worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port 5000

## test: lint (below), then the whole suite (SQLite by default; PostgreSQL when TEST_DATABASE_URL is set)
test: lint
	$(BIN)/pytest

## test-fast: the suite without the real-browser tests
test-fast: setup
	$(BIN)/pytest -m "not browser"

## test-postgres: the whole suite on the local PostgreSQL (127.0.0.1:5432, database test)
test-postgres: setup
	TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test $(MAKE) test

## lint: ruff (with the complexity gate C90 ≤ 15), ruff format --check, mypy on app/engine and app/geo, djlint on the templates, check-yaml (the hooks of .pre-commit-config.yaml)
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/djlint app/templates --lint
	git ls-files -z '*.yaml' '*.yml' | xargs -0 $(BIN)/check-yaml

## fmt: format the code and fix what the linter can fix
fmt: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## bench: every benchmark script (figures go in docs/benchmarks.md)
bench: setup
	for script in bench/*_bench.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done
