"""Read the data files strictly and stop bad data with one plain paragraph.

Every rule lives in a pandera schema; :class:`DataError` names the file, line, column, bad value and
what was expected, so ``make`` prints it without a traceback.
"""
from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from .coverage import states
from .paths import shown
from .source_text import locate, normalize

from .vocabulary import (ASSUMABLE_FIELDS, DATA_UNITS, PERIOD_BASES, POPULATIONS, PRESENTATIONS, QUALIFIERS,
                         REPORT_YEAR, SECTIONS)

EXCLUSION_REASONS = (
    "school_year", "plan_period", "date", "page_number", "street_address",
    "postal_code", "bill_number", "grade_span", "proper_name", "label",
)
SNAKE_CASE = r"^[a-z][a-z0-9_]*$"
PERIOD = r"^\d{4}(-\d{2})?( to \d{4}(-\d{2})?)?$"
#: How many problems one message lists before summarising the rest.
MAX_LISTED = 3


class DataError(ValueError):
    """A data file broke a rule; ``str(error)`` is the plain message.

    Attributes
    ----------
    path : pathlib.Path
        The file.
    problems : list of str
        One line per problem, each naming the line, the column and the value.
    """

    def __init__(self, path: Path, problems: list[str]):
        self.path = Path(path)
        self.problems = problems
        more = len(problems) - MAX_LISTED
        tail = f"; and {more} more problem{'s' if more > 1 else ''}" if more > 0 else ""
        super().__init__(f"{shown(self.path)}: {'; '.join(problems[:MAX_LISTED])}{tail}. Fix the file and run again.")


def read_table(path: Path) -> tuple[pd.DataFrame, list[int]]:
    """Read a CSV file as text, keeping each row's line number in the file.

    A file that is not UTF-8 (a byte-order mark and CRLF are accepted), a row with the wrong number
    of fields, an unterminated quote or a header without rows raises :class:`DataError`.

    Returns
    -------
    frame : pandas.DataFrame
        Every cell as ``str``.
    lines : list of int
        The file line on which each row starts, for messages.
    """
    path = Path(path)
    if not path.exists():
        raise DataError(path, ["the file is missing (expected it beside the other data files)"])
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise DataError(path, [f"line {line}: byte {raw[err.start]:#04x} is not UTF-8 "
                               "(save the file as UTF-8)"]) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows, lines = [], []
    try:
        header = next(reader, None)
        if not header:
            raise DataError(path, ["the file is empty (expected a header row and data rows)"])
        start = reader.line_num + 1
        for row in reader:
            if not any(cell.strip() for cell in row):
                start = reader.line_num + 1
                continue
            if len(row) != len(header):
                raise DataError(path, [
                    f"line {start}: {len(row)} fields where the header has {len(header)} "
                    "(a truncated line or a stray comma?)"])
            rows.append(row)
            lines.append(start)
            start = reader.line_num + 1
    except csv.Error as err:
        raise DataError(path, [f"line {reader.line_num}: {err} (an unterminated quote?)"]) from None
    if not rows:
        raise DataError(path, ["the header has no rows under it (expected one row per figure)"])
    return pd.DataFrame(rows, columns=header, dtype=str), lines


def _finite(series: pd.Series) -> pd.Series:
    return series.map(lambda v: isinstance(v, float) and math.isfinite(v))


def _row_check(column: str, error: str, rule) -> pa.Check:
    """A rule across columns, reported against ``column`` (name prefix ``column:``)."""
    # pandera reports a frame-wide check by its error text: prefix the column.
    return pa.Check(lambda frame: frame.apply(rule, axis=1), error=f"{column}:{error}")


def _names_another_metric(column: str) -> pa.Check:
    """``column`` is empty or the metric of some other figure (a part's whole, a count's units)."""
    def rule(frame: pd.DataFrame) -> pd.Series:
        metrics = set(frame["metric"])
        return frame.apply(lambda r: r[column] == "" or (r[column] in metrics and r[column] != r["metric"]),
                           axis=1)
    return pa.Check(rule, error=f"{column}:empty or the metric of another figure")


def _text(*checks, unique=False) -> pa.Column:
    return pa.Column(str, checks=[pa.Check.str_length(min_value=1, error="a non-empty text"), *checks], unique=unique)


def _quote() -> pa.Column:
    return _text(pa.Check(lambda s: s.map(lambda q: len(locate(q)) == 1),
                          error="a phrase found exactly once in the report text"))


FIGURES_SCHEMA = pa.DataFrameSchema(
    {
        "id": _text(pa.Check.str_matches(SNAKE_CASE, error="snake_case"), unique=True),
        "section": pa.Column(str, pa.Check.isin(SECTIONS, error=f"one of {', '.join(SECTIONS)}")),
        "topic": _text(pa.Check.str_matches(SNAKE_CASE, error="snake_case")),
        "metric": _text(pa.Check.str_matches(SNAKE_CASE, error="snake_case")),
        "label": _text(),
        "value": pa.Column(float, coerce=True, checks=pa.Check(_finite, error="a finite number in base units")),
        "unit": pa.Column(str, pa.Check.isin(DATA_UNITS, error=f"one of {', '.join(DATA_UNITS)}")),
        "scale_max": pa.Column(str),
        "qualifier": pa.Column(str, pa.Check.isin(QUALIFIERS, error=f"one of {', '.join(QUALIFIERS)}")),
        "period": pa.Column(str, pa.Check.str_matches(PERIOD, error="a school year like 2023-24, a year, or 'A to B'")),
        "period_basis": pa.Column(str, pa.Check.isin(PERIOD_BASES, error=f"one of {', '.join(PERIOD_BASES)}")),
        "period_words": pa.Column(str, pa.Check(lambda s: s.map(lambda v: v == "" or bool(locate(v))),
                                                error="empty, or words found in the report text")),
        "presentation": pa.Column(str, pa.Check.isin(PRESENTATIONS, error="callout or prose")),
        "as_written": _text(),
        "quote": _quote(),
        "part_of": pa.Column(str, pa.Check.str_matches(r"^([a-z0-9]+(_[a-z0-9]+)*)?$", error="empty or snake_case")),
        "per": pa.Column(str, pa.Check.str_matches(r"^([a-z0-9]+(_[a-z0-9]+)*)?$", error="empty or snake_case")),
        "note": pa.Column(str),
        "assumed": pa.Column(str, pa.Check(lambda s: s.map(lambda v: set(v.split()) <= set(ASSUMABLE_FIELDS)),
                                           error=f"empty or some of {', '.join(ASSUMABLE_FIELDS)}, "
                                                 "separated by spaces")),
        "assumed_why": pa.Column(str),
        "population": pa.Column(str, pa.Check(lambda s: s.map(lambda v: set(v.split()) <= set(POPULATIONS)),
                                              error=f"empty or some of {', '.join(POPULATIONS)}, "
                                                    "separated by spaces")),
    },
    strict=True,
    ordered=False,
)

#: Rules that read several columns; run once every column has its type.
FIGURE_ROW_RULES = pa.DataFrameSchema(checks=[
    _row_check("value", "a whole count, 0 or more",
               lambda r: r["unit"] != "count" or (r["value"] >= 0 and float(r["value"]).is_integer())),
    _row_check("value", "a percentage from 0 to 100",
               lambda r: r["unit"] != "percent" or 0 <= r["value"] <= 100),
    _row_check("value", "a change of -100% or more",
               lambda r: r["unit"] != "percent_change" or r["value"] >= -100),
    _row_check("value", "a dollar amount, 0 or more",
               lambda r: r["unit"] != "usd" or r["value"] >= 0),
    _row_check("value", "a whole rank of 1 or more",
               lambda r: r["unit"] != "rank" or (r["value"] >= 1 and float(r["value"]).is_integer())),
    _row_check("value", "a rating from 0 to its scale_max",
               lambda r: r["unit"] != "rating" or (_number(r["scale_max"]) is not None
                                                   and 0 <= r["value"] <= _number(r["scale_max"]))),
    _row_check("scale_max", "empty unless the unit is rating, then a number",
               lambda r: (r["unit"] == "rating") == (r["scale_max"].strip() != "")
               and (r["scale_max"].strip() == "" or _number(r["scale_max"]) is not None)),
    _row_check("as_written", "a phrase inside the row's quote",
               lambda r: r["as_written"] in normalize(r["quote"])),
    _row_check("value", "the number its as_written prints",
               lambda r: states(r["as_written"], r["value"])),
    # An assumption is data only with its reason; a reason without a field marks nothing.
    _row_check("assumed_why", "a reason, given exactly when assumed names a field",
               lambda r: (r["assumed"].strip() == "") == (r["assumed_why"].strip() == "")),
    _row_check("assumed", "a field the row fills (an empty part_of or per cannot be assumed)",
               lambda r: all(str(r[f]).strip() != "" for f in r["assumed"].split())),
    # A period is stated (with the report's words), the report's year (the figure is undated) or assumed.
    _row_check("period_words", "the report's words stating the period, given exactly when period_basis is stated",
               lambda r: (r["period_basis"] == "stated") == (r["period_words"].strip() != "")),
    _row_check("period_basis", "assumed exactly when the assumed column names period",
               lambda r: (r["period_basis"] == "assumed") == ("period" in r["assumed"].split())),
    _row_check("period", f"the report's year, {REPORT_YEAR}, for an undated figure (period_basis report_year)",
               lambda r: r["period_basis"] != "report_year" or r["period"] == REPORT_YEAR),
    _row_check("population", "empty unless the unit is count",
               lambda r: r["population"].strip() == "" or r["unit"] == "count"),
    # The audit's detectors read these: a part of a whole, a count per unit.
    _names_another_metric("part_of"),
    _names_another_metric("per"),
])

EXCLUDED_SCHEMA = pa.DataFrameSchema(
    {
        "id": _text(pa.Check.str_matches(SNAKE_CASE, error="snake_case"), unique=True),
        "as_written": _text(),
        "quote": _quote(),
        "reason": pa.Column(str, pa.Check.isin(EXCLUSION_REASONS,
                                               error=f"one of {', '.join(EXCLUSION_REASONS)}")),
    },
    strict=True,
)


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _problems(err: pa.errors.SchemaErrors, frame: pd.DataFrame, lines: list[int]) -> list[str]:
    """Turn pandera's failure cases into one plain line per bad cell."""
    cases = err.failure_cases
    structural = {"column_in_dataframe": "is missing from the header",
                  "column_in_schema": "is not one this file may have"}
    problems = [f"line 1: column '{case}' {structural[check]}"
                for check, case in zip(cases["check"], cases["failure_case"]) if check in structural]
    if problems:
        return problems
    seen = set()
    for case in cases.itertuples(index=False):
        if case.index is None or pd.isna(case.index):
            continue  # a follow-on failure of a rule that could not run
        row = int(case.index)
        # A rule over the whole frame names its column first.
        column = str(case.check).split(":", 1)[0] if case.schema_context == "DataFrameSchema" else case.column
        if (row, column, case.check) in seen:
            continue
        seen.add((row, column, case.check))
        value = frame.iloc[row][column] if column in frame.columns else case.failure_case
        problems.append(f"line {lines[row]}, column '{column}': {str(value)!r} is not "
                        f"{_expected(case.check)}")
    return problems


def _expected(check: str) -> str:
    check = str(check)
    if check.startswith(("coerce_dtype", "dtype")):
        return "a number"
    if check == "field_uniqueness":
        return "unique (another row has the same id)"
    if check == "not_nullable":
        return "a finite number (NaN is not a value)"
    return check.split(":", 1)[-1]


def validate(path: Path, schema: pa.DataFrameSchema, rules: pa.DataFrameSchema | None = None) -> pd.DataFrame:
    """Read ``path`` and validate it against ``schema`` (then ``rules``).

    Returns
    -------
    pandas.DataFrame
        The typed frame, in file order.

    Raises
    ------
    DataError
        On the first stage that finds problems, with all that stage found.
    """
    raw, lines = read_table(path)
    frame = raw
    for stage in [s for s in (schema, rules) if s is not None]:
        try:
            frame = stage.validate(frame, lazy=True)
        except pa.errors.SchemaErrors as err:
            # Quote cells as the file has them, not as pandera coerced them.
            raise DataError(path, _problems(err, raw, lines) or [str(err).splitlines()[0]]) from None
    return frame
