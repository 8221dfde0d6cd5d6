# Coso — the two commands: `make run` (set up and serve the demo) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000
# Development settings for `make run` (override any of them in the environment).
export DEBUG ?= 1
export COSO_DEMO_PASSWORD ?= coso-demo-2026

.PHONY: run serve setup test test-sqlite test-postgres lint bench demo migrate messages clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

setup: $(STAMP)

migrate: setup
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable

demo: migrate
	$(PY) manage.py load_units
	$(PY) manage.py load_reference
	$(PY) manage.py demo

# The web server plus the job consumer (worker and scheduler) in one command; Ctrl-C stops both.
run: demo
	@echo "Coso: starting the web server + job worker and scheduler; the address follows once it answers."
	$(PY) manage.py runall --bind $(HOST):$(PORT)

# The production layout on this machine: gunicorn (WEB_CONCURRENCY workers), a job worker and the
# scheduler as separate processes, with production settings (DEBUG=0) and a development secret key.
SERVE_ENV := DEBUG=0 SECRET_KEY=$${SECRET_KEY:-serve-local-only-not-secret-0123456789abcdefghijklmnopqrstuvwxyz} \
	ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost} SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 \
	WEB_CONCURRENCY=$${WEB_CONCURRENCY:-2}
serve: demo
	$(SERVE_ENV) $(PY) manage.py collectstatic --noinput -v 0
	@echo "Coso (production settings): http://$(HOST):$(PORT)/ (gunicorn + job worker + scheduler; Ctrl-C stops all)"
	$(SERVE_ENV) $(PY) manage.py runall --production --bind $(HOST):$(PORT)

# The whole suite on SQLite, then on PostgreSQL when TEST_DATABASE_URL (or DATABASE_URL
# pointing at postgres) is set. .ci/run sets TEST_DATABASE_URL.
test: setup
	$(MAKE) --no-print-directory test-sqlite
	@if [ -n "$$TEST_DATABASE_URL" ]; then $(MAKE) --no-print-directory test-postgres; \
	  else echo "TEST_DATABASE_URL not set: PostgreSQL run skipped (CI sets it)."; fi

test-sqlite: setup
	env -u DATABASE_URL DEBUG=0 $(VENV)/bin/pytest $(PYTEST_ARGS)

test-postgres: setup
	DEBUG=0 DATABASE_URL="$$TEST_DATABASE_URL" TEST_DB_NAME="$${TEST_DB_NAME:-test_coso}" $(VENV)/bin/pytest $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	DEBUG=0 $(VENV)/bin/mypy src/coso bench
	DEBUG=0 SECRET_KEY=x-lint-only-0123456789abcdefghijklmnopqrstuvwxyz-0123456789 $(PY) manage.py makemigrations --check --dry-run

bench: migrate
	$(PY) bench/run.py $(BENCH_ARGS)

messages: setup
	cd src/coso && ../../$(PY) ../../manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var
