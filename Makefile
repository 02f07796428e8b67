# ReturnBot: `make run` and `make test` work on a fresh machine with Python 3.11+, pip, venv, make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export RETURNBOT_DB_PATH ?= var/returnbot.db

PIP := $(BIN)/python -m pip --quiet --disable-pip-version-check

.PHONY: setup catalogs constraints store run test lint bench eval messages clean browser setup-posters

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

test: lint browser setup-posters
	$(BIN)/python -m pytest -q

# Accuracy: the question tables (first run of tests/fresh/ is in the README) and the router's
# cross-validated accuracy on the example bank.
eval: store
	$(BIN)/python scripts/evaluate.py
	$(BIN)/python scripts/evaluate.py --cv

# The web page's browser tests drive Debian's Chromium through Playwright, never a browser
# downloaded at run time: install it from the system's packages when missing (CI runs as root).
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install \
	    -y -qq --no-install-recommends chromium chromium-driver >/dev/null; }

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
