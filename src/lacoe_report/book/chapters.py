"""Find, fingerprint, execute and clean the book's chapter notebooks.

A chapter's outputs are fresh when they were computed from the inputs that
exist now (:func:`fingerprint`); each executed notebook records their SHA-256
in its metadata (``lacoe.inputs_sha256``), so a build re-executes exactly the
chapters whose inputs changed. (Jupyter Book's own cache keys on code cells
only, and would publish stale numbers after a data edit.)
"""
from __future__ import annotations

import json
import logging
import os
import subprocess
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
from ..core.errors import InputError, read_text
from ..core.paths import PROJ_ROOT, shown
from ..core.safe_write import ChangedOnDisk, digest, write_if_unchanged
from ..core.declarations import SUFFIX
from . import inputs
from .kernels import use_warm_kernels

#: Notebook metadata key holding the fingerprint of the inputs last executed.
META_KEY = "lacoe"
#: Seconds one cell may run before the chapter counts as failed.
CELL_TIMEOUT = 300
# Cell metadata that changes on every run and means nothing to a reader.
_VOLATILE_CELL_METADATA = ("execution", "collapsed", "scrolled", "ExecuteTime")


def read_plain(path: Path) -> nbformat.NotebookNode:
    """Read a chapter, or raise :class:`~lacoe_report.core.errors.InputError` naming it and the line.

    (nbformat's own error quotes the file's first bytes, not its name.)
    """
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


def fingerprint(notebook: nbformat.NotebookNode, path: Path, shared: str | None = None) -> str:
    """The fingerprint the chapter at ``path`` must carry for its outputs to be fresh.

    Its code cells; ``shared``, the inputs that shape :data:`~lacoe_report.book.inputs.CHAPTERS`
    (computed when omitted); its own ``<name>.numbers.yml``; and the files
    its metadata lists as glob patterns in ``lacoe.depends_on`` (the ledger
    appendix: ``chapters/*.numbers.yml``).
    """
    shared = inputs.fingerprint(inputs.CHAPTERS) if shared is None else shared
    code = b"".join(cell.source.encode() + b"\0" for cell in notebook.cells if cell.cell_type == "code")
    extras = [path.with_name(path.stem + SUFFIX)]
    extras += [p for pattern in notebook.metadata.get(META_KEY, {}).get("depends_on", [])
               for p in sorted(PROJ_ROOT.glob(pattern))]
    return digest(f"{digest(code)}:{shared}".encode()
                  + b"".join(extra.read_bytes() if extra.exists() else b"(missing)" for extra in extras))


def recorded_fingerprint(notebook: nbformat.NotebookNode) -> str | None:
    """The fingerprint stored when the notebook was last executed, if any."""
    return notebook.metadata.get(META_KEY, {}).get("inputs_sha256")


def stale_chapters(paths: Iterable[Path]) -> list[Path]:
    """Return the chapters whose committed outputs do not match today's inputs."""
    shared = inputs.fingerprint(inputs.CHAPTERS)
    notebooks = {path: nbformat.read(path, as_version=4) for path in paths}
    return [path for path, notebook in notebooks.items()
            if recorded_fingerprint(notebook) != fingerprint(notebook, path, shared)]


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


def execute(source: Path, shared: str) -> Path:
    """Execute ``source`` in a fresh warm kernel (:mod:`lacoe_report.book.kernels`) and write it back, cleaned.

    Parameters
    ----------
    source : pathlib.Path
        The chapter notebook.
    shared : str
        What every chapter computes from (see :func:`fingerprint`).

    Returns
    -------
    pathlib.Path
        ``source``.

    Raises
    ------
    ChapterError
        When a cell raises; the message names the chapter, the cell and the error.
    lacoe_report.core.safe_write.ChangedOnDisk
        When the chapter was saved while it ran: the save is kept, the outputs are not written.
    """
    # Only when a chapter runs: nbclient brings jupyter_client, zmq and tornado (0.05 s over this module),
    # which `build check-data` and `build execute` with nothing stale never use (Sphinx's MyST-NB imports it anyway).
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    read = source.read_bytes()
    notebook = nbformat.reads(read.decode("utf-8"), as_version=4)
    # The fingerprint of what this run reads, taken before it runs: a declaration saved
    # while it runs makes the chapter stale, instead of being recorded as executed.
    stamp = fingerprint(notebook, source, shared)
    # "immediate": once the last cell's outputs are in, the kernel is killed rather than asked to
    # shut down and polled every 0.1 s; it has nothing left to say or save.
    client = NotebookClient(notebook, timeout=CELL_TIMEOUT, kernel_name=use_warm_kernels(),
                            resources={"metadata": {"path": str(source.parent)}},
                            record_timing=False, log=_QUIET, shutdown_kernel="immediate")
    try:
        client.execute(stderr=subprocess.DEVNULL)  # the kernel's own start-up chatter
    except CellExecutionError as err:
        raise ChapterError(_short_error(source, notebook, err)) from None
    clean(notebook)
    notebook.metadata.setdefault(META_KEY, {})["inputs_sha256"] = stamp
    # Written back only over the bytes it was executed from (one rename): a save made
    # while it ran is kept, and the chapter, still stale, runs again in the next build.
    if not write_if_unchanged(source, (nbformat.writes(notebook) + "\n").encode("utf-8"), digest(read)):
        raise ChangedOnDisk([source])
    return source


def _short_error(source: Path, notebook: nbformat.NotebookNode, err) -> str:
    where = shown(source)
    for number, cell in enumerate(notebook.cells, start=1):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                if output.get("ename") == "DataError":
                    return output.get("evalue", "")
                return f"{where}, cell {number}: {output.get('ename')}: {output.get('evalue')}"
    return f"{where}: {str(err).strip().splitlines()[-1]}"


def _run(source: Path, shared: str) -> Path | str | ChangedOnDisk:
    try:
        return execute(source, shared)
    except ChapterError as err:
        return str(err)
    except ChangedOnDisk as err:
        return err


def execute_many(sources: list[Path]) -> tuple[list[Path], list[str]]:
    """Execute chapters (at least one) in parallel, one kernel per core, driven by threads.

    Returns
    -------
    executed : list of pathlib.Path
        The chapters that ran and were written, in the order given.
    errors : list of str
        One short message per chapter that failed (and, with them, one naming
        the chapters saved while they ran).

    Raises
    ------
    lacoe_report.core.safe_write.ChangedOnDisk
        When no chapter failed but some were saved while they ran: their saves are kept.
    """
    shared = inputs.fingerprint(inputs.CHAPTERS)
    with ThreadPoolExecutor(max_workers=min(len(sources), os.cpu_count() or 1)) as pool:
        results = list(pool.map(_run, sources, [shared] * len(sources)))
    executed = [r for r in results if isinstance(r, Path)]
    errors = [r for r in results if isinstance(r, str)]
    changed = [path for r in results if isinstance(r, ChangedOnDisk) for path in r.paths]
    if changed and not errors:
        raise ChangedOnDisk(changed)
    return executed, errors + ([str(ChangedOnDisk(changed))] if changed else [])

