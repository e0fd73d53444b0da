"""The command line behind ``make``: check the data, execute stale chapters, build the book.

Run ``python -m lacoe_report.book.build --help``. Every failure prints a short
message naming what to fix and exits non-zero; no traceback reaches the
terminal on the ``make`` path.

``make book`` with nothing changed imports only what finds the book current
(0.08 s); each step imports what it uses, the line marked "light path" with
what it would add to that.
"""
from __future__ import annotations

import argparse
import atexit
import contextlib
import fcntl
import gc
import importlib
import io
import re
import runpy
import shutil
import sys
import time
import warnings
from pathlib import Path

from . import inputs, kernels
from . import published as published_files
from .toc import toc_chapters
from ..core.errors import InputError, load_yaml
from ..core.paths import AUDIT_RELATIONS_YML, BUILD_DIR, PROJ_ROOT, shown
from ..core.safe_write import ChangedOnDisk, digest, fingerprint, write_if_unchanged


def check_data(book: bool = True) -> None:
    """Read and validate every input the build parses, or exit naming the file and line; then record an edit.

    ``data/`` (the tables, YAML files and the audit's relations) and, with
    ``book``, ``_config.yml``, ``_toc.yml`` and the chapters' JSON: a malformed
    one stops the build before a chapter executes. Then, with ``book``, a data
    file edited since its checksum was recorded gets its new SHA-256 and row
    count in the metadata and the Data Package, as ``make data-meta`` does.
    """
    from ..core import data  # light path: pandas, pandera (0.37 s)
    from ..core.audit.spec import SpecError, load  # light path: the audit engine (0.25 s)
    from ..core.validation import DataError  # light path: pandas, pandera
    from . import chapters  # light path: nbformat (0.08 s)

    written = []
    try:
        with saves_kept():
            if book:
                load_yaml(PROJ_ROOT / "_config.yml")
                for path in toc_chapters():
                    chapters.read_plain(path)
            # light path; the vocabulary is read on import
            from ..core import metadata, vocabulary  # noqa: F401
            metadata.load()
            data.figures()
            data.excluded()
            load(AUDIT_RELATIONS_YML, figure_ids=set(data.figures().index))
            # The checksums are bookkeeping derived from the bytes, like the ledger: the edit
            # has just passed validation. Refusing would only add a command to the analyst's
            # correction and stall make preview on every save of a CSV; the rewritten files
            # show up in `git status` beside the edit, to be committed with it.
            if book:
                edited, written = metadata.record()
    except DataError as err:
        sys.exit(f"Bad data, nothing was built: {err}")
    except (InputError, SpecError) as err:
        sys.exit(f"Bad input, nothing was built: {err}")
    if written:
        print(f"recorded the new SHA-256 and row count of {', '.join(edited) or 'the data files'} in "
              f"{' and '.join(shown(p) for p in written)} (commit them with the edit)", flush=True)


@contextlib.contextmanager
def saves_kept():
    """Stop, in plain words naming the file, when a file the build writes was saved while it worked.

    The save is on disk as it was made (:mod:`lacoe_report.core.safe_write`);
    the build stops rather than publish a book that does not show it.

    >>> with saves_kept():
    ...     raise ChangedOnDisk([PROJ_ROOT / "chapters" / "finance.ipynb"])
    Traceback (most recent call last):
    SystemExit: chapters/finance.ipynb changed on disk during the build: the save was kept and nothing was \
written over it. Nothing was published: build again to include it (make preview does so by itself).
    """
    try:
        yield
    except ChangedOnDisk as err:
        sys.exit(f"{err}. Nothing was published: build again to include it (make preview does so by itself).")


def enforce_rules() -> None:
    """Exit with one plain line per broken house rule (see :mod:`lacoe_report.book.rules`)."""
    from . import rules  # light path: nbformat (0.09 s)

    violations = rules.check_sources()
    if violations:
        sys.exit(rules.report(violations))


def strip_volatile(paths: list[Path]) -> None:
    """Remove run-specific metadata (execution timestamps ...) that an editor or nbconvert left.

    Outputs and fingerprints are untouched; a chapter saved meanwhile is kept
    and :class:`~lacoe_report.core.safe_write.ChangedOnDisk` names it.
    """
    import nbformat  # light path (0.06 s)

    from . import chapters  # light path

    changed = []
    for path in paths:
        original = path.read_bytes()
        notebook = chapters.clean(nbformat.reads(original.decode("utf-8"), as_version=4))
        text = (nbformat.writes(notebook) + "\n").encode("utf-8")
        if text != original and not write_if_unchanged(path, text, digest(original)):
            changed.append(path)
    if changed:
        raise ChangedOnDisk(changed)


def execute(quiet: bool = False, names: list[str] | None = None) -> list[Path]:
    """Execute the chapters whose inputs changed (or those named, fresh or not), in parallel.

    The ledger is written first: it needs no executed output, so no chapter waits for another.
    """
    from . import chapters  # light path

    listed = toc_chapters()
    if names:
        unknown = set(names) - {p.stem for p in listed}
        if unknown:
            sys.exit(f"no chapter named {', '.join(sorted(unknown))} in _toc.yml")
        listed = [p for p in listed if p.stem in names]
    with saves_kept():
        write_ledger()
        todo = listed if names else chapters.stale_chapters(listed)
        if not todo:
            if not quiet:
                print(f"all {len(listed)} chapters are up to date; none executed")
            return []
        print(f"executing {len(todo)} of {len(listed)} chapters: {', '.join(p.stem for p in todo)}", flush=True)
        started = time.perf_counter()
        executed, errors = chapters.execute_many(todo)
    if errors:
        sys.exit("A chapter failed, nothing was published:\n  " + "\n  ".join(errors))
    print(f"executed {len(executed)} chapters in {time.perf_counter() - started:.1f} s", flush=True)
    return executed


def write_ledger() -> None:
    """Write ``ledger/ledger.csv`` from the declarations; a declaration that cannot be evaluated stops the build.

    Skipped when the inputs that shape :data:`~.inputs.LEDGER` and the written
    files are what they were at the last write (a code edit to one chapter
    changes none of them). What is recorded is what was read before the
    evaluation, so a declaration saved during it is evaluated next time.
    """
    from ..core.declarations import DeclarationError  # light path (6 ms)
    from . import ledger  # light path: pandas, pandera

    stamp = BUILD_DIR / ".ledger.inputs"
    sources = inputs.fingerprint(inputs.LEDGER)
    read = {path: fingerprint(path) for path in ledger.files()}
    if stamp.exists() and stamp.read_text(encoding="utf-8").split() == [sources, *read.values()]:
        return
    from ..core.question_list import questions  # light path: the audit engine (0.26 s)
    from ..core.questions import QuestionsError  # light path
    try:
        ledger.write(ledger.collect(toc_chapters()), read=read, questions=questions())
    except (DeclarationError, QuestionsError) as err:
        sys.exit(f"A declared number could not be evaluated, nothing was built:\n  {err}")
    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    stamp.write_text("\n".join([sources, *(fingerprint(path) for path in ledger.files())]) + "\n", encoding="utf-8")


def build_html(builder: str = "html") -> Path:
    """Build the book into a staging folder and, after a clean build, swap it into ``_build/<builder>`` in one rename.

    A failed build leaves the published book as it was; a current one (:func:`~.inputs.is_current`) is not rebuilt.
    """
    if inputs.is_current(builder):
        return BUILD_DIR / builder
    built_from = inputs.fingerprint()  # what is about to be built: chapters and ledger as executed
    # One staging folder for every builder: the HTML and PDF builds share the parsed doctrees.
    staging = BUILD_DIR / ".staging" / "_build"
    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    # Two builds at once (the PDF and the browser tests run in parallel) would
    # write the same doctrees: take turns.
    with (BUILD_DIR / ".staging.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        status, problems = sphinx_build(staging, builder)
        if status == 0:
            # What the book states about its downloads must be true of them, or nothing is published.
            wrong = published_files.site_disagreements(staging / builder)
            if wrong:
                sys.exit(published_files.report(wrong, "The book was not published; the published book is unchanged"))
            published = _swap_in(staging / builder, BUILD_DIR / builder)
    if status != 0:
        sys.exit(f"The book did not build; the published book is unchanged.\n{problems}")
    inputs.record(builder, built_from)
    return published


def sphinx_build(out: Path, builder: str = "html") -> tuple[int, str]:
    """``sphinx-build -b builder -n -W --keep-going -q`` on the book, in this process; (status, what is wrong).

    Sphinx reads ``conf.py`` (:mod:`.sphinx_conf`) and writes ``out/<builder>``
    and ``out/.doctrees``. The status is Sphinx's (1 after warnings, 2 when it
    stopped); what is wrong is every warning and error as :func:`plain_warning`
    names it, or the end of what Sphinx printed.
    """
    from sphinx.cmd.build import build_main  # light path (0.09 s)

    from .sphinx_conf import conf_dir  # light path (2 ms)

    with saves_kept():
        root = conf_dir()
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        status = build_main(["-b", builder, "-d", str(out / ".doctrees"), "-n", "-W", "--keep-going", "-q",
                             str(root), str(out / builder)])
    output = printed.getvalue()
    shown = "\n".join(plain_warning(line) for line in output.splitlines()
                      if "WARNING" in line or "ERROR" in line or "Error" in line)
    return status, shown or output[-2000:]


def import_sphinx() -> None:
    """Import Sphinx with its own extensions and the book's while the kernel server imports, before a chapter runs."""
    from sphinx import application  # light path (0.09 s)

    from .sphinx_conf import conf_dir  # light path

    with saves_kept():
        conf = conf_dir() / "conf.py"
    for name in (*application.builtin_extensions, *runpy.run_path(str(conf))["extensions"]):
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001, S112 - Sphinx imports it again and says what is wrong in its own words
            continue


def plain_warning(line: str) -> str:
    """A Sphinx message without colour codes, named by chapter and cell as the house rules name them.

    MyST-NB numbers a notebook's lines as ``cell * 10000 + line in the cell``
    (cells counted from one), so ``finance.ipynb:30002`` is cell 3.

    >>> plain_warning(f"\x1b[91m{PROJ_ROOT}/chapters/finance.ipynb:30002: WARNING: no key\x1b[39;49;00m")
    'chapters/finance.ipynb, cell 3: WARNING: no key'
    >>> plain_warning("chapters/finance.ipynb: WARNING: no key"), plain_warning("chapters/intro.md:12: WARNING: x")
    ('chapters/finance.ipynb: WARNING: no key', 'chapters/intro.md:12: WARNING: x')
    """
    line = re.sub(r"\x1b\[[0-9;]*m", "", line)
    line = line.replace(f"{PROJ_ROOT}/", "")

    def cell(match: re.Match) -> str:
        number = int(match.group(2)) // 10000
        return f"{match.group(1)}, cell {number}:" if number else f"{match.group(1)}:"

    return re.sub(r"(\.ipynb):(\d+):", cell, line)


def _swap_in(built: Path, published: Path) -> Path:
    """Replace ``published`` by a copy of ``built`` with one rename."""
    fresh = published.with_name(f".{published.name}.new")
    old = published.with_name(f".{published.name}.old")
    for leftover in (fresh, old):
        shutil.rmtree(leftover, ignore_errors=True)
    shutil.copytree(built, fresh)
    if published.exists():
        published.rename(old)
    fresh.rename(published)
    shutil.rmtree(old, ignore_errors=True)
    return published


def quiet_notebook_warnings() -> None:
    """Silence nbformat's paragraph about a cell without an id (added on reading, kept on writing)."""
    warnings.filterwarnings("ignore", message="Cell is missing an id field")


def one_shot() -> None:
    """No cyclic garbage collection in this command, which exits when done (not for the long-lived preview).

    Its passes over what pandas, pandera and Sphinx keep to the end anyway took 0.5 s of a one-chapter
    build, and 0.3 s more at exit; the cycles left are freed with the process.
    """
    gc.disable()
    atexit.register(gc.freeze)  # the interpreter's pass at exit then skips every object too


def main(argv: list[str] | None = None) -> None:
    quiet_notebook_warnings()
    parser = argparse.ArgumentParser(prog="python -m lacoe_report.book.build", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check-data", help="validate data/ and exit")
    run = sub.add_parser("execute", help="execute chapters whose inputs changed")
    run.add_argument("names", nargs="*", help="only these chapters, fresh or not (file stems, e.g. finance)")
    sub.add_parser("html", help="check data, execute stale chapters, build the HTML book")
    args = parser.parse_args(argv)
    try:
        if args.command == "check-data":
            check_data(book=False)
        elif args.command == "execute":
            kernels.prestart()  # its imports overlap the checks, as in _build_book
            check_data()
            execute(names=args.names)
        elif inputs.is_current("html"):
            print("the book in _build/html is up to date (its inputs are unchanged)")
        else:
            _build_book()
    except InputError as err:  # an input read outside the checks above: still one plain line
        sys.exit(f"Bad input, nothing was built: {err}")


def _build_book() -> None:
    """Check, execute what is stale, enforce the house rules, build and record the fingerprint."""
    # Two stale builds at once (the test workers' fixtures) would both execute and
    # build: the second waits for the first and then finds the book current.
    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    with (BUILD_DIR / ".html.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if inputs.is_current("html"):
            print("the book in _build/html was just built from these inputs")
            return
        # Started before the checks, so that its imports overlap them (a one-chapter edit: 7.4 s ->
        # 6.1 s, median of 2 alternated runs); a prose edit pays a server it does not use.
        kernels.prestart()
        check_data()
        enforce_rules()
        import_sphinx()
        with saves_kept():  # before the chapters execute, while the kernels' server is still importing
            strip_volatile(toc_chapters())
        execute()
        published = build_html()
    print(f"book written to {published.relative_to(PROJ_ROOT)}/index.html")


if __name__ == "__main__":
    one_shot()
    main()
