# Restful Plate: two commands for a newcomer, `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium
# pytest-xdist processes for `make test` (auto: one per core; 0: the whole suite in one process).
PYTEST_WORKERS ?= auto

.PHONY: run test install install-test migrate fixtures chromium wrk weasyprint-libs lint bench worker clean

$(VENV)/bin/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed weasyprint-libs

# WeasyPrint (the plan handouts' PDFs, practice/handouts.py) loads Pango, HarfBuzz and fontconfig at run time, and
# the handout names the DejaVu fonts (real, embedded text); install them when missing, like Chromium (CI is root).
WEASYPRINT_LIBS := libgobject-2.0.so.0 libpango-1.0.so.0 libpangoft2-1.0.so.0 libharfbuzz.so.0 \
  libharfbuzz-subset.so.0 libfontconfig.so.1
WEASYPRINT_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 \
  fonts-dejavu-core
LDCONFIG ?= $(shell command -v ldconfig || echo /sbin/ldconfig)
weasyprint-libs:
	@missing=""; \
	for lib in $(WEASYPRINT_LIBS); do $(LDCONFIG) -p | grep -q "$$lib" || missing="$$missing $$lib"; done; \
	[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing="$$missing fonts-dejavu-core"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing WeasyPrint's system libraries (missing:$$missing)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(WEASYPRINT_DEBS) >/dev/null; \
	  else \
	    echo "WeasyPrint's system libraries are missing ($$missing): run 'sudo apt-get install -y $(WEASYPRINT_DEBS)'"; \
	    exit 1; \
	  fi; \
	fi

# axe-core for the accessibility walk in tests/browser (package.json pins it; npm ci installs exactly the lock).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install-test: $(VENV)/.installed-test node_modules/.installed weasyprint-libs

migrate: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable

# The curated fixtures, in bulk (a few seconds), into an empty database; a database with foods is left alone.
fixtures: migrate
	$(PY) manage.py load_reference_data

run: export DJANGO_DEBUG ?= 1
run: fixtures
	@echo "Serving Restful Plate on http://127.0.0.1:$(PORT)/"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Builds queued plans; needed only when REDIS_URL is set (without Redis, plans are built in the web request).
worker: export DJANGO_DEBUG ?= 1
worker: install
	$(PY) manage.py plan_worker

# The browser tests drive Debian's Chromium; install it when missing (CI runs as root).
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Chromium is missing: run 'sudo apt-get install -y chromium'"; exit 1; \
	  fi; \
	fi

# bench/load.py drives wrk (tests/test_benches.py runs it in a smoke mode); install it when missing, like Chromium.
wrk:
	@if ! command -v wrk >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	  else \
	    echo "wrk is missing: run 'sudo apt-get install -y wrk'"; exit 1; \
	  fi; \
	fi

test: export DJANGO_DEBUG ?= 1
test: install-test chromium wrk
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: install-test
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports

bench: install-test
	$(PY) bench/plan_bench.py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
