"""Is the published book current? Decided from content, never from file times.

The book is a function of its inputs: the chapters, the data, the package,
the theme overrides, ``_config.yml``, ``_toc.yml``, the pins and the ledger.
:func:`inputs_fingerprint` hashes their names and bytes, so an edited, added,
deleted or renamed input changes it, and a ``touch`` or a fresh clone (new
file times, same content) does not. The build records it beside the book it
published; ``make book`` compares the two before importing anything heavy.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from ..core.paths import BUILD_DIR, PROJ_ROOT

#: Folders and files the HTML book is built from, relative to the project root.
BOOK_INPUTS = ("chapters", "data", "src", "_static", "_templates", "ledger",
               "_config.yml", "_toc.yml", "requirements.txt")
_IGNORED_PARTS = {"__pycache__", ".ipynb_checkpoints"}


def input_files(root: Path = PROJ_ROOT) -> list[Path]:
    """Every file the book is built from, sorted by path."""
    found = []
    for name in BOOK_INPUTS:
        path = root / name
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            found += [p for p in path.rglob("*") if p.is_file() and not _IGNORED_PARTS & set(p.parts)
                      and not p.name.endswith((".pyc", ".tmp"))]
    return sorted(found)


def inputs_fingerprint(root: Path = PROJ_ROOT) -> str:
    """SHA-256 over the names and bytes of :func:`input_files`."""
    digest = hashlib.sha256()
    for path in input_files(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def stamp_file(builder: str) -> Path:
    """Where the fingerprint of the inputs a published build came from is kept."""
    return BUILD_DIR / f".{builder}.inputs"


def is_current(builder: str = "html") -> bool:
    """True when ``_build/<builder>`` was built from exactly today's inputs."""
    stamp = stamp_file(builder)
    return ((BUILD_DIR / builder / "index.html").exists() and stamp.exists()
            and stamp.read_text(encoding="utf-8").strip() == inputs_fingerprint())


def record(builder: str, fingerprint: str) -> None:
    """Remember that ``_build/<builder>`` was built from inputs with ``fingerprint``."""
    stamp_file(builder).write_text(fingerprint + "\n", encoding="utf-8")
