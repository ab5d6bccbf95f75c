# Two entry points: `make demo` and `make test`. Each creates the local virtual environment
# on first use; the only prerequisites are Python >= 3.11 and access to PyPI.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test test-spark lint bench bench-quick clean

$(STAMP): pyproject.toml setup.py src/credit_ledger/_kernels/_native.c plugins/credit-ledger-example/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	# the example plugin is installed as a third party would install it (not editable)
	$(BIN)/python -m pip install --quiet ./plugins/credit-ledger-example
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/credit-ledger demo

test: $(STAMP)
	$(BIN)/python -m pytest -q -m "not spark"
	cd plugins/credit-ledger-example && ../../$(BIN)/python -m pytest -q

# The Spark engine's tests (tests/spark): the [spark] extra and Java 17/21; .ci/run runs them.
test-spark: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[spark]"
	SPARK_LOCAL_IP=127.0.0.1 $(BIN)/python -m pytest -q -m spark

lint: $(STAMP)
	$(BIN)/ruff check src plugins tests benchmarks
	$(BIN)/ruff format --check src plugins tests benchmarks
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m benchmarks

bench-quick: $(STAMP)
	$(BIN)/python -m benchmarks --quick --out benchmarks/out

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
