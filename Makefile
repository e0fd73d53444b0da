# The LACOE Annual Report 2023-24 book. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_BASE ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Re-install only when the pins or the package metadata change.
INSTALLED := $(VENV)/.installed
SYSTEM := $(VENV)/.system-deps
AXE := .cache/axe-core/axe.min.js

CHAPTER_NOTEBOOKS := $(wildcard chapters/*.ipynb)
NBVAL := --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout 300

.PHONY: help book pdf test check verify bench data-meta lab lock chapter clean

help: ## List every target with one line on what it does
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

UV := $(VENV)/bin/uv
# uv installs the 160 pins in seconds where pip takes minutes; it is itself
# bootstrapped from PyPI into the venv with pip, once.
$(UV):
	@test -x $(PY) || $(PYTHON_BASE) -m venv $(VENV)
	@$(PY) -m pip install -qq --disable-pip-version-check uv==0.13.9

$(INSTALLED): requirements.txt pyproject.toml | $(UV)
	@echo "installing the pinned environment into $(VENV) ..."
	@$(UV) pip install -q --python $(PY) -r requirements.txt -e '.[book,pdf,test]'
	@touch $@

$(SYSTEM): scripts/system-deps.sh | $(INSTALLED)
	@bash scripts/system-deps.sh
	@touch $@

# axe-core for the accessibility tests, vendored from npm at install, never fetched at run time.
$(AXE): scripts/vendor-axe.sh | $(SYSTEM)
	@bash scripts/vendor-axe.sh && touch $@

# Always ask the builder: it decides from content fingerprints (a deleted or
# renamed input counts), never from file times, and is a no-op when nothing changed.
book: $(INSTALLED) ## Build the HTML book into _build/html (executes only chapters whose inputs changed)
	@$(PY) -m lacoe_report.book.build html

pdf: $(INSTALLED) $(SYSTEM) ## Print the book to _build/pdf/ as one PDF (Debian Chromium, offline; executes only stale chapters)
	@$(PY) -m lacoe_report.book.pdf

test: $(INSTALLED) $(SYSTEM) $(AXE) ## Run every test: data, package, chapters (nbval), build, PDF and browser checks
	@$(PY) -m pytest -n 2 --dist loadfile -q $(NBVAL) tests src $(CHAPTER_NOTEBOOKS)

verify: $(INSTALLED) ## Re-execute every chapter in clean kernels; name every published number that changed
	@$(PY) -m lacoe_report.book.verify

bench: $(INSTALLED) $(SYSTEM) $(AXE) ## Time builds, tests and verify against the stock template; writes benchmarks/results.md
	@$(PY) benchmarks/bench.py

lock: $(UV) ## Re-compile requirements.txt (every pin) from the direct dependencies in requirements.in
	@$(UV) pip compile -q requirements.in -o requirements.txt --python-version 3.11 --custom-compile-command "make lock"

chapter: $(INSTALLED) ## Start a chapter from the template and list it in _toc.yml: make chapter NAME=transport TITLE="Getting to school" [SECTION=at_a_glance]
	@$(PY) -m lacoe_report.book.scaffold "$(NAME)" "$(TITLE)" --section "$(or $(SECTION),at_a_glance)"

lab: $(INSTALLED) ## Open the chapters in JupyterLab with the project's environment
	@$(VENV)/bin/jupyter lab chapters/

data-meta: $(INSTALLED) ## Record the current sha256 and row counts of the data files in their metadata
	@$(PY) -m lacoe_report.core.metadata --write

clean: ## Remove every build output and cache (keeps .venv)
	@rm -rf _build .pytest_cache .hypothesis
	@find . -name __pycache__ -not -path './.venv/*' -prune -exec rm -rf {} +
