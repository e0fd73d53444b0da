"""How long the audit takes on the report's figures, and on the table copied 16 times (2,624 figures).

Each copy's ids and metrics (and the metrics its figures point to) get a suffix, so the
copies are different quantities with the same values: the near-duplicate and population
scans see 16 times the figures. Run alone (``python benchmarks/audit_scale.py``) or from
``bench.py``; nothing here asserts a time.
"""
from __future__ import annotations

import statistics
import time

import pandas as pd


def copies(figures: pd.DataFrame, n: int) -> pd.DataFrame:
    """The table ``n`` times; copy k's ids and metrics end in ``_k``."""
    parts = [figures]
    for k in range(1, n):
        c = figures.copy()
        c.index = [f"{i}_{k}" for i in figures.index]
        for column in ("metric", "part_of", "per"):
            c[column] = [f"{v}_{k}" if v else v for v in c[column].fillna("")]
        parts.append(c)
    return pd.concat(parts)


def measure(n: int, repeats: int = 3) -> tuple[int, float]:
    """Figures and median seconds of one audit of the table copied ``n`` times."""
    from lacoe_report.core import audit, data
    from lacoe_report.core.audit.spec import load
    from lacoe_report.core.paths import AUDIT_RELATIONS_YML
    from lacoe_report.core.source_text import report_text
    figures = copies(data.figures(), n)
    spec, text = load(AUDIT_RELATIONS_YML, figure_ids=set(figures.index)), report_text()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        audit.run(figures, text, spec)
        times.append(time.perf_counter() - started)
    return len(figures), statistics.median(times)


if __name__ == "__main__":
    for n in (1, 16):
        count, seconds = measure(n)
        print(f"audit of {count:,} figures: {seconds:.2f} s")
