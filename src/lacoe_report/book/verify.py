"""``make verify``: re-check the data, every declared number, every ledger formula, and every chapter.

In this order:

1. **What changed.** The figures of ``data/report_figures.csv`` that differ
   from the committed version (``git show HEAD:...``), and for each whose value
   changed, the published numbers that moved (old -> new text). Every published
   number is a declaration (``chapters/<name>.numbers.yml``), so evaluating the
   declarations again over today's data gives every move, counts and verdict
   words included, before any chapter runs. With bad data, the committed
   ledger's formulas alone say what moved.
2. **The data against the report.** Every figure's value is what its printed
   form (``as_written``) says, and every quote is in the report text once.
3. **Every ledger formula**, re-evaluated from ``data/report_figures.csv``
   alone (:mod:`lacoe_report.core.formula`); a row whose formula does not give
   its value is named by chapter and key.
4. **Every chapter re-executed.** nbval re-executes each chapter in a clean
   kernel and compares every output with the committed one; its cell-by-cell
   report is summarised in one line.

Any failure exits 1.
"""
from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import kernels
from .build import check_data, one_shot

if __name__ == "__main__":  # make verify: the kernel server's imports then overlap those below (0.9 s): 0.5 s sooner
    one_shot()
    kernels.prestart()

import pandas as pd

from . import ledger
from .toc import toc_chapters
from ..core import coverage, data
from ..core.declarations import DeclarationError
from ..core.paths import FIGURES_CSV, LEDGER_CSV, PROJ_ROOT

#: nbval's replacements for text that changes on every run (memory addresses).
SANITIZE_FILE = PROJ_ROOT / "tests" / "nbval_sanitize.cfg"


def nbval_args(notebooks: list[Path], workers: int = 2) -> list[str]:
    """pytest's arguments that re-execute ``notebooks`` and compare every output (nbval, warm kernels).

    pytest-xdist runs ``workers`` chapters at a time, each whole chapter in one
    worker (``--dist loadfile``), the largest first: charts take longest. Only
    the notebooks are path arguments, so pytest's root is theirs and every test
    id names its notebook, which is what keeps a notebook to one worker.
    """
    order = sorted(notebooks, key=lambda p: -p.stat().st_size)
    # Only the plugins named: the others (hypothesis ...) cost each of its processes 0.15 s to import.
    return ["--disable-plugin-autoload", "-p", "xdist", "-p", "nbval",
            "--nbval", "-q", "--color=no", "-p", "no:cacheprovider", "-n", str(workers),
            "--dist", "loadfile", f"--nbval-sanitize-with={SANITIZE_FILE}", "--nbval-cell-timeout", "300",
            "-o", "addopts=",
            # warm kernels: forked after the heavy imports, each chapter still in a fresh process
            "-p", "lacoe_report.book.kernels.pytest_plugin", "--nbval-kernel-name", "lacoe-warm", *map(str, order)]


def _rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def committed_figures() -> list[dict] | None:
    """The rows of ``data/report_figures.csv`` as committed (git HEAD); None outside a git checkout."""
    result = subprocess.run(["git", "show", f"HEAD:{FIGURES_CSV.relative_to(PROJ_ROOT).as_posix()}"],
                            cwd=PROJ_ROOT, capture_output=True, text=True)
    return _rows(result.stdout) if result.returncode == 0 else None


def changed_figures(before: list[dict], after: list[dict]) -> list[str]:
    """One line per figure added, removed or edited between two versions of the data.

    >>> changed_figures([{"id": "a", "value": "1", "as_written": "1"}], [{"id": "a", "value": "2", "as_written": "1"}])
    ['a: value 1 -> 2']
    """
    old, new = {r["id"]: r for r in before}, {r["id"]: r for r in after}
    lines = [f"{i}: added" for i in new if i not in old] + [f"{i}: removed" for i in old if i not in new]
    for i in (i for i in new if i in old and new[i] != old[i]):
        edits = [f"{c} {old[i].get(c)} -> {new[i].get(c)}" for c in new[i] if old[i].get(c) != new[i].get(c)]
        lines.append(f"{i}: " + ", ".join(edits))
    return lines


def _moved_text(row) -> str:
    if row.old != row.new:
        return f"{row.old} -> {row.new}"
    try:
        values = f"{float(row.old_value):.6g} -> {float(row.new_value):.6g}"
    except (TypeError, ValueError):
        values = f"{row.old_value} -> {row.new_value}"
    return f"{row.old} (printed the same; exact value {values})"


def moved_numbers(committed: pd.DataFrame, fresh: pd.DataFrame) -> pd.DataFrame:
    """The published numbers (and words) whose text or value differs between two ledgers.

    ``fresh`` is the declarations evaluated over today's data, so this sees every row:
    a formula's result, a count of the audit's questions, a verdict word. Same columns as
    :func:`lacoe_report.book.ledger.moved`; ``inputs`` are the committed ones.

    >>> old = pd.DataFrame([{"chapter": "c", "key": "k", "text": "4", "value": "4", "inputs": ""}])
    >>> moved_numbers(old, old.assign(text="3", value="3"))[["key", "old", "new"]].values.tolist()
    [['k', '4', '3']]
    """
    new = {(r["chapter"], r["key"]): r for _, r in fresh.iterrows()}
    rows = []
    for _, row in committed.iterrows():
        now = new.get((row["chapter"], row["key"]))
        if now is not None and (str(now["text"]) != str(row["text"]) or str(now["value"]) != str(row["value"])):
            rows.append({"chapter": row["chapter"], "key": row["key"], "inputs": str(row["inputs"]),
                         "old": row["text"], "new": now["text"], "old_value": row["value"],
                         "new_value": now["value"]})
    return pd.DataFrame(rows, columns=["chapter", "key", "inputs", "old", "new", "old_value", "new_value"])


def what_changed(moved: pd.DataFrame, before: list[dict] | None, after: list[dict]) -> str:
    """The first paragraph of ``make verify``: figures changed, and for each the published numbers that moved.

    ``moved`` is :func:`moved_numbers` of the committed ledger and the declarations
    evaluated over ``after`` (or, with bad data, :func:`lacoe_report.book.ledger.moved`,
    the committed formulas alone). A number moved is listed under each changed figure
    it names as an input, else on its own.
    """
    changes = changed_figures(before, after) if before is not None else []
    if not changes and moved.empty:
        return ""
    lines = []
    if changes:
        lines.append(f"{len(changes)} figure(s) of {FIGURES_CSV.relative_to(PROJ_ROOT)} changed since the "
                     "committed ledger:")
    listed = set()
    old_values = {r["id"]: r.get("value") for r in before or []}
    for change in changes:
        figure_id = change.split(":", 1)[0]
        lines.append(f"  {change}")
        if old_values.get(figure_id) == next((r.get("value") for r in after if r["id"] == figure_id), None):
            # A formula reads a figure's value only: an edited quote or label moves no number
            # through this figure (a number that uses it and moved is named under the figure that moved it).
            lines.append("    its value is unchanged: no published number moves through it")
            continue
        hit = moved[moved["inputs"].str.split(";").map(lambda ids: figure_id in ids)]
        listed.update(zip(hit["chapter"], hit["key"]))
        lines += [f"    moves {r.chapter}/{r.key}: {_moved_text(r)}" for r in hit.itertuples()]
        if hit.empty:
            lines.append("    no published number moves")
    rest = moved[[(c, k) not in listed for c, k in zip(moved["chapter"], moved["key"])]]
    if not rest.empty:
        lines.append("Published numbers that moved through counts over the data or the audit "
                     "(they name no changed figure):" if changes else
                     "Published numbers whose formula no longer gives their value:")
        lines += [f"    {r.chapter}/{r.key}: {_moved_text(r)}" for r in rest.itertuples()]
    return "\n".join(lines)


def first_paragraph(committed: pd.DataFrame | None = None, fresh: pd.DataFrame | None = None,
                    before: list[dict] | None = None, now: list[dict] | None = None) -> str:
    """What changed since the committed data and ledger, from the declarations over today's data.

    Every argument defaults to what ``make verify`` reads: the ledger on disk, the
    declarations evaluated now, the data as committed (git) and as it is.
    """
    committed = ledger.read(LEDGER_CSV) if committed is None else committed
    fresh = ledger.collect(toc_chapters()) if fresh is None else fresh
    now = _rows(FIGURES_CSV.read_text(encoding="utf-8-sig")) if now is None else now
    before = committed_figures() if before is None else before
    return what_changed(moved_numbers(committed, fresh), before, now)


def main() -> None:
    started = time.perf_counter()
    committed_ledger = ledger.read(LEDGER_CSV)
    now = _rows(FIGURES_CSV.read_text(encoding="utf-8-sig"))
    before = committed_figures()
    try:
        check_data()
    except SystemExit:
        # Bad data: no declaration can be evaluated, so the committed formulas alone say what moved.
        paragraph = what_changed(ledger.moved(committed_ledger, now), before, now)
        if paragraph:
            print(paragraph + "\n(counts and words from the audit are not listed: with bad data "
                  "they cannot be evaluated)\n", flush=True)
        raise
    # The chapters re-execute while the checks below run: they read nothing the checks write.
    notebooks = toc_chapters()
    # Twice the cores: a kernel idles through its start and shutdown handshakes (about 0.4 s of each
    # chapter), when another worker's chapter can compute. Every chapter on two cores: 13.78 s with
    # 2 workers, 11.75 s with 3, 11.35 s with 4 (median of 3, alternated).
    workers = max(1, min(len(notebooks), 2 * (os.cpu_count() or 1)))
    print(f"re-executing {len(notebooks)} chapters in clean kernels and comparing every output (nbval) ...",
          file=sys.stderr, flush=True)
    # pytest's report goes to a file, not a pipe, which would fill while the checks run.
    with tempfile.TemporaryFile() as report:
        nbval = subprocess.Popen([sys.executable, "-m", "pytest", *nbval_args(notebooks, workers)], cwd=PROJ_ROOT,
                                 stdin=subprocess.DEVNULL, stdout=report, stderr=subprocess.STDOUT,
                                 env={**os.environ, kernels.SHARED_ENV: kernels.server().share()})
        try:
            _check_and_compare(nbval, report, notebooks, committed_ledger, before, now, started)
        finally:
            if nbval.poll() is None:  # leaving early
                nbval.terminate()
                nbval.wait()


def _check_and_compare(nbval: subprocess.Popen, report, notebooks: list[Path], committed_ledger: pd.DataFrame,
                       before: list[dict] | None, now: list[dict], started: float) -> None:
    failed = False
    try:
        fresh = ledger.collect(notebooks)
    except DeclarationError as error:
        sys.exit(f"A declared number could not be evaluated:\n  {error}")
    paragraph = first_paragraph(committed_ledger, fresh, before, now)
    if paragraph:
        failed = True
        print(paragraph + "\n", flush=True)
    lines: list[str] = []
    figures = data.figures()
    misread = coverage.misread_values(figures) + [f"{i}: its quote is not in the report text once"
                                                   for i in coverage.unlocatable_rows(figures, "id")]
    if misread:
        failed = True
        lines += [f"{len(misread)} figure(s) disagree with the report text:"] + ["  " + m for m in misread] + [""]
    else:
        lines.append(f"data: all {len(figures)} figures say what the report text says (value, printed form, quote)")
    rechecked = ledger.recheck(committed_ledger)
    numeric = sum(ledger.is_numeric(r) for _, r in committed_ledger.iterrows())
    named = {line.split(": ", 1)[0].split()[-1] for line in paragraph.splitlines() if line.startswith("    ")}
    others = [line for line in rechecked if line.split(":", 1)[0] not in named]
    if rechecked:
        failed = True
        lines.append(f"{len(rechecked)} of {numeric} ledger formulas do not give their value from the data alone"
                     + (f" ({len(rechecked) - len(others)} are the moved numbers above)" if named else "")
                     + (":" if others else "."))
        lines += ["  " + line for line in others] + [""]
    else:
        lines.append(f"formulas: all {numeric} numeric ledger rows re-evaluate to their value from the data alone")
    diff = ledger.differences(committed_ledger, fresh)
    diff = diff[[f"{c}/{k}" not in named for c, k in zip(diff["chapter"], diff["key"])]]
    if not diff.empty:
        failed = True
        lines += ["", f"{len(diff)} published number(s) differ from their declarations"
                  + (" besides those above" if paragraph else "") + " (run make book to record them):", "",
                  diff.to_string(index=False)]
    print("\n".join(lines), flush=True)

    if nbval.wait() != 0:
        failed = True
        report.seek(0)
        output = report.read().decode("utf-8", "replace")
        cells = [line.split("::")[0].removeprefix("FAILED ").strip() for line in output.splitlines()
                 if line.startswith(("FAILED", "ERROR"))]
        where = ", ".join(f"{Path(c).stem} ({n})" for c, n in
                          pd.Series(cells, dtype=str).value_counts(sort=False).items()) or "see below"
        print(f"\nnbval: {len(cells)} cell(s) differ from the committed outputs, by chapter: {where}")
        if not cells:
            print(output[-3000:])
    print(f"(make verify took {time.perf_counter() - started:.0f} s)")
    if failed:
        sys.exit(1)
    print(f"all {len(fresh)} published numbers reproduced; every output of "
          f"{len(notebooks)} chapters matches (nbval)")


if __name__ == "__main__":
    main()
