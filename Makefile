# patchserver: `make run` serves a demo instance, `make test` runs every test.

PORT ?= 8000
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
# Development runs only: `make run` is a local demo server, not a deployment.
RUN_ENV := DEBUG=1 ENABLE_XMLRPC=1

.PHONY: help venv run test lint format migrations mutation openapi clean

help:
	@echo "make run    set up a virtualenv and the SQLite database, load demo data,"
	@echo "            serve on http://127.0.0.1:$(PORT)/ (PORT=8001 to change)"
	@echo "            with a background-job worker beside it"
	@echo "make test   set up the virtualenv and run linters and every test"
	@echo "make format reformat the code with ruff"
	@echo "make openapi  rewrite the API's OpenAPI documents in docs/api/"
	@echo "make mutation  mutation testing of the security- and data-critical"
	@echo "            modules, scored per module (GROUPS=rules to run one group)"

$(STAMP): pyproject.toml
	@test -x $(PY) || { python=$$(scripts/find-python) && "$$python" -m venv $(VENV); }
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py setupdemo --port $(PORT)
	@# The background-job worker runs beside the server and stops with it.
	$(RUN_ENV) $(PY) manage.py worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(RUN_ENV) $(PY) manage.py runserver --noreload 127.0.0.1:$(PORT)

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy
	$(VENV)/bin/lint-imports --no-cache
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

test: lint
	$(PY) -m pytest $(PYTEST_ARGS)

# Not part of `make test`: it takes an hour or more on two cores.
mutation: $(STAMP)
	$(PY) tools/mutation.py -v $(GROUPS)

# After changing a view, serializer or filter: tests fail until this is run.
openapi: $(STAMP)
	DEBUG=1 $(PY) manage.py openapi

format: $(STAMP)
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

clean:
	rm -rf $(VENV) staticfiles build .pytest_cache .ruff_cache
