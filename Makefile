# ReturnBot: `make run` and `make test` work on a fresh machine with Python 3.11+, pip, venv, make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export RETURNBOT_DB_PATH ?= var/returnbot.db

PIP := $(BIN)/python -m pip --quiet --disable-pip-version-check

.PHONY: setup catalogs constraints store run test lint bench eval messages clean

# Every version comes from constraints.txt, the build tools' too (hence no build isolation).
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --constraint constraints.txt pip setuptools babel
	$(PIP) install --constraint constraints.txt --no-build-isolation -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP) catalogs

# Compiled catalogs (*.mo) are build products, made from locales/<lang>/LC_MESSAGES/*.po.
catalogs: $(STAMP)
	@$(BIN)/pybabel compile -d locales -D returnbot 2>&1 | grep -v "^compiling" || true

# After a change of dependencies in pyproject.toml: `rm -r .venv`, loosen constraints.txt, then
# `make setup constraints` pins what was installed.
constraints: $(STAMP)
	{ sed -n '/^#/p' constraints.txt; $(BIN)/python -m pip freeze --all --exclude-editable; } \
		> constraints.tmp && mv constraints.tmp constraints.txt

store: setup
	@$(BIN)/returnbot db ensure

run: store
	@$(BIN)/returnbot run

lint: setup
	$(BIN)/ruff check bot tests scripts
	$(BIN)/mypy bot
	[ ! -f Dockerfile ] || $(BIN)/hadolint Dockerfile

test: lint
	$(BIN)/python -m pytest -q

# Accuracy: the question tables (first run of tests/fresh/ is in the README) and the router's
# cross-validated accuracy on the example bank.
eval: store
	$(BIN)/python scripts/evaluate.py
	$(BIN)/python scripts/evaluate.py --cv

bench: store
	$(BIN)/python scripts/bench.py

# Re-extract the message template and merge it into every catalog.
messages: setup
	$(BIN)/pybabel -q extract -F babel.cfg -k _ -k N_ -k ngettext:1,2 --no-location --sort-output --project=ReturnBot -o locales/returnbot.pot bot
	$(BIN)/pybabel -q update --no-fuzzy-matching -d locales -D returnbot -i locales/returnbot.pot

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
