"""Sphinx extension: rebuild every page when the book's own Sphinx code changes.

Sphinx re-reads a page when its source changes, not when an extension that
rewrites pages does (``sphinx_web``, ``trace``, ``sphinx_a11y`` and their static
files), so an edited extension would leave old pages in an incremental build.
This registers the fingerprint of ``src/lacoe_report/book`` as a config value that
rebuilds the environment: a changed extension means every page is rebuilt.
The book's own ``_static`` folder (``custom.css``, ``lacoe-late-scripts.js``) counts
too: with no page out of date Sphinx copies no static file, so an edited
script there was never published. So does ``_templates``: Sphinx re-writes pages
when a template is newer than them, never when an override is deleted or
renamed, which left pages drawn by a template that no longer exists. The
list is :data:`lacoe_report.book.inputs.INPUTS`, the inputs that shape ``PAGES``.
"""
from __future__ import annotations

from pathlib import Path

from . import inputs


def setup(app):
    # A config value Sphinx stores with the environment; when it differs, the environment is rebuilt.
    # What draws every page is the inputs of lacoe_report.book.inputs that shape PAGES.
    app.add_config_value("lacoe_book_code_stamp", inputs.fingerprint(inputs.PAGES, Path(app.confdir)), "env")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
