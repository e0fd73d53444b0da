"""Pure assessments: values, hedges and printed precisions in, a :class:`Finding` out.

Every check kind and detector ends in one of these; they know nothing of the report.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

from ..formats import hedged
from ..formats import number as fmt_number
from ..metrics import growth_rate, rounding_check, share
from ..source_text import normalize
from ..vocabulary import HEDGES, LOWER_BOUNDS, QUALIFIER_WORDS
from .verdict import CONSISTENT, INCONSISTENT, SECOND_LOOK, WITHIN_ROUNDING, Finding, bounds

#: A whole in percent: shares of one whole add up to this.
WHOLE_PERCENT = 100
#: A hedged count that is not a multiple of this looks exact ("over 9,018").
ROUND_MULTIPLE = 10

_REL = 1e-12  # relative slack for "exactly equal" between floats


def _decimals(step: float) -> int:
    """Decimals a rounding step shows: 1 -> 0, 0.1 -> 1."""
    return max(0, -math.floor(math.log10(step) + 1e-9)) if step < 1 else 0


def _precision_words(step: float) -> str:
    """How precise a printed percentage is, in words."""
    return {0: "whole-percent precision", 1: "one-decimal precision",
            2: "two-decimal precision"}.get(_decimals(step), f"a precision of {step:g} points")


def _round_shown(value: float, unit: str, up: bool) -> float:
    """``value`` rounded up (or down) to the smallest difference :func:`fmt_number` shows."""
    step = 1.0
    if unit == "usd":
        step = 1e8 if abs(value) >= 1e9 else 1e5 if abs(value) >= 1e6 else 1.0
    elif unit in ("percent", "percent_change"):
        step = 0.1
    return (math.ceil(value / step - 1e-9) if up else math.floor(value / step + 1e-9)) * step


def _same(a: float, b: float) -> bool:
    return math.isclose(float(a), float(b), rel_tol=_REL, abs_tol=1e-9)


def _hedged(value: float, qualifier: str, unit: str) -> str:
    """A figure with its hedge in words: 'over 400'."""
    return hedged(fmt_number(value, unit), QUALIFIER_WORDS.get(qualifier, ""))


def assess_sum(parts: Sequence[float], total: float, *, part_steps: Sequence[float] | None = None,
               total_step: float = 0.0, unit: str = "count") -> Finding:
    """Do the parts add up to the stated total?

    Parameters
    ----------
    parts, total : sequence of float, float
        The stated parts and total.
    part_steps, total_step : sequence of float, optional; float
        The rounding steps the parts and the total are printed with (0 for exact).
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
    computed = math.fsum(parts)
    diff = computed - float(total)
    if _same(computed, total):
        return Finding(CONSISTENT, computed, float(total),
                       f"The {len(parts)} parts add up to exactly the stated {fmt_number(total, unit)}.")
    tolerance = math.fsum(part_steps or ()) / 2 + float(total_step) / 2
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
    """Does a stated percentage match, at its printed precision, the amounts it is a share of?

    The amounts' own rounding is allowed for before calling the figures inconsistent.

    Parameters
    ----------
    part, whole, stated_pct : float
        The stated amounts and percentage (48 for "48%").
    stated_step : float
        Its precision: 1 for "48%", 0.1 for "6.3%".
    part_step, whole_step : float
        The precision of the amounts (1e6 for "$59 Million"); 0 for exact.
    unit, what : str
        The amounts' unit, and "share" or "rate", for the explanation.

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
    not the stated 10%; a 10% share would need at least $59.5 million. Even allowing for
    the rounding of each amount to $1 million, the share stays below 9.5%, the least that
    rounds to 10%.
    """
    exact = share(part, whole)
    stated = float(stated_pct)
    sd = _decimals(stated_step)
    s_txt = fmt_number(stated, "percent", sd)
    amounts = f"{fmt_number(part, unit)} of {fmt_number(whole, unit)}"
    exact_txt = fmt_number(exact, "percent", sd + 1)
    check = rounding_check(stated, exact, stated_step)
    precision = _precision_words(stated_step)
    s_lo, s_hi = stated - stated_step / 2, stated + stated_step / 2
    lo = share(part - part_step / 2, whole + whole_step / 2)
    hi = share(part + part_step / 2, whole - whole_step / 2) if whole - whole_step / 2 > 0 else math.inf
    details = {"exact": exact, "rounded": check.rounded, "stated": stated, "step": float(stated_step),
               "difference": check.difference, "consistent": check.consistent,
               "lowest": lo, "highest": hi, "amount_step": float(max(part_step, whole_step))}
    if _same(exact, stated):
        return Finding(CONSISTENT, exact, stated, f"{amounts} is exactly {s_txt}.", details)
    if check.consistent:
        return Finding(WITHIN_ROUNDING, exact, stated,
                       f"{amounts} is {exact_txt}, which rounds to the stated {s_txt} at {precision}.", details)
    rounded = fmt_number(check.rounded, "percent", sd)
    # The edge: the end of the stated share's rounding interval nearest the exact share. Rounded toward
    # the truth: "at least X" must not ask for more than is needed, "at most X" not allow less than is allowed.
    above = stated > exact
    edge, least = (s_lo, "least") if above else (s_hi, "most")
    needed = _round_shown(edge / 100 * float(whole), unit, up=not above)
    head = (f"At {precision}, {amounts} is {exact_txt}, which rounds to {rounded}, "
            f"not the stated {s_txt}; a {s_txt} {what} would need at {least} {fmt_number(needed, unit)}.")
    if part_step or whole_step:
        step_txt = fmt_number(max(part_step, whole_step), unit)
        if hi >= s_lo - 1e-12 and lo <= s_hi + 1e-12:
            return Finding(WITHIN_ROUNDING, exact, stated,
                           f"{head} But the amounts are rounded to {step_txt}, and within that rounding the "
                           f"{what} can reach {fmt_number(edge, 'percent', sd + 1)}, which rounds to {s_txt}.",
                           details)
        head += (f" Even allowing for the rounding of each amount to {step_txt}, the {what} stays "
                 f"{'below' if above else 'above'} {fmt_number(edge, 'percent', sd + 1)}, the {least} that "
                 f"rounds to {s_txt}.")
    return Finding(INCONSISTENT, exact, stated, head, details)


def assess_whole_count(pct: float, count: float, *, step: float = 1.0,
                       count_qualifier: str = "exact") -> Finding:
    """Is a stated percentage of a stated count a whole number of people?

    Parameters
    ----------
    pct, count : float
        The stated percentage (98 for "98%") and the positive count it is of.
    step : float
        The precision of ``pct``.
    count_qualifier : str
        The count's hedge; a hedged count is used as the base with a note.

    Returns
    -------
    Finding
        ``computed`` is the percentage the nearest whole number of people gives; ``stated`` is ``pct``.

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
        The stated percentage change; without it, only the ``direction`` the
        wording states ("grew": ``"up"``) is checked.
    stated_step : float
        The precision of ``stated_pct``.
    direction : {"up", "down"}

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
        said = "grew" if direction == "up" else "fell"
        if (direction == "up") == moved_up and not _same(before, after):
            change = "rise" if moved_up else "fall"
            return Finding(CONSISTENT, computed, None,
                           f"From {b_txt} to {a_txt} is a {change} of {c_txt}; the report states no rate.",
                           {"before": float(before), "after": float(after), "rate": computed}, said)
        actual = "rose" if moved_up else "fell" if after < before else "did not change"
        return Finding(INCONSISTENT, computed, None, stated_text=said, explanation=
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


def assess_restatement(values: Sequence[float], qualifiers: Sequence[str], places: Sequence[str], *,
                       steps: Sequence[float] | None = None, unit: str = "count") -> Finding:
    """Does a quantity printed in several places carry the same value each time?

    The same value is ``consistent`` even with different hedges ("more than
    6,000", a callout's bare "6,000"; the explanation notes it). Different
    values are ``worth a second look`` if the hedges reconcile them, else ``inconsistent``.

    Parameters
    ----------
    values, qualifiers, places : sequence
        Per statement: its value, its qualifier and where it is printed.
    steps : sequence of float, optional
        Printed precision of each statement.
    unit : str
        For the explanation.

    Returns
    -------
    Finding
        ``stated`` is the first value; ``computed`` the value that differs most from it.

    Examples
    --------
    >>> assess_restatement([6000, 6000], ["more_than", "exact"], ["prose", "callout"]).verdict
    'consistent'
    >>> f = assess_restatement([465, 467], ["over", "exact"], ["achievements", "callout"])
    >>> f.verdict
    'worth a second look'
    """
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
    return Finding(SECOND_LOOK if fit else INCONSISTENT, other, first, text,
                   {"values": values, "difference": diff, "reconcilable": fit})


def assess_listed_count(stated: float, items: Sequence[str]) -> Finding:
    """Does a stated count ("five pathways") match the items the report names?

    Examples
    --------
    >>> assess_listed_count(3, ["a", "b", "c"]).verdict
    'consistent'
    >>> print(assess_listed_count(4, ["a", "b", "c"]).explanation)
    The report says 4 but names 3: a; b; c.
    >>> assess_listed_count(3, ["a", "b", "c"]).details["items"]
    ['a', 'b', 'c']
    """
    items = [str(i) for i in items]
    if len({normalize(i).lower() for i in items}) != len(items):
        raise ValueError("the listed items must be distinct")
    n = len(items)
    listing = "; ".join(items)
    named = {"items": items}  # chapters list the items from here, not from a copy in code
    if _same(stated, n):
        return Finding(CONSISTENT, float(n), float(stated), f"The report names {n}: {listing}.", named)
    return Finding(INCONSISTENT, float(n), float(stated),
                   f"The report says {fmt_number(stated)} but names {n}: {listing}.", named)


def assess_at_most(part: float, whole: float, *, part_qualifier: str = "exact",
                   whole_qualifier: str = "exact", unit: str = "count", whole_unit: str | None = None,
                   part_name: str = "part", whole_name: str = "whole", ratio: bool = True) -> Finding:
    """Does a part stay within the whole (or a figure within its limit)?

    Parameters
    ----------
    part, whole : float
        The stated values.
    part_qualifier, whole_qualifier : str
        Their hedges: "over 60" is more than 60; "over 400" has no ceiling.
    unit, whole_unit, part_name, whole_name : str
        For the explanation (``whole_unit`` defaults to ``unit``).
    ratio : bool
        Whether to give the part as a percentage of the whole (not for a rank).

    Returns
    -------
    Finding
        ``worth a second look`` when only a hedge on the whole lets it fit;
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


def assess_extreme_rate(pct: float, base: float, *, base_qualifier: str = "exact",
                        what: str = "attendees") -> Finding:
    """Flag a rate of exactly 0% or 100% of a large group: likely of respondents, a base not given.

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
        return Finding(CONSISTENT, float(base), pct,
                       f"{fmt_number(pct, 'percent', 0)} of {b_txt} {what} is not unanimous.")
    everyone = "all of them" if pct == 100 else "none of them"
    # The base keeps its hedge: "over 400", never "every one of the 400".
    return Finding(SECOND_LOOK, None, pct,
                   f"{fmt_number(pct, 'percent', 0)} of the {what} ({b_txt}) would mean {everyone} answered "
                   f"that way. The report does not say how many answered, so the percentage is likely of "
                   f"respondents, a base it never gives.")


def looks_exact(value: float, qualifier: str, multiple: int = ROUND_MULTIPLE) -> bool:
    """Whether a hedged count of at least ``multiple`` is not a multiple of it: "over 9,018", not "over 9,000".

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
    return v.is_integer() and v >= multiple and v % multiple != 0


def assess_hedge(value: float, qualifier: str) -> Finding:
    """Flag an exact-looking count hedged with "over", "nearly" ...

    Examples
    --------
    >>> assess_hedge(9018, "over").verdict
    'worth a second look'
    >>> assess_hedge(9000, "over").verdict
    'consistent'
    """
    text = _hedged(value, qualifier, "count")
    if not looks_exact(value, qualifier):
        return Finding(CONSISTENT, float(value) % ROUND_MULTIPLE, float(value), f"'{text}' hedges a round number.")
    word = QUALIFIER_WORDS[qualifier]
    if qualifier in LOWER_BOUNDS:
        tail = (f"either {fmt_number(value)} is the exact count and '{word}' is not needed, "
                f"or the count is larger and the report does not say by how much.")
    else:
        tail = (f"if the exact count is known, '{word}' hides it; "
                "if not, the digits claim a precision the count does not have.")
    return Finding(SECOND_LOOK, None, float(value),
                   f"'{text}': a hedge like '{word}' usually qualifies a rounded number, but "
                   f"{fmt_number(value)} is not a multiple of {ROUND_MULTIPLE}; {tail}")


