# The two commands: `make run` and `make test`. Everything installs into .venv on first use.
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PYTHON ?= python3

.PHONY: run test test-pg lint format install bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Serve the API on http://127.0.0.1:8000 (SQLite file coworkbill.db) with demo data.
run: install
	$(BIN)/coworkbill demo
	$(BIN)/coworkbill serve --host 127.0.0.1 --port 8000

## Lint, type-check and run the whole suite (SQLite unless COWORKBILL_TEST_DATABASE_URL is set).
test: install lint
	$(BIN)/pytest

## The suite again on PostgreSQL (what .ci/run does second).
test-pg: install
	COWORKBILL_TEST_DATABASE_URL=$${COWORKBILL_TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test} $(BIN)/pytest

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

format: install
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

BENCH_STAMP := $(VENV)/.bench-stamp

$(BENCH_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	touch $(BENCH_STAMP)

## Benchmark against a raw-ASGI floor with wrk (needs Debian's wrk: sudo apt-get install wrk).
## Defaults = the official conditions (PostgreSQL, 2 workers, 1,000,000 invoices, c=1,16,64);
## e.g. make bench BENCH_ARGS="--quick --db sqlite --workers 1"
bench: $(BENCH_STAMP)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) coworkbill.db coworkbill.db-wal coworkbill.db-shm coworkbill.db-writers .pytest_cache .mypy_cache .ruff_cache
