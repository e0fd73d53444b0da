"""Fixtures for the real-browser tests: the built book, a local server, one Chromium.

The book is served from ``127.0.0.1`` on a free port and opened in the system's
Chromium (``/usr/bin/chromium``, installed by ``scripts/system-deps.sh``) with
axe-core vendored by ``scripts/vendor-axe.sh``. Nothing is fetched at run time:
every request to another host is recorded and aborted.

Set ``LACOE_BROWSER_BOOK=/path/to/_build/html`` to test an already built book
instead of building ``_build/html``.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from lacoe_report.book.pdf import CHROMIUM_ARGS  # the PDF's Chromium flags: one list for both
from lacoe_report.core.paths import PROJ_ROOT

from .browser_support import AXE_JS, CHROMIUM, SETUP_HINT, print_figures, serve


# --------------------------------------------------------------------------- the book

@pytest.fixture(scope="session")
def book_url(book_dir):
    with serve(book_dir) as base:
        yield base


# --------------------------------------------------------------------------- the browser

@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session."""
    assert CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK), (
        f"Chromium is missing at {CHROMIUM}: the browser tests need it; {SETUP_HINT}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    """The vendored axe-core script."""
    assert AXE_JS.is_file() and AXE_JS.stat().st_size > 100_000, (
        f"axe-core is not vendored at {AXE_JS.relative_to(PROJ_ROOT)}; {SETUP_HINT}")
    return AXE_JS.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- the summary

def pytest_terminal_summary(terminalreporter):
    """Print the browser figures at the end of the run."""
    print_figures(terminalreporter)


# --------------------------------------------------------------------------- the tier

@pytest.hookimpl(tryfirst=True)  # before `-m "not slow"` deselects
def pytest_collection_modifyitems(config, items):
    """Every test here needs the built book or Chromium: `make test`, never `make check`.

    A file that forgets its ``pytestmark = pytest.mark.slow`` (test_trace.py did)
    would otherwise build the book and start Chromium in the edit loop.
    """
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.slow)
