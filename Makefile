# The two commands a newcomer needs are `make serve` and `make test`; `make check` adds lint
# and types. Everything installs into .venv from the package registries: `make serve` only what
# serving needs, `make test` and `make check` the test and development tools too.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
DEV := $(VENV)/.dev-installed
SIZE ?= 10k
# The suite runs on this many processes (pytest-xdist, one test file per process at a time):
# one a CPU, at most 4. `make test TEST_JOBS=1` runs it in one process.
TEST_JOBS ?= $(shell n=$$(nproc 2>/dev/null || echo 1); echo $$(( n > 4 ? 4 : n )))
# `make serve PORT=9000 HOST=0.0.0.0`; without them the settings decide (CHAVA_PORT,
# CHAVA_HOST, chava.toml; default 127.0.0.1:8080). Only command-line values count: a HOST or
# PORT variable some shells export for other purposes is not taken for ours.
SERVE_OPTIONS := $(if $(filter command line,$(origin HOST)),--host $(HOST)) \
	$(if $(filter command line,$(origin PORT)),--port $(PORT))

.PHONY: serve dev test check lint types bench bench-load browser engines docs clean

$(BIN)/chava: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e .
	@# An editable install gets no bytecode from pip: written here, so a start never compiles
	@# chava's source (0.6 s of `chava serve`'s start where PYTHONDONTWRITEBYTECODE is set).
	$(BIN)/python -m compileall -q src >/dev/null
	touch $@

# The test suite, the linters, the type checker and the documentation site's builder.
$(DEV): $(BIN)/chava
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $@

dev: $(DEV)

serve: $(BIN)/chava
	$(BIN)/chava serve $(SERVE_OPTIONS)

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

test: $(DEV) browser engines
	$(BIN)/pytest --numprocesses $(TEST_JOBS) --dist loadfile

lint: $(DEV)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

types: $(DEV)
	$(BIN)/mypy

check: lint types test

# The documentation site (docs/, mkdocs.yml) into site/; the test suite builds it too.
docs: $(DEV)
	$(BIN)/mkdocs build --strict

bench: $(DEV)
	$(BIN)/python benchmarks/run.py --size $(SIZE)

bench-load: $(DEV)
	$(BIN)/python benchmarks/hostile.py --size $(SIZE)

clean:
	rm -rf $(VENV) build site .mypy_cache .ruff_cache .pytest_cache
