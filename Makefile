# The two commands of the README: `make run` and `make test`. Both set everything up on a fresh clone.
# Dependencies come from two locks with exact versions and hashes (`make lock` writes both):
# requirements-run.lock (the runtime and the optional fast decoder: what `make run` needs) and
# requirements.lock (everything, the test and Dask extras included: what `make test` needs),
# installed with uv where it can be had (installed into build/uv by pip; fast, cached), with pip otherwise.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
RUN_STAMP := $(VENV)/.installed-run-stamp
COMPILED := $(VENV)/.compiled-stamp
LOCK   := requirements.lock
RUN_LOCK := requirements-run.lock
UV_DIR := build/uv
UV     := $(UV_DIR)/bin/uv
EXTRAS := --extra test --extra fast --extra dask

.PHONY: run test test-quick install lock clean

# install LOCK into the venv, then the project itself (editable, no dependencies of its own).
define install_lock
	@if { [ -x $(UV) ] || $(PYTHON) -m pip install --quiet --disable-pip-version-check --target $(UV_DIR) uv >/dev/null 2>&1; } && \
	    echo "installing $(1) with uv" && \
	    $(UV) venv --quiet --allow-existing --python $(PYTHON) $(VENV) && \
	    $(UV) pip install --quiet --python $(PY) --require-hashes -r $(1) && \
	    $(UV) pip install --quiet --python $(PY) --no-deps -e . ; then :; \
	else \
	    echo "installing $(1) with pip (uv not available)"; \
	    { [ -x $(PY) ] || $(PYTHON) -m venv $(VENV); } && \
	    $(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r $(1) && \
	    $(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e . ; \
	fi
endef

$(STAMP): pyproject.toml $(LOCK)
	$(call install_lock,$(LOCK))
	touch $(STAMP) $(RUN_STAMP)

# `make run` alone installs the runtime lock only (a venv that already has the full lock is kept).
$(RUN_STAMP): pyproject.toml $(RUN_LOCK)
	$(call install_lock,$(RUN_LOCK))
	touch $(RUN_STAMP)

install: $(STAMP)

## lock: re-resolve pyproject.toml's dependencies to their newest allowed versions into both locks
## (with hashes); then `make test`, and commit the locks with the change that needed them. To add one
## package without upgrading the others, run the two compile lines without --upgrade.
lock:
	[ -x $(UV) ] || $(PYTHON) -m pip install --quiet --disable-pip-version-check --target $(UV_DIR) uv
	$(UV) pip compile pyproject.toml $(EXTRAS) --universal --python-version 3.11 --generate-hashes --upgrade -o $(LOCK)
	$(UV) pip compile pyproject.toml --extra fast --universal --python-version 3.11 --generate-hashes --upgrade -o $(RUN_LOCK)

## run: the nightly flow over the project's own example FIT files (examples/), then where the reports are.
run: $(RUN_STAMP)
	$(VENV)/bin/sweatline nightly --config examples/sweatline.yaml
	@echo "open data/example/reports/index.html (every activity, newest first) or data/example/reports/*/report.html"

## Byte-compile the venv and the project once, for the test suite: where PYTHONDONTWRITEBYTECODE is
## set (as on our CI machines), every one of the suite's hundreds of `sweatline` processes would
## otherwise compile Prefect, pandas and pydantic from source (4 s against 12 s to import them,
## measured). Packages' own test folders are left out. `make run` skips it: one run compiles less.
## A file a package ships for newer Pythons only (whenever/_typing_312.py) does not compile: ignored.
$(COMPILED): $(STAMP)
	$(PY) -m compileall -q -j 0 -x '/tests?/' $$($(PY) -c 'import sysconfig; print(sysconfig.get_path("purelib"))') pipeline flows tools >/dev/null 2>&1 || true
	touch $(COMPILED)

## test: lint (ruff: pyflakes, isort, bugbear) and type-check (mypy) pipeline/ and flows/, then the
## whole test suite (real Prefect server and headless Chromium included) on one worker more than the
## machine has processors, at most 4 (pytest-xdist; each worker has its own Prefect server): many tests
## wait on a server, a schedule or a subprocess, for the extra worker to use (measured: docs/performance.md).
## A test file goes to one worker whole (its module fixtures made once), files in collection order
## (tests/conftest.py puts the slow ones first), the next file to whichever worker is free.
TEST_WORKERS ?= $(shell $(PYTHON) -c 'import os; print(min((os.cpu_count() or 1) + 1, 4))')
test: $(COMPILED)
	$(VENV)/bin/ruff check pipeline flows
	$(VENV)/bin/mypy
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

## test-quick: everything but the tests marked slow (real server, browser), for an edit-test loop.
test-quick: $(COMPILED)
	$(PY) -m pytest -m "not slow"

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
