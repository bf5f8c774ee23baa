# The two commands of the README: `make run` and `make test`. Both set everything up on a fresh clone.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test test-quick install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test,fast,dask]'
	touch $(STAMP)

install: $(STAMP)

## run: the nightly flow over the project's own example FIT files (examples/), then where the reports are.
run: $(STAMP)
	$(VENV)/bin/sweatline nightly --config examples/sweatline.yaml
	@echo "open data/example/reports/index.html (every activity, newest first) or data/example/reports/*/report.html"

## test: the whole test suite (real Prefect server and headless Chromium included).
test: $(STAMP)
	$(PY) -m pytest

## test-quick: everything but the tests marked slow (real server, browser), for an edit-test loop.
test-quick: $(STAMP)
	$(PY) -m pytest -m "not slow"

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
