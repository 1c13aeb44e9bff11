# The README's two commands: `make demo` and `make test`.
# Each creates .venv/ in the repository root if absent, installs the project into it, then runs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.calc-installed

.PHONY: demo test bench jupyter docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,notebooks,plots,xlsx]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/calc run scenarios/*.yaml

# calc's bytecode is compiled first, as an installed package has it: the tests start calc in fresh
# processes, which would otherwise each compile it again where PYTHONDONTWRITEBYTECODE is set.
# pytest-xdist runs the tests on every core (each worker keeps its own cache folder: conftest.py).
test: $(STAMP)
	$(BIN)/python -m compileall -q calc
	$(BIN)/python -m pytest -q -n auto

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/run.py

jupyter: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[jupyter]'
	$(BIN)/jupyter lab notebooks/

docs: $(STAMP)
	$(BIN)/python -m calc.output.docs

clean:
	rm -rf $(VENV) build *.egg-info
