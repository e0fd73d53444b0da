"""``make verify``: re-execute every chapter from scratch and check every published number.

nbval re-executes each chapter in a clean kernel (no cache) and compares every
output with the committed one; the :mod:`lacoe_report.book.nbval_ledger` plugin
rebuilds the ledger from that same execution, and this command compares it
with the committed ``ledger/ledger.csv``. A difference prints one row per
changed number (key, chapter, committed text, new text) and exits 1.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

from . import ledger
from .build import check_data
from .toc import toc_chapters
from ..core.paths import LEDGER_CSV, PROJ_ROOT

#: nbval's replacements for text that changes on every run (memory addresses).
SANITIZE_FILE = PROJ_ROOT / "tests" / "nbval_sanitize.cfg"


def nbval_command(notebooks: list[Path], ledger_out: Path | None = None, workers: int = 2) -> list[str]:
    """The pytest command line that re-executes and compares ``notebooks``."""
    command = [sys.executable, "-m", "pytest", "--nbval", "-q", "--color=no", "-p", "no:cacheprovider",
               "--nbval-sanitize-with", str(SANITIZE_FILE), "--nbval-cell-timeout", "300",
               "-o", "addopts=", "-n", str(workers), "--dist", "loadfile",
               # warm kernels: forked after the heavy imports, each chapter still in a fresh process
               "-p", "lacoe_report.book.kernels", "--nbval-kernel-name", "lacoe-warm"]
    if ledger_out is not None:
        command += ["-p", "lacoe_report.book.nbval_ledger", "--ledger-out", str(ledger_out)]
    return command + [str(p) for p in notebooks]


def fresh_ledger(folder: Path) -> pd.DataFrame:
    """Merge the plugin's per-worker records into one ledger, in book order."""
    order = {p.stem: n for n, p in enumerate(toc_chapters())}
    rows = [r for f in sorted(folder.glob("*.json")) for r in json.loads(f.read_text(encoding="utf-8"))]
    rows = [r for r in rows if r["chapter"] not in ledger.SELF_REFERENCING]
    rows.sort(key=lambda r: (order.get(r["chapter"], len(order)), r["_cell"], r["_position"]))
    return pd.DataFrame(rows, columns=ledger.COLUMNS)


def main() -> None:
    check_data()
    notebooks = toc_chapters()
    workers = max(1, min(len(notebooks), os.cpu_count() or 1))
    with tempfile.TemporaryDirectory(prefix="lacoe-verify-") as scratch:
        records = Path(scratch) / "records"
        print(f"re-executing {len(notebooks)} chapters in clean kernels and comparing every output (nbval) ...",
              flush=True)
        result = subprocess.run(nbval_command(notebooks, records, workers), cwd=PROJ_ROOT,
                                capture_output=True, text=True)
        fresh = fresh_ledger(records)
    diff = ledger.differences(ledger.read(LEDGER_CSV), fresh)
    failed = False
    if not diff.empty:
        failed = True
        print(f"\n{len(diff)} published number(s) changed:\n")
        print(ledger.format_differences(diff))
    if result.returncode != 0:
        failed = True
        summary = [line for line in result.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))]
        print("\nnbval: outputs differ from the committed notebooks in these cells:")
        print("\n".join("  " + line for line in summary) or result.stdout[-3000:])
        print(result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr[-2000:])
    if failed:
        sys.exit(1)
    print(f"all {len(fresh)} published numbers reproduced; every output of "
          f"{len(notebooks)} chapters matches (nbval)")


if __name__ == "__main__":
    main()
