"""Check the arithmetic the report implies, one relation at a time.

The report states many numbers that depend on each other: budget lines that
add up to a budget, percentages of amounts it also prints, a count of
"five pathways" followed by their names, the same headline figure in a
callout and again in the prose. Each such dependency is a *relation*. This
module encodes every relation as a :class:`Relation` with a verdict:

``consistent``
    The stated figures agree exactly (or the bound holds, or the listed
    items match the stated count).
``consistent within rounding``
    They disagree, but by no more than the rounding the printed figures show
    ("48%" is a whole percent, "6.3%" is rounded to a tenth).
``inconsistent``
    They disagree by more than rounding can explain.
``stated differently``
    The same quantity is printed with two different values.
``worth a second look``
    Nothing is provably wrong, but the figures invite a question a careful
    reader would ask: a growth rate whose starting value the report never
    gives, an exact-looking number hedged with "over", a part that only fits
    its whole under a loose reading.

Design
------
Every check has a pure core, ``assess_*``, that takes plain numbers and
returns a :class:`Finding` (verdict, computed, stated, explanation); the
``check_*`` wrappers look the numbers up by figure id in
:mod:`lacoe_report.core.data`, read the printed precision with
:func:`lacoe_report.core.metrics.step_of`, and add the relation's id, kind,
description and inputs. No figure value is typed in this module:
:func:`relations` names figure ids only. Every verdict other than
``consistent`` carries an explanation generated from the numbers.
"""
from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import pandas as pd

from . import data
from .formats import number as fmt_number
from .formats import ordinal
from .vocabulary import HEDGES, LOWER_BOUNDS, QUALIFIER_WORDS, SECTION_WORDS
from .metrics import growth_rate, implied_baseline, rounding_check, share, step_of
from .source_text import normalize, report_text

# --------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------
CONSISTENT = "consistent"
WITHIN_ROUNDING = "consistent within rounding"
INCONSISTENT = "inconsistent"
STATED_DIFFERENTLY = "stated differently"
SECOND_LOOK = "worth a second look"
#: Every verdict, from agreement to doubt, in the order tables list them.
VERDICTS = (CONSISTENT, WITHIN_ROUNDING, INCONSISTENT, STATED_DIFFERENTLY, SECOND_LOOK)

SUM = "sum"
SHARE = "share"
RATE = "rate"
GROWTH = "growth"
RESTATEMENT = "restatement"
LISTED_COUNT = "listed count"
SUBSET = "subset"
BOUND = "bound"
PLAUSIBILITY = "plausibility"
#: Every kind of relation, in the order tables list them.
KINDS = (SUM, SHARE, RATE, GROWTH, RESTATEMENT, LISTED_COUNT, SUBSET, BOUND, PLAUSIBILITY)

#: A whole in percent: shares of one whole add up to this.
WHOLE_PERCENT = 100
#: Months in a year, to put yearly and monthly counts side by side.
MONTHS_PER_YEAR = 12
#: How far below (or around) its value "nearly" or "approximately" is read to reach.
NEAR_TOLERANCE = 0.10
#: A hedged count that is not a multiple of this looks exact ("over 9,018").
ROUND_MULTIPLE = 10

_REL = 1e-12  # relative slack for "exactly equal" between floats


# --------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class Finding:
    """The outcome of one check on plain numbers.

    Attributes
    ----------
    verdict : str
        One of :data:`VERDICTS`.
    computed : float or None
        What the audit derives or compares against: a sum of parts, a share
        computed from amounts, the whole a part must not exceed, the number
        of items listed. ``None`` when nothing is computed.
    stated : float or None
        The figure as the report states it.
    explanation : str
        Plain words, generated from the numbers; never empty unless the
        verdict is ``consistent``.
    """

    verdict: str
    computed: float | None
    stated: float | None
    explanation: str

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"unknown verdict {self.verdict!r}; use one of {VERDICTS}")
        if self.verdict != CONSISTENT and not self.explanation.strip():
            raise ValueError(f"a {self.verdict!r} finding needs an explanation")


@dataclass(frozen=True)
class Relation:
    """One arithmetic relation the report implies, with its verdict.

    Attributes
    ----------
    id : str
        Unique, readable identifier (``budget-lines-sum``).
    kind : str
        One of :data:`KINDS`.
    description : str
        What is checked, in plain words.
    inputs : list of str
        The ids of the report figures the relation uses; each exists in the data.
    computed, stated : float or None
        See :class:`Finding`.
    verdict : str
        One of :data:`VERDICTS`.
    explanation : str
        Plain words from the numbers; non-empty for every verdict but ``consistent``.
    unit : str
        Unit of ``computed`` and ``stated`` (a unit of the figures: ``count``,
        ``usd``, ``percent`` ...), so tables can format them.
    """

    id: str
    kind: str
    description: str
    inputs: list[str]
    computed: float | None
    stated: float | None
    verdict: str
    explanation: str
    unit: str = "count"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind {self.kind!r}; use one of {KINDS}")
        Finding(self.verdict, self.computed, self.stated, self.explanation)  # same rules

    @classmethod
    def from_finding(cls, rid: str, kind: str, description: str, inputs: Sequence[str],
                     finding: Finding, unit: str) -> "Relation":
        """Build a relation from a :class:`Finding` and its context."""
        return cls(rid, kind, description, list(inputs), finding.computed, finding.stated,
                   finding.verdict, finding.explanation, unit)


@dataclass(frozen=True)
class Bounds:
    """The range a hedged or rounded figure allows for the true value.

    Attributes
    ----------
    lo, hi : float
        Ends of the range (``hi`` may be ``inf``).
    lo_open, hi_open : bool
        Whether an end is excluded ("over 60" excludes 60 itself).
    """

    lo: float
    hi: float
    lo_open: bool = False
    hi_open: bool = False

    def overlaps(self, other: "Bounds") -> bool:
        """Whether some value lies in both ranges.

        Examples
        --------
        >>> Bounds(465, math.inf, lo_open=True).overlaps(Bounds(466.5, 467.5))
        True
        >>> Bounds(60, math.inf, lo_open=True).overlaps(Bounds(0, 60))
        False
        """
        lo = max(self.lo, other.lo)
        lo_open = (self.lo == lo and self.lo_open) or (other.lo == lo and other.lo_open)
        hi = min(self.hi, other.hi)
        hi_open = (self.hi == hi and self.hi_open) or (other.hi == hi and other.hi_open)
        if lo < hi:
            return True
        return lo == hi and not lo_open and not hi_open


def bounds(value: float, qualifier: str = "exact", step: float = 0.0) -> Bounds:
    """Return the range of true values a stated figure allows.

    ``exact`` allows half a printed step either way; ``over`` and ``more
    than`` anything above the value; ``at least`` the value and above;
    ``nearly`` up to :data:`NEAR_TOLERANCE` below it; ``approximately``
    that much either side; ``up to`` zero to the value.

    Examples
    --------
    >>> bounds(48, "exact", 1)
    Bounds(lo=47.5, hi=48.5, lo_open=False, hi_open=False)
    >>> bounds(400, "over")
    Bounds(lo=400.0, hi=inf, lo_open=True, hi_open=False)
    >>> bounds(2_000_000, "nearly").lo
    1800000.0
    """
    v = float(value)
    if qualifier == "exact":
        return Bounds(v - step / 2, v + step / 2)
    if qualifier in ("over", "more_than"):
        return Bounds(v, math.inf, lo_open=True)
    if qualifier == "at_least":
        return Bounds(v, math.inf)
    if qualifier == "nearly":
        return Bounds(v * (1 - NEAR_TOLERANCE), v, hi_open=True)
    if qualifier == "approximately":
        return Bounds(v * (1 - NEAR_TOLERANCE), v * (1 + NEAR_TOLERANCE))
    if qualifier == "up_to":
        return Bounds(0.0, v)
    raise ValueError(f"unknown qualifier {qualifier!r}")


# --------------------------------------------------------------------------
# Words for numbers
# --------------------------------------------------------------------------
def _decimals(step: float) -> int:
    """Decimals a rounding step shows: 1 -> 0, 0.1 -> 1."""
    return max(0, -math.floor(math.log10(step) + 1e-9)) if step < 1 else 0


def _precision_words(step: float, unit: str) -> str:
    """How precise a printed figure is, in words."""
    if unit in ("percent", "percent_change"):
        return {0: "whole-percent precision", 1: "one-decimal precision",
                2: "two-decimal precision"}.get(_decimals(step), f"a precision of {step:g} points")
    return f"a precision of {fmt_number(step, unit)}"


def _display_step(value: float, unit: str) -> float:
    """The smallest difference :func:`fmt_number` shows for this value."""
    if unit == "usd":
        a = abs(value)
        return 1e8 if a >= 1e9 else 1e5 if a >= 1e6 else 1.0
    if unit in ("percent", "percent_change"):
        return 0.1
    return 1.0


def _round_up(value: float, unit: str) -> float:
    step = _display_step(value, unit)
    return math.ceil(value / step - 1e-9) * step


def _round_down(value: float, unit: str) -> float:
    step = _display_step(value, unit)
    return math.floor(value / step + 1e-9) * step


def _same(a: float, b: float) -> bool:
    return math.isclose(float(a), float(b), rel_tol=_REL, abs_tol=1e-9)


def _hedged(value: float, qualifier: str, unit: str) -> str:
    """A figure with its hedge in words: 'over 400'."""
    words = QUALIFIER_WORDS.get(qualifier, "")
    return f"{words} {fmt_number(value, unit)}".strip()


# --------------------------------------------------------------------------
# Pure checks on numbers
# --------------------------------------------------------------------------
def assess_sum(parts: Sequence[float], total: float, *, part_steps: Sequence[float] | None = None,
               total_step: float = 0.0, unit: str = "count") -> Finding:
    """Do the parts add up to the stated total?

    Parameters
    ----------
    parts : sequence of float
        The stated parts.
    total : float
        The stated total.
    part_steps : sequence of float, optional
        The rounding step each part is printed with (0 for exact); the sum of
        rounded parts can drift by up to half a step per part.
    total_step : float
        The rounding step of the total.
    unit : str
        For the explanation.

    Returns
    -------
    Finding
        ``computed`` is the sum, ``stated`` the total.

    Examples
    --------
    >>> assess_sum([303e6, 147e6, 118e6, 59e6], 627e6).verdict
    'consistent'
    >>> assess_sum([33, 33, 33], 100, part_steps=[1, 1, 1]).verdict
    'consistent within rounding'
    >>> assess_sum([10, 20], 40).verdict
    'inconsistent'
    """
    parts = [float(p) for p in parts]
    if not parts:
        raise ValueError("a sum needs at least one part")
    steps = [0.0] * len(parts) if part_steps is None else [float(s) for s in part_steps]
    if len(steps) != len(parts):
        raise ValueError("give one rounding step per part")
    computed = math.fsum(parts)
    diff = computed - float(total)
    if _same(computed, total):
        return Finding(CONSISTENT, computed, float(total),
                       f"The {len(parts)} parts add up to exactly the stated {fmt_number(total, unit)}.")
    tolerance = math.fsum(steps) / 2 + float(total_step) / 2
    direction = "more" if diff > 0 else "less"
    head = (f"The {len(parts)} parts add up to {fmt_number(computed, unit)}, "
            f"{fmt_number(abs(diff), unit)} {direction} than the stated total of {fmt_number(total, unit)}")
    if abs(diff) <= tolerance * (1 + 1e-9) + 1e-12:
        return Finding(WITHIN_ROUNDING, computed, float(total),
                       f"{head}; rounding each figure to its printed precision can move the sum "
                       f"by up to {fmt_number(tolerance, unit)}, so the gap is within rounding.")
    if tolerance == 0:
        why = "the figures are printed exactly, so rounding cannot explain any gap."
    else:
        why = f"rounding the printed figures can explain a gap of at most {fmt_number(tolerance, unit)}."
    return Finding(INCONSISTENT, computed, float(total), f"{head}; {why}")


def assess_share(part: float, whole: float, stated_pct: float, *, stated_step: float = 1.0,
                 part_step: float = 0.0, whole_step: float = 0.0, unit: str = "usd",
                 what: str = "share") -> Finding:
    """Does a stated percentage match the amounts it is a share of?

    The share computed from the stated amounts is compared with the stated
    percentage at the precision the percentage is printed with. If they
    disagree, the amounts' own rounding is allowed for before calling the
    figures inconsistent.

    Parameters
    ----------
    part, whole : float
        The stated amounts (``whole`` must not be zero).
    stated_pct : float
        The stated percentage (48 for "48%").
    stated_step : float
        The precision of the stated percentage: 1 for "48%", 0.1 for "6.3%".
    part_step, whole_step : float
        The precision of the amounts (1e6 for "$59 Million"); 0 for exact.
    unit : str
        Unit of the amounts, for the explanation.
    what : str
        "share" or "rate", for the explanation.

    Returns
    -------
    Finding
        ``computed`` is the share in percent, ``stated`` the stated percentage.

    Raises
    ------
    ValueError
        When ``whole`` is zero: the share is undefined.

    Examples
    --------
    >>> assess_share(303e6, 627e6, 48).verdict
    'consistent within rounding'
    >>> f = assess_share(59e6, 627e6, 10, part_step=1e6, whole_step=1e6)
    >>> f.verdict
    'inconsistent'
    >>> print(f.explanation)  # doctest: +NORMALIZE_WHITESPACE
    At whole-percent precision, $59 million of $627 million is 9.4%, which rounds to 9%,
    not the stated 10%; a 10% share would need at least $59.6 million. Even allowing for
    the rounding of each amount to $1 million, the share stays below 9.5%, the least that
    rounds to 10%.
    """
    exact = share(part, whole)
    stated = float(stated_pct)
    sd = _decimals(stated_step)
    s_txt = fmt_number(stated, "percent", sd)
    amounts = f"{fmt_number(part, unit)} of {fmt_number(whole, unit)}"
    exact_txt = fmt_number(exact, "percent", sd + 1)
    if _same(exact, stated):
        return Finding(CONSISTENT, exact, stated, f"{amounts} is exactly {s_txt}.")
    check = rounding_check(stated, exact, stated_step)
    precision = _precision_words(stated_step, "percent")
    if check.consistent:
        return Finding(WITHIN_ROUNDING, exact, stated,
                       f"{amounts} is {exact_txt}, which rounds to the stated {s_txt} at {precision}.")
    s_lo, s_hi = stated - stated_step / 2, stated + stated_step / 2
    lo = share(part - part_step / 2, whole + whole_step / 2)
    hi = share(part + part_step / 2, whole - whole_step / 2) if whole - whole_step / 2 > 0 else math.inf
    rounded = fmt_number(check.rounded, "percent", sd)
    head = (f"At {precision}, {amounts} is {exact_txt}, which rounds to {rounded}, "
            f"not the stated {s_txt}")
    if stated > exact:
        needed = _round_up(s_lo / 100 * float(whole), unit)
        head += f"; a {s_txt} {what} would need at least {fmt_number(needed, unit)}."
    else:
        needed = _round_down(s_hi / 100 * float(whole), unit)
        head += f"; a {s_txt} {what} would need at most {fmt_number(needed, unit)}."
    if part_step or whole_step:
        step_txt = fmt_number(max(part_step, whole_step), unit)
        if hi >= s_lo - 1e-12 and lo <= s_hi + 1e-12:
            return Finding(WITHIN_ROUNDING, exact, stated,
                           f"{head} But the amounts are rounded to {step_txt}, and within that "
                           f"rounding the {what} can reach {fmt_number(s_lo if stated > exact else s_hi, 'percent', sd + 1)}, "
                           f"which rounds to {s_txt}.")
        if stated > exact:
            head += (f" Even allowing for the rounding of each amount to {step_txt}, the {what} "
                     f"stays below {fmt_number(s_lo, 'percent', sd + 1)}, the least that rounds to {s_txt}.")
        else:
            head += (f" Even allowing for the rounding of each amount to {step_txt}, the {what} "
                     f"stays above {fmt_number(s_hi, 'percent', sd + 1)}, the most that rounds to {s_txt}.")
    return Finding(INCONSISTENT, exact, stated, head)


def assess_whole_count(pct: float, count: float, *, step: float = 1.0,
                       count_qualifier: str = "exact") -> Finding:
    """Is a stated percentage of a stated count a whole number of people?

    Parameters
    ----------
    pct : float
        The stated percentage (98 for "98%").
    count : float
        The stated count it is a percentage of (must be positive).
    step : float
        The precision of ``pct``.
    count_qualifier : str
        The count's hedge; a hedged count is used as the base with a note.

    Returns
    -------
    Finding
        ``computed`` is the percentage that the nearest whole number of
        people gives; ``stated`` is ``pct``.

    Examples
    --------
    >>> assess_whole_count(98, 400).verdict  # 392 people
    'consistent'
    >>> assess_whole_count(33, 3).verdict  # 1 of 3 is 33.3%
    'consistent within rounding'
    >>> assess_whole_count(50, 3).verdict  # 1 of 3 is 33.3%, 2 of 3 is 66.7%
    'inconsistent'
    """
    if count <= 0:
        raise ValueError("a percentage of no people is undefined")
    pct, count = float(pct), float(count)
    implied = pct * count / 100
    d = _decimals(step)
    p_txt, c_txt = fmt_number(pct, "percent", d), fmt_number(count)
    note = ""
    if count_qualifier != "exact":
        note = (f" The report says {_hedged(count, count_qualifier, 'count')}, so the base may differ; "
                f"the check takes {c_txt} as the base.")
    nearest = round(implied)
    if _same(implied, nearest):
        return Finding(CONSISTENT, pct, pct, f"{p_txt} of {c_txt} is {nearest:,} people, a whole number.{note}")
    lo = math.ceil((pct - step / 2) * count / 100 - 1e-9)
    hi = math.floor((pct + step / 2) * count / 100 + 1e-9)
    lo, hi = max(lo, 0), min(hi, int(count))
    if lo <= hi:
        n = min(max(nearest, lo), hi)
        got = 100 * n / count
        return Finding(WITHIN_ROUNDING, got, pct,
                       f"{p_txt} of {c_txt} is {fmt_number(implied, digits=1)}, not a whole number, "
                       f"but {n:,} of {c_txt} is {fmt_number(got, 'percent', d + 1)}, which rounds to {p_txt}.{note}")
    below, above = math.floor(implied), math.floor(implied) + 1
    got = 100 * nearest / count
    return Finding(INCONSISTENT, got, pct,
                   f"No whole number of people out of {c_txt} gives {p_txt}: {below:,} of {c_txt} is "
                   f"{fmt_number(100 * below / count, 'percent', d + 1)} and {above:,} is "
                   f"{fmt_number(100 * above / count, 'percent', d + 1)}.{note}")


def assess_growth(before: float, after: float, stated_pct: float | None = None, *,
                  stated_step: float = 0.1, direction: str = "up") -> Finding:
    """Does a stated change match its before and after values?

    Parameters
    ----------
    before, after : float
        The stated values (``before`` must not be zero).
    stated_pct : float, optional
        The stated percentage change. Without it, only the direction the
        report's wording gives ("grew") is checked, and the computed rate is
        reported.
    stated_step : float
        The precision of ``stated_pct``.
    direction : {"up", "down"}
        The direction the wording states.

    Returns
    -------
    Finding
        ``computed`` is the percentage change; ``stated`` the stated rate or None.

    Examples
    --------
    >>> f = assess_growth(8318, 10603)
    >>> f.verdict, round(f.computed, 1)
    ('consistent', 27.5)
    >>> assess_growth(100, 90).verdict  # "grew", but fell
    'inconsistent'
    >>> assess_growth(100, 128.94, 28.9).verdict
    'consistent within rounding'
    """
    if direction not in ("up", "down"):
        raise ValueError("direction is 'up' or 'down'")
    computed = growth_rate(before, after)
    b_txt, a_txt = fmt_number(before), fmt_number(after)
    c_txt = fmt_number(abs(computed), "percent_change", 1)
    if stated_pct is None:
        moved_up = after > before
        if (direction == "up") == moved_up and not _same(before, after):
            change = "rise" if moved_up else "fall"
            return Finding(CONSISTENT, computed, None,
                           f"From {b_txt} to {a_txt} is a {change} of {c_txt}; the report states no rate.")
        said = "grew" if direction == "up" else "fell"
        actual = "rose" if moved_up else "fell" if after < before else "did not change"
        return Finding(INCONSISTENT, computed, None,
                       f"The report says the figure {said}, but from {b_txt} to {a_txt} it {actual} "
                       f"({fmt_number(computed, 'percent_change', 1)}).")
    stated = float(stated_pct)
    if _same(computed, stated):
        return Finding(CONSISTENT, computed, stated, f"From {b_txt} to {a_txt} is exactly the stated change.")
    check = rounding_check(stated, computed, stated_step)
    d = _decimals(stated_step)
    s_txt = fmt_number(stated, "percent_change", d)
    exact_txt = fmt_number(computed, "percent_change", d + 1)
    if check.consistent:
        return Finding(WITHIN_ROUNDING, computed, stated,
                       f"From {b_txt} to {a_txt} is a change of {exact_txt}, which rounds to the stated {s_txt}.")
    return Finding(INCONSISTENT, computed, stated,
                   f"From {b_txt} to {a_txt} is a change of {exact_txt}, which rounds to "
                   f"{fmt_number(check.rounded, 'percent_change', d)}, not the stated {s_txt}; "
                   f"with {b_txt} as the start, {s_txt} growth would end at "
                   f"{fmt_number(float(before) * (1 + stated / 100))}.")


def assess_implied_baseline(after: float, growth_pct: float, *, after_qualifier: str = "exact") -> Finding:
    """Flag a growth rate whose starting value the report does not give.

    A rate with one side missing cannot be confirmed from the report, so it
    is never ``consistent``; the implied start value tells the reader what
    to look for in the previous year's figures.

    Returns
    -------
    Finding
        Always ``worth a second look``; ``computed`` is the implied start
        value, ``stated`` the end value.

    Examples
    --------
    >>> f = assess_implied_baseline(65000, 28.9)
    >>> f.verdict, round(f.computed)
    ('worth a second look', 50427)
    """
    start = implied_baseline(after, growth_pct)
    g_txt = fmt_number(growth_pct, "percent_change", 1)
    a_txt = _hedged(after, after_qualifier, "count")
    text = (f"The report gives the rise ({g_txt}) and the end value ({a_txt}) but not the start. "
            f"A rise of {g_txt} to {fmt_number(after)} implies a start of about {fmt_number(start)}, "
            f"a number the report never prints, so the rate cannot be checked from the report itself.")
    if after_qualifier in LOWER_BOUNDS:
        text += f" Since the end value is {a_txt}, the start was {QUALIFIER_WORDS[after_qualifier]} {fmt_number(start)}."
    return Finding(SECOND_LOOK, start, float(after), text)


def assess_restatement(values: Sequence[float], qualifiers: Sequence[str], places: Sequence[str], *,
                       steps: Sequence[float] | None = None, unit: str = "count") -> Finding:
    """Does a quantity printed in several places carry the same value each time?

    The rule: the same value every time is ``consistent``, even when one
    place hedges it ("more than 6,000") and another does not (a callout's
    bare "6,000"): the explanation notes the difference. Different values
    are ``stated differently``, and the explanation says
    whether the hedges let both be true.

    Parameters
    ----------
    values, qualifiers, places : sequence
        One entry per statement: its value, its qualifier and where it is
        printed (for the explanation).
    steps : sequence of float, optional
        Printed precision of each statement (used to see whether hedges
        reconcile different values).
    unit : str
        For the explanation.

    Returns
    -------
    Finding
        ``stated`` is the first value; ``computed`` the value that differs
        most from it (the first value again when all agree).

    Examples
    --------
    >>> assess_restatement([6000, 6000], ["more_than", "exact"], ["prose", "callout"]).verdict
    'consistent'
    >>> f = assess_restatement([465, 467], ["over", "exact"], ["achievements", "callout"])
    >>> f.verdict
    'stated differently'
    """
    if not (len(values) == len(qualifiers) == len(places)) or len(values) < 2:
        raise ValueError("give at least two statements, each with a value, a qualifier and a place")
    values = [float(v) for v in values]
    steps = [0.0] * len(values) if steps is None else [float(s) for s in steps]
    first = values[0]
    other = max(values, key=lambda v: abs(v - first))
    n = len(values)
    said = [f"{_hedged(v, q, unit)} in {p}" for v, q, p in zip(values, qualifiers, places)]
    if all(_same(v, first) for v in values):
        if len(set(qualifiers)) == 1:
            times = "twice" if n == 2 else f"{n} times"
            return Finding(CONSISTENT, other, first,
                           f"Printed {times}, each time as {_hedged(first, qualifiers[0], unit)}.")
        return Finding(CONSISTENT, other, first,
                       f"The same value each time, with different hedges: {'; '.join(said)}. "
                       f"The bare figure drops the hedge of the other statement, which a reader may "
                       f"take as an exact count.")
    diff = abs(other - first)
    pct = share(diff, min(abs(first), abs(other))) if min(abs(first), abs(other)) else math.inf
    ranges = [bounds(v, q, s) for v, q, s in zip(values, qualifiers, steps)]
    fit = all(a.overlaps(b) for i, a in enumerate(ranges) for b in ranges[i + 1:])
    text = (f"The same quantity is printed as {' and as '.join(said)}: a difference of "
            f"{fmt_number(diff, unit)} ({fmt_number(pct, 'percent', 1)}).")
    if fit:
        text += " The hedges let both statements be true, but a reader cannot tell which number is the count."
    else:
        text += " Their hedges cannot reconcile them: at most one of them is right."
    return Finding(STATED_DIFFERENTLY, other, first, text)


def assess_related(a: float, b: float, *, a_name: str, b_name: str, unit: str = "count") -> Finding:
    """Compare two figures that plausibly count the same thing under different names.

    Equal values are ``consistent``; different ones are ``worth a second
    look``, since the report does not say the two are the same quantity.

    Examples
    --------
    >>> assess_related(1574, 1476, a_name="court school students", b_name="SOAT enrollments").verdict
    'worth a second look'
    >>> assess_related(24, 24, a_name="sites", b_name="schools").verdict
    'consistent'
    """
    a, b = float(a), float(b)
    if _same(a, b):
        return Finding(CONSISTENT, b, a, f"Both are {fmt_number(a, unit)}.")
    diff = abs(a - b)
    larger, smaller = (a_name, b_name) if a > b else (b_name, a_name)
    return Finding(SECOND_LOOK, b, a,
                   f"The {a_name} ({fmt_number(a, unit)}) and the {b_name} ({fmt_number(b, unit)}) read as "
                   f"the same group, but the {smaller} are {fmt_number(diff, unit)} fewer "
                   f"({fmt_number(share(diff, max(a, b)), 'percent', 1)} of the {larger}); the report does "
                   f"not say how the two counts relate or whether they cover the same dates.")


def assess_listed_count(stated: float, items: Sequence[str]) -> Finding:
    """Does a stated count ("five pathways") match the items the report names?

    Examples
    --------
    >>> assess_listed_count(3, ["a", "b", "c"]).verdict
    'consistent'
    >>> print(assess_listed_count(4, ["a", "b", "c"]).explanation)
    The report says 4 but names 3: a; b; c.
    """
    items = [str(i) for i in items]
    if len({normalize(i).lower() for i in items}) != len(items):
        raise ValueError("the listed items must be distinct")
    n = len(items)
    listing = "; ".join(items)
    if _same(stated, n):
        return Finding(CONSISTENT, float(n), float(stated), f"The report names {n}: {listing}.")
    return Finding(INCONSISTENT, float(n), float(stated),
                   f"The report says {fmt_number(stated)} but names {n}: {listing}.")


def assess_at_most(part: float, whole: float, *, part_qualifier: str = "exact",
                   whole_qualifier: str = "exact", unit: str = "count", whole_unit: str | None = None,
                   part_name: str = "part", whole_name: str = "whole", ratio: bool = True) -> Finding:
    """Does a part stay within the whole (or a figure within its limit)?

    Parameters
    ----------
    part, whole : float
        The stated values.
    part_qualifier, whole_qualifier : str
        Their hedges: "over 60" can be no less than 60; "over 400" has no ceiling.
    unit, whole_unit : str
        Units of the part and of the whole (the part's unit when omitted),
        for the explanation.
    part_name, whole_name : str
        Short names for the explanation.
    ratio : bool
        Whether the explanation gives the part as a percentage of the whole
        (meaningless for a rank against the number ranked).

    Returns
    -------
    Finding
        ``consistent`` when the part fits (equal counts as fitting);
        ``inconsistent`` when no reading of the hedges lets it fit;
        ``worth a second look`` when only a hedge on the whole lets it fit.
        ``computed`` is the whole, ``stated`` the part.

    Examples
    --------
    >>> assess_at_most(223, 410).verdict
    'consistent'
    >>> assess_at_most(410, 410).verdict
    'consistent'
    >>> assess_at_most(60, 60, part_qualifier="over").verdict
    'inconsistent'
    >>> assess_at_most(500, 400, whole_qualifier="over").verdict
    'worth a second look'
    """
    p, w = bounds(part, part_qualifier), bounds(whole, whole_qualifier)
    part, whole = float(part), float(whole)
    p_txt = _hedged(part, part_qualifier, unit)
    w_txt = _hedged(whole, whole_qualifier, whole_unit or unit)
    impossible = p.lo > w.hi or (p.lo == w.hi and (p.lo_open or w.hi_open))
    if impossible:
        gap = fmt_number(abs(part - whole), unit)
        more = f"by more than {gap}" if part_qualifier in LOWER_BOUNDS and part <= whole else f"by {gap}"
        if _same(part, whole):
            more = f"since '{QUALIFIER_WORDS[part_qualifier]}' puts it above {fmt_number(whole, unit)}"
        return Finding(INCONSISTENT, whole, part,
                       f"The part, {part_name} ({p_txt}), is larger than the whole, {whole_name} "
                       f"({w_txt}), {more}.")
    if part <= whole:
        if _same(part, whole):
            text = f"The part, {part_name} ({p_txt}), equals the whole, {whole_name} ({w_txt})."
        elif ratio and whole:
            pct = fmt_number(share(part, whole), "percent", 1)
            text = f"The part, {part_name} ({p_txt}), is {pct} of the whole, {whole_name} ({w_txt})."
        else:
            text = f"{part_name[:1].upper() + part_name[1:]} ({p_txt}) stays within {whole_name} ({w_txt})."
        return Finding(CONSISTENT, whole, part, text)
    return Finding(SECOND_LOOK, whole, part,
                   f"The part, {part_name} ({p_txt}), is more than the whole as printed, {whole_name} "
                   f"({w_txt}); only the hedge on the whole lets it fit, so the true whole must be at least "
                   f"{fmt_number(part, unit)}.")


def assess_representation(members: float, units: float, *, members_name: str, units_name: str) -> Finding:
    """Can ``members`` people "represent" ``units`` groups one each?

    Fewer members than groups is not an arithmetic error, since
    "representing" may be loose, but it is ``worth a second look``.

    Examples
    --------
    >>> assess_representation(48, 80, members_name="students", units_name="districts").verdict
    'worth a second look'
    >>> assess_representation(80, 48, members_name="students", units_name="districts").verdict
    'consistent'
    """
    m, u = float(members), float(units)
    if m >= u:
        return Finding(CONSISTENT, u, m, f"{fmt_number(m)} {members_name} are enough for one per each of "
                                         f"{fmt_number(u)} {units_name}.")
    return Finding(SECOND_LOOK, u, m,
                   f"{fmt_number(m)} {members_name} cannot each come from a different one of {fmt_number(u)} "
                   f"{units_name}: at least {fmt_number(u - m)} {units_name} have no {members_name} of their "
                   f"own, so 'representing' must mean something looser than one per {units_name.rstrip('s')}.")


def assess_extreme_rate(pct: float, base: float, *, base_qualifier: str = "exact",
                        what: str = "attendees") -> Finding:
    """Flag a rate of exactly 0% or 100% of a large group.

    Unanimity among hundreds of people usually means the percentage is of
    survey respondents, not of everyone; the report should say how many.

    Examples
    --------
    >>> assess_extreme_rate(100, 400).verdict
    'worth a second look'
    >>> assess_extreme_rate(98, 400).verdict
    'consistent'
    """
    pct = float(pct)
    b_txt = _hedged(base, base_qualifier, "count")
    if 0 < pct < 100:
        return Finding(CONSISTENT, None, pct, f"{fmt_number(pct, 'percent', 0)} of {b_txt} {what} is not unanimous.")
    everyone = "every one" if pct == 100 else "not one"
    return Finding(SECOND_LOOK, None, pct,
                   f"{fmt_number(pct, 'percent', 0)} means {everyone} of the {b_txt} {what} answered that way. "
                   f"The report does not say how many {what} answered, so the percentage is likely of "
                   f"respondents, a base it never gives.")


def looks_exact(value: float, qualifier: str) -> bool:
    """Whether a hedged count looks like an exact count ("over 9,018").

    A hedge ("over", "nearly") normally rounds: "over 9,000". A hedged
    count of at least :data:`ROUND_MULTIPLE` that is not a multiple of it
    looks exact.

    Examples
    --------
    >>> looks_exact(9018, "over"), looks_exact(9000, "over"), looks_exact(9018, "exact")
    (True, False, False)
    >>> looks_exact(6, "up_to")
    False
    """
    if qualifier not in HEDGES:
        return False
    v = float(value)
    return v.is_integer() and v >= ROUND_MULTIPLE and v % ROUND_MULTIPLE != 0


def assess_hedge(value: float, qualifier: str, *, unit: str = "count") -> Finding:
    """Flag an exact-looking number hedged with "over", "nearly" ...

    Examples
    --------
    >>> assess_hedge(9018, "over").verdict
    'worth a second look'
    >>> assess_hedge(9000, "over").verdict
    'consistent'
    """
    text = _hedged(value, qualifier, unit)
    if not looks_exact(value, qualifier):
        return Finding(CONSISTENT, None, float(value), f"'{text}' hedges a round number.")
    word = QUALIFIER_WORDS[qualifier]
    if qualifier in LOWER_BOUNDS:
        tail = (f"either {fmt_number(value, unit)} is the exact count and '{word}' is not needed, "
                f"or the count is larger and the report does not say by how much.")
    else:
        tail = f"if the exact count is known, '{word}' hides it; if not, the digits claim a precision the count does not have."
    return Finding(SECOND_LOOK, None, float(value),
                   f"'{text}': a hedge like '{word}' usually qualifies a rounded number, but "
                   f"{fmt_number(value, unit)} is not a multiple of {ROUND_MULTIPLE}; {tail}")


def second_look(reason: str, *, computed: float | None = None, stated: float | None = None) -> Finding:
    """A plausibility concern that no formula settles, with its reason.

    Examples
    --------
    >>> second_look("Two scopes.", computed=1, stated=2).verdict
    'worth a second look'
    """
    return Finding(SECOND_LOOK, computed, stated, reason)


# --------------------------------------------------------------------------
# Checks by figure id
# --------------------------------------------------------------------------
def _row(figure_id: str) -> pd.Series:
    return data.figure(figure_id)


def _step(figure_id: str) -> float:
    """The precision a figure is printed with (1 for spelled-out numbers)."""
    return step_of(str(_row(figure_id)["as_written"]))


def _unit(figure_id: str) -> str:
    return str(_row(figure_id)["unit"])


def _qualifier(figure_id: str) -> str:
    return str(_row(figure_id)["qualifier"])


def _label(figure_id: str) -> str:
    return str(_row(figure_id)["label"])


def _place(figure_id: str) -> str:
    row = _row(figure_id)
    return f"the {row['presentation']} of {SECTION_WORDS.get(row['section'], row['section'])}"


def _ids(ids: str | Sequence[str]) -> list[str]:
    return [ids] if isinstance(ids, str) else list(ids)


def _lower_first(text: str) -> str:
    """Lower-case a label's first letter unless it starts a name ("Head Start", "LACOE")."""
    words = text.split()
    if not words or words[0][:2].isupper() or (len(words) > 1 and words[1][:1].isupper()):
        return text
    return text[:1].lower() + text[1:]


def check_sum(part_ids: Sequence[str], total_id: str, *, rid: str | None = None,
              description: str | None = None) -> Relation:
    """Check that the stated parts add up to a stated total, at their printed precision."""
    finding = assess_sum([data.value(i) for i in part_ids], data.value(total_id),
                         part_steps=[_step(i) for i in part_ids], total_step=_step(total_id),
                         unit=_unit(total_id))
    return Relation.from_finding(
        rid or f"sum-{total_id}", SUM,
        description or f"The parts add up to the {_lower_first(_label(total_id))}",
        [*part_ids, total_id], finding, _unit(total_id))


def check_shares_sum_to_whole(share_ids: Sequence[str], *, rid: str | None = None,
                              description: str | None = None) -> Relation:
    """Check that stated percentages of one whole add up to :data:`WHOLE_PERCENT`."""
    finding = assess_sum([data.value(i) for i in share_ids], WHOLE_PERCENT,
                         part_steps=[_step(i) for i in share_ids], total_step=0.0, unit="percent")
    return Relation.from_finding(rid or "shares-sum", SUM,
                                 description or "The stated shares add up to the whole",
                                 list(share_ids), finding, "percent")


def check_share(part_id: str, whole_id: str, stated_pct_id: str, *, rid: str | None = None,
                description: str | None = None, kind: str = SHARE) -> Relation:
    """Check a stated percentage against the amounts it is computed from."""
    finding = assess_share(data.value(part_id), data.value(whole_id), data.value(stated_pct_id),
                           stated_step=_step(stated_pct_id), part_step=_step(part_id),
                           whole_step=_step(whole_id), unit=_unit(part_id),
                           what="rate" if kind == RATE else "share")
    return Relation.from_finding(
        rid or f"{kind}-{stated_pct_id}", kind,
        description or f"{_label(stated_pct_id)} against {_lower_first(_label(part_id))} "
                       f"over {_lower_first(_label(whole_id))}",
        [part_id, whole_id, stated_pct_id], finding, "percent")


def check_rate(numerator_id: str, denominator_id: str, stated_id: str, *, rid: str | None = None,
               description: str | None = None) -> Relation:
    """Check a stated rate against its numerator and denominator."""
    return check_share(numerator_id, denominator_id, stated_id, rid=rid, description=description, kind=RATE)


def check_rate_of_count(pct_id: str, count_id: str, *, rid: str | None = None,
                        description: str | None = None) -> Relation:
    """Check that a stated percentage of a stated count is a whole number of people."""
    finding = assess_whole_count(data.value(pct_id), data.value(count_id), step=_step(pct_id),
                                 count_qualifier=_qualifier(count_id))
    return Relation.from_finding(
        rid or f"rate-{pct_id}", RATE,
        description or f"{_label(pct_id)} is a whole number of the {_lower_first(_label(count_id))}",
        [pct_id, count_id], finding, "percent")


def check_growth(before_id: str, after_id: str, stated_id: str | None = None, *,
                 rid: str | None = None, description: str | None = None) -> Relation:
    """Check a stated rise ("grew from 8,318 to 10,603") and its rate if stated."""
    stated = None if stated_id is None else data.value(stated_id)
    step = _step(stated_id) if stated_id else 0.1
    finding = assess_growth(data.value(before_id), data.value(after_id), stated, stated_step=step)
    inputs = [before_id, after_id] + ([stated_id] if stated_id else [])
    return Relation.from_finding(rid or f"growth-{after_id}", GROWTH,
                                 description or f"{_label(after_id)} grew from the earlier value",
                                 inputs, finding, "percent_change")


def check_implied_baseline(growth_id: str, after_id: str, *, rid: str | None = None,
                           description: str | None = None) -> Relation:
    """Flag a stated growth rate whose starting value the report omits."""
    finding = assess_implied_baseline(data.value(after_id), data.value(growth_id),
                                      after_qualifier=_qualifier(after_id))
    return Relation.from_finding(rid or f"growth-{growth_id}", GROWTH,
                                 description or f"{_label(growth_id)} needs a starting value",
                                 [growth_id, after_id], finding, _unit(after_id))


def check_restatements() -> list[Relation]:
    """One relation per quantity the data records more than once in the same period.

    Figures share a ``metric`` key when they state the same quantity; a
    baseline of another year shares the metric but not the period, and is
    not a restatement.
    """
    frame = data.figures()
    out = []
    for (metric_name, _period), group in frame.groupby(["metric", "period"], sort=False):
        if len(group) < 2:
            continue
        ids = list(group.index)
        finding = assess_restatement(
            [data.value(i) for i in ids], [_qualifier(i) for i in ids], [_place(i) for i in ids],
            steps=[_step(i) for i in ids], unit=_unit(ids[0]))
        out.append(Relation.from_finding(
            f"restated-{metric_name.replace('_', '-')}", RESTATEMENT,
            f"{_label(ids[0])}: the same value in "
            + ("both places" if len(ids) == 2 else f"all {len(ids)} places"),
            ids, finding, _unit(ids[0])))
    return out


def check_same_quantity(id_a: str, id_b: str, *, same: bool, rid: str, description: str) -> Relation:
    """Compare two figures of different metrics that may count the same thing.

    Parameters
    ----------
    same : bool
        True when the report's wording makes them the same quantity (then a
        difference is ``stated differently``); False when they
        only plausibly are (a difference is ``worth a second look``).
    """
    if same:
        finding = assess_restatement([data.value(id_a), data.value(id_b)],
                                     [_qualifier(id_a), _qualifier(id_b)],
                                     [_place(id_a), _place(id_b)],
                                     steps=[_step(id_a), _step(id_b)], unit=_unit(id_a))
    else:
        finding = assess_related(data.value(id_a), data.value(id_b),
                                 a_name=_lower_first(_label(id_a)), b_name=_lower_first(_label(id_b)),
                                 unit=_unit(id_a))
    return Relation.from_finding(rid, RESTATEMENT, description, [id_a, id_b], finding, _unit(id_a))


def check_listed_count(stated_id: str, items: Sequence[str], *, rid: str | None = None,
                       description: str | None = None) -> Relation:
    """Check a stated count against the items the report lists.

    Each item must be found in the report text (case and layout aside), so
    the list is the report's own, not the audit's.
    """
    text = report_text().lower()
    missing = [i for i in items if normalize(i).lower() not in text]
    if missing:
        raise ValueError(f"listed items not found in the report text: {missing}")
    finding = assess_listed_count(data.value(stated_id), items)
    return Relation.from_finding(rid or f"listed-{stated_id}", LISTED_COUNT,
                                 description or f"{_label(stated_id)}: the stated count against the items named",
                                 [stated_id], finding, "count")


def check_subset(part_id: str, whole_ids: str | Sequence[str], *, rid: str | None = None,
                 description: str | None = None, kind: str = SUBSET) -> Relation:
    """Check that a part does not exceed its whole (one figure, or the sum of several)."""
    wholes = _ids(whole_ids)
    whole = math.fsum(data.value(i) for i in wholes)
    quals = {_qualifier(i) for i in wholes}
    whole_q = quals.pop() if len(quals) == 1 else "at_least" if quals <= set(LOWER_BOUNDS) | {"exact"} else "exact"
    whole_name = (_lower_first(_label(wholes[0])) if len(wholes) == 1
                  else " plus ".join(_lower_first(_label(i)) for i in wholes))
    finding = assess_at_most(data.value(part_id), whole, part_qualifier=_qualifier(part_id),
                             whole_qualifier=whole_q, unit=_unit(part_id), whole_unit=_unit(wholes[0]),
                             part_name=_lower_first(_label(part_id)), whole_name=whole_name,
                             ratio=kind == SUBSET)
    unit = _unit(part_id) if _unit(part_id) == _unit(wholes[0]) else "count"
    return Relation.from_finding(rid or f"{kind}-{part_id}", kind,
                                 description or f"{_label(part_id)} cannot exceed {whole_name}",
                                 [part_id, *wholes], finding, unit)


def check_bound(part_id: str, limit_id: str, *, rid: str | None = None,
                description: str | None = None) -> Relation:
    """Check a figure against a limit it cannot pass by definition (rank <= number ranked)."""
    return check_subset(part_id, limit_id, rid=rid, description=description, kind=BOUND)


def check_percent_bounds(*, rid: str = "percentages-within-whole") -> Relation:
    """Check that every stated percentage of a whole lies between 0 and 100."""
    pct = data.figures(unit="percent")
    values = [data.value(i) for i in pct.index]
    low, high = min(values), max(values)
    outside = [i for i, v in zip(pct.index, values) if not 0 <= v <= WHOLE_PERCENT]
    if outside:
        finding = Finding(INCONSISTENT, float(WHOLE_PERCENT), float(high),
                          f"{len(outside)} stated percentages of a whole fall outside 0-100%: {', '.join(outside)}.")
    else:
        finding = Finding(CONSISTENT, float(WHOLE_PERCENT), float(high),
                          f"All {len(values)} percentages lie between {fmt_number(low, 'percent')} "
                          f"and {fmt_number(high, 'percent')}.")
    return Relation.from_finding(rid, BOUND, "Every stated percentage of a whole is at most the whole",
                                 list(pct.index), finding, "percent")


def check_rating_scale(rating_id: str, *, rid: str | None = None) -> Relation:
    """Check that a rating does not exceed the top of its stated scale."""
    row = _row(rating_id)
    top = float(row["scale_max"])
    finding = assess_at_most(data.value(rating_id), top, unit="rating",
                             part_name="the rating", whole_name="the top of its scale", ratio=False)
    return Relation.from_finding(rid or f"bound-{rating_id}", BOUND,
                                 f"{_label(rating_id)} is within its scale",
                                 [rating_id], finding, "rating")


def check_hedged_counts() -> list[Relation]:
    """One relation per hedged count that looks exact ("over 9,018")."""
    out = []
    for figure_id, row in data.figures(unit="count").iterrows():
        if looks_exact(row["value"], row["qualifier"]):
            finding = assess_hedge(data.value(figure_id), row["qualifier"])
            out.append(Relation.from_finding(
                f"hedge-{figure_id.replace('_', '-')}", PLAUSIBILITY,
                f"{row['label']}: an exact-looking number with a hedge",
                [figure_id], finding, "count"))
    return out


def check_representation(members_id: str, units_id: str, *, rid: str, description: str) -> Relation:
    """Check that a group "representing" several units has at least one member per unit."""
    finding = assess_representation(data.value(members_id), data.value(units_id),
                                    members_name="students", units_name="districts")
    return Relation.from_finding(rid, PLAUSIBILITY, description, [members_id, units_id], finding, "count")


def check_extreme_rate(pct_id: str, base_id: str, *, rid: str | None = None,
                       description: str | None = None) -> Relation:
    """Flag a stated 0% or 100% of a large group."""
    finding = assess_extreme_rate(data.value(pct_id), data.value(base_id),
                                  base_qualifier=_qualifier(base_id))
    return Relation.from_finding(rid or f"extreme-{pct_id}", PLAUSIBILITY,
                                 description or f"{_label(pct_id)}: a unanimous result",
                                 [pct_id, base_id], finding, "percent")


def check_payroll_scope(monthly_id: str, yearly_ids: Sequence[str], people_id: str, *, rid: str) -> Relation:
    """Compare a monthly count of payroll warrants with a system's yearly payments.

    The report gives both without saying how they relate: the monthly
    warrants are put on the same monthly footing as the system's payments.
    """
    monthly = data.value(monthly_id)
    yearly = math.fsum(data.value(i) for i in yearly_ids)
    people = data.value(people_id)
    per_month = yearly / MONTHS_PER_YEAR
    per_person = yearly / people
    ratio = monthly / per_month
    finding = second_look(
        f"BEST processed {fmt_number(yearly)} payments in the year ("
        + " and ".join(f"{fmt_number(data.value(i))} {_lower_first(_label(i)).split(' processed')[0]}"
                       for i in yearly_ids)
        + f") for {fmt_number(people)} employees: about {fmt_number(per_month)} a month, or "
        f"{fmt_number(per_person, digits=1)} per employee a year. The {fmt_number(monthly)} monthly payroll "
        f"warrants are {fmt_number(ratio, digits=1)} times BEST's monthly volume, so they must cover far more "
        f"school staff than BEST's {fmt_number(people)} employees; the report does not say which staff each "
        f"figure covers.",
        computed=per_month, stated=float(monthly))
    return Relation.from_finding(rid, PLAUSIBILITY,
                                 "Monthly payroll warrants against the payments BEST processed",
                                 [monthly_id, *yearly_ids, people_id], finding, "count")


def check_separate_scales(own_id: str, monitored_id: str, *, rid: str) -> Relation:
    """Put LACOE's own budget beside the district budgets it monitors (separate money)."""
    own, monitored = data.value(own_id), data.value(monitored_id)
    finding = Finding(
        CONSISTENT, float(monitored), float(own),
        f"LACOE's own budget ({fmt_number(own, 'usd')}) is {fmt_number(share(own, monitored), 'percent')} of "
        f"the district budgets it monitors ({fmt_number(monitored, 'usd')}): about one dollar in "
        f"{fmt_number(monitored / own, digits=0)}. The two are separate budgets, so no sum ties them.")
    return Relation.from_finding(rid, PLAUSIBILITY,
                                 "LACOE's budget is smaller than, and separate from, the budgets it monitors",
                                 [own_id, monitored_id], finding, "usd")


# --------------------------------------------------------------------------
# The audit
# --------------------------------------------------------------------------
#: Budget lines: (amount id, stated share id), largest first.
BUDGET_LINES = (
    ("fin_specially_funded_amount", "fin_specially_funded_share"),
    ("fin_admin_amount", "fin_admin_share"),
    ("fin_contracted_amount", "fin_contracted_share"),
    ("fin_educational_amount", "fin_educational_share"),
)
#: Items the report lists after a stated count: (count id, items as printed, relation id, what).
LISTS = (
    ("ach_top_achievements", (
        "Community Schools Implementation and Regional Support", "Professional Development",
        "Cybersecurity Enhancement", "Supporting School Districts", "Legislative Advocacy",
        "Universal PreKindergarten Career Development Initiative (UPK-CDI)", "Differentiated Assistance",
        "Artificial Intelligence Leadership", "Business Enhancement System Transformation (BEST)",
        "Grant Funding"),
     "listed-top-achievements", "The 'top achievements' against the headings of the achievements pages"),
    ("plan_pillars", (
        "Improve Student Outcomes", "Champion Individual and Collective Care and Wellbeing",
        "Strengthen Community with Children at the Center", "Communicate Effectively",
        "Model Organizational Excellence and Innovation"),
     "listed-plan-pillars", "The 'five key pillars' against the pillars the plan lists"),
    ("plan_pillars", (
        "improving student outcomes", "championing wellbeing", "strengthening communities",
        "communicating effectively", "modeling organizational excellence"),
     "listed-closing-pillars", "The pillars the closing page lists against the stated number of pillars"),
    ("ach_upk_cdi_pathways", (
        "Assistant Teacher", "Associate Teacher", "Teacher", "Transitional Kindergarten Teacher",
        "Family Services"),
     "listed-upk-cdi-pathways", "The 'five pathways' against the UPK-CDI pathways launched to date"),
    ("p1_key_areas", ("literacy", "multilingual learners", "community schools", "adult education"),
     "listed-pillar1-key-areas", "The 'four key areas' of Pillar 1 against the areas its pages cover"),
    ("ach_inglewood_areas_to_exit", ("Personnel Management", "Pupil Achievement"),
     "listed-inglewood-areas", "The 'two additional areas' against the Inglewood review areas named"),
)


def relations() -> list[Relation]:
    """Every relation the audit checks, in the report's order of topics.

    Returns
    -------
    list of Relation
        Unique ids; every input is a figure id of the data.
    """
    out: list[Relation] = []
    add = out.append
    # Sums: parts against stated totals.
    add(check_sum([a for a, _ in BUDGET_LINES], "fin_budget_total", rid="budget-lines-sum",
                  description="The four budget lines add up to the LACOE budget"))
    add(check_shares_sum_to_whole([s for _, s in BUDGET_LINES], rid="budget-shares-sum",
                                  description="The four budget percentages add up to the whole budget"))
    add(check_sum(list(data.SCHOOL_PROGRAMMES), "schools_students_total", rid="school-enrollment-sum",
                  description="Students in the four LACOE school programmes add up to the stated total"))
    # Shares and rates.
    for amount_id, share_id in BUDGET_LINES:
        add(check_share(amount_id, "fin_budget_total", share_id,
                        rid=f"budget-share-{share_id.removeprefix('fin_').removesuffix('_share').replace('_', '-')}",
                        description=f"{_label(share_id)}: the stated percentage against the dollar amounts"))
    add(check_rate("p2_ease_counseling_employees", "p2_ease_employees", "p2_ease_utilization",
                   rid="ease-utilization-rate",
                   description="EASE utilization rate against employees counseled over employees covered"))
    add(check_rate_of_count("p2_conference_rated_good", "p2_conference_educators", rid="conference-rated-good-people",
                            description="The share rating the conference excellent or good is a whole number of attendees"))
    add(check_rate_of_count("p2_conference_better_equipped", "p2_conference_educators",
                            rid="conference-better-equipped-people",
                            description="The share feeling better equipped is a whole number of attendees"))
    # Growth.
    add(check_growth("ach_da_attendance_baseline", "ach_da_attendance", rid="da-attendance-growth",
                     description="Differentiated Assistance attendance 'grew from' its earlier value"))
    add(check_implied_baseline("p4_facebook_reach_growth", "p4_facebook_reach", rid="facebook-reach-growth",
                               description="Facebook reach growth has no stated starting value"))
    add(check_implied_baseline("p4_instagram_reach_growth", "p4_instagram_reach", rid="instagram-reach-growth",
                               description="Instagram reach growth has no stated starting value"))
    # The same figure in several places.
    out.extend(check_restatements())
    add(check_same_quantity("ach_community_schools_supported", "p1_ccspp_sites_callout", same=True,
                            rid="community-schools-465-vs-467",
                            description="Community schools the CSI supports against CCSPP-funded school sites"))
    add(check_same_quantity("schools_court_schools_students", "schools_soat_enrolled", same=False,
                            rid="court-schools-vs-soat",
                            description="Court Schools students against students enrolled through SOAT"))
    # Stated counts of listed things.
    for count_id, items, rid, what in LISTS:
        add(check_listed_count(count_id, items, rid=rid, description=what))
    # Parts that cannot exceed their whole.
    add(check_subset("schools_uc_csu_ready", "schools_diplomas", rid="uc-csu-within-diplomas",
                     description="Graduates meeting UC/CSU requirements are among the diploma earners"))
    for seal_id in ("schools_civic_seals", "schools_golden_state_seals", "schools_biliteracy_seals"):
        add(check_subset(seal_id, "schools_diplomas",
                         rid=f"{seal_id.removeprefix('schools_').replace('_', '-')}-within-diplomas",
                         description=f"{_label(seal_id)} go to diploma earners"))
    add(check_subset("p2_ease_counseling_employees", "p2_ease_employees", rid="ease-counseled-within-covered",
                     description="Employees counseled by EASE are among the employees it covers"))
    add(check_subset("ach_upk_cdi_head_start_parents", ["ach_upk_cdi_completers", "ach_upk_cdi_enrolled"],
                     rid="upk-parents-within-participants",
                     description="Head Start parents placed as assistant teachers are among the UPK-CDI "
                                 "completers and enrollees"))
    add(check_subset("p5_acp_preapplications", ["p5_acp_calls", "p5_acp_emails"], rid="acp-preapplications-within-contacts",
                     description="ACP pre-applications processed at the help desk within its calls and emails"))
    add(check_subset("p2_conference_districts_orgs", "p2_conference_educators", rid="conference-orgs-within-educators",
                     description="Each district or organization at the conference sent at least one educator"))
    add(check_subset("ach_da_districts", "glance_school_districts", rid="da-districts-within-county",
                     description="Districts given Differentiated Assistance are among the county's districts"))
    add(check_subset("ach_csi_partner_districts", "glance_school_districts", rid="csi-districts-within-county",
                     description="CSI partner districts are among the county's districts"))
    add(check_subset("ach_csi_partner_districts", "ach_csi_school_sites", rid="csi-districts-within-sites",
                     description="Each of the CSI partner districts has at least one of the supported sites"))
    add(check_subset("schools_college_course_students", "schools_college_courses",
                     rid="college-students-within-courses",
                     description="Each student counted completed at least one of the college courses"))
    add(check_subset("p1_gain_hse_earners", "p1_adult_ed_students", rid="gain-hse-within-adult-learners",
                     description="GAIN participants earning a High School Equivalency are among the adult learners reached"))
    # Limits by definition.
    add(check_bound("ach_legislative_rank", "ach_legislative_orgs_ranked", rid="legislative-rank-within-field",
                    description="A rank cannot exceed the number of organizations ranked"))
    add(check_bound("p4_newsletter_open_rate", "p4_newsletter_peak_open_rate", rid="newsletter-average-below-peak",
                    description="The newsletter's average open rate cannot exceed its peak"))
    add(check_rating_scale("p2_cultural_proficiency_rating", rid="cultural-proficiency-rating-scale"))
    add(check_percent_bounds())
    # Plausibility.
    out.extend(check_hedged_counts())
    add(check_representation("p3_advisory_council_students", "p3_advisory_council_districts",
                             rid="advisory-council-representation",
                             description="Student Advisory Council members 'representing' the county's districts"))
    add(check_extreme_rate("p2_conference_rated_good", "p2_conference_educators", rid="conference-unanimous-rating",
                           description="Every conference attendee rated it excellent or good"))
    add(check_payroll_scope("fin_monthly_payroll_warrants", ["ach_best_direct_deposits", "ach_best_paychecks"],
                            "ach_best_employees", rid="payroll-warrants-vs-best"))
    add(check_separate_scales("fin_budget_total", "fin_district_budgets_monitored", rid="budget-vs-monitored"))

    ids = [r.id for r in out]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"relation ids must be unique: {duplicates}")
    return out


#: Columns of :func:`run_audit`, in order.
COLUMNS = ["id", "kind", "description", "inputs", "computed", "stated", "unit", "verdict", "explanation"]


def run_audit() -> pd.DataFrame:
    """Run every check and return one row per relation.

    Returns
    -------
    pandas.DataFrame
        Indexed by relation ``id`` (also a column), with the columns of
        :data:`COLUMNS`; ``computed`` and ``stated`` are floats (NaN where a
        relation has none), ``inputs`` lists of figure ids.
    """
    rows = [asdict(r) for r in relations()]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    for column in ("computed", "stated"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    return frame.set_index("id", drop=False)


def summary(frame: pd.DataFrame) -> pd.Series:
    """Count the relations per verdict, every verdict listed (zero included).

    Examples
    --------
    >>> summary(pd.DataFrame({"verdict": ["consistent", "inconsistent", "consistent"]})).tolist()
    [2, 0, 1, 0, 0]
    """
    unknown = set(frame["verdict"]) - set(VERDICTS)
    if unknown:
        raise ValueError(f"unknown verdicts: {sorted(unknown)}")
    counts = frame["verdict"].value_counts().reindex(list(VERDICTS), fill_value=0)
    counts.index.name = "verdict"
    return counts.rename("relations").astype(int)


def by_kind(frame: pd.DataFrame) -> pd.DataFrame:
    """Count the relations per kind and verdict (kinds as rows, verdicts as columns)."""
    table = pd.crosstab(frame["kind"], frame["verdict"]).reindex(
        index=[k for k in KINDS if k in set(frame["kind"])], columns=list(VERDICTS), fill_value=0)
    table["all"] = table.sum(axis=1)
    table.index.name = "kind"
    table.columns.name = None
    return table


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """The audit as a reader's table: numbers written out, inputs joined.

    Columns: kind, what is checked, inputs, computed, stated, verdict;
    indexed by relation id. Computed percentages show one decimal, so a
    rounding gap stays visible; stated ones show as printed ("10%", "6.3%").
    """
    def show(value: float, unit: str, digits: int | None) -> str:
        if pd.isna(value):
            return "—"
        return fmt_number(value, unit, digits if unit in ("percent", "percent_change") else None)

    table = pd.DataFrame({
        "Kind": frame["kind"],
        "What is checked": frame["description"],
        "Inputs": [", ".join(i) for i in frame["inputs"]],
        "Computed": [show(v, u, 1) for v, u in zip(frame["computed"], frame["unit"])],
        "Stated": [show(v, u, None) for v, u in zip(frame["stated"], frame["unit"])],
        "Verdict": frame["verdict"],
    }, index=frame.index)
    table.index.name = "id"
    return table
