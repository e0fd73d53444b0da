"""Sphinx extension: read pages again when what they were drawn from changed, whatever the files' times.

Sphinx reads a page again when its file is newer than its last read, which misses two changes:
the book's own Sphinx code, ``_static`` and ``_templates`` (their fingerprint,
:data:`lacoe_report.book.inputs.PAGES`, is a config value: the environment is rebuilt when it
differs), and a save made while Sphinx parsed the page (each page's SHA-256 as read is kept, and a
page whose file no longer hashes to it is read again).
"""
from __future__ import annotations

from pathlib import Path

from ..core.safe_write import digest
from . import inputs

def _read(app, docname: str, source: list[str]) -> None:
    app.env.lacoe_read_digests[docname] = digest(source[0].encode("utf-8"))


def _outdated(app, env, added: set, changed: set, removed: set) -> list[str]:
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


def per_document(app, name: str) -> None:
    """Keep ``env.<name>``, a dict by page, with Sphinx's environment: purged with a page, merged from readers."""
    def init(app) -> None:  # a new environment, or one pickled without it
        if not hasattr(app.env, name):
            setattr(app.env, name, {})

    def purge(app, env, docname: str) -> None:
        getattr(env, name).pop(docname, None)

    def merge(app, env, docnames: set, other) -> None:
        theirs = getattr(other, name)
        getattr(env, name).update({doc: theirs[doc] for doc in docnames if doc in theirs})

    app.connect("builder-inited", init)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)


def setup(app):
    # A config value Sphinx stores with the environment; when it differs, the environment is rebuilt.
    app.add_config_value("lacoe_book_code_stamp", inputs.fingerprint(inputs.PAGES, Path(app.confdir)), "env")
    # First of the source-read handlers: the text as read from the file, before any rewrites it.
    app.connect("source-read", _read, priority=0)
    app.connect("env-get-outdated", _outdated)
    per_document(app, "lacoe_read_digests")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
