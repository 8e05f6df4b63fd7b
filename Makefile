# Developer entry points: setup, run, test, lint. The virtualenv lives in .venv.
# `make run` installs only what running needs; `make test` adds the dev tools and Chromium.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Re-install only when pyproject.toml changes; the stamps record the last installs.
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev
PYTEST_ARGS ?=
RUN_ARGS ?=

.PHONY: setup setup-run system-deps run-deps run test lint

setup: $(STAMP_DEV) system-deps

setup-run: $(STAMP_RUN) run-deps

# espeak-ng (the offline voice), Chromium and axe-core (the dashboard's browser tests)
system-deps:
	bash scripts/system-deps.sh
	$(PYTHON) scripts/axe-core.py

# espeak-ng only: the browser is for the tests
run-deps:
	REELFORGE_SKIP_BROWSER=1 bash scripts/system-deps.sh

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP_RUN): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --disable-pip-version-check -q -e .
	touch $@

$(STAMP_DEV): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --disable-pip-version-check -q -e '.[dev]'
	touch $@ $(STAMP_RUN)

run: setup-run
	$(BIN)/reelforge run $(RUN_ARGS)

test: setup
	$(BIN)/pytest -q $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check backend tests benchmarks celeryconfig.py
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
