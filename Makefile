# Two commands set up a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON312 ?= $(firstword $(wildcard /root/.pyenv/versions/3.12.*/bin/python3.12) $(shell command -v python3.12 2>/dev/null))
UV := .tools/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: help install services chromium run test lint format screenshots clean

help:
	@echo "make run   - start Grapevyne with demo data on http://127.0.0.1:8000"
	@echo "make test  - lint, format check and the whole test suite"

$(UV):
	@test -n "$(PYTHON312)" || { echo "Python 3.12 is required (Django 6)"; exit 1; }
	$(PYTHON312) -m venv .tools
	.tools/bin/pip install --quiet 'uv>=0.9,<1'

$(VENV)/.installed: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --inexact --python $(PYTHON312)
	@touch $@

install: $(VENV)/.installed

# PostgreSQL and Redis on 127.0.0.1, started when installed but down.
services:
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
	@for i in $$(seq 50); do pg_isready -q -h 127.0.0.1 -p 5432 && redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && exit 0; sleep 0.2; done; echo "PostgreSQL or Redis did not come up"; exit 1

chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: install services chromium lint
	$(VENV)/bin/pytest --create-db

run: install
	$(PY) -m grapevyne.devserver

screenshots: install services chromium
	$(VENV)/bin/pytest --create-db tests/browser -m browser --screenshots docs

clean:
	rm -rf $(VENV) .tools var staticfiles

# Backups of the database in DATABASE_URL (default: the local grapevyne database).
# `make backup` writes var/backups/grapevyne-<UTC time>.dump and prints its path;
# `make restore FILE=var/backups/grapevyne-....dump` replaces the database's
# contents with it, without asking; stop the web and worker processes first.
# Neither installs anything: a backup must not change the machine it runs on.
.PHONY: backup restore

backup:
	@test -x $(PY) || { echo "$(PY) is missing: run make install first"; exit 1; }
	@$(PY) -m grapevyne.backup backup

restore:
	@test -n "$(FILE)" || { echo "usage: make restore FILE=var/backups/grapevyne-<time>.dump"; exit 2; }
	@test -x $(PY) || { echo "$(PY) is missing: run make install first"; exit 1; }
	@$(PY) -m grapevyne.backup restore "$(FILE)"
