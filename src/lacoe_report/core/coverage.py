"""Is every number of the report accounted for?

Each numeric token of the report text must stand in a figure's ``as_written`` inside its ``quote``
(``data/report_figures.csv``) or an exclusion's (``data/raw/excluded_numbers.csv``: a date, a page
number ...). This module finds the tokens that are neither, and figures whose text misstates their value.
"""
from __future__ import annotations

import re

import pandas as pd

from .formats import NUMBER_WORDS
from .source_text import NUMERIC_TOKEN, SCALE_WORDS, numeric_tokens, report_text, span_of


def parse_as_written(as_written: str) -> float:
    """Read the number a phrase of the report states.

    Parameters
    ----------
    as_written : str
        The figure as printed: ``"$84 million"``, ``"28.9%"``, ``"7th"``,
        ``"4.7/5"`` (the rating, not its scale), ``"nine"``, ``"two million"``.

    Returns
    -------
    float
        The value in base units (dollars, percent points, counts).

    Raises
    ------
    ValueError
        When the phrase holds no number.

    Examples
    --------
    >>> parse_as_written("$84 million")
    84000000.0
    >>> parse_as_written("28.9%")
    28.9
    >>> parse_as_written("nearly two million")
    2000000.0
    >>> parse_as_written("$2.5 Million")
    2500000.0
    """
    lowered = as_written.lower()
    match = NUMERIC_TOKEN.search(lowered)
    if match:
        number = float(match.group().replace(",", ""))
    else:
        words = [w for w in re.findall(r"[a-z]+", lowered) if w in NUMBER_WORDS]
        if not words:
            raise ValueError(f"no number in {as_written!r}")
        number = float(NUMBER_WORDS.index(words[0]))
    for word, factor in SCALE_WORDS.items():
        if re.search(rf"\b{word}\b", lowered):
            number *= factor
    return number


def states(as_written: str, value: float) -> bool:
    """Whether the printed phrase states ``value`` (46.5 is not what "45.5%" prints).

    >>> states("45.5%", 45.5), states("45.5%", 46.5), states("in 2023-24", 7)
    (True, False, False)
    """
    try:
        stated = parse_as_written(as_written)
    except ValueError:
        return False
    return abs(stated - float(value)) <= 1e-9 * max(1.0, abs(stated))


def unaccounted_tokens(figures: pd.DataFrame, excluded: pd.DataFrame) -> list[str]:
    """List the report's numeric tokens that no figure and no exclusion covers.

    Parameters
    ----------
    figures, excluded : pandas.DataFrame
        Both need ``as_written`` and ``quote`` columns.

    Returns
    -------
    list of str
        One line per uncovered token: the token and the text around it.
    """
    text = report_text()
    spans = _spans(figures) + _spans(excluded)
    return [f"{token.text!r} in '...{text[max(0, token.start - 40): token.end + 40]}...'"
            for token in numeric_tokens(text) if not _covered(token, spans)]


def doubly_accounted_tokens(figures: pd.DataFrame, excluded: pd.DataFrame) -> list[str]:
    """List tokens that a figure claims and an exclusion also dismisses."""
    figure_spans, excluded_spans = _spans(figures), _spans(excluded)
    return [f"{token.text!r} at offset {token.start}" for token in numeric_tokens(report_text())
            if _covered(token, figure_spans) and _covered(token, excluded_spans)]


def _spans(frame: pd.DataFrame) -> list[tuple[int, int]]:
    """Where each row's value stands in the report text (rows not found are left out)."""
    found = (span_of(a, q) for a, q in zip(frame["as_written"], frame["quote"]))
    return [span for span in found if span is not None]


def _covered(token, spans: list[tuple[int, int]]) -> bool:
    return any(start <= token.start and token.end <= end for start, end in spans)


def unlocatable_rows(frame: pd.DataFrame, id_column: str) -> list[str]:
    """List rows whose quote is not in the report exactly once or lacks ``as_written``."""
    return [f"{getattr(row, id_column)}: {row.as_written!r} not found once in quote {row.quote!r}"
            for row in frame.itertuples(index=False) if span_of(row.as_written, row.quote) is None]


def misread_values(figures: pd.DataFrame) -> list[str]:
    """List figures whose ``value`` differs from what ``as_written`` states."""
    return [f"{row.id}: value {row.value} but {row.as_written!r} says {parse_as_written(row.as_written):g}"
            for row in figures.itertuples(index=False) if not states(row.as_written, row.value)]
