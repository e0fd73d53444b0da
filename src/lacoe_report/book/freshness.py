"""Is the published book current? Decided from content, never from file times.

The book is a function of its inputs (:data:`lacoe_report.book.inputs.INPUTS`).
:func:`inputs_fingerprint` hashes their names and bytes, so an edited, added,
deleted or renamed input changes it, and a ``touch`` or a fresh clone (new
file times, same content) does not. The build records it beside the book it
published; ``make book`` compares the two before importing anything heavy.
"""
from __future__ import annotations

from ..core.paths import BUILD_DIR
from . import inputs


def inputs_fingerprint() -> str:
    """The fingerprint of every input of the book (:func:`lacoe_report.book.inputs.fingerprint`)."""
    return inputs.fingerprint()


def is_current(builder: str = "html") -> bool:
    """True when ``_build/<builder>`` was built from exactly today's inputs."""
    stamp = BUILD_DIR / f".{builder}.inputs"
    return ((BUILD_DIR / builder / "index.html").exists() and stamp.exists()
            and stamp.read_text(encoding="utf-8").strip() == inputs_fingerprint())


def record(builder: str, fingerprint: str) -> None:
    """Remember that ``_build/<builder>`` was built from inputs with ``fingerprint``."""
    (BUILD_DIR / f".{builder}.inputs").write_text(fingerprint + "\n", encoding="utf-8")
