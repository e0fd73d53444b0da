"""``make bench``: how long the book takes to build, test and verify, against a reference.

Every figure is the median of several runs, printed as seconds and as a ratio
to (a), the stock Jupyter Book template (``jupyter-book create``, our pinned
version) built cold on the same machine in the same run. The table is written
to ``benchmarks/results.md``. Nothing here asserts a time: tests check
correctness, this script reports.
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = ROOT / ".venv" / "bin"
RESULTS = ROOT / "benchmarks" / "results.md"
TARGETS = {"b": 2.5, "c": 0.5, "d": 1.0, "e": 3.0, "f": 10.0, "g": 1.5}


def run(command: list[str], cwd: Path = ROOT) -> tuple[float, str]:
    """Run a command; return its wall time and its output. Fail loudly."""
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"benchmark step failed: {' '.join(command)}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return seconds, result.stdout + result.stderr


def median_of(repeats: int, step, prepare=None) -> tuple[float, list[str]]:
    times, outputs = [], []
    for _ in range(repeats):
        if prepare:
            prepare()
        seconds, output = step()
        times.append(seconds)
        outputs.append(output)
    return statistics.median(times), outputs


def stock_template(repeats: int) -> float:
    scratch = Path(tempfile.mkdtemp(prefix="stock-book-"))
    book = scratch / "book"
    run([str(VENV_BIN / "jupyter-book"), "create", str(book)], cwd=scratch)
    seconds, _ = median_of(repeats, lambda: run([str(VENV_BIN / "jupyter-book"), "build", str(book)], cwd=scratch),
                           prepare=lambda: shutil.rmtree(book / "_build", ignore_errors=True))
    shutil.rmtree(scratch, ignore_errors=True)
    return seconds


def make(*targets: str):
    return lambda: run(["make", "--no-print-directory", *targets])


def clean() -> None:
    run(["make", "--no-print-directory", "clean"])


def executed_count(output: str) -> int:
    match = re.search(r"executing (\d+) of", output)
    return int(match.group(1)) if match else 0


def edit_one_chapter(path: Path):
    """Append a harmless line to the chapter's first code cell (a new fingerprint)."""
    notebook = nbformat.read(path, as_version=4)
    cell = next(c for c in notebook.cells if c.cell_type == "code")
    cell.source += f"\n# benchmark edit {time.perf_counter_ns()}"
    nbformat.write(notebook, path)


def chapter_times() -> list[tuple[str, float]]:
    sys.path.insert(0, str(ROOT / "src"))
    from lacoe_report.book.chapters import execute
    from lacoe_report.book.toc import toc_chapters

    out = Path(tempfile.mkdtemp(prefix="bench-chapters-"))
    try:
        return [(p.stem, execute(p, out / p.name).seconds) for p in toc_chapters()]
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    n = args.repeats
    edited = ROOT / "chapters" / "finance.ipynb"
    original = edited.read_bytes()

    rows = {}
    print("(a) stock template, cold ...", flush=True)
    rows["a"] = ("Stock Jupyter Book template, cold build (reference)", stock_template(n), "")
    print("(b) make clean && make book ...", flush=True)
    seconds, _ = median_of(n, make("book"), prepare=clean)
    rows["b"] = ("`make clean && make book` (cold: build outputs removed, .venv kept)", seconds, "")
    print("(c) make book, nothing changed ...", flush=True)
    seconds, _ = median_of(n, make("book"))
    rows["c"] = ("`make book`, nothing changed", seconds, "")
    print("(d) make book after editing one chapter's code ...", flush=True)
    try:
        seconds, outputs = median_of(n, make("book"), prepare=lambda: edit_one_chapter(edited))
    finally:
        edited.write_bytes(original)
        run(["make", "--no-print-directory", "book"])  # back to the committed state
    counts = sorted({executed_count(o) for o in outputs})
    rows["d"] = ("`make book` after editing one chapter's code", seconds,
                 f"chapters executed: {', '.join(map(str, counts))}")
    print("(e) make verify ...", flush=True)
    seconds, _ = median_of(n, make("verify"))
    rows["e"] = ("`make verify` (every chapter re-executed, clean kernels, ledger compared)", seconds, "")
    print("(f) make test ...", flush=True)
    seconds, _ = median_of(n, make("test"))
    rows["f"] = ("`make test`", seconds, "")
    print("(g) make pdf after the HTML exists ...", flush=True)
    seconds, _ = median_of(n, make("pdf"), prepare=lambda: shutil.rmtree(ROOT / "_build" / "pdf", ignore_errors=True))
    rows["g"] = ("`make pdf`, HTML already built", seconds, "")
    print("per-chapter execution ...", flush=True)
    per_chapter = chapter_times()

    reference = rows["a"][1]
    lines = [
        "# Benchmark results", "",
        f"Measured {date.today().isoformat()} on {platform.node() or 'this machine'}: "
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"each figure the median of {n} runs. Ratios are to (a), measured in the same run.", "",
        "| step | what | seconds | ratio to (a) | target | met | note |",
        "| --- | --- | ---: | ---: | ---: | --- | --- |",
    ]
    for key, (what, seconds, note) in rows.items():
        ratio = seconds / reference
        target = TARGETS.get(key)
        met = "" if target is None else ("yes" if ratio <= target else "NO")
        lines.append(f"| ({key}) | {what} | {seconds:.1f} | {ratio:.2f} | "
                     f"{'' if target is None else f'<= {target}'} | {met} | {note} |")
    lines += ["", "Execution time of each chapter alone (one kernel, sequential):", "",
              "| chapter | seconds |", "| --- | ---: |"]
    lines += [f"| {name} | {seconds:.1f} |" for name, seconds in per_chapter]
    text = "\n".join(lines) + "\n"
    RESULTS.write_text(text, encoding="utf-8")
    print("\n" + text)


if __name__ == "__main__":
    main()
