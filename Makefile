# The front door for developers (like datasette's Justfile). See README.md.
SHELL := /bin/bash
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

STATIC_ROOT ?= staticfiles

.PHONY: run install migrate messages static demo test crawl bench lint format makemessages simulate-programme

run: install migrate messages static demo
	@echo
	@echo "Samsyn is starting on http://$(HOST):$(PORT)/  (English: http://$(HOST):$(PORT)/en/)"
	@$(PY) manage.py demo --logins
	@echo
	$(PY) manage.py runserver $(HOST):$(PORT)

install:
	@scripts/system-deps.sh run
	@scripts/bootstrap.sh

migrate:
	$(PY) manage.py migrate --no-input -v0

messages:
	$(PY) manage.py compilemessages --ignore=.venv -v0

# Versioned static files (hashed names and a manifest, samsyn/lib/staticfiles.py), collected
# again only when a static file or the locked packages (Django's admin files) changed.
static: $(STATIC_ROOT)/staticfiles.json

$(STATIC_ROOT)/staticfiles.json: $(shell find static -type f) uv.lock
	$(PY) manage.py collectstatic --no-input -v0

demo:
	$(PY) manage.py demo --if-empty

test:
	scripts/test.sh

# The quality gate over every page (docs/quality.md): the demo served by gunicorn, crawled in
# Chromium as every role in Swedish and English at 1280, 1024 and 390 px.
crawl:
	scripts/crawl.sh

bench:
	@scripts/bootstrap.sh --dev
	@status=0; for f in benchmarks/bench_*.py; do \
		echo "== $$f =="; $(PY) $$f || status=1; \
	done; exit $$status

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format:
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

# Every catalogue (the project's locale/ and each app's samsyn/<app>/locale/), or with
# APP=<name> only that app's, so that people working on different apps do not collide.
# (-P: the app folder must not shadow the standard library, e.g. an app's selectors.py.)
makemessages:
ifdef APP
	cd samsyn/$(APP) && DJANGO_SETTINGS_MODULE=samsyn.settings PYTHONPATH=$(CURDIR) \
		$(CURDIR)/$(PY) -P -m django makemessages -l sv --no-obsolete
else
	$(PY) manage.py makemessages -l sv --ignore=.venv --ignore=staticfiles --no-obsolete
endif

# The programme evaluation's long coverage simulations (3, 4 and 6 schools; 2 to 13 minutes).
simulate-programme:
	SAMSYN_LONG_SIMULATIONS=1 $(PY) -m pytest samsyn/analysis/tests/test_programme.py -q -s -k long_coverage
