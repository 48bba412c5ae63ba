# Peerline: `make demo` runs it with a seeded demo agency; `make test` runs every check.
# Another Python in its own environment: make PYTHON=python3.13 VENV=.venv313 pytest
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
RUNTIME := $(VENV)/.runtime-installed
DEV := $(VENV)/.dev-installed
DEMO_EMPLOYEES ?= 600
DEMO_SEED ?= 1
PYTEST_WORKERS ?= 2
PYTEST_ARGS ?=

.PHONY: demo test lint pytest fuzz bench bench-quick runtime-deps system-deps e2e-deps clean

$(RUNTIME): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(DEV): $(RUNTIME) requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

demo: $(RUNTIME) runtime-deps
	$(BIN)/peerline migrate --noinput
	$(BIN)/peerline seed-demo --employees $(DEMO_EMPLOYEES) --seed $(DEMO_SEED)
	@echo "Peerline is at http://127.0.0.1:8000/ (Ctrl-C stops it); pages sent to people are printed below"
	@# The paging worker and a local mail catcher run next to the web server (2011 §3.3, §5.1).
	@$(BIN)/peerline mail-catcher --port 1025 & catcher=$$!; \
	 $(BIN)/peerline worker & worker=$$!; \
	 trap 'kill $$catcher $$worker 2>/dev/null; wait' EXIT INT TERM; \
	 $(BIN)/peerline runserver 127.0.0.1:8000

# Debian packages, installed when running as root: WeasyPrint's HarfBuzz subsetter (PDF
# reports) for Peerline itself, and Chromium for the browser tests.
define apt_need
	@if ! $(1) >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) >/dev/null; \
	  else \
	    echo "Missing Debian package(s) $(2): run 'sudo apt-get install $(2)' and try again." >&2; exit 1; \
	  fi; \
	fi
endef

runtime-deps:
	$(call apt_need,ldconfig -p | grep -q libharfbuzz-subset,libharfbuzz-subset0)

system-deps: runtime-deps
	$(call apt_need,command -v chromium,chromium)

lint: $(DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy peerline
	$(BIN)/lint-imports --no-cache  # one direction of dependency (docs/architecture.md)
	$(BIN)/peerline makemigrations --check --dry-run

# Test-only packages from the npm registry, pinned by their lock files: the identity provider
# for the single sign-on tests (oidc-provider) and axe-core for the accessibility checks. Never
# part of the demo or of production.
OIDC_PROVIDER := tests/oidc/node_modules/.installed
$(OIDC_PROVIDER): tests/oidc/package.json tests/oidc/package-lock.json
	cd tests/oidc && npm ci --no-audit --no-fund --loglevel=error
	touch $@

AXE := tests/e2e/axe/node_modules/axe-core/axe.min.js
$(AXE): tests/e2e/axe/package.json tests/e2e/axe/package-lock.json
	npm ci --prefix tests/e2e/axe --no-audit --no-fund --loglevel=error
	touch $@

e2e-deps: system-deps $(OIDC_PROVIDER) $(AXE)

# Each worker takes its share of the tests in order and steals from another's end when done
# (--dist worksteal): a module's tests stay together, so its module-scoped set-up (a seeded demo,
# a 50,000-employee agency) and the browser start once rather than on every worker.
pytest: $(DEV) e2e-deps
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

test: lint pytest

# Fuzzing (slow, run by CI): Hypothesis form posts, then schemathesis against the API. `make fuzz`
# explores: each run draws new inputs (a failure Hypothesis found is kept in .hypothesis/ and
# tried first next time; schemathesis prints its seed at the end). CI draws the same inputs on
# every run, so that a red CI is the change's and never a new draw: Hypothesis's "ci" profile
# (derandomized, no example database) and a schemathesis seed. The same draws as CI:
#   make fuzz FUZZ_ARGS=--hypothesis-profile=ci FUZZ_SEED=1 FUZZ_EXAMPLES=5
# A schemathesis run again: make fuzz FUZZ_SEED=<the seed it printed>.
FUZZ_ARGS ?=
FUZZ_EXAMPLES ?=
fuzz: $(DEV)
	$(BIN)/pytest -n 0 -q -o python_files='fuzz_*.py' $(FUZZ_ARGS) tests/fuzz
	.ci/fuzz-api $(FUZZ_EXAMPLES)

# Benchmarks (bench/suite.py; not part of `make test`): each hot path beside its floor on SQLite
# and PostgreSQL (BENCH_DATABASE_URL: a server where it may create and drop a database), then a
# locust surge on `peerline serve`. Locust lives in its own venv, pinned in requirements-bench.txt.
BENCH_VENV := .venv-bench/.installed
BENCH_ARGS ?=
$(BENCH_VENV): requirements-bench.txt
	test -x .venv-bench/bin/python || $(PYTHON) -m venv .venv-bench
	.venv-bench/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-bench.txt
	touch $@

bench: $(RUNTIME) $(BENCH_VENV)
	$(BIN)/python bench/suite.py $(BENCH_ARGS)

bench-quick: $(RUNTIME) $(BENCH_VENV)
	$(BIN)/python bench/suite.py --quick $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var test-artifacts tests/oidc/node_modules
