# Тандем — the two commands of the README and a few helpers.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed

.PHONY: demo test lab sample bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## Set up and run the main jobs on the sample data in data/; results go to out/.
demo: $(STAMP)
	mkdir -p out
	$(BIN)/python -m matching run data/sample_district.xlsx --out out/tandems.xlsx
	$(BIN)/python -m contest sheets data/contests/pedagogical_duet.yaml data/contests/pedagogical_duet_people.xlsx --out out/contest_sheets
	$(BIN)/python -m contest results data/contests/pedagogical_duet.yaml data/contests/pedagogical_duet_people.xlsx data/contests/pedagogical_duet_sheets --adjustments data/contests/pedagogical_duet_adjustments.csv --out out/protocol_duet.xlsx --public out/public_duet.xlsx
	$(BIN)/python -m contest results data/contests/best_practices.yaml data/contests/best_practices_people.xlsx data/contests/best_practices_scores.csv --out out/protocol_practices.xlsx
	$(BIN)/python -m contest entries data/sample_register.xlsx data/sample_district.xlsx --jury data/contests/best_tandem_people.xlsx --out out/best_tandem_entries.xlsx --on 2026-11-16
	$(BIN)/python -m contest results data/contests/best_tandem.yaml data/contests/best_tandem_people.xlsx data/contests/best_tandem_scores.csv --out out/protocol_best_tandem.xlsx --docx out/protocol_best_tandem.docx
	$(BIN)/python -m contest results data/contests/practices_by_nomination.yaml data/contests/practices_by_nomination_people.xlsx data/contests/practices_by_nomination_scores.csv --out out/protocol_practices_nominations.xlsx --docx out/protocol_practices_nominations.docx
	$(BIN)/python -m contest results data/contests/practices_reconcile.yaml data/contests/practices_by_nomination_people.xlsx data/contests/practices_by_nomination_scores.csv --reconciliation data/contests/practices_reconcile_decisions.csv --out out/protocol_practices_reconcile.xlsx
	$(BIN)/python -m mentoring documents data/sample_register.xlsx data/sample_district.xlsx --out out/documents --on 2026-10-01
	$(BIN)/python -m mentoring rematch data/sample_district_2027-01.xlsx --register data/sample_register.xlsx --on 2027-01-15 --out out/rematch_january.xlsx
	$(BIN)/python -m mentoring diagnosis map data/sample_district.xlsx --out out/deficit_map
	$(BIN)/python -m mentoring report data/sample_register.xlsx data/sample_district.xlsx --on 2026-12-31 --out out/report_december

## Set up and run every test (pytest's "no tests collected" is a failure too); lint and format first.
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

## Open JupyterLab on the notebooks.
lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

## The app for people who do not program: Voilà on this computer only (127.0.0.1),
## code and tracebacks hidden; the start page links the three workflows. Voilà reads
## voila.json from this directory: every page has a kernel started and its notebook run
## in advance, so a page is usable as soon as the browser has drawn it. The page template
## «tandem» (share/jupyter/voila/templates/) is Voilà's «lab» page with the icon font served
## by the app instead of a CDN: the app asks nothing of the internet.
APP_PORT ?= 8866
.PHONY: app
app: $(STAMP)
	@echo "Приложение: http://127.0.0.1:$(APP_PORT)/voila/render/00_start.ipynb (остановить: Ctrl+C)"
	JUPYTER_PATH=$(CURDIR)/share/jupyter $(BIN)/voila notebooks/ --template=tandem \
		--Voila.ip=127.0.0.1 --port=$(APP_PORT) --show_tracebacks=False --strip_sources=True

## Rebuild the sample data from its seeded generator.
sample: $(STAMP)
	$(BIN)/python data/make_sample.py
	$(BIN)/python data/contests/make_samples.py
	$(BIN)/python data/make_sample_register.py

## Speed, quality and memory against baselines (not part of the tests); the table goes to
## benchmarks/results/. QUICK=1 skips the region, the CLI run and the scaling series.
## The hospital–resident baseline (PyPI "matching", same import name as our package)
## gets its own virtualenv.
HR_VERSION := 1.4.3
HR_VENV    := benchmarks/.hr-venv
HR_STAMP   := $(HR_VENV)/.installed-$(HR_VERSION)

$(HR_STAMP):
	test -x $(HR_VENV)/bin/python || $(PY) -m venv $(HR_VENV)
	$(HR_VENV)/bin/python -m pip install --quiet 'matching==$(HR_VERSION)'
	touch $(HR_STAMP)

bench: $(STAMP) $(HR_STAMP)
	$(BIN)/python benchmarks/matching_bench.py --hr-python $(HR_VENV)/bin/python $(if $(QUICK),--quick)
	$(BIN)/python benchmarks/contest_scale.py

clean:
	rm -rf out .pytest_cache
