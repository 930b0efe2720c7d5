# rolegate — every target works on a fresh machine with only Python 3.11+.
PYTHON ?= python3
VENV := .venv
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.8
RUN := $(UV) run --frozen --no-sync

.PHONY: install demo test test-security bench lint format typecheck clean

# A stamp keyed on the lock file: re-syncs only when dependencies change.
$(VENV)/.synced: uv.lock pyproject.toml
	@test -x $(UV) || { $(PYTHON) -m venv $(VENV) && $(VENV)/bin/pip install -q uv==$(UV_VERSION); }
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --frozen --python $(VENV)/bin/python
	@touch $@

install: $(VENV)/.synced

demo: install
	$(RUN) rolegate demo

test: install
	$(RUN) pytest -n auto -q

# The attack suite alone (it is part of `make test` too): tests/security, issue 10.
test-security: install
	$(RUN) pytest -n auto -q tests/security

bench: install
	$(RUN) python bench/policy_eval.py
	$(RUN) python bench/sigv4_verify.py
	$(RUN) python bench/wildcard_bench.py
	$(RUN) python bench/endpoint_bench.py
	$(RUN) python bench/endpoint_bench.py --workers 2
	$(RUN) python bench/s3_bench.py
	$(RUN) python bench/batch_bench.py
	$(RUN) python bench/source_bench.py

lint: install
	$(RUN) ruff check src tests bench
	$(RUN) ruff format --check src tests bench
	$(RUN) lint-imports
	$(RUN) mypy

format: install
	$(RUN) ruff format src tests bench
	$(RUN) ruff check --fix src tests bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis
