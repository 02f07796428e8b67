# ReturnBot: `make run` and `make test` work on a fresh machine with Python 3.11+, pip, venv, make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export RETURNBOT_DB_PATH ?= var/returnbot.db

.PHONY: setup catalogs store run test lint bench messages clean setup-posters

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP) catalogs

# Compiled catalogs (*.mo) are build products, made from locales/<lang>/LC_MESSAGES/*.po.
catalogs: $(STAMP)
	@$(BIN)/pybabel compile -d locales -D returnbot 2>&1 | grep -v "^compiling" || true

store: setup
	@$(BIN)/returnbot db ensure

run: store
	@$(BIN)/returnbot run

lint: setup
	$(BIN)/ruff check bot tests scripts
	$(BIN)/mypy bot
	[ ! -f Dockerfile ] || $(BIN)/hadolint Dockerfile

test: lint setup-posters
	$(BIN)/python -m pytest -q

# Posters (`returnbot poster`) are printed by headless Chromium, with fonts for Arabic and
# Georgian: Debian's chromium, fonts-noto-core (SIL Open Font License 1.1) and
# fonts-dejavu-core (Bitstream Vera licence), installed when missing (as root, with apt).
POSTER_PACKAGES := chromium fonts-noto-core fonts-dejavu-core
setup-posters:
	@missing=$$(for p in $(POSTER_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	      apt-get install -y -qq --no-install-recommends $$missing; \
	  else echo "posters need these Debian packages: $$missing"; fi; \
	fi

bench: store
	$(BIN)/python scripts/bench.py

# Re-extract the message template and merge it into every catalog.
messages: setup
	$(BIN)/pybabel -q extract -F babel.cfg -k _ -k N_ -k ngettext:1,2 --no-location --sort-output --project=ReturnBot -o locales/returnbot.pot bot
	$(BIN)/pybabel -q update --no-fuzzy-matching -d locales -D returnbot -i locales/returnbot.pot

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
