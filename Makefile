# Two entry points: `make demo` and `make test`. Both create/update .venv idempotently.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: demo test install install-dev lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Re-install only when the project's metadata changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(PIP) install -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

demo: install
	$(BIN)/empathic demo --out demo-output

lint: install-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports

test: install-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) demo-output .pytest_cache .ruff_cache build *.egg-info src/*.egg-info
