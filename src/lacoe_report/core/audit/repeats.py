"""Repeats: the same value, or nearly the same, stated for unrelated quantities.

A copied or half-updated cell leaves one quantity's value on another. The
detectors (:func:`copy_error`, :func:`short_repeat`, :func:`near_duplicate`)
match by value alone, so each has a ``*_chance`` function: how many matches
chance alone would give on the same table (the estimate ``make audit`` prints).
"""
from __future__ import annotations

import math

import pandas as pd

from ..formats import number as fmt_number
from ..vocabulary import SECTION_WORDS
from .assess import ROUND_MULTIPLE
from .base import Raised, significant_digits, slug
from .kinds import cited, hedged, name, place
from .verdict import SECOND_LOOK, Finding


def copy_error(figures: pd.DataFrame, text: str, params: dict) -> list[Raised]:
    """The same precise figure stated for quantities of different topics."""
    min_digits = int(params.get("min_significant_digits", 3))
    out: list[Raised] = []
    f = figures.assign(digits=_digits(figures))
    precise = f[f["digits"] >= min_digits]
    # Chance's matches: pairs of distinct precise figures of one unit and digit count, odds 1 in such values.
    firsts = precise.drop_duplicates(subset=["metric"])
    whole_digits = firsts["value"].map(lambda v: len(str(int(abs(v)))) if float(v).is_integer() else 0)
    for (unit, value), group in precise.groupby(["unit", "value"], sort=False):
        firsts_here = group.drop_duplicates(subset=["metric"])
        metrics = list(firsts_here["metric"])
        if len(metrics) < 2 or group["topic"].nunique() < 2:
            continue
        ids = list(group.index)
        d = int(group["digits"].iloc[0])
        magnitude = len(str(int(abs(value)))) if float(value).is_integer() else d
        n = int(((firsts["unit"] == unit) & (whole_digits == magnitude)).sum())
        space = 9 * 10 ** (magnitude - 1) if float(value).is_integer() else 10 ** d
        expected = n * (n - 1) / 2 / space
        said = "; ".join(f"{hedged(figures, i)} ({name(figures, i)}, {place(figures, i)})"
                         for i in firsts_here.index)
        explanation = (
            f"The report prints {fmt_number(value, unit)} for {len(metrics)} quantities that have nothing to do "
            f"with each other: {said}. A figure with {d} significant digits repeated "
            f"across topics is what a copied cell looks like. Chance could do it too: among the report's {n} "
            f"distinct {magnitude}-digit figures in this unit, about {fmt_number(expected, digits=2)} pairs "
            f"would match by chance, so this is a question for the sources, not proof.")
        out.append(Raised(
            f"copy-{slug(fmt_number(value, unit))}", "copy_error",
            f"The same {fmt_number(value, unit)} for {len(metrics)} unrelated quantities", ids, unit,
            Finding(SECOND_LOOK, float(len(metrics)), float(value), explanation,
                    {"value": float(value), "metrics": metrics, "expected_by_chance": expected,
                     "peers": n, "digits": d}),
            "each figure's source record",
            min(0.95, 0.6 + 0.05 * len(ids) + 0.05 * (d - min_digits) - 0.1 * expected)))
    return out


def _digits(figures: pd.DataFrame) -> pd.Series:
    """The significant digits of each figure (:func:`~.base.significant_digits`)."""
    return pd.Series([significant_digits(v, w) for v, w in zip(figures["value"], figures["as_written"])],
                     index=figures.index, dtype=int)


def _precise(figures: pd.DataFrame, params: dict) -> pd.DataFrame:
    """Whole figures of at least ``min_significant_digits`` digits, one per metric (its first statement)."""
    f = figures.drop_duplicates(subset=["metric"])
    return f[(_digits(f) >= int(params.get("min_significant_digits", 3))) & (f["value"] % 1 == 0)]


def _peers(figures: pd.DataFrame, params: dict) -> pd.Series:
    """How many precise whole figures (:func:`_precise`) share each unit and number of digits."""
    f = _precise(figures, params)
    return f.groupby([f["unit"], f["value"].map(lambda v: len(str(int(abs(v)))))]).size()


def copy_error_chance(figures: pd.DataFrame, text: str, params: dict) -> float:
    """Pairs of precise figures chance alone would make equal (the copy-error detector's estimate)."""
    return float(sum(k * (k - 1) / 2 / (9 * 10 ** (m - 1)) for (_, m), k in _peers(figures, params).items()))


def _short_eligible(figures: pd.DataFrame, params: dict) -> pd.DataFrame:
    """Figures with two significant digits that are not round: one per metric and section."""
    round_multiple = int(params.get("round_multiple", ROUND_MULTIPLE))
    units = {u for group in params.get("unit_groups", []) for u in group}
    f = figures[figures["unit"].isin(units)].drop_duplicates(subset=["metric", "section"])
    return f[(_digits(f) == 2) & (f["value"] % 1 == 0) & (f["value"] % round_multiple != 0)]


def _unit_group(params: dict, unit: str) -> int | None:
    return next((k for k, group in enumerate(params.get("unit_groups", [])) if unit in group), None)


def short_repeat_chance(figures: pd.DataFrame, text: str, params: dict) -> float:
    """Pairs of eligible two-digit figures in one section and unit group that chance alone would make equal.

    Two-digit values that are not round take 81 values (90 less the 9 round ones): odds 1 in 81 a pair.
    """
    f = _short_eligible(figures, params)
    space = 90 - 90 // int(params.get("round_multiple", ROUND_MULTIPLE))
    n = f.groupby([f["section"], f["unit"].map(lambda u: _unit_group(params, u))]).size()
    return float(sum(k * (k - 1) / 2 for k in n) / space)


def short_repeat(figures: pd.DataFrame, text: str, params: dict) -> list[Raised]:
    """A two-digit figure repeated for unrelated quantities, where the context makes a copy plausible.

    Stricter than the copy-error test for longer figures: both in one
    section, of different topics, not round, and in units a copied cell
    could carry (``unit_groups``: a count and a percentage may trade places).
    """
    f = _short_eligible(figures, params)
    expected = short_repeat_chance(figures, text, params)
    out: list[Raised] = []
    for (section, value), group in f.groupby(["section", "value"], sort=False):
        if group["metric"].nunique() < 2 or group["topic"].nunique() < 2 or \
                len({_unit_group(params, u) for u in group["unit"]}) != 1:
            continue
        ids = list(group.index)
        where = SECTION_WORDS.get(section, section)
        said = "; ".join(f"{fmt_number(value, figures.at[i, 'unit'])} ({name(figures, i)})" for i in ids)
        out.append(Raised(
            f"short-repeat-{slug(fmt_number(value))}-{slug(section)}", "short_repeat",
            f"The same two-digit {fmt_number(value)} for {len(ids)} unrelated quantities in {where}", ids,
            str(group["unit"].iloc[0]),
            Finding(SECOND_LOOK, float(len(ids)), float(value),
                    f"In {where} the report prints {fmt_number(value)} for {len(ids)} quantities of different "
                    f"topics: {said}. Two-digit numbers repeat by chance far more often than longer ones, so "
                    f"this is raised only because both sit in one section in units a copied cell could carry; "
                    f"chance alone would give about {fmt_number(expected, digits=2)} such pairs across the "
                    f"report's sections.",
                    {"value": float(value), "expected_by_chance": expected, "section": section}),
            "each figure's source record", min(0.5, 0.4 - 0.1 * expected)))
    return out


def _swapped(a: float, b: float) -> bool:
    """Whether two whole numbers differ by two adjacent digits swapped (1,574 and 1,547).

    Examples
    --------
    >>> _swapped(1574, 1547), _swapped(1574, 1476)
    (True, False)
    """
    x, y = str(int(a)), str(int(b))
    diff = [k for k in range(len(x)) if len(x) == len(y) and x[k] != y[k]]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and x[diff[0]] == y[diff[1]] and x[diff[1]] == y[diff[0]]


def near_duplicate_chance(figures: pd.DataFrame, text: str, params: dict) -> float:
    """Pairs of eligible figures chance alone would bring within the tolerance.

    Values spread evenly on a log scale: a pair of one unit and number of digits lands within a relative
    ``tolerance`` with odds ``2 * ln(1 + tolerance) / ln(10)``; digit swaps add a negligible
    ``(digits - 1) / 9 ** digits``.
    """
    tol = float(params.get("max_relative_difference", 0.015))
    return float(sum(k * (k - 1) / 2 for k in _peers(figures, params)) * 2 * math.log1p(tol) / math.log(10))


def _near_values(values: list[float], tol: float) -> list[tuple[float, float]]:
    """Pairs of distinct positive whole values within ``tol`` of the larger, or with two adjacent digits swapped.

    Sorted neighbours only: larger values up to ``1 / (1 - tol)`` times, and values of the same digits.

    Examples
    --------
    >>> _near_values([175000, 177000, 1574, 1547, 900], 0.015)
    [(1547.0, 1574.0), (175000.0, 177000.0)]
    """
    distinct = sorted({float(v) for v in values if v > 0})
    pairs = set()
    for k, v in enumerate(distinct):
        for w in distinct[k + 1:]:
            if (w - v) / w > tol:
                break
            pairs.add((v, w))
    by_digits: dict[str, list[float]] = {}
    for v in distinct:
        by_digits.setdefault("".join(sorted(str(int(v)))), []).append(v)
    for same in by_digits.values():
        pairs.update((v, w) for k, v in enumerate(same) for w in same[k + 1:] if _swapped(v, w))
    return sorted(pairs)


def near_duplicate(figures: pd.DataFrame, text: str, params: dict) -> list[Raised]:
    """Precise figures of unrelated quantities that differ by a hair, or by two swapped digits.

    One question per pair of values; the figures stating them are compared
    by unit, values sorted, so the cost grows with the figures, not their pairs.
    """
    tol = float(params.get("max_relative_difference", 0.015))
    declared = [set(ids) for ids in params.get("_declared", [])]
    f = _precise(figures, params)
    expected = near_duplicate_chance(figures, text, params)
    metric_ids = {m: set(ids) for m, ids in figures.groupby("metric").groups.items()}
    order = {fid: k for k, fid in enumerate(f.index)}
    found: list[tuple[list[tuple[str, str]], str]] = []
    for unit, rows in f.groupby("unit", sort=False):
        at = {float(v): list(ids) for v, ids in rows.groupby("value").groups.items()}
        for v, w in _near_values(list(at), tol):
            pairs = []
            for x in at[v]:
                for y in at[w]:
                    a, b = (x, y) if order[x] < order[y] else (y, x)
                    if f.at[a, "topic"] == f.at[b, "topic"]:
                        continue
                    both = metric_ids[f.at[a, "metric"]] | metric_ids[f.at[b, "metric"]]
                    if any(len(d & both) >= 2 for d in declared):
                        continue  # a declared relation asks this question already
                    pairs.append((a, b))
            if pairs:
                found.append((sorted(pairs, key=lambda p: (order[p[0]], order[p[1]])), str(unit)))
    out: list[Raised] = []
    for pairs, unit in sorted(found, key=lambda x: (order[x[0][0][0]], order[x[0][0][1]])):
        a, b = pairs[0]
        va, vb = float(f.at[a, "value"]), float(f.at[b, "value"])
        close = abs(va - vb) / max(va, vb) <= tol
        how = (f"{fmt_number(abs(va - vb), unit)} apart "
               f"({fmt_number(100 * abs(va - vb) / max(va, vb), 'percent', 1)} of the larger)"
               if close else "the same digits with two of them swapped")
        ids = list(dict.fromkeys(i for p in pairs for i in p))
        said = (f"{cited(figures, a)} and {cited(figures, b)}" if len(ids) == 2 else
                f"{len(ids)} figures of two values, " + "; ".join(cited(figures, i) for i in ids))
        out.append(Raised(
            f"near-{slug(fmt_number(va, unit))}-{slug(fmt_number(vb, unit))}", "near_duplicate",
            f"Nearly the same figure for unrelated quantities: {name(figures, a)} and {name(figures, b)}",
            ids, unit,
            Finding(SECOND_LOOK, vb, va,
                    f"The report prints {said}: {how}. Quantities of "
                    f"different topics this close can be a mistyped or half-updated copy, or one quantity "
                    f"counted two ways; chance alone would give about {fmt_number(expected, digits=2)} "
                    f"such pairs among the report's precise figures.",
                    {"difference": abs(va - vb), "swapped": not close, "expected_by_chance": expected}),
            "each figure's source record, and what each counts", 0.35))
    return out
