# The README's commands. `make run` and `make test` work on a brand-new machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock | sha1sum | cut -c1-12)
PYTEST_ARGS ?=
export FLASK_APP := depomi_learn:create_app
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run serve test test-fast system-check system-check-no-browser lint lock format setup install translations translations-update e2e bench bench-load bench-faults clean

# Exact versions with their hashes from requirements.lock (`make lock` refreshes it), then the
# project itself without resolving anything again.
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

# Pin every dependency (and theirs) of pyproject.toml, with the hashes PyPI publishes.
lock: $(STAMP)
	PIP_CONFIG_FILE=/dev/null PIP_FIND_LINKS= $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe \
		--extra dev --strip-extras --index-url https://pypi.org/simple \
		--upgrade -o requirements.lock pyproject.toml

# Catalogues are compiled by the build, never committed.
translations: $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -d translations --statistics 2>&1 | grep -v '^$$' || true
	@test -f translations/ar/LC_MESSAGES/messages.mo

translations-update: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete

# Database schema, Morocco's regions, and the bundled courses.
setup: $(STAMP) translations
	mkdir -p instance
	$(BIN)/flask db upgrade
	$(BIN)/flask regions load
	$(BIN)/flask courses import

# `make run PORT=5101` for another port; in development links and QR codes follow it.
PORT ?= 5000
run: setup
	@if [ "$${DEPOMI_ENV:-development}" != production ]; then $(BIN)/flask users demo; fi
	FLASK_RUN_PORT=$(PORT) $(BIN)/flask run --host 127.0.0.1

serve: setup
	$(BIN)/gunicorn --config gunicorn.conf.py 'depomi_learn:create_app()'

# axe-core for the accessibility tests, when npm is there (CI installs it).
NPM := $(shell command -v npm 2>/dev/null)
node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

# Everything (CI runs this), with coverage and its floor; test-fast skips the live-server,
# crash and race tests and the browser.
# Both first check the system libraries, fonts and programs (one line naming the Debian packages
# when one is missing); the browser only when the end-to-end tests run.
COVERAGE_FLOOR := 90
test: system-check $(STAMP) translations $(if $(NPM),node_modules/.package-lock.json)
	$(BIN)/pytest --cov=depomi_learn --cov-report=term:skip-covered \
		--cov-fail-under=$(COVERAGE_FLOOR) $(PYTEST_ARGS)

test-fast: system-check-no-browser $(STAMP) translations
	$(BIN)/pytest -q -m 'not slow and not e2e' $(PYTEST_ARGS)

system-check:
	@$(PYTHON) tools/check_system.py $(if $(findstring not e2e,$(PYTEST_ARGS)),--no-browser)

system-check-no-browser:
	@$(PYTHON) tools/check_system.py --no-browser

# Benchmarks, load and fault tests on 127.0.0.1 (bench/README.md). BENCH_PG=postgresql+psycopg://...
# runs them on PostgreSQL too, e.g. BENCH_PG=postgresql+psycopg://depomi@127.0.0.1:55433/depomi_bench9
bench: $(STAMP) translations
	$(BIN)/python bench/pages.py
	@if [ -n "$(BENCH_PG)" ]; then $(BIN)/python bench/pages.py --database "$(BENCH_PG)"; fi

bench-load: $(STAMP) translations
	$(BIN)/python bench/load.py
	@if [ -n "$(BENCH_PG)" ]; then $(BIN)/python bench/load.py --database "$(BENCH_PG)"; fi

bench-faults: $(STAMP) translations
	$(BIN)/python bench/faults.py
	@if [ -n "$(BENCH_PG)" ]; then $(BIN)/python bench/faults.py --database "$(BENCH_PG)"; fi

# Type-checked so far (the rest of the domain packages: see README, "Type checking").
MYPY_PATHS := depomi_learn/accounts depomi_learn/certificates depomi_learn/operations \
	depomi_learn/reports depomi_learn/permissions.py depomi_learn/audit.py \
	depomi_learn/database.py depomi_learn/learning depomi_learn/views/results.py \
	depomi_learn/sessions depomi_learn/offline depomi_learn/content depomi_learn/authoring
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy $(MYPY_PATHS)

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) instance/*.sqlite3* translations/*/LC_MESSAGES/*.mo
