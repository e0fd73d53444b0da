"""The ledger: every number the book publishes, what it is and what it comes from.

The ledger is the chapters' declarations (``chapters/<name>.numbers.yml``,
:mod:`lacoe_report.core.declarations`) evaluated over the data, in book order,
written to ``ledger/ledger.csv`` (committed) before any chapter runs. Two
ledgers compared number by number are how ``make verify`` names what changed.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..core import data, declarations, formats
from ..core import formula as _formula
from ..core.paths import LEDGER_CSV
from ..core.safe_write import ChangedOnDisk, digest, fingerprint, write_if_unchanged

COLUMNS = ["chapter", "key", "text", "hedge", "value", "unit", "format", "inputs", "formula"]


def collect(paths: list[Path]) -> pd.DataFrame:
    """Build the ledger from the chapters' declarations evaluated (book order, then declaration order).

    Raises
    ------
    lacoe_report.core.declarations.DeclarationError
        When a declaration cannot be read or evaluated (file, line and key named).
    """
    return pd.DataFrame([{**record, "chapter": path.stem, "inputs": ";".join(record["inputs"])}
                         for path in paths for record in declarations.records(path.stem)], columns=COLUMNS)


def files(path: Path = LEDGER_CSV) -> tuple[Path, Path, Path]:
    """The ledger's files: ``ledger.csv``, ``ledger_inputs.csv`` and ``questions.csv`` beside it."""
    return path, path.with_name("ledger_inputs.csv"), path.with_name("questions.csv")


def write(frame: pd.DataFrame, path: Path = LEDGER_CSV, read: dict[Path, str] | None = None,
          questions: pd.DataFrame | None = None) -> bool:
    """Write the ledger as CSV; return True when its content changed.

    Also writes ``ledger_inputs.csv`` beside it, one row per (number, input
    figure), and with ``questions`` (:func:`lacoe_report.core.question_list.questions`)
    ``questions.csv``. ``read`` maps each file to its hash when the ledger was
    computed (by default, now): a file saved since then is kept, and
    :class:`~lacoe_report.core.safe_write.ChangedOnDisk` names it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    read = read or {file: fingerprint(file) for file in files(path)}
    links = [(row.chapter, row.key, figure) for row in frame.itertuples()
             for figure in str(row.inputs or "").split(";") if figure]
    texts = {path: frame.to_csv(index=False, lineterminator="\n"),
             files(path)[1]: pd.DataFrame(links, columns=["chapter", "key", "figure_id"]).to_csv(
                 index=False, lineterminator="\n")}
    if questions is not None:
        texts[files(path)[2]] = questions.to_csv(index=False, lineterminator="\n")
    changed, kept = False, []
    for file, text in texts.items():
        data = text.encode("utf-8")
        if digest(data) == read[file]:
            continue
        if write_if_unchanged(file, data, read[file]):
            changed |= file == path
        else:
            kept.append(file)
    if kept:
        raise ChangedOnDisk(kept)
    return changed


def read(path: Path = LEDGER_CSV) -> pd.DataFrame:
    """Read a ledger written by :func:`write`, every column as text."""
    return data.ledger(path)


def differences(committed: pd.DataFrame, fresh: pd.DataFrame) -> pd.DataFrame:
    """Return one row per published number that differs between two ledgers (in any column, or in one only).

    Returns
    -------
    pandas.DataFrame
        Columns ``key``, ``chapter``, ``committed``, ``new`` (the texts as
        the page shows them; "(absent)" when missing) and ``change``.
    """
    old, new = ({(r["chapter"], r["key"]): r for r in frame[COLUMNS].astype(str).to_dict("records")}
                for frame in (committed, fresh))
    rows = []
    for chapter, key in dict.fromkeys([*old, *new]):  # the committed order, then the new numbers
        before, after = old.get((chapter, key)), new.get((chapter, key))
        if before == after:
            continue
        change = ("added" if before is None else "removed" if after is None
                  else ", ".join(c for c in COLUMNS if before[c] != after[c]) + " changed")
        rows.append({"key": key, "chapter": chapter, "committed": "(absent)" if before is None else before["text"],
                     "new": "(absent)" if after is None else after["text"], "change": change})
    return pd.DataFrame(rows, columns=["key", "chapter", "committed", "new", "change"])


def is_numeric(row) -> bool:
    """Whether a ledger row is a number that a formula must reproduce (unit not text, value a number)."""
    return row["unit"] != "text" and _formula.NUMBER.fullmatch(str(row["value"]).strip()) is not None


def _evaluated(frame: pd.DataFrame, table=None):
    """Each numeric row with what its formula gives over ``table`` (None and the error when it cannot)."""
    for _, row in frame.iterrows():
        if not is_numeric(row):
            continue
        try:
            yield row, _formula.evaluate(row["formula"], table), None
        except (_formula.FormulaError, ArithmeticError, TypeError) as error:
            yield row, None, error


def recheck(frame: pd.DataFrame, table=None) -> list[str]:
    """Re-evaluate every numeric row's formula from the data alone; one line per row that fails.

    ``table`` is the data as rows of text (default ``data/report_figures.csv``).
    """
    failures = []
    for row, result, error in _evaluated(frame, table):
        if error is not None:
            failures.append(f"{row['chapter']}/{row['key']}: cannot evaluate {row['formula']!r} ({error})")
        elif not _formula.agrees(result, row["value"]):
            failures.append(f"{row['chapter']}/{row['key']}: {row['formula']} gives {result!r}, "
                            f"the ledger says {row['value']}")
    return failures


def reformat(row, value) -> str:
    """The text a ledger row would print for ``value``, from its recorded format ("?" if unknown)."""
    try:
        return formats.named(row["format"])(value)
    except (ValueError, TypeError):
        return "?"


def moved(frame: pd.DataFrame, table=None) -> pd.DataFrame:
    """The numeric rows whose formula, over ``table``, no longer gives their value.

    Returns
    -------
    pandas.DataFrame
        Columns ``chapter``, ``key``, ``inputs``, ``old``/``new`` (printed
        texts, the new one formatted as the row's format would) and
        ``old_value``/``new_value``.
    """
    rows = []
    for row, result, error in _evaluated(frame, table):
        if error is None and not _formula.agrees(result, row["value"]):
            rows.append({"chapter": row["chapter"], "key": row["key"], "inputs": row["inputs"],
                         "old": row["text"], "new": reformat(row, result),
                         "old_value": row["value"], "new_value": result})
    return pd.DataFrame(rows, columns=["chapter", "key", "inputs", "old", "new", "old_value", "new_value"])
