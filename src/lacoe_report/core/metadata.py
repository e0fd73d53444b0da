"""The data files' sidecar metadata (``data/report_figures.meta.yml``).

The metadata documents every column and records each file's SHA-256 and row
count. Allowed values are copied from :mod:`lacoe_report.core.validation`, so the
documentation cannot drift from the rules that are enforced. Run
``python -m lacoe_report.core.metadata --write`` (``make data-meta``) after an
intended edit of a data file; the tests fail until you do.
"""
from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

import yaml

from . import validation
from .paths import FIGURES_META, PROJ_ROOT

_ALLOWED = {
    ("figures_columns", "section"): validation.SECTIONS,
    ("figures_columns", "unit"): validation.UNITS,
    ("figures_columns", "qualifier"): validation.QUALIFIERS,
    ("figures_columns", "presentation"): validation.PRESENTATIONS,
    ("excluded_columns", "reason"): validation.EXCLUSION_REASONS,
}


def load(path: Path = FIGURES_META) -> dict:
    """Return the metadata as a dictionary."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def sha256(path: Path) -> str:
    """Return the SHA-256 hex digest of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rows(path: Path) -> int:
    """Data rows of a CSV file (lines less the header), or lines of a text file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return len(lines) - 1 if path.suffix == ".csv" else len(lines)


def current_records(meta: dict) -> list[dict]:
    """The ``files`` entries as they should read for the files on disk now."""
    return [{"path": entry["path"], "sha256": sha256(PROJ_ROOT / entry["path"]),
             "rows": rows(PROJ_ROOT / entry["path"])} for entry in meta["files"]]


def synced(meta: dict) -> dict:
    """Return ``meta`` with allowed values from the rules and fresh file records."""
    from . import data

    for (group, name), allowed in _ALLOWED.items():
        for column in meta[group]:
            if column["name"] == name:
                column["allowed"] = list(allowed)
    for column in meta["figures_columns"]:
        if column["name"] == "topic":
            column["allowed"] = sorted(data.figures()["topic"].unique().tolist())
    meta["files"] = current_records(meta)
    return meta


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m lacoe_report.core.metadata", description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the metadata file in place")
    args = parser.parse_args(argv)
    meta = synced(load())
    text = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100)
    if args.write:
        FIGURES_META.write_text(text, encoding="utf-8")
        print(f"updated {FIGURES_META.relative_to(PROJ_ROOT)}")
    else:
        print(text)


if __name__ == "__main__":
    main()
