"""Is every number of the report accounted for?

Each numeric token of the report text must fall inside the span of a figure
(``data/report_figures.csv``: its ``as_written`` inside its ``quote``) or of an
exclusion (``data/raw/excluded_numbers.csv``: a date, a page number, an
address ...). This module finds the tokens that are neither, and the figures
whose stated text does not say the value recorded for them.
"""
from __future__ import annotations

import re

import pandas as pd

from .source_text import numeric_tokens, report_text, span_of

_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9}
_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


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
    match = _NUMBER.search(lowered)
    if match:
        number = float(match.group().replace(",", ""))
    else:
        words = [w for w in re.findall(r"[a-z]+", lowered) if w in _WORDS]
        if not words:
            raise ValueError(f"no number in {as_written!r}")
        number = float(_WORDS[words[0]])
    for word, factor in _SCALE.items():
        if re.search(rf"\b{word}\b", lowered):
            number *= factor
    return number


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
    missing = []
    for token in numeric_tokens(text):
        if not _covered(token, spans):
            context = text[max(0, token.start - 40): token.end + 40]
            missing.append(f"{token.text!r} in '...{context}...'")
    return missing


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
    problems = []
    for row in frame.itertuples(index=False):
        if span_of(row.as_written, row.quote) is None:
            problems.append(f"{getattr(row, id_column)}: {row.as_written!r} not found once in quote {row.quote!r}")
    return problems


def misread_values(figures: pd.DataFrame) -> list[str]:
    """List figures whose ``value`` differs from what ``as_written`` states."""
    problems = []
    for row in figures.itertuples(index=False):
        stated = parse_as_written(row.as_written)
        if abs(stated - float(row.value)) > 1e-9 * max(1.0, abs(stated)):
            problems.append(f"{row.id}: value {row.value} but {row.as_written!r} says {stated:g}")
    return problems
