# Two commands on a fresh Debian machine: `make run` and `make test`. Everything else is their plumbing.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
SYSTEM_PACKAGES := fonts-liberation2 libharfbuzz-subset0 poppler-utils libpango-1.0-0 libpangoft2-1.0-0
E2E_PACKAGES := chromium zbar-tools
export AWARDS_ENV ?= development

.PHONY: run test test-unit test-pg e2e system-packages translations lint bench clean

run: $(VENV)/.installed translations
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	@$(FLASK) users demo-logins
	$(FLASK) run --host 127.0.0.1 --port 5000

test: $(VENV)/.dev-installed translations
	$(VENV)/bin/pytest -q

test-pg:
	TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test $(MAKE) test

e2e: $(VENV)/.dev-installed translations
	@$(MAKE) --no-print-directory system-packages PACKAGES="$(E2E_PACKAGES)"
	AWARDS_E2E=1 $(VENV)/bin/pytest -q -o addopts="" tests/e2e

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check awards workflows tests

system-packages:
	@missing=""; for p in $(or $(PACKAGES),$(SYSTEM_PACKAGES)); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(VENV)/bin/python:
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	@$(MAKE) --no-print-directory system-packages
	$(VENV)/bin/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(VENV)/bin/pip install -q -r requirements-dev.txt
	touch $@

translations: $(VENV)/.installed
	@$(VENV)/bin/pybabel -q compile -f -d translations

bench: $(VENV)/.dev-installed
	@for f in bench/*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

clean:
	rm -rf $(VENV) instance .pytest_cache
