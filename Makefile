# Two entry points: `make run` (set up, then log an example episode into a demo diary and
# show the diary) and `make test` (set up, then every check and test). All lives in .venv.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
SOURCES ?= ../shared/sources
TRIAGE_MD ?= ../shared/TRIAGE.md
EXAMPLE ?= My left calf cramped at 3am for about two minutes and eased when I stretched it.
DEMO_DB ?= sqlite:///.demo/diary.sqlite3
PG_INITDB ?= /usr/lib/postgresql/*/bin/initdb

.PHONY: setup run test lint kb-check pg-server load-tool browser bench soak clean

# Bytecode is compiled ahead (and again when a source changed): where
# PYTHONDONTWRITEBYTECODE is set, Python would otherwise compile every charley
# module on every start, doubling the time `charley assess` takes to answer.
setup: $(VENV)/.installed
	@$(BIN)/python -m compileall -q src/charley

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

# Debian packages that tests and benchmarks need, installed only when missing:
# $(call apt-ensure,WHAT,SHELL TEST THAT IT IS THERE,PACKAGE)
define apt-ensure
	@if $(2) >/dev/null 2>&1; then \
		:; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $(3); \
	elif command -v sudo >/dev/null 2>&1; then \
		sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y $(3); \
	else \
		echo "$(1) is missing and this user cannot install it;" \
			"as root run: apt-get install -y $(3)" >&2; \
		exit 1; \
	fi
endef

# The diary's tests (and bench) start a throwaway PostgreSQL server.
pg-server:
	$(call apt-ensure,the PostgreSQL server ($(PG_INITDB)),ls $(PG_INITDB),postgresql)

# The web page's browser tests drive Debian's Chromium (never `playwright install`).
browser:
	$(call apt-ensure,/usr/bin/chromium,test -x /usr/bin/chromium,chromium)

# bench/bench_http.py loads the server with wrk.
load-tool:
	$(call apt-ensure,wrk,command -v wrk,wrk)

test: setup lint kb-check pg-server browser
	$(BIN)/python -m pytest

# Every benchmark but the soak, which measures what survives faults, not speed.
bench: setup pg-server load-tool
	@for script in $(filter-out bench/bench_soak.py,$(wildcard bench/bench_*.py)); do \
		echo "== $$script"; \
		$(BIN)/python "$$script" || exit 1; \
	done

# bench/bench_soak.py: readers and writers for a minute on SQLite and on PostgreSQL,
# with the server killed and the database stopped on the way (docs/operations.md).
# make soak SOAK_ARGS="--seconds 20 --db sqlite"
SOAK_ARGS ?=
soak: setup pg-server
	$(BIN)/python bench/bench_soak.py $(SOAK_ARGS)

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
