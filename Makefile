# Civic: `make run` serves the app with demo data; `make test` runs linters and every test suite.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
APT := DEBIAN_FRONTEND=noninteractive apt-get
PYTEST := $(BIN)/pytest -p no:cacheprovider
REPORTS := var/test-reports
# The SQLite suite runs under coverage.py (settings in pyproject.toml) and `make test` prints the total.
# The PostgreSQL suite runs the same tests without it: coverage.py's tracer roughly doubles a suite's
# CPU time, and the figure would differ only by the few lines that branch on the database engine.
# `make test COVER=0` runs without coverage at all.
COVER ?= 1
COVERAGE := $(PY) -m coverage
ifeq ($(COVER),1)
COVERED_PYTEST := $(COVERAGE) run -m pytest -p no:cacheprovider
else
COVERED_PYTEST := $(PYTEST)
endif

.PHONY: run test lint translations messages typecheck coverage-erase test-sqlite test-postgresql test-browser suites-sqlite suites-others system-deps assets bench bench-signing bench-tally bench-pageweight bench-deps clean

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.run-deps: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.dev-deps: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.run-deps

# Message catalogues: civic/translations/<lang>/LC_MESSAGES/messages.po are kept in git; their compiled
# .mo files are built here (and ignored by git), so `make run` and `make test` always use what the .po
# says. The app reads a .po itself when its .mo is missing or older (a fresh clone without make).
PYBABEL := $(BIN)/pybabel
POT := civic/translations/messages.pot
BABEL_KEYWORDS := -k _l -k lazy_gettext -k lazy_pgettext:1c,2 -k lazy_ngettext:1,2 -k raw_gettext -k raw_ngettext:1,2 -k _plural:1,2

## translations: compile every catalogue (.po) to the .mo the app reads
translations: $(VENV)/.run-deps
	$(PYBABEL) compile --statistics -d civic/translations -D messages

## messages: extract every string into the template and update each catalogue (then translate, see README)
messages: $(VENV)/.run-deps
	$(PYBABEL) extract --no-location --sort-output --ignore-dirs='.* __pycache__ node_modules var' -F babel.cfg $(BABEL_KEYWORDS) --project=Civic -o $(POT) .
	$(PYBABEL) update --no-wrap --ignore-obsolete -i $(POT) -d civic/translations -D messages

## run: install, migrate, load demo data on first start, serve on http://127.0.0.1:8000
run: $(VENV)/.run-deps translations
	$(BIN)/civic migrate
	$(BIN)/civic demo load --if-empty
	$(BIN)/civic serve --host 127.0.0.1 --port 8000

## system-deps: Debian's PostgreSQL server and Chromium, when missing
system-deps:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! command -v chromium >/dev/null; then \
		$(APT) update -qq && $(APT) install -y -qq --no-install-recommends postgresql chromium >/dev/null; \
	fi

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

lint: $(VENV)/.dev-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.dev-deps
	$(BIN)/mypy

# Each suite's command, shared by its own target and by `make test`, which runs them side by side.
SQLITE_SUITE = CIVIC_TEST_ENGINE=sqlite $(COVERED_PYTEST) -m "not browser" -q --junitxml=$(REPORTS)/sqlite.xml
POSTGRESQL_SUITE = CIVIC_TEST_ENGINE=postgresql $(PYTEST) -m "not browser" -q --junitxml=$(REPORTS)/postgresql.xml
BROWSER_SUITE = CIVIC_TEST_ENGINE=sqlite $(PYTEST) -m browser -q --junitxml=$(REPORTS)/browser.xml
# A suite's lines carry its name when two run at once; pipefail keeps pytest's exit status.
LABELLED = set -o pipefail; $(1) 2>&1 | sed -u 's/^/[$(2)] /'

test-sqlite: $(VENV)/.dev-deps translations
	@mkdir -p $(REPORTS) var/coverage
	$(SQLITE_SUITE)

test-postgresql: $(VENV)/.dev-deps system-deps translations
	@mkdir -p $(REPORTS)
	$(POSTGRESQL_SUITE)

test-browser: $(VENV)/.dev-deps system-deps node_modules/.package-lock.json translations
	@mkdir -p $(REPORTS)
	$(BROWSER_SUITE)

coverage-erase: $(VENV)/.dev-deps
	@rm -rf var/coverage && mkdir -p var/coverage

# The two halves of `make test` once everything is installed: the SQLite suite (the longest, under
# coverage) beside the PostgreSQL suite and then the browser suite, one per core. Each suite has its
# own databases, servers and ports, so they share nothing but the reports folder.
suites-sqlite:
	@$(call LABELLED,$(SQLITE_SUITE),sqlite)

suites-others:
	@$(call LABELLED,$(POSTGRESQL_SUITE),postgresql)
	@$(call LABELLED,$(BROWSER_SUITE),browser)

## test: linters, type checks, the suite on SQLite (under coverage) beside the suite on PostgreSQL and the browser suite
test: lint typecheck coverage-erase system-deps node_modules/.package-lock.json translations
	@mkdir -p $(REPORTS) var/coverage
	@$(MAKE) --no-print-directory -j2 suites-sqlite suites-others
	@if [ "$(COVER)" = 1 ]; then $(COVERAGE) combine --quiet; fi
	@$(PY) -m tests.support.summary $(if $(filter 1,$(COVER)),--coverage "$$($(COVERAGE) report --format=total)") \
		$(REPORTS)/sqlite.xml $(REPORTS)/postgresql.xml $(REPORTS)/browser.xml

## assets: rebuild static/css/civic.css from static/scss (GOV.UK Frontend with a system font)
assets: node_modules/.package-lock.json
	npm run build:css

## bench-deps: Debian's wrk (the load generator bench/signing.py drives), when missing
bench-deps:
	@command -v wrk >/dev/null || { $(APT) update -qq && $(APT) install -y -qq --no-install-recommends wrk >/dev/null; }

## bench: the benchmarks under bench/ (print figures; run by hand); bench-signing, bench-tally or bench-pageweight runs one
bench: bench-signing bench-tally bench-pageweight

bench-signing: $(VENV)/.dev-deps bench-deps system-deps
	$(PY) bench/signing.py

bench-tally: $(VENV)/.dev-deps
	$(PY) bench/tally.py

bench-pageweight: $(VENV)/.dev-deps system-deps
	$(PY) bench/pageweight.py

clean:
	rm -rf $(VENV) node_modules var .mypy_cache .ruff_cache .hypothesis
