"""Derived metrics: shares, growth, implied baselines, rounding.

Plain numbers in, plain Python numbers out. An undefined case (a share of a zero total, growth from
zero) raises :class:`ValueError` with a plain message instead of an ``inf`` or ``nan`` in the book.
"""
from __future__ import annotations

from dataclasses import dataclass

from .formats import round_half_up
from .source_text import NUMERIC_TOKEN, SCALE_WORDS

# Floating-point slack when comparing to a rounding boundary: 0.1 + 0.2 must
# still count as 0.3.
_EPS = 1e-9


def share(part: float, total: float) -> float:
    """Return ``part`` as a percentage of ``total``.

    Examples
    --------
    >>> share(303, 627)
    48.32535885167464
    >>> share(0, 10)
    0.0
    """
    if total == 0:
        raise ValueError("a share of a zero total is undefined")
    return float(part) / float(total) * 100.0


def growth_rate(before: float, after: float) -> float:
    """Return the percentage change from ``before`` to ``after``.

    Examples
    --------
    >>> round(growth_rate(8318, 10603), 2)
    27.47
    >>> growth_rate(200, 150)
    -25.0
    """
    if before == 0:
        raise ValueError("growth from a zero base is undefined")
    return (float(after) - float(before)) / abs(float(before)) * 100.0


def implied_baseline(after: float, growth_pct: float) -> float:
    """Return the starting value that ``growth_pct`` growth turned into ``after``.

    Examples
    --------
    >>> implied_baseline(65000, 28.9)  # Facebook reach before a 28.9% rise
    50426.68735453841
    >>> implied_baseline(75, -25)
    100.0
    """
    factor = 1.0 + growth_pct / 100.0
    if factor <= 0:
        raise ValueError(f"a change of {growth_pct}% leaves no positive baseline")
    return after / factor


@dataclass(frozen=True)
class RoundingCheck:
    """Whether a stated, rounded figure agrees with the exact value behind it.

    Attributes
    ----------
    stated : float
        The figure as the report states it.
    exact : float
        The value computed from exact inputs.
    step : float
        The precision the statement shows (1 for "48%", 0.1 for "6.3%",
        1_000_000 for "$303 million").
    difference : float
        ``stated - exact``.
    consistent : bool
        True when rounding ``exact`` to ``step`` can give ``stated``; a value
        exactly half a step away counts, since reports round half up or half
        to even.
    """

    stated: float
    exact: float
    step: float
    difference: float
    consistent: bool

    @property
    def rounded(self) -> float:
        """``exact`` rounded to the stated precision, halves away from zero as the book prints them."""
        return round_half_up(self.exact / self.step) * self.step


def rounding_check(stated: float, exact: float, step: float) -> RoundingCheck:
    """Say whether ``stated`` is ``exact`` rounded to a multiple of ``step``.

    Examples
    --------
    >>> rounding_check(48, 48.33, 1).consistent
    True
    >>> rounding_check(6.3, 6.27, 0.1).consistent
    True
    >>> rounding_check(19, 18.82, 1).consistent
    True
    >>> rounding_check(10, 9.41, 1).consistent
    False
    """
    if step <= 0:
        raise ValueError("the rounding step must be positive")
    difference = float(stated) - float(exact)
    consistent = abs(difference) <= step / 2 * (1 + _EPS) + _EPS
    return RoundingCheck(float(stated), float(exact), float(step), difference, consistent)


def step_of(as_written: str) -> float:
    """Return the rounding step a figure's printed form shows.

    Examples
    --------
    >>> step_of("28.9%")
    0.1
    >>> step_of("$303 Million")
    1000000.0
    >>> step_of("1.25 million")
    10000.0
    >>> step_of("65,000")
    1.0
    """
    lowered = as_written.lower()
    number = NUMERIC_TOKEN.search(lowered)
    if number is None:
        return 1.0
    decimals = len(number.group().partition(".")[2])
    factor = next((f for word, f in SCALE_WORDS.items() if word in lowered), 1.0)
    return round(factor * 10.0 ** -decimals, 12)
