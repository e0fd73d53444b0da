"""Sphinx extension: read pages again when what they were drawn from changed, whatever the files' times.

Sphinx reads a page again when its file is newer than the moment Sphinx
finished reading it. That misses two kinds of change:

* **The book's own Sphinx code.** An edited extension (``sphinx_web``,
  ``trace``, ``sphinx_a11y`` and their static files), the book's ``_static``
  (with no page out of date Sphinx copies no static file, so an edited script
  there was never published) or ``_templates`` (Sphinx never re-writes pages
  when an override is deleted or renamed) left old pages in an incremental
  build. Their fingerprint, of the inputs of :data:`lacoe_report.book.inputs.INPUTS`
  that shape ``PAGES``, is a config value that rebuilds the environment when it differs.
* **A save while Sphinx parses the page** (after it read the file, before it
  noted that moment) is older than the note, so an incremental build kept the
  page parsed from the earlier text (in ``make preview`` as in ``make book``).
  This keeps the SHA-256 of each page's text as read (in Sphinx's environment,
  pickled with it), and asks Sphinx to read again every page whose file no
  longer hashes to it.
"""
from __future__ import annotations

from pathlib import Path

from ..core.safe_write import digest
from . import inputs

def _read(app, docname: str, source: list[str]) -> None:
    app.env.lacoe_read_digests[docname] = digest(source[0].encode("utf-8"))


def _outdated(app, env, added: set, changed: set, removed: set) -> list[str]:
    # The first of the handlers in a build (Sphinx's read() emits env-get-outdated before purging or reading).
    if not hasattr(env, "lacoe_read_digests"):  # a new environment, or one pickled without the digests
        env.lacoe_read_digests = {}
    recorded = env.lacoe_read_digests
    again = []
    for docname in sorted(env.found_docs - added - changed - removed):
        if docname not in recorded:
            continue
        try:
            text = Path(env.doc2path(docname)).read_text(encoding=app.config.source_encoding)
        except (OSError, UnicodeDecodeError):
            continue  # Sphinx itself reports a file it cannot read
        if digest(text.encode("utf-8")) != recorded[docname]:
            again.append(docname)
    return again


def _purge(app, env, docname: str) -> None:
    env.lacoe_read_digests.pop(docname, None)


def _merge(app, env, docnames: set, other) -> None:
    theirs = other.lacoe_read_digests
    env.lacoe_read_digests.update({name: theirs[name] for name in docnames if name in theirs})


def setup(app):
    # A config value Sphinx stores with the environment; when it differs, the environment is rebuilt.
    app.add_config_value("lacoe_book_code_stamp", inputs.fingerprint(inputs.PAGES, Path(app.confdir)), "env")
    # First of the source-read handlers: the text as read from the file, before any rewrites it.
    app.connect("source-read", _read, priority=0)
    app.connect("env-get-outdated", _outdated)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
