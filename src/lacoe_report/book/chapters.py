"""Find, fingerprint, execute and clean the book's chapter notebooks.

A chapter's outputs are fresh when they were computed from the inputs that
exist now: its own code cells, every data file, the ``lacoe_report`` package
and the pinned requirements. Each executed notebook records the SHA-256 of
those inputs in its metadata (``lacoe.inputs_sha256``), so a build re-executes
exactly the chapters whose inputs changed, and none when nothing did. (Jupyter
Book's own cache keys on code cells only, and would publish stale numbers
after a data edit.)
"""
from __future__ import annotations

import logging
import subprocess
import time
import os
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat
from ..core import safe_write
from ..core.paths import PROJ_ROOT, shown
from ..core.safe_write import ChangedOnDisk, digest, write_if_unchanged
from ..core.declarations import SUFFIX
from . import inputs

#: Notebook metadata key holding the fingerprint of the inputs last executed.
META_KEY = "lacoe"
#: Seconds one cell may run before the chapter counts as failed.
CELL_TIMEOUT = 300
# Cell metadata that changes on every run and means nothing to a reader.
_VOLATILE_CELL_METADATA = ("execution", "collapsed", "scrolled", "ExecuteTime")



def read_plain(path: Path) -> nbformat.NotebookNode:
    """Read a chapter, or raise :class:`~lacoe_report.core.errors.InputError` naming it and the line.

    nbformat's own error is a traceback that quotes the file's first bytes and
    not its name; a reader of the build's output needs the file and the line.
    """
    import json

    from ..core.errors import InputError, read_text

    text = read_text(path)
    try:
        json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(f"{shown(path)}, line {err.lineno}, column {err.colno}: not valid notebook JSON "
                         f"({err.msg}); fix it or restore it with git") from None
    try:
        return nbformat.reads(text, as_version=4)
    except Exception as err:  # noqa: BLE001 - nbformat's errors share no base class: JSON, but not a notebook
        raise InputError(f"{shown(path)}: JSON, but not a notebook nbformat can read "
                         f"({str(err).strip().splitlines()[0][:200]})") from None


def shared_fingerprint(root: Path = PROJ_ROOT, package: Path = inputs.PACKAGE_DIR) -> str:
    """The fingerprint of what every chapter computes from: the data, ``core``, ``present`` and the pins.

    The list is :data:`lacoe_report.book.inputs.INPUTS` (those that shape chapters).
    """
    return inputs.fingerprint(inputs.CHAPTERS, root, package)


def code_fingerprint(notebook: nbformat.NotebookNode) -> str:
    """SHA-256 over a notebook's code cells."""
    return digest(b"".join(cell.source.encode() + b"\0" for cell in notebook.cells if cell.cell_type == "code"))


def depends_on(notebook: nbformat.NotebookNode) -> list[str]:
    """Extra files a chapter reads besides the shared inputs (``lacoe.depends_on``), as glob patterns.

    The ledger appendix counts every chapter's declarations
    (``chapters/*.numbers.yml``), so it runs again when any of them changes.
    """
    return list(notebook.metadata.get(META_KEY, {}).get("depends_on", []))


def fingerprint(notebook: nbformat.NotebookNode, shared: str | None = None, path: Path | None = None) -> str:
    """The fingerprint a notebook must carry for its outputs to be fresh.

    With ``path``, the chapter's own declarations (``<name>.numbers.yml``
    beside it) count too: editing one chapter's numbers re-executes that chapter.
    """
    shared = shared_fingerprint() if shared is None else shared
    extras = [path.with_name(path.stem + SUFFIX)] if path is not None else []
    extras += [p for pattern in depends_on(notebook) for p in sorted(PROJ_ROOT.glob(pattern))]
    return digest(f"{code_fingerprint(notebook)}:{shared}".encode()
                  + b"".join(extra.read_bytes() if extra.exists() else b"(missing)" for extra in extras))


def recorded_fingerprint(notebook: nbformat.NotebookNode) -> str | None:
    """The fingerprint stored when the notebook was last executed, if any."""
    return notebook.metadata.get(META_KEY, {}).get("inputs_sha256")


def stale_chapters(paths: Iterable[Path], read: dict | None = None) -> list[Path]:
    """Return the chapters whose committed outputs do not match today's inputs.

    ``read`` maps paths to notebooks the caller already read.
    """
    shared = shared_fingerprint()
    stale = []
    for path in paths:
        notebook = (read or {}).get(path) or nbformat.read(path, as_version=4)
        if recorded_fingerprint(notebook) != fingerprint(notebook, shared, path):
            stale.append(path)
    return stale


def clean(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop volatile metadata so that re-running a chapter changes only what changed."""
    for cell in notebook.cells:
        for key in _VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
    notebook.metadata.pop("widgets", None)
    notebook.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python",
                                       "name": "python3"}
    language = notebook.metadata.get("language_info", {})
    notebook.metadata["language_info"] = {"name": language.get("name", "python")}
    return notebook


#: nbclient's logger, without its "Executing notebook with kernel" line per chapter.
_QUIET = logging.getLogger("lacoe_report.nbclient")
_QUIET.setLevel(logging.WARNING)


class ChapterError(RuntimeError):
    """A chapter failed to execute; ``str(error)`` is a short, plain message."""


@dataclass(frozen=True)
class Executed:
    """What executing one chapter produced."""

    source: Path
    target: Path
    seconds: float


def execute(source: Path, target: Path | None = None, shared: str | None = None) -> Executed:
    """Execute ``source`` in a fresh (warm) kernel and write it, cleaned, to ``target``.

    The kernel is forked from a process that already imported the heavy
    libraries (:mod:`lacoe_report.book.kernels`); its namespace is empty.

    Parameters
    ----------
    source : pathlib.Path
        The chapter notebook.
    target : pathlib.Path, optional
        Where to write the executed notebook; the source itself when omitted.
    shared : str, optional
        :func:`shared_fingerprint`, when the caller already computed it.

    Raises
    ------
    ChapterError
        When a cell raises; the message names the chapter, the cell and the
        error, without the traceback.
    lacoe_report.core.safe_write.ChangedOnDisk
        When the chapter was saved while it ran: the save is kept, the
        outputs are not written.
    """
    from nbclient import NotebookClient  # heavy: only when a chapter runs
    from nbclient.exceptions import CellExecutionError

    from .kernels import use_warm_kernels

    target = source if target is None else target
    read = source.read_bytes()
    notebook = nbformat.reads(read.decode("utf-8"), as_version=4)
    # The fingerprint of what this run reads, taken before it runs: a declaration saved
    # while it runs makes the chapter stale, instead of being recorded as executed.
    inputs = fingerprint(notebook, shared, source)
    # "immediate": once the last cell's outputs are in, the kernel is killed rather than asked to
    # shut down and polled every 0.1 s; it has nothing left to say or save.
    client = NotebookClient(notebook, timeout=CELL_TIMEOUT, kernel_name=use_warm_kernels(),
                            resources={"metadata": {"path": str(source.parent)}},
                            record_timing=False, log=_QUIET, shutdown_kernel="immediate")
    started = time.perf_counter()
    try:
        client.execute(stderr=subprocess.DEVNULL)  # the kernel's own start-up chatter
    except CellExecutionError as err:
        raise ChapterError(_short_error(source, notebook, err)) from None
    seconds = time.perf_counter() - started
    clean(notebook)
    notebook.metadata.setdefault(META_KEY, {})["inputs_sha256"] = inputs
    target.parent.mkdir(parents=True, exist_ok=True)
    # Written back only over the bytes it was executed from (one rename): a save made
    # while it ran is kept, and the chapter, still stale, runs again in the next build.
    expected = digest(read) if target == source else safe_write.fingerprint(target)
    if not write_if_unchanged(target, (nbformat.writes(notebook) + "\n").encode("utf-8"), expected):
        raise ChangedOnDisk([target])
    return Executed(source, target, seconds)


def _short_error(source: Path, notebook: nbformat.NotebookNode, err) -> str:
    where = shown(source)
    for number, cell in enumerate(notebook.cells, start=1):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                if output.get("ename") == "DataError":
                    return output.get("evalue", "")
                return f"{where}, cell {number}: {output.get('ename')}: {output.get('evalue')}"
    return f"{where}: {str(err).strip().splitlines()[-1]}"


def _run(job: tuple[Path, Path | None, str]) -> Executed | str | ChangedOnDisk:
    source, target, shared = job
    try:
        return execute(source, target, shared)
    except ChapterError as err:
        return str(err)
    except ChangedOnDisk as err:
        return err


def execute_many(sources: list[Path], out_dir: Path | None = None, jobs: int | None = None
                 ) -> tuple[list[Executed], list[str]]:
    """Execute chapters in parallel, one kernel per core.

    Threads drive the kernels (the work happens in the kernels, not here), so
    every chapter shares this process's one warm-kernel server.

    Returns
    -------
    executed : list of Executed
        The chapters that ran and were written, in the order given.
    errors : list of str
        One short message per chapter that failed (and, with them, one naming
        the chapters saved while they ran).

    Raises
    ------
    lacoe_report.core.safe_write.ChangedOnDisk
        When no chapter failed but some were saved while they ran (every one
        named): their saves are kept, their outputs not written.
    """
    if not sources:
        return [], []
    shared = shared_fingerprint()
    jobs = min(len(sources), jobs or os.cpu_count() or 1)
    work = [(s, (out_dir / s.name) if out_dir else None, shared) for s in sources]
    if jobs == 1:
        results = [_run(job) for job in work]
    else:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(_run, work))
    executed = [r for r in results if isinstance(r, Executed)]
    errors = [r for r in results if isinstance(r, str)]
    changed = [path for r in results if isinstance(r, ChangedOnDisk) for path in r.paths]
    if changed and not errors:
        raise ChangedOnDisk(changed)
    return executed, errors + ([str(ChangedOnDisk(changed))] if changed else [])


def chapter_outputs_missing(path: Path) -> list[int]:
    """Return the numbers of code cells that have source but no outputs and no count."""
    notebook = nbformat.read(path, as_version=4)
    return [n for n, cell in enumerate(notebook.cells, start=1)
            if cell.cell_type == "code" and cell.source.strip() and cell.execution_count is None]
