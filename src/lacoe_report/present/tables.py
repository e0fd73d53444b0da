"""Readable tables of the report's figures, for chapters to display.

Tables are plain pandas DataFrames (no Styler): their HTML is deterministic,
so nbval can compare it, and pandas escapes any markup in a label or quote.
"""
from __future__ import annotations

import pandas as pd

from ..core.formats import formatter as _formatter
from ..core.facts import ASSUMED_MARK
from ..core.vocabulary import PERIOD_BASIS_LABELS, QUALIFIER_LABELS


def trace_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Show figures the way a reader checks them against the report.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows of :func:`lacoe_report.core.data.figures`.

    Returns
    -------
    pandas.DataFrame
        Rows headed by the figure's label: the value as printed, the quote, the qualifier in words
        (marked "(the data's reading)" where assumed), the period with how it is known, where it is
        printed, and the figure id last.

    Examples
    --------
    >>> from lacoe_report.core import data
    >>> rows = data.figures().loc[["fin_budget_total", "schools_diplomas", "p2_ease_employees"]]
    >>> trace_table(rows)["Period"].tolist()
    ["2023-24 (the data's reading)", '2023-24 (stated)', "2023-24 (the report's year: undated)"]
    >>> shown = trace_table(data.figures().loc[["fin_budget_total"]])
    >>> print(shown._repr_html_().split("<tbody>")[0].count("<tr"), shown.columns[-1], shown.index[0])
    1 Id LACOE budget
    """
    assumed = frame.get("assumed", pd.Series("", index=frame.index)).fillna("").str.split()
    qualifier = frame["qualifier"].map(QUALIFIER_LABELS)
    qualifier = qualifier.where(~assumed.map(lambda fields: "qualifier" in fields), qualifier + f" ({ASSUMED_MARK})")
    # The quote right after the value, so both are in view without scrolling.
    table = pd.DataFrame({
        "As printed": frame["as_written"],
        "Quote from the report": "“" + frame["quote"] + "”",
        "Qualifier": qualifier,
        # Undated figures take the report's year: the cell says so, so no reader takes it for a date.
        "Period": frame["period"] + " (" + frame["period_basis"].map(PERIOD_BASIS_LABELS) + ")",
        "Printed in": frame["presentation"],
        "Id": frame.index,
    })
    # Rows headed by the figure's name; naming the columns, not the index, puts "Figure" in the
    # header's corner instead of a second header row.
    table.index = pd.Index(frame["label"].tolist())
    table.columns.name = "Figure"
    return table


def number_table(frame: pd.DataFrame, formats: dict[str, str]) -> pd.DataFrame:
    """Format the named columns as text for display, each by a format of :mod:`lacoe_report.core.formats`.

    Examples
    --------
    >>> number_table(pd.DataFrame({"a": [1234.5, 0.25]}), {"a": "decimal"})["a"].tolist()
    ['1,234.5', '0.3']
    """
    shown = frame.copy()
    for column, text in formats.items():
        write = _formatter(text)
        shown[column] = [("—" if pd.isna(v) else write(v)) for v in frame[column]]
    return shown
