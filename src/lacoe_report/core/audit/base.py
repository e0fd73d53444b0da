"""What every detector shares: the record of a raised question, its id, and readings of the figures.

Examples
--------
>>> slug("Over 465 schools")
'over-465-schools'
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from ..metrics import step_of
from ..source_text import span_of
from .verdict import Finding


@dataclass(frozen=True)
class Raised:
    """One question a detector raises.

    Attributes
    ----------
    id : str
        Stable, readable id (``part-whole-pd-participants``).
    detector : str
        The detector's name, or the check kind of a declared relation.
    description, settle : str
        The question in one line, and what would settle it.
    inputs : list of str
        The figure ids involved.
    unit : str
        Unit of the finding's computed and stated values.
    finding : Finding
    strength : float
        From 0 to 1: how strongly the numbers point at a problem (ranks findings of one verdict and nature).
    nature : str
        One of :data:`~lacoe_report.core.audit.NATURES`: ``arithmetic`` (numbers that cannot all
        hold) ... ``missing_base`` (a figure given without the base it needs).
    """

    id: str
    detector: str
    description: str
    inputs: list[str]
    unit: str
    finding: Finding
    settle: str
    strength: float = 0.5
    nature: str = "arithmetic"


def slug(text: str) -> str:
    """A readable id part: lower-case words and digits joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")


def printed_at(figures: pd.DataFrame, text: str) -> dict[str, int]:
    """Where each figure's number (``as_written``) starts in ``text``, for the figures whose quote stands there once."""
    spans = (span_of(str(w), str(q), text) for w, q in zip(figures["as_written"], figures["quote"]))
    return {fid: span[0] for fid, span in zip(figures.index, spans) if span}


def statements(figures: pd.DataFrame, metric: str, period: str) -> pd.DataFrame:
    """The rows stating ``metric`` in ``period``, one per distinct value and hedge."""
    rows = figures[(figures["metric"] == metric) & (figures["period"] == period)]
    return rows.drop_duplicates(subset=["value", "qualifier"])


def significant_digits(value: float, as_written: str) -> int:
    """Digits a printed figure carries, trailing zeros of whole numbers aside.

    Examples
    --------
    >>> significant_digits(722, "722"), significant_digits(16500, "16,500"), significant_digits(4.7, "4.7/5")
    (3, 3, 2)
    """
    if float(value).is_integer() and step_of(as_written) == 1:
        return len(str(int(abs(value))).rstrip("0")) or 1
    digits = re.search(r"\d[\d,]*(?:\.\d+)?", as_written)
    return len(digits.group(0).replace(",", "").replace(".", "").strip("0")) if digits else 1
