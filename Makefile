# The LACOE Annual Report 2023-24 book. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_BASE ?= python3
# Every tool here starts Python many times: let it cache bytecode (a shell that
# sets PYTHONDONTWRITEBYTECODE would make each start compile pandas & co. anew).
unexport PYTHONDONTWRITEBYTECODE
VENV := .venv
PY := $(VENV)/bin/python
# Re-install only when the pins or the package metadata change.
INSTALLED := $(VENV)/.installed
SYSTEM := $(VENV)/.system-deps
AXE := .cache/axe-core/axe.min.js
VNU := .cache/vnu/vnu.jar
LIGHTHOUSE := .cache/npm-lighthouse/node_modules/lighthouse/package.json

# nbconvert's side files (chapters/x.nbconvert.ipynb, ignored by git) are copies, not chapters:
# nbval would run them again, as a second chapter publishing the same keys.
CHAPTER_NOTEBOOKS := $(filter-out %.nbconvert.ipynb,$(wildcard chapters/*.ipynb))
# Warm kernels (book/kernels/): each chapter in a fresh kernel forked after the heavy imports.
NBVAL := --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout 300 \
         -p lacoe_report.book.kernels.pytest_plugin --nbval-kernel-name lacoe-warm

.PHONY: help book preview pdf test check verify bench mutation audit data-meta lab lock upgrade-check chapter clean

help: ## List every target with one line on what it does
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

UV := $(VENV)/bin/uv
# uv installs the pins in seconds where pip takes minutes. It is bootstrapped
# once into a venv made without pip (ensurepip alone costs ~4 s) by the base
# Python's own pip; an old pip without --python falls back to ensurepip.
$(UV):
	@test -x $(PY) || $(PYTHON_BASE) -m venv --without-pip $(VENV)
	@$(PYTHON_BASE) -m pip --python $(PY) install -qq --disable-pip-version-check uv==0.13.9 2>/dev/null \
	  || { $(PY) -m ensurepip -q && $(PY) -m pip install -qq --disable-pip-version-check uv==0.13.9; }

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

# The Nu HTML Checker for the HTML validity test, vendored from npm the same way.
$(VNU): scripts/vendor-vnu.sh | $(SYSTEM)
	@bash scripts/vendor-vnu.sh && touch $@

# Lighthouse for make bench only.
$(LIGHTHOUSE): scripts/vendor-lighthouse.sh | $(SYSTEM)
	@bash scripts/vendor-lighthouse.sh && touch $@

# Always ask the builder: it decides from content fingerprints (a deleted or
# renamed input counts), never from file times, and is a no-op when nothing changed.
book: $(INSTALLED) ## Build the HTML book into _build/html (executes only chapters whose inputs changed)
	@$(PY) -m lacoe_report.book.build html

PORT ?= 8000
preview: $(INSTALLED) ## Serve the book on 127.0.0.1:PORT (8000), rebuild on every save, reload the page (never touches _build/html)
	@$(PY) -m lacoe_report.book.preview --port $(PORT)

pdf: $(INSTALLED) $(SYSTEM) ## Print the book to _build/pdf/ as one PDF (Debian Chromium, offline; executes only stale chapters)
	@$(PY) -m lacoe_report.book.pdf

# The book is built first, once: the browser tests find it current, and the PDF's
# single-page build reuses its parsed chapters instead of waiting for it (a failed
# build is reported again, in plain words, by the tests that need the book).
test: $(INSTALLED) $(SYSTEM) $(AXE) $(VNU) ## Run every test: data, package, chapters (nbval), build, PDF and browser checks
	@$(PY) -m lacoe_report.book.build html || echo "the book did not build: the tests below say why"
	@$(PY) -m pytest -n 2 --dist loadfile -q $(NBVAL) tests src $(CHAPTER_NOTEBOOKS)

check: $(INSTALLED) ## Lint (ruff), then fast tests for the edit loop: unit tests, doctests, data tests (no kernels, builds or browser)
	@$(VENV)/bin/ruff check -q src tests benchmarks
	@$(PY) -m pytest -q -m "not slow" -n 2 -p no:nbval tests src

verify: $(INSTALLED) ## Re-execute every chapter in clean kernels; name every published number that changed
	@$(PY) -m lacoe_report.book.verify

bench: $(INSTALLED) $(SYSTEM) $(AXE) $(VNU) $(LIGHTHOUSE) ## Time builds, tests and verify against the stock template; Lighthouse and the Nu HTML Checker on the book (benchmarks/*.md)
	@$(PY) benchmarks/bench.py
	@$(PY) benchmarks/lighthouse.py

# Not part of make test: ~10 minutes on two cores (only the tests that call a mutated function run per mutant).
mutation: $(INSTALLED) ## Mutation testing of the core modules: score, and surviving mutants in benchmarks/mutation_survivors.md
	@$(PY) benchmarks/mutation.py

lock: $(UV) ## Re-compile requirements.txt (every pin) from the direct dependencies in requirements.in
	@$(UV) pip compile -q requirements.in -o requirements.txt --python-version 3.11 --custom-compile-command "make lock"

# Not part of make test: a whole environment installed and every test run (some 10 minutes).
upgrade-check: $(UV) ## Run make test in a scratch copy on the newest versions requirements.in allows (requirements.txt untouched); name each failure
	@bash scripts/upgrade-check.sh

audit: $(INSTALLED) ## Print the audit's findings from the data alone (AUDIT_ARGS=--json for JSON, --all for every question)
	@$(PY) -m lacoe_report.core.audit $(AUDIT_ARGS)

chapter: $(INSTALLED) ## Start a chapter from the template and list it in _toc.yml: make chapter NAME=transport TITLE="Getting to school" [SECTION=at_a_glance]
	@$(PY) -m lacoe_report.book.scaffold "$(NAME)" "$(TITLE)" --section "$(or $(SECTION),at_a_glance)"

# JupyterLab is layered over .venv for this command only: kept out of the
# pins, it keeps jsonschema's slow format extras out of every build process.
JUPYTERLAB ?= jupyterlab==4.6.6
lab: $(INSTALLED) ## Open the chapters in JupyterLab with the project's environment
	@$(UV) run -q --no-project --python $(PY) --with '$(JUPYTERLAB)' jupyter lab chapters/

data-meta: $(INSTALLED) ## Record the current sha256 and row counts of the data files in their metadata
	@$(PY) -m lacoe_report.core.metadata --write

clean: ## Remove every build output and cache (keeps .venv)
	@rm -rf _build .pytest_cache .hypothesis mutants
	@find . -name __pycache__ -not -path './.venv/*' -prune -exec rm -rf {} +
