# Lotse: `make run` and `make test` are all a new user needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PYBABEL := $(BIN)/pybabel

.PHONY: help install install-dev compile extract update run console migrate test lint format bench clean

help:
	@echo "make run      install into .venv, migrate, load content, run the bot (console without BOT_TOKEN)"
	@echo "make test     install (with dev tools) and run the whole test suite"
	@echo "make lint     ruff check and format check"
	@echo "make extract  collect UI strings into locales/messages.pot"
	@echo "make update   merge the .pot into every locales/<lang>/LC_MESSAGES/messages.po"
	@echo "make compile  compile the catalogs (.po -> .mo)"
	@echo "make bench    print the answer-quality and speed figures"

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Lotse needs Python 3.11 or newer")'
	@test -x $(BIN)/python || { echo "Creating $(VENV) and installing Lotse (once)..."; $(PYTHON) -m venv $(VENV); }
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,semantic]'
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

compile: install
	@$(PYBABEL) -q compile --domain messages --directory locales

extract: install
	$(PYBABEL) extract -F babel.cfg -k t -k gettext -k ngettext:1,2 -k N_ --no-location \
		--sort-by-file --project=Lotse -o locales/messages.pot bot

update: extract
	$(PYBABEL) update -i locales/messages.pot -d locales --domain messages --no-fuzzy-matching --ignore-obsolete

migrate: install
	$(BIN)/python -m bot migrate

run: compile
	@$(BIN)/python -m bot run

console: compile
	@$(BIN)/python -m bot console

test: install-dev compile
	$(BIN)/python -m pytest

lint: install-dev
	$(BIN)/ruff check bot tests bench migrations
	$(BIN)/ruff format --check bot tests bench migrations

format: install-dev
	$(BIN)/ruff format bot tests bench migrations
	$(BIN)/ruff check --fix bot tests bench migrations

bench: install-dev compile
	$(BIN)/python bench/answers.py
	$(BIN)/python bench/engine_perf.py
	$(BIN)/python bench/update_perf.py
	$(BIN)/python bench/matching.py
	$(BIN)/python bench/reminders.py
	$(BIN)/python bench/stats.py
	$(BIN)/python bench/retention.py
	$(BIN)/python bench/inbox.py
	$(BIN)/python bench/abuse.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
	find locales -name '*.mo' -delete
