# Two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3.12
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-fast lint bench load venv clean

# `make run PORT=8123` (or PORT in the environment): the server, and the links in the kit, the
# statements and the emails (SITE_URL's default follows PORT).
PORT ?= 8000
export PORT

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || { echo "Creating $(VENV) with $(PYTHON)…"; $(PYTHON) -m venv $(VENV); }
	@echo "Installing the requirements into $(VENV) (about two minutes the first time)…"
	$(PY) -m pip install --disable-pip-version-check --progress-bar on -r requirements-dev.txt
	@touch $(STAMP)

venv: $(STAMP)

## Serve the portal with demo data on embedded defaults (SQLite, in-process tasks, console email).
run: venv
	if command -v msgfmt >/dev/null; then scripts/messages --compile; fi
	@echo "Preparing the database…"
	@$(PY) manage.py migrate --noinput -v 0
	@echo "Loading the demo data…"
	@$(PY) manage.py seed_demo
	@echo "Portal: http://127.0.0.1:$(PORT)  (operations: http://127.0.0.1:$(PORT)/ops/)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

## The whole suite: PostgreSQL and Redis when they answer (required with CI=true), on two xdist
## workers, browser tests included (each worker has its own Chromium, live server and databases).
## Plain load scheduling keeps pytest-django's order on each worker: the transactional tests,
## which flush the database and so the data migrations' rows, come after the others.
test: venv
	scripts/test -n 2

## The suite without the browser tests, on two xdist workers (each with its own test database and
## Redis database).
test-fast: venv
	scripts/test -m "not browser" -n 2

lint: venv
	$(VENV)/bin/ruff check .
	scripts/messages --check
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

## Benchmarks print figures; they are not tests.
bench: venv
	scripts/bench

## 50 users for 60 s on loopback against gunicorn (the bench database); `make load ARGS=--faults`
## also stops Redis and restarts PostgreSQL mid-run (only where nothing else uses them).
load: venv
	scripts/load $(ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles test-artifacts
