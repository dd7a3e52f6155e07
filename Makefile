# Thin wrappers over the project's scripts: `make run` and `make test` set up whatever is missing first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

.PHONY: run test setup browser shippers stop status clean check bench chaos train tunnel

run: setup
	@$(PY) -m infra run

# CI runs `make test`: the checks come first, so a ruff or mypy failure fails the build.
test: setup check
	@$(PY) -m pytest

setup: $(INSTALLED) browser shippers
	@$(PY) -m infra setup
	@$(PY) -m nlp train

train: $(INSTALLED)
	$(PY) -m nlp train --force

# The dashboard's browser tests drive Debian's Chromium (Playwright's own browser download is not used).
browser:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null) \
		|| echo "Chromium is missing and could not be installed: install Debian's chromium package."

# rsyslog with omkafka runs docs/shippers/rsyslog.conf in the tests: the shipper users are told to use.
shippers:
	@dpkg -s rsyslog-kafka >/dev/null 2>&1 || (apt-get update -q >/dev/null && apt-get install -y -q rsyslog rsyslog-kafka >/dev/null) \
		|| echo "rsyslog-kafka is missing and could not be installed: install Debian's rsyslog and rsyslog-kafka packages."

# Reinstalled only when pyproject.toml changes.
$(INSTALLED): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -q --disable-pip-version-check -e '.[dev]'
	@touch $@

stop:
	@test -x $(PY) && $(PY) -m infra stop || true

status: $(INSTALLED)
	@$(PY) -m infra status

clean: stop
	rm -rf var

check: $(INSTALLED)
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy producers streaming nlp api alerting infra core
	$(PY) -m nlp.corpusgen --check

# Prints speed and memory figures; nothing here asserts a timing.
bench: setup
	@command -v kcat >/dev/null 2>&1 || apt-get install -y -q kafkacat >/dev/null 2>&1 || (apt-get update -q >/dev/null 2>&1 && apt-get install -y -q kafkacat >/dev/null 2>&1) || echo "kcat not installed: the producer/kcat ratio is skipped"
	@for script in bench/bench_*.py; do module=bench.$$(basename $$script .py); echo "== $$module"; \
		$(PY) -m $$module || exit 1; done

# Kills, stops and poisons the services under load; prints what was lost, duplicated or late (no assertions).
chaos: setup
	@$(PY) -m bench.chaos

tunnel: $(INSTALLED)
	@bash infra/cloudflared/tunnel.sh
