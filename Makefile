# The README's commands. `make run` and `make test` work on a brand-new machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
PYTEST_ARGS ?=
export FLASK_APP := depomi_learn:create_app
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run serve test lint format setup install translations translations-update e2e bench bench-load bench-faults clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

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

run: setup
	@if [ "$${DEPOMI_ENV:-development}" != production ]; then $(BIN)/flask users demo; fi
	$(BIN)/flask run --host 127.0.0.1 --port 5000

serve: setup
	$(BIN)/gunicorn --config gunicorn.conf.py 'depomi_learn:create_app()'

# axe-core for the accessibility tests, when npm is there (CI installs it).
NPM := $(shell command -v npm 2>/dev/null)
node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

test: $(STAMP) translations $(if $(NPM),node_modules/.package-lock.json)
	$(BIN)/pytest $(PYTEST_ARGS)

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

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) instance/*.sqlite3* translations/*/LC_MESSAGES/*.mo
