# Developer entry points: setup, run, test, lint. The virtualenv lives in .venv.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Re-install only when pyproject.toml changes; the stamp records the last install.
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
RUN_ARGS ?=

.PHONY: setup system-deps run test lint

setup: $(STAMP) system-deps

system-deps:
	bash scripts/system-deps.sh

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -e '.[dev]'
	touch $@

run: setup
	$(BIN)/reelforge run $(RUN_ARGS)

test: setup
	$(BIN)/pytest -q $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check backend tests
	$(BIN)/mypy
