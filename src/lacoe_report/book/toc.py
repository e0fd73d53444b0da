"""The one reader of ``_toc.yml``: the book's parts and documents, in book order.

Every part of the machinery that needs the book's structure asks this module,
so a change to the table of contents is read the same way everywhere.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import load_yaml, shape_problem
from ..core.paths import TOC_FILE


@dataclass(frozen=True)
class Part:
    """One part of the book: its caption, the documents that start a page in it, and
    whether its chapters are numbered (the report's own parts are)."""

    caption: str | None
    docnames: list[str] = field(default_factory=list)
    numbered: bool = False


def _docname(entry: str) -> str:
    """``chapters/finance.ipynb`` -> ``chapters/finance`` (``_toc.yml`` may write either).

    >>> _docname("chapters/finance.ipynb")
    'chapters/finance'
    """
    return re.sub(r"\.(ipynb|md|rst)$", "", entry)


def read_toc(toc_file: Path = TOC_FILE) -> tuple[str, list[Part], list[str]]:
    """Parse the table of contents.

    Returns
    -------
    root : str
        The root document's name (``chapters/intro``).
    parts : list of Part
        One per part, in book order, with its top-level chapters (the ones
        that start a page). A toc without parts is one part without a caption.
    documents : list of str
        Every document listed at any depth, root first, in book order.
    """
    toc = load_yaml(toc_file)

    def walk(node) -> list[str]:
        if isinstance(node, list):
            return [name for item in node for name in walk(item)]
        if isinstance(node, dict):
            own = [_docname(node["file"])] if "file" in node else []
            return own + [name for key, value in node.items() if key not in ("root", "file")
                          for name in walk(value)]
        return []

    try:
        root = _docname(toc["root"])
        raw_parts = toc.get("parts") or [{"chapters": toc.get("chapters", [])}]
        parts = [Part(part.get("caption"), [_docname(c["file"]) for c in part.get("chapters", []) if "file" in c],
                      bool(part.get("numbered")))
                 for part in raw_parts]
        return root, parts, [root] + walk(toc)
    except (KeyError, TypeError, AttributeError) as err:  # YAML, but not a table of contents
        raise shape_problem(toc_file, err) from None


def toc_documents(toc_file: Path = TOC_FILE) -> list[str]:
    """Every document the table of contents lists (root first), without suffix."""
    return read_toc(toc_file)[2]


def toc_chapters(toc_file: Path = TOC_FILE) -> list[Path]:
    """The notebooks the table of contents lists, in book order."""
    base = toc_file.parent
    return [base / f"{name}.ipynb" for name in toc_documents(toc_file) if (base / f"{name}.ipynb").exists()]
