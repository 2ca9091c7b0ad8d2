# City Relations — the two commands a new user needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(shell command -v uv 2>/dev/null || echo "$(PYTHON) -m uv")
HOST ?= 127.0.0.1
PORT ?= 8000

# Tests run against real services; these are the defaults on a developer's machine and CI's.
TEST_DATABASE_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/cityrelations)
TEST_REDIS_URL ?= $(or $(REDIS_URL),redis://127.0.0.1:6379/0)

.PHONY: help install install-dev system-deps run test test-fast lint format bench loadtest requirements compose-check clean

help:
	@echo "make run      install, migrate, load demo data and serve on http://$(HOST):$(PORT)"
	@echo "make test     install everything, lint, and run the whole suite (PostgreSQL + Redis)"
	@echo "make bench    large data set on PostgreSQL; query counts and p50/p95 timings"
	@echo "make loadtest locust, 70 users for 2 minutes, against the production stack (gunicorn, Celery)"
	@echo "make lint     ruff, import-linter (the layers) and mypy"

$(VENV)/bin/activate:
	@command -v uv >/dev/null 2>&1 || $(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	$(UV) venv --quiet --python $(PYTHON) $(VENV)

$(VENV)/.installed: $(VENV)/bin/activate requirements.txt
	$(UV) pip install --quiet --python $(PY) -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: $(VENV)/bin/activate requirements-dev.txt
	$(UV) pip install --quiet --python $(PY) -r requirements-dev.txt
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev system-deps

# Debian packages the suite needs: Chromium for browser tests, Pango for WeasyPrint PDFs,
# docker-compose to validate docker-compose.yml without an engine, gettext for compilemessages.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	ldconfig -p 2>/dev/null | grep -q libpango-1.0 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	command -v docker-compose >/dev/null 2>&1 || missing="$$missing docker-compose"; \
	command -v msgfmt >/dev/null 2>&1 || missing="$$missing gettext"; \
	if [ -n "$$missing" ]; then \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian packages:$$missing"; \
	    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Missing system packages (install them with your package manager):$$missing"; fi; \
	fi

# The embedded mode asks for debug (it is off unless asked for): the built-in secret key, demo
# users, and the local mailbox. Never use it on a network.
run: export DJANGO_DEBUG := true
run: install
	@mkdir -p var
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py seed_demo
	@echo "  (HOST=$(HOST) PORT=$(PORT): change with e.g. 'make run PORT=8001'; links in emails follow them)"
	@echo ""
	@echo "  City Relations is running at http://$(HOST):$(PORT)/"
	@echo "  Demo logins (password 'demo'):  staff  = diplomacy unit   mayor = mayor's office"
	@echo "  Sent email is kept in the local mailbox: http://$(HOST):$(PORT)/mailbox/"
	@echo ""
	SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} $(PY) manage.py runserver $(HOST):$(PORT)

# Fails with one line when PostgreSQL or Redis is unreachable.
check-services: $(VENV)/.installed-dev
	@DATABASE_URL="$(TEST_DATABASE_URL)" REDIS_URL="$(TEST_REDIS_URL)" $(PY) .ci/check_services.py

# Two workers (pytest-xdist), each with its own test database and Redis database; tests are
# dealt in pytest-django's order, so each worker runs the transactional tests (which empty its
# database) after the others. TEST_WORKERS=0 runs the suite in one process.
TEST_WORKERS ?= 2
test: install-dev check-services lint
	DATABASE_URL="$(TEST_DATABASE_URL)" REDIS_URL="$(TEST_REDIS_URL)" $(PY) -m pytest \
	  $(if $(filter-out 0,$(TEST_WORKERS)),-n $(TEST_WORKERS) --dist loadgroup) $(PYTEST_ARGS)

# ruff; the layers and no-cycles contracts in pyproject.toml (import-linter); mypy with django-stubs.
lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/mypy cityrelations partners delegations newsletters

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install-dev check-services
	DJANGO_DEBUG=true DATABASE_URL="$(or $(BENCH_DATABASE_URL),postgres://postgres@127.0.0.1:5432/cityrelations_bench)" \
	  $(PY) manage.py benchmark $(BENCH_ARGS)

# The production stack as docker-compose.yml runs it (tests/stack/stack.py), demo data, then
# locust: 40 staff, 10 mayor's office, 20 citizens for 2 minutes. Not part of `make test`.
# e.g. make loadtest LOADTEST_ARGS="--run-time 5m --web-workers 6 --scale 0.2"
loadtest: install-dev check-services
	DATABASE_URL="$(TEST_DATABASE_URL)" REDIS_URL="$(TEST_REDIS_URL)" $(PY) -m tests.stack.loadtest $(LOADTEST_ARGS)

requirements: $(VENV)/bin/activate
	$(UV) pip compile --quiet --no-header --no-annotate pyproject.toml -o requirements.txt
	$(UV) pip compile --quiet --no-header --no-annotate pyproject.toml --extra dev -o requirements-dev.txt

compose-check: system-deps
	DJANGO_SECRET_KEY=compose-config-validation-only POSTGRES_PASSWORD=compose-config-validation-only docker-compose -f docker-compose.yml config -q

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache
