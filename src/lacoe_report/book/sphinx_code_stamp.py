"""Sphinx extension: rebuild every page when the book's own Sphinx code changes.

Sphinx re-reads a page when its source changes, not when an extension that
rewrites pages does (``sphinx_web``, ``trace``, ``sphinx_a11y`` and their static
files), so an edited extension would leave old pages in an incremental build.
This registers the SHA-256 of ``src/lacoe_report/book`` as a config value that
rebuilds the environment: a changed extension means every page is rebuilt.
The book's own ``_static`` folder (``custom.css``, ``lacoe-tabstops.js``) counts
too: with no page out of date Sphinx copies no static file, so an edited
script there was never published. So does ``_templates``: Sphinx re-writes pages
when a template is newer than them, never when an override is deleted or
renamed, which left pages drawn by a template that no longer exists.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

_BOOK_CODE = Path(__file__).resolve().parent


def code_stamp(folder: Path = _BOOK_CODE) -> str:
    """SHA-256 over the names and bytes of the book machinery's files (no caches)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


#: The book's own folders that shape every page, beside the Sphinx code.
BOOK_FOLDERS = ("_static", "_templates")


def book_stamp(confdir: Path, code: Path = _BOOK_CODE) -> str:
    """The stamp of the book's machinery: its Sphinx code and the book's :data:`BOOK_FOLDERS`."""
    return code_stamp(code) + "".join(code_stamp(confdir / name) if (confdir / name).is_dir() else ""
                                      for name in BOOK_FOLDERS)


def setup(app):
    # A config value Sphinx stores with the environment; when it differs, the environment is rebuilt.
    app.add_config_value("lacoe_book_code_stamp", book_stamp(Path(app.confdir)), "env")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
