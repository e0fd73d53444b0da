"""``make audit``: the audit's findings as a terminal table, or as JSON with ``--json``.

Runs from the data alone (``data/report_figures.csv``, ``data/audit_relations.yml``
and the report text): no chapter is executed.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import textwrap

from . import RAISED, audit
from .spec import SpecError
from ..formats import decimal
from ..validation import DataError


def _table(frame, width: int) -> str:
    lines = []
    for rank, (qid, row) in enumerate(frame.iterrows(), start=1):
        lines.append(f"{rank:>2}. [{row['verdict']}] {qid}  ({row['check']})")
        for text in (row["explanation"], f"Would settle it: {row['settle']}."):
            lines.extend(textwrap.wrap(text, width=width - 6, initial_indent="      ",
                                       subsequent_indent="      "))
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lacoe_report.core.audit", description=__doc__)
    parser.add_argument("--json", action="store_true", help="print every question as JSON")
    parser.add_argument("--all", action="store_true", help="list every question, not only those raised")
    args = parser.parse_args(argv)
    try:
        result = audit()
    except (SpecError, DataError) as err:
        print(err, file=sys.stderr)
        return 2
    frame = result.frame() if args.all else result.findings()
    if args.json:
        records = frame.drop(columns=["strength"]).astype(object).where(frame.notna(), None) \
            .to_dict(orient="records")
        out = {"summary": result.summary().to_dict(), "detectors": result.detector_counts().to_dict(),
               "expected_by_chance": result.chance, "questions": records}
        print(json.dumps(out, indent=2, default=float, ensure_ascii=False))
        return 0
    width = min(shutil.get_terminal_size((110, 20)).columns, 120)
    print(f"Audit of the report: {len(result.frame())} questions; "
          + ", ".join(f"{n} {v}" for v, n in result.summary().items() if n))
    print("Raised by each detector: " + ", ".join(f"{d} {n}" for d, n in result.detector_counts().items()))
    chance = ", ".join(f"{d} {decimal(n, 2)}" for d, n in result.chance.items())
    print(f"False alarms chance alone would give (expected matching pairs on this report): {chance}; "
          "the other detectors match by rule, not by value")
    n_rel = sum(r.finding.verdict in RAISED for r in result.relations)
    print(f"Raised by the declared relations: {n_rel} of {len(result.relations)}\n")
    print(_table(frame, width))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # `make audit | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
