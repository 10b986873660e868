# HNDZA website. `make run` serves the site; `make test` runs every test.
# Only Python 3.11 is needed; everything else is installed into .venv.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# Local development needs no configuration at all.
LOCAL_ENV := DEBUG=true

.PHONY: run test install install-dev migrate seed lint format password superuser check-deploy deploy-check bench clean
.PHONY: bench-search bench-miss-cpu messages compile-messages

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

install: $(VENV)/.runtime

install-dev: $(VENV)/.dev

migrate: install
	$(LOCAL_ENV) $(PY) manage.py migrate --noinput

seed: migrate
	$(LOCAL_ENV) $(PY) manage.py load_seed

## run: set up everything (venv, install, migrate, initial content) and serve at http://127.0.0.1:$(PORT)
run: seed
	@$(LOCAL_ENV) $(PY) manage.py ensure_admin
	@echo ""
	@echo "  Site:   http://127.0.0.1:$(PORT)/"
	@echo "  Admin:  http://127.0.0.1:$(PORT)/admin/   (account above; forgot the password? make password)"
	@echo ""
	PORT=$(PORT) $(LOCAL_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

## test: install what the tests need, lint, and run every test (browser tests skip without Chromium)
test: install-dev
	$(PY) -m ruff check .
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/djhtml --check templates */templates

format: install-dev
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .
	$(VENV)/bin/djhtml templates */templates

## password: set a new password for an admin account (asks for the user name)
password: install
	@read -p "User name [admin]: " user; $(LOCAL_ENV) $(PY) manage.py changepassword $${user:-admin}

## superuser: create another admin account interactively
superuser: install
	$(LOCAL_ENV) $(PY) manage.py createsuperuser

## check-deploy: Django's deployment checklist with production settings
check-deploy: install
	SECRET_KEY=check-deploy-$$(date +%s)-not-a-real-secret-key-but-long-enough-xyz ALLOWED_HOSTS=www.example.org \
	  $(PY) manage.py check --deploy --fail-level WARNING

## bench: load benchmark (req/s, latency, queries per page) under gunicorn; see bench/README.md
bench: install-dev
	$(PY) bench/run.py $(ARGS)

## bench-search: site search over 10,000 generated articles on SQLite, then on PostgreSQL (ARGS="--articles 100000")
BENCH_SEARCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/hnda_bench_search
bench-search: install-dev
	$(PY) bench/search.py $(ARGS)
	$(PY) bench/search.py --database-url $(BENCH_SEARCH_DATABASE_URL) $(ARGS)

## bench-miss-cpu: CPU of a page-cache miss (home, list, article) on a database bench-search kept (--keep-db)
BENCH_MISS_SQLITE ?= /tmp/hnda_search_bench.sqlite3
bench-miss-cpu: install-dev
	test -f $(BENCH_MISS_SQLITE) || $(PY) bench/search.py --sqlite-file $(BENCH_MISS_SQLITE) --keep-db --no-pages --rounds 1 --duration 1
	$(PY) bench/miss_cpu.py --sqlite-file $(BENCH_MISS_SQLITE) $(ARGS)

# The English interface: Chinese is the source language (msgids), English the one catalogue.
MESSAGES_IGNORE := --ignore=.venv --ignore=tests --ignore=bench --ignore=deploy --ignore=staticfiles

## messages: collect the interface strings into locale/en/LC_MESSAGES/django.po (needs GNU gettext)
messages: install
	$(PY) manage.py makemessages -l en $(MESSAGES_IGNORE)

## compile-messages: build the committed django.mo from django.po (needs GNU gettext)
compile-messages: install
	$(PY) manage.py compilemessages -l en --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles var .pytest_cache .ruff_cache

## deploy-check: the deploy/ kit for real: nginx + two gunicorn app servers on PostgreSQL + Redis, checked through nginx
deploy-check: install
	$(PY) deploy/check.py $(ARGS)
