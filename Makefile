# Two commands do all set-up: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: install run test lint format openapi bench-health clean fuzz fuzz-ci

$(INSTALLED): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "crm-dq needs Python 3.11+")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

install: $(INSTALLED)

run: install
	$(BIN)/crm-dq serve

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/crm-dq openapi --check

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

openapi: install
	$(BIN)/crm-dq openapi

bench-health: install
	$(BIN)/python -m bench.healthz

clean:
	rm -rf $(VENV) .pgdata-test build *.egg-info

# Schemathesis against the live app, once per role (tests/fuzz). FUZZ_EXAMPLES / FUZZ_SEED
# tune the long run (with the coverage and stateful phases); fuzz-ci is the bounded, seeded
# run .ci/run uses (every role, fails on any finding).
FUZZ_EXAMPLES ?= 50
FUZZ_SEED ?= random

fuzz: install
	$(BIN)/python -m tests.fuzz --examples $(FUZZ_EXAMPLES) --seed $(FUZZ_SEED) \
		--phases examples,coverage,fuzzing,stateful --workers 2

fuzz-ci: install
	$(BIN)/python -m tests.fuzz --examples 3 --seed 20261126 --phases examples,fuzzing \
		-- --generation-database=none
