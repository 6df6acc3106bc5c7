# Two entry points: `make run` (set up, then assess an example) and `make test`
# (set up, then every check and test). Everything lives in .venv.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
SOURCES ?= ../shared/sources
TRIAGE_MD ?= ../shared/TRIAGE.md
EXAMPLE ?= My left calf cramped at 3am for about two minutes and eased when I stretched it.
DEMO_DB ?= sqlite:///.demo/diary.sqlite3

.PHONY: setup run test lint kb-check bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

run: setup
	$(BIN)/charley log --db "$(DEMO_DB)" "$(EXAMPLE)"
	$(BIN)/charley history --db "$(DEMO_DB)"

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

kb-check: setup
	@if [ -d "$(SOURCES)" ]; then \
		$(BIN)/charley kb check --sources "$(SOURCES)" --triage "$(TRIAGE_MD)"; \
	else \
		echo "kb check: $(SOURCES) not found, checking citations and rules without quotes"; \
		$(BIN)/charley kb check; \
	fi

test: setup lint kb-check
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python bench/bench_assess.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
