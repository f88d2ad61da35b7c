# The two commands a newcomer needs are `make serve` and `make test`; `make check` adds lint
# and types. Everything installs into .venv from the package registries.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
SIZE ?= 10k
HOST ?= 127.0.0.1
PORT ?= 8080

.PHONY: serve test check lint types bench bench-load browser engines clean

$(BIN)/chava: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[test]'
	touch $@

serve: $(BIN)/chava
	$(BIN)/chava serve --host $(HOST) --port $(PORT)

# Headless Chromium for the browser tests: Debian's package, never a downloaded build.
browser:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium missing: install Debian's 'chromium' package for the browser tests"; fi; }

# Virtuoso 7 for the engine tests: Debian's package, started by the tests on their own ports.
engines:
	@command -v virtuoso-t >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      --no-install-recommends virtuoso-opensource >/dev/null; \
	  else echo "virtuoso-t missing: install Debian's 'virtuoso-opensource' for the engine tests"; fi; }

test: $(BIN)/chava browser engines
	$(BIN)/pytest

lint: $(BIN)/chava
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

types: $(BIN)/chava
	$(BIN)/mypy

check: lint types test

bench: $(BIN)/chava
	$(BIN)/python benchmarks/run.py --size $(SIZE)

bench-load: $(BIN)/chava
	$(BIN)/python benchmarks/hostile.py --size $(SIZE)

clean:
	rm -rf $(VENV) build .mypy_cache .ruff_cache .pytest_cache
