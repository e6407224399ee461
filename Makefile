# complaintdesk — `make run` serves the demo, `make test` runs the whole suite.
# Both set up everything they need on a fresh machine: the virtualenv, Python packages,
# vendored front-end assets (from the npm registry) and, for tests, Debian's Chromium.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
BIND ?= 127.0.0.1:8000
# The suite runs on every core (pytest-xdist), at most four workers: each loads the model.
PYTEST_ARGS ?= -n auto --maxprocesses=4

.PHONY: run test lint setup assets system-test-deps migrate demo serve clean

run: setup
	$(PY) -m complaintdesk migrate --no-input -v 1
	$(PY) -m complaintdesk setup --industry telecom
	$(PY) -m complaintdesk demo
	$(PY) -m complaintdesk collectstatic --no-input -v 0
	$(PY) -m complaintdesk serve --bind $(BIND)

test: setup system-test-deps
	$(PY) -m pytest $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy complaintdesk
	$(PY) -m complaintdesk makemigrations --check --dry-run

setup: $(STAMP) assets

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

assets:
	bash scripts/vendor-assets.sh

# Browser tests drive Debian's Chromium; Playwright's own browser download is not used.
system-test-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache complaintdesk/static/vendor
