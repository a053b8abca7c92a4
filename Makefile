# Sweetspot — two commands: `make run` and `make test`.
SHELL := /bin/bash
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DJANGO_SETTINGS_MODULE := config.settings

.PHONY: run test lint bench install system-deps migrate demo clean

# Debian packages the app and the tests need (Chromium, WeasyPrint's libraries, Dovecot for
# the IMAP intake tests).
system-deps:
	@missing=""; \
	  [ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	  [ -x /usr/sbin/dovecot ] || missing="$$missing dovecot-imapd"; \
	  ldconfig -p | grep -q libpangoft2-1.0 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"; \
	  if [ -n "$$missing" ]; then \
	    echo "Installing Debian packages:$$missing"; \
	    SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	    $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	  fi

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

# Local development settings, written once and git-ignored (config/settings.py reads it only
# when it says DEBUG=1 and the environment sets neither SECRET_KEY nor DEBUG).
.env:
	@printf '# Written by make: local development only (git-ignored).\nDEBUG=1\nSECRET_KEY=%s\n' \
	  "$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" > .env
	@echo "Wrote .env (DEBUG=1 and a generated SECRET_KEY) for local development."

migrate: install .env
	DEBUG=1 $(BIN)/python manage.py migrate --noinput -v0

demo: migrate
	DEBUG=1 $(BIN)/python manage.py seed_demo

# Web server and job worker together; Ctrl-C stops both.
run: system-deps demo
	@echo "Sweetspot on http://127.0.0.1:8000 — log in with a demo login above."
	@trap 'kill 0' INT TERM EXIT; \
	  DEBUG=1 $(BIN)/python manage.py run_huey --quiet & \
	  DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000 --noreload

# Tests run on both cores (pytest-xdist); each worker seeds the demo once (conftest.py).
TEST_WORKERS ?= 2
test: system-deps install
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	DEBUG=1 $(BIN)/mypy sweetspot config

bench: install
	$(BIN)/python bench/run.py
	$(BIN)/python bench/dispatch.py
	$(BIN)/python bench/queue_bench.py
	$(BIN)/python bench/billing_bench.py
	$(BIN)/python bench/scale_bench.py

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .mypy_cache .ruff_cache
