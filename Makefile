# Two commands for a new machine (see README): `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test check fmt bench install clean messages

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## demo: set up everything, load demo data into SQLite and serve http://127.0.0.1:8000/
demo: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo_seed
	sh scripts/serve-demo.sh $(PY)

## test: the whole suite (SQLite by default; set DATABASE_URL for PostgreSQL)
test: $(STAMP)
	sh scripts/system-deps.sh
	$(PY) -m pytest -n 2 --dist loadfile

check: $(STAMP)
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py audit_verify

fmt: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## messages: refresh the English catalogues after changing Chinese source strings, then translate them
messages: $(STAMP)
	$(PY) manage.py makemessages -l en --no-obsolete --ignore=.venv --ignore=var --ignore=tests --ignore=bench --ignore=scripts
	$(PY) manage.py compilemessages --ignore=.venv

bench: $(STAMP)
	for b in budget_disclosure control_dashboard control_mixed experts_draw experts_search experts_import events_registration events_checkin login page_actions performance_recompute; do \
		echo "== $$b"; $(PY) bench/$$b.py || exit 1; done

clean:
	rm -rf $(VENV) var/
