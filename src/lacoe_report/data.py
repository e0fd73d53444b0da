"""Load the report's figures once, validated, and hand out tidy views of them.

Chapters call these accessors instead of reading files, so every chapter sees
the same validated data and a bad file stops the book with one plain message
(:class:`~lacoe_report.validation.DataError`).
"""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from . import validation
from .paths import EXCLUDED_CSV, FIGURES_CSV

#: Columns a reader needs to trace a figure, in the order tables show them.
TRACE_COLUMNS = ["label", "value", "unit", "qualifier", "period", "quote"]


@lru_cache(maxsize=1)
def _figures() -> pd.DataFrame:
    frame = validation.validate(FIGURES_CSV, validation.FIGURES_SCHEMA, validation.FIGURE_ROW_RULES)
    return frame.set_index("id", drop=False)


def figures(**where: str) -> pd.DataFrame:
    """Return the validated figures, optionally filtered by column values.

    Parameters
    ----------
    **where
        Column equals value, e.g. ``section="schools"`` or ``topic="budget"``.

    Returns
    -------
    pandas.DataFrame
        A copy indexed by ``id``, in the report's order.

    Raises
    ------
    KeyError
        When a filter names no column of the data.
    """
    frame = _figures()
    for column, wanted in where.items():
        if column not in frame.columns:
            raise KeyError(f"the figures have no column {column!r}")
        frame = frame[frame[column] == wanted]
    return frame.copy()


def figure(figure_id: str) -> pd.Series:
    """Return one figure's row by its ``id``."""
    frame = _figures()
    if figure_id not in frame.index:
        raise KeyError(f"no figure with id {figure_id!r} in {FIGURES_CSV.name}")
    return frame.loc[figure_id].copy()


def value(figure_id: str) -> int | float:
    """Return one figure's value as a plain Python number (int when whole)."""
    number = float(figure(figure_id)["value"])
    return int(number) if number.is_integer() else number


def metric(name: str) -> pd.DataFrame:
    """Return every statement of one metric (a callout and its prose twin ...)."""
    frame = figures(metric=name)
    if frame.empty:
        raise KeyError(f"no figure states the metric {name!r}")
    return frame


@lru_cache(maxsize=1)
def _excluded() -> pd.DataFrame:
    return validation.validate(EXCLUDED_CSV, validation.EXCLUDED_SCHEMA)


def excluded() -> pd.DataFrame:
    """Return the numeric tokens of the report that are not figures, with the reason."""
    return _excluded().copy()


def reload() -> None:
    """Forget the cached data so the next call reads the files again."""
    _figures.cache_clear()
    _excluded.cache_clear()
