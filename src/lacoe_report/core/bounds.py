"""Which way a published number may be off, worked out from its inputs' hedges and its formula.

A figure printed "over 400" is a floor: the true value is 400 or more. A number computed from it
inherits a direction: 98% of over 400 attendees is at least 392; 400 over more than 30 districts could
be almost anything near 13. This module evaluates a formula over intervals (each figure the range its
qualifier allows, ``bound`` in ``data/vocabulary.yml``) with the one evaluator of
:mod:`lacoe_report.core.formula`, and compares the range with the number as printed:

- the range is one point: the number is exact and carries no hedge;
- nothing in the range is below the printed number: "at least";
- nothing in the range is above it: "at most";
- otherwise: "about".

The words come from ``derived_bounds`` in ``data/vocabulary.yml``; a figure pasted alone keeps its
own qualifier's words ("over", "nearly"), unless the qualifier is the data's reading (``assumed``):
then it shows as the report prints it, and its sentence, like that of a number computed from it, says
how the data reads it.

Examples
--------
>>> hedge("p2_conference_educators * p2_conference_better_equipped / 100", "392")
'at least'
>>> hedge("p2_conference_educators / p2_conference_districts_orgs", "14")
'about'
>>> hedge("p2_conference_educators", "400"), hedge("fin_budget_total / 2", "$313,500,000")
('over', '')
>>> hedge("p3_immigrant_workshop_parents", "100")  # "more than" is printed once, before the educators
''
"""
from __future__ import annotations

import functools
import math
import types
from collections.abc import Mapping
from dataclasses import dataclass

from . import formats, formula
from .paths import FIGURES_CSV, stamp
from .vocabulary import DERIVED_BOUND_WORDS, QUALIFIER_BOUNDS, QUALIFIER_WORDS

#: How far a hedge that is no bound ("approximately") may move a figure, either way, as a share.
#: Only the direction matters to the words; the size keeps a divisor's range clear of zero.
ABOUT_SHARE = 0.01
INF = math.inf


@functools.total_ordering
@dataclass(frozen=True)
class Interval:
    """A value as stated (``point``) and the range ``[low, high]`` its hedges allow.

    Comparisons use the stated value, so a formula's tests (``a == b``) read as they do over floats.

    >>> over_400 = Interval(400, 400, INF)
    >>> over_400 * 0.98
    Interval(low=392.0, point=392.0, high=inf)
    >>> 1 / Interval(30, 30, INF)
    Interval(low=0.0, point=0.03333333333333333, high=0.03333333333333333)
    >>> 1 / Interval(0, 50, 50)  # up to 50: the quotient is at least 1/50, with no top
    Interval(low=0.02, point=0.02, high=inf)
    """

    low: float
    point: float
    high: float

    @staticmethod
    def of(value) -> "Interval":
        """A plain number (a constant, a count) as an exact interval."""
        return value if isinstance(value, Interval) else Interval(float(value), float(value), float(value))

    def __add__(self, other):
        other = Interval.of(other)
        return Interval(self.low + other.low, self.point + other.point, self.high + other.high)

    __radd__ = __add__

    def __neg__(self):
        return Interval(-self.high, -self.point, -self.low)

    def __pos__(self):
        return self

    def __sub__(self, other):
        return self + -Interval.of(other)

    def __rsub__(self, other):
        return Interval.of(other) + -self

    def __mul__(self, other):
        other = Interval.of(other)
        ends = [_times(a, b) for a in (self.low, self.high) for b in (other.low, other.high)]
        return Interval(min(ends), self.point * other.point, max(ends))

    __rmul__ = __mul__

    def __truediv__(self, other):
        other = Interval.of(other)
        if other.low < 0 < other.high:  # the divisor may be zero: no bound
            return Interval(-INF, self.point / other.point, INF)
        # A divisor that only tends to zero ("up to 50" from 0) makes the quotient unbounded that way.
        span = self * Interval(_inverse(other.high, -INF), 1 / other.point, _inverse(other.low, INF))
        return Interval(span.low, self.point / other.point, span.high)  # the point as plain division gives it

    def __rtruediv__(self, other):
        return Interval.of(other) / self

    def __pow__(self, other):
        exponent = Interval.of(other)
        e = exponent.point
        exact_exponent = exponent.low == exponent.high
        if exact_exponent and self.low >= 0 and e >= 0:  # x ** e grows with x: the ends go to the ends
            return Interval(self.low ** e, self.point ** e, self.high ** e)
        if exact_exponent and self.low == self.high:
            return Interval.of(self.point ** e)
        return Interval(-INF, self.point ** e, INF)  # a sign change or a hedged exponent: no bound to print

    def __rpow__(self, other):
        return Interval.of(other) ** self

    def __abs__(self):
        if self.low >= 0:
            return self
        if self.high <= 0:
            return -self
        return Interval(0.0, abs(self.point), max(-self.low, self.high))

    def __float__(self) -> float:
        return float(self.point)

    def __eq__(self, other):
        return self.point == float(other)

    def __lt__(self, other):  # total_ordering derives <=, > and >= from this and ==
        return self.point < float(other)

    __hash__ = None


def _inverse(x: float, at_zero: float) -> float:
    return at_zero if x == 0 else 1 / x


def _times(a: float, b: float) -> float:
    # An unbounded end times zero is zero: "over 400" times an exact 0 is 0.
    return 0.0 if a == 0 or b == 0 else a * b


def _rounded(function):
    """An interval version of a rounding function: the stated value is rounded, the range (the truth) kept."""
    def rounded(x, *args, **kwargs):
        x = Interval.of(x)
        plain = [a.point if isinstance(a, Interval) else a for a in args]
        return Interval(x.low, function(x.point, *plain,
                                        **{k: v.point if isinstance(v, Interval) else v
                                           for k, v in kwargs.items()}), x.high)
    return rounded


def _extreme(pick):
    def extreme(*args):
        items = [Interval.of(a) for a in (args[0] if len(args) == 1 else args)]
        return Interval(pick(i.low for i in items), pick(i.point for i in items), pick(i.high for i in items))
    return extreme


def functions() -> dict:
    """The interval versions of the formula language's functions, by name (the rest are formula's own).

    >>> sorted(functions())
    ['ceil_to', 'floor_to', 'max', 'min', 'round', 'round_half_up', 'sum']
    """
    return {"round_half_up": _rounded(formats.round_half_up), "round": _rounded(round),
            "floor_to": _rounded(formula.floor_to), "ceil_to": _rounded(formula.ceil_to),
            "min": _extreme(min), "max": _extreme(max),
            "sum": lambda items, start=0: sum(items, Interval.of(start))}


def figure_interval(value: float, qualifier: str) -> Interval:
    """The range a figure's qualifier allows.

    >>> figure_interval(400, "over"), figure_interval(50, "up_to").low
    (Interval(low=400.0, point=400.0, high=inf), 0.0)
    >>> figure_interval(2e6, "nearly"), figure_interval(416_000, "approximately").high
    (Interval(low=0.0, point=2000000.0, high=2000000.0), 420160.0)
    """
    v = float(value)
    bound = QUALIFIER_BOUNDS[qualifier]
    if bound == "lower":
        return Interval(v, v, INF)
    if bound == "upper":
        return Interval(0.0 if v >= 0 else -INF, v, v)
    if qualifier == "exact":
        return Interval(v, v, v)
    ends = (v * (1 - ABOUT_SHARE), v * (1 + ABOUT_SHARE))
    return Interval(min(ends), v, max(ends))


def interval(expression: str, table=None) -> Interval:
    """``expression`` evaluated over the ranges its figures' qualifiers allow."""
    if table is None:
        rows, values = formula.figure_rows(), _book_intervals(stamp(FIGURES_CSV))
    else:
        rows, values = table, _intervals(table)
    return Interval.of(formula.evaluate_over(expression, values, rows, functions()))


@functools.lru_cache(maxsize=4)
def _book_intervals(_stamp: tuple) -> Mapping[str, Interval]:
    # Once per version of the figures file, as formula's values are, not per formula.
    return types.MappingProxyType(_intervals(formula.figure_rows()))


def _intervals(rows) -> dict[str, Interval]:
    return {r["id"]: figure_interval(float(r["value"]), r.get("qualifier") or "exact")
            for r in rows if formula.NUMBER.fullmatch(r.get("value") or "")}


def direction(span: Interval, printed: float) -> str:
    """Which bound the printed number is: ``""`` (exact), ``lower``, ``upper`` or ``none`` (about).

    >>> direction(Interval(392, 392, INF), 392), direction(Interval(30.36, 30.36, INF), 30.4)
    ('lower', 'none')
    >>> direction(Interval(5, 5, 5), 5.2), direction(Interval(0, 50, 50), 50)
    ('', 'upper')
    """
    if math.isclose(span.low, span.high, rel_tol=1e-9, abs_tol=1e-12):
        return ""  # exact inputs: a display's rounding is no hedge
    slack = 1e-9 * max(1.0, abs(printed))
    if span.low >= printed - slack:
        return "lower"
    if span.high <= printed + slack:
        return "upper"
    return "none"


def hedge(expression: str, text: str, table=None) -> str:
    """The words that must stand before ``text``, the printed value of ``expression`` ("" when exact).

    A figure id alone keeps its own qualifier ("over", "nearly"); any other formula, its derived bound's words.
    """
    rows = formula.figure_rows() if table is None else table
    name = expression.strip()
    if name in formula.figure_values(table):
        row = next(r for r in rows if r["id"] == name)
        if "qualifier" in (row.get("assumed") or "").split():
            return ""  # the report does not print this hedge: the figure shows as printed, the sentence reads it
        return QUALIFIER_WORDS[row.get("qualifier") or "exact"]
    printed = formats.printed_value(text)
    if printed is None:
        return ""
    span = interval(expression, table)
    way = direction(span, printed)
    return DERIVED_BOUND_WORDS[way] if way else ""
