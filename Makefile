# Тандем — the two commands of the README and a few helpers.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed

.PHONY: demo test lab sample clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## Set up and run the main jobs on the sample data in data/; results go to out/.
demo: $(STAMP)
	mkdir -p out
	$(BIN)/python -m matching run data/sample_district.xlsx --out out/tandems.xlsx

## Set up and run every test (pytest's "no tests collected" is a failure too).
test: $(STAMP)
	$(BIN)/python -m pytest

## Open JupyterLab on the notebooks.
lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

## Rebuild the sample data from its seeded generator.
sample: $(STAMP)
	$(BIN)/python data/make_sample.py

clean:
	rm -rf out .pytest_cache
