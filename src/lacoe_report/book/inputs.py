"""The book's inputs: one list, read by every fingerprint of the build.

The build decides what is stale from content fingerprints, never from file times: each (a chapter's
outputs, the ledger, the Sphinx environment, ``conf.py``, the book) hashes the inputs of :data:`INPUTS`
that shape it, so an input added here reaches every fingerprint it should.

Examples
--------
>>> [i.pattern for i in INPUTS if LEDGER in i.shapes][:3]
['data', 'core', 'present']
>>> sorted({i.base for i in INPUTS})
['package', 'project']
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..core.paths import BUILD_DIR, PROJ_ROOT
from ..core.safe_write import digest

#: The ``lacoe_report`` package, wherever it is installed (a scratch copy of the book shares it).
PACKAGE_DIR = Path(__file__).resolve().parents[1]

#: What an input shapes: chapters' outputs, the ledger, every page's drawing, Sphinx's ``conf.py``.
#: Every input shapes the book.
CHAPTERS, LEDGER, PAGES, CONFIG = "chapters", "ledger", "pages", "config"
#: Files that are never inputs: caches and editors' side files.
_IGNORED_PARTS = {"__pycache__", ".ipynb_checkpoints"}
_IGNORED_ENDINGS = (".pyc", ".tmp", "~")


@dataclass(frozen=True)
class Input:
    """One input of the book.

    Attributes
    ----------
    base : str
        ``project`` (the book's folder) or ``package`` (``lacoe_report``).
    pattern : str
        A file, a folder (every file under it) or a glob, relative to ``base``.
    shapes : frozenset of str
        What else it shapes besides the published book: :data:`CHAPTERS`,
        :data:`LEDGER`, :data:`PAGES`, :data:`CONFIG`.
    """

    base: str
    pattern: str
    shapes: frozenset[str] = frozenset()


def _input(base: str, pattern: str, *shapes: str) -> Input:
    return Input(base, pattern, frozenset(shapes))


#: Every input of the book and what it shapes. Chapters compute with ``core`` and ``present``
#: only (a test checks that no chapter imports ``book``), so the build machinery makes no output stale.
INPUTS: tuple[Input, ...] = (
    _input("project", "data", CHAPTERS, LEDGER),
    _input("package", "core", CHAPTERS, LEDGER),
    _input("package", "present", CHAPTERS, LEDGER),
    _input("package", "__init__.py", CHAPTERS, LEDGER),
    _input("project", "requirements.txt", CHAPTERS, LEDGER),
    # The ledger counts every chapter listed in the table of contents, with the code that writes it.
    _input("project", "_toc.yml", LEDGER, CONFIG),
    _input("project", "chapters/*.numbers.yml", LEDGER),
    _input("package", "book/ledger.py", LEDGER),
    # Sphinx re-reads a page when its source changes, not when the code or static files drawing it do.
    _input("package", "book", PAGES),
    _input("project", "_static", PAGES, CONFIG),
    _input("project", "_templates", PAGES),
    _input("project", "chapters"),
    _input("project", "ledger"),
    _input("project", "_config.yml", CONFIG),
)

def _expand(folder: Path, pattern: str) -> list[Path]:
    """The files ``pattern`` names under ``folder``: a file, a folder's files, or a glob's."""
    found = []
    for path in sorted(folder.glob(pattern)):
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            found += [p for p in path.rglob("*") if p.is_file()]
    return [p for p in found if not _IGNORED_PARTS & set(p.parts) and not p.name.endswith(_IGNORED_ENDINGS)]


def files(shapes: str | None = None, root: Path = PROJ_ROOT, package: Path = PACKAGE_DIR) -> list[tuple[str, Path]]:
    """``(name, path)`` of every input file that shapes ``shapes`` (every input when ``None``), sorted by name.

    A name is the file's path under its base, prefixed by the base, so a file
    renamed or moved between folders changes the fingerprint.
    """
    bases = {"project": Path(root), "package": Path(package)}
    named = {f"{entry.base}/{path.relative_to(bases[entry.base]).as_posix()}": path
             for entry in INPUTS if shapes is None or shapes in entry.shapes
             for path in _expand(bases[entry.base], entry.pattern)}
    return sorted(named.items())


def fingerprint(shapes: str | None = None, root: Path = PROJ_ROOT, package: Path = PACKAGE_DIR) -> str:
    """:func:`~lacoe_report.core.safe_write.digest` over the names and bytes of :func:`files`."""
    return digest(b"".join(name.encode() + b"\0" + path.read_bytes() + b"\0"
                           for name, path in files(shapes, root, package)))


def is_current(builder: str = "html") -> bool:
    """True when ``_build/<builder>`` was built from exactly today's inputs (:func:`record`)."""
    stamp = BUILD_DIR / f".{builder}.inputs"
    return ((BUILD_DIR / builder / "index.html").exists() and stamp.exists()
            and stamp.read_text(encoding="utf-8").strip() == fingerprint())


def record(builder: str, built_from: str) -> None:
    """Remember that ``_build/<builder>`` was built from inputs with the fingerprint ``built_from``."""
    (BUILD_DIR / f".{builder}.inputs").write_text(built_from + "\n", encoding="utf-8")
