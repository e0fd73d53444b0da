"""Shared fixtures: scratch copies of the data or the repository to corrupt, never the real files."""
import csv
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lacoe_report.book import css_bundle
from lacoe_report.book.toc import toc_documents
from lacoe_report.core.paths import BUILD_DIR, FIGURES_CSV, PROJ_ROOT

# What a fresh clone does not have, or must not share with the scratch copy.
NOT_COPIED = shutil.ignore_patterns(".git", ".venv", "_build", ".cache", "node_modules", "__pycache__",
                                    ".pytest_cache", ".hypothesis", ".ipynb_checkpoints", "*.egg-info")


def environment(root: Path) -> dict:
    """This process's environment for a command in the copy at ``root``, as a user's shell has it there.

    Not what the test session inherited from being an xdist worker.
    """
    env = dict(os.environ, LACOE_PROJ_ROOT=str(root))
    env.pop("PYTEST_XDIST_WORKER", None)
    return env


def make(root: Path, target: str = "book") -> subprocess.CompletedProcess:
    """Run a make target in a scratch copy, as a user would."""
    return subprocess.run(["make", "--no-print-directory", target], cwd=root, env=environment(root),
                          capture_output=True, text=True, timeout=600)


def command(root: Path, module: str, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """``python -m MODULE ARGS`` in a scratch copy, as ``make`` runs the book's commands."""
    return subprocess.run([sys.executable, "-m", module, *args], cwd=root,
                          env=environment(root), capture_output=True, text=True, timeout=timeout)


def make_variable(name: str, makefile: Path = PROJ_ROOT / "Makefile", cwd: Path | None = None) -> str:
    """``$(NAME)`` as make expands it, reading ``makefile`` in ``cwd`` (the makefile's folder by default)."""
    shown = subprocess.run(["make", "--no-print-directory", "-s", "-f", str(makefile),
                            "--eval", f"show-variable: ; @echo $({name})", "show-variable"],
                           cwd=cwd or makefile.parent, capture_output=True, text=True)
    assert shown.returncode == 0, shown.stdout + shown.stderr
    return shown.stdout.strip()


def copy_repo(root: Path, toc: str | None = None) -> Path:
    """A copy of the repository at ``root`` that builds with the real venv, never installing into it.

    With ``toc``, the copy's ``_toc.yml`` is replaced and the chapters it does not
    list are removed (a smaller book that still obeys every house rule).
    """
    # copy2 keeps file times: make must see the shared venv as newer than the pins
    shutil.copytree(PROJ_ROOT, root, ignore=NOT_COPIED, copy_function=shutil.copy2, symlinks=True)
    # The scratch venv borrows the real one's interpreter and packages, with a stamp
    # of its own, so make never installs into the shared environment from here.
    venv = root / ".venv"
    venv.mkdir()
    for part in (PROJ_ROOT / ".venv").iterdir():
        if not part.name.startswith("."):
            (venv / part.name).symlink_to(part)
    (venv / ".installed").touch()
    # The real build's trimmed stylesheet, kept under a digest of its inputs
    # (book/css_bundle.py): a copy whose pages name the same selectors reuses
    # it instead of parsing the theme's CSS again; any other copy recomputes.
    css_cache = Path(".staging", "_build", css_bundle.CSS_CACHE)
    if (PROJ_ROOT / "_build" / css_cache).is_dir():
        shutil.copytree(PROJ_ROOT / "_build" / css_cache, root / "_build" / css_cache)
    if toc is not None:
        (root / "_toc.yml").write_text(toc, encoding="utf-8")
        listed = set(toc_documents(root / "_toc.yml"))
        for notebook in (root / "chapters").glob("*.ipynb"):
            if f"chapters/{notebook.stem}" not in listed:
                notebook.unlink()
                notebook.with_name(notebook.stem + ".numbers.yml").unlink(missing_ok=True)
    return root


# The smallest book that still exercises execution, the ledger and Sphinx.
SCRATCH_TOC = """format: jb-book
root: chapters/intro
chapters:
  - file: chapters/finance
  - file: chapters/questions
  - file: chapters/downloads
"""


@pytest.fixture(scope="session")
def built_scratch(tmp_path_factory) -> tuple[Path, Path]:
    """A copy of the repository with a two-page book, built once per session (per worker) with make.

    Returns the copy the tests use and a pristine copy of it as built.
    """
    base = tmp_path_factory.mktemp("scratch")
    root = copy_repo(base / "repo", SCRATCH_TOC)
    first = make(root)
    assert first.returncode == 0, first.stdout + first.stderr
    pristine = base / "pristine"
    shutil.copytree(root, pristine, symlinks=True, copy_function=shutil.copy2)
    return root, pristine


@pytest.fixture
def scratch(built_scratch) -> Path:
    """The scratch book exactly as first built, for one test to change.

    Every test gets it back byte for byte and with its file times (the folder is
    replaced by a copy of the pristine one before each test), at the same path, so
    Sphinx's saved environment stays valid: each test sees only its own change on a
    built book, as the tests that built a copy each did, without the build. Only
    ``make preview``'s own output folder (``_build/preview``, never read by make book)
    is kept from test to test, as the preview keeps it between runs.
    """
    root, pristine = built_scratch
    preview, kept = root / "_build" / "preview", root.parent / "preview-kept"
    if preview.is_dir():
        preview.rename(kept)
    shutil.rmtree(root)
    shutil.copytree(pristine, root, symlinks=True, copy_function=shutil.copy2)
    if kept.is_dir():
        kept.rename(preview)
    return root


class FiguresFile:
    """A scratch copy of ``report_figures.csv`` with helpers to break it."""

    def __init__(self, path: Path):
        self.path = path
        shutil.copyfile(FIGURES_CSV, path)

    def rows(self) -> tuple[list[str], list[dict]]:
        reader = csv.DictReader(io.StringIO(self.path.read_text(encoding="utf-8"), newline=""))
        return list(reader.fieldnames), list(reader)

    def save(self, header: list[str], rows: list[dict]) -> None:
        out = io.StringIO(newline="")
        writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
        self.path.write_text(out.getvalue(), encoding="utf-8")

    def set(self, figure_id: str, column: str, value: str) -> int:
        """Set one cell; return the file line of that row."""
        header, rows = self.rows()
        for row in rows:
            if row["id"] == figure_id:
                row[column] = value
        self.save(header, rows)
        return self.line_of(figure_id)

    def line_of(self, figure_id: str) -> int:
        for number, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.startswith(figure_id + ","):
                return number
        raise KeyError(figure_id)


@pytest.fixture
def figures_file(tmp_path) -> FiguresFile:
    return FiguresFile(tmp_path / "report_figures.csv")


# The browser suite's figures (pages, requests, violations), printed once at the
# end of the run even under xdist, where tests/browser/conftest.py is not loaded.


# --------------------------------------------------------------------------- the built book

@pytest.fixture(scope="session")
def book_dir() -> Path:
    """The built HTML book: ``_build/html``, brought up to date by ``make book`` (or ``LACOE_BROWSER_BOOK``)."""
    given = os.environ.get("LACOE_BROWSER_BOOK")
    if given:
        path = Path(given).resolve()
        assert (path / "index.html").is_file(), f"LACOE_BROWSER_BOOK={given} holds no index.html"
        return path
    # `make book` knows what the HTML depends on: it rebuilds only when an input changed.
    result = subprocess.run(["make", "--no-print-directory", "book"], cwd=PROJ_ROOT,
                            capture_output=True, text=True)
    if result.returncode != 0:  # the build's plain message, not a traceback
        pytest.fail(f"the book did not build:\n{result.stdout}{result.stderr}", pytrace=False)
    return BUILD_DIR / "html"


from browser.browser_support import print_figures as pytest_terminal_summary  # noqa: E402,F401


@pytest.hookimpl(tryfirst=True)  # before `-m "not slow"` deselects
def pytest_collection_modifyitems(items) -> None:
    """A test that reads the built book builds it first: it is ``slow``, whatever its module says."""
    for item in items:
        if "book_dir" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)
