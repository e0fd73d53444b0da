"""Figures against the whole or the base they belong to (columns ``part_of``, ``per``, ``population``).

The detectors: :func:`granularity` (a percentage no whole number of people gives, the GRIM test),
:func:`part_whole`, :func:`per_unit` and :func:`population`.
"""
from __future__ import annotations

import math

import pandas as pd

from ..formats import number as fmt_number
from ..formats import points
from ..vocabulary import LOWER_BOUNDS, POPULATION_WORDS
from . import assess as A
from .base import Raised, slug, statements
from .kinds import cited, hedged, name, place, step
from .verdict import CONSISTENT, INCONSISTENT, SECOND_LOOK, Finding
from .wording import is_assumed


def smallest_base(pct: float, step: float) -> int | None:
    """The fewest people (up to 1,000) whose whole-number share rounds to ``pct`` at precision ``step``.

    Examples
    --------
    >>> smallest_base(90.9, 0.1)  # 10 of 11
    11
    >>> smallest_base(50, 1)
    2
    """
    lo, hi = pct - step / 2, pct + step / 2
    for n in range(1, 1001):
        k = math.ceil(lo * n / 100 - 1e-9)
        if k <= n and 100 * k / n <= hi + 1e-9:
            return n
    return None


def granularity(figures: pd.DataFrame, text: str, params: dict) -> list[Raised]:
    """Percentages that no whole number of the stated head-count can give."""
    out: list[Raised] = []
    unanimous_min = float(params.get("unanimous_min_base", 20))
    small_max = int(params.get("small_base_max", 20))
    percents = figures[figures["unit"] == "percent"].drop_duplicates(subset=["metric", "value"])
    for pid, p in percents.iterrows():
        pct, pstep = float(p["value"]), step(figures, pid)
        whole = p["part_of"]
        if whole:
            bases = statements(figures, whole, p["period"])
            # A base printed bare and hedged is restated with its hedge ("over 400", not "400").
            bases = bases[bases["unit"] == "count"].sort_values("qualifier", key=lambda q: q == "exact", kind="stable")
            for bid, b in bases.iterrows():
                count, q = float(b["value"]), str(b["qualifier"])
                f = A.assess_whole_count(pct, count, step=pstep, count_qualifier=q)
                if f.verdict == INCONSISTENT:
                    verdict = INCONSISTENT if q == "exact" else SECOND_LOOK
                    out.append(Raised(
                        f"granularity-{slug(p['metric'])}", "granularity",
                        f"{p['label']}: a whole number of the {name(figures, bid)}?",
                        [pid, bid], "percent",
                        Finding(verdict, f.computed, f.stated, f.explanation,
                                {"percent": pct, "base": count, "step": pstep}),
                        "the number of people who answered, and how many gave each answer",
                        0.9 if verdict == INCONSISTENT else 0.6))
                    break
                if pct in (0.0, 100.0) and count >= unanimous_min:
                    f = A.assess_extreme_rate(pct, count, base_qualifier=q, what=name(figures, bid))
                    out.append(Raised(
                        f"unanimous-{slug(p['metric'])}", "granularity",
                        f"{p['label']}: unanimous among {hedged(figures, bid)}?", [pid, bid], "percent",
                        Finding(SECOND_LOOK, count, pct, f.explanation, {"percent": pct, "base": count}),
                        "the number who answered the question", 0.45, nature="missing_base"))
                    break
        elif pstep < 1:
            n = smallest_base(pct, pstep)
            if n is not None and n <= small_max:
                k = math.ceil((pct - pstep / 2) * n / 100 - 1e-9)
                out.append(Raised(
                    f"small-base-{slug(p['metric'])}", "granularity",
                    f"{p['label']}: how many people is it a percentage of?", [pid], "percent",
                    Finding(SECOND_LOOK, float(n), pct,
                            f"The report prints {fmt_number(pct, 'percent', 1)} without the number of people it "
                            f"is a percentage of. Its precision fits a group as small as {n}: {k} of {n} is "
                            f"{fmt_number(100 * k / n, 'percent', 2)}. A rate that precise over so few people "
                            f"moves by {points(100 / n)} with each person.",
                            {"percent": pct, "smallest_base": n, "of_smallest": k}),
                    "the number of people the rate is computed over", 0.3, nature="missing_base"))
    return out


def _pops(figures: pd.DataFrame, figure_id: str) -> set[str]:
    return set(figures.at[figure_id, "population"].split())


def _pop_words(pops: set[str]) -> str:
    return " or ".join(POPULATION_WORDS.get(p, p) for p in sorted(pops))


def true_parts(figures: pd.DataFrame, whole_id: str, part_ids: list[str]) -> tuple[list[str], dict[str, str]]:
    """The parts that belong to a whole by population and period, and why each other part was left out.

    A part belongs when each of its populations is one of the whole's (or the whole names none), and its
    period is not the data's reading (which may span more than one year).

    Returns
    -------
    tuple
        The ids kept, and id -> the reason it was left out.
    """
    whole_pops = _pops(figures, whole_id)
    kept, left = [], {}
    for pid in part_ids:
        pops = _pops(figures, pid)
        if is_assumed(figures, pid, "period"):
            left[pid] = "its period is the data's reading and may span more than one year"
        elif whole_pops and not pops:
            left[pid] = f"the report does not say whether they are {_pop_words(whole_pops)}"
        elif whole_pops and not pops <= whole_pops:
            left[pid] = f"they are {_pop_words(pops - whole_pops)}, not {_pop_words(whole_pops)}"
        else:
            kept.append(pid)
    return kept, left


def part_whole(figures: pd.DataFrame, text: str, params: dict) -> list[Raised]:
    """Parts declared with ``part_of`` against every statement of their whole, across sections.

    Only true parts are compared and added (:func:`true_parts`); the
    explanation names the parts left out and why. When the data, not the
    report, puts a part in the whole (``part_of`` assumed), the finding is
    written as a condition: if the part is in the whole, it does not fit; if
    it is not, the two are different populations and cannot be added.
    """
    out: list[Raised] = []
    parts_all = figures[figures["part_of"] != ""]
    for (whole_metric, period), parts in parts_all.groupby(["part_of", "period"], sort=False):
        wholes = statements(figures, whole_metric, period)
        if wholes.empty:
            continue
        w_unit = str(wholes["unit"].iloc[0])
        parts = parts[parts["unit"] == w_unit]
        if parts.empty:
            continue
        # One statement per part metric: the largest, the hedge deciding a tie ("over 400" > "400").
        parts = parts.assign(_lb=parts["qualifier"].isin(LOWER_BOUNDS)).sort_values(
            ["value", "_lb"], ascending=False).drop_duplicates(subset=["metric"])
        kept, left = true_parts(figures, wholes.index[0], list(parts.index))
        parts = parts.loc[kept]
        found = []
        for wid, w in wholes.iterrows():
            for pid, p in parts.iterrows():
                f = A.assess_at_most(p["value"], w["value"], part_qualifier=p["qualifier"],
                                     whole_qualifier=w["qualifier"], unit=w_unit,
                                     part_name=name(figures, pid), whole_name=name(figures, wid))
                if f.verdict != CONSISTENT:
                    found.append((pid, f, wid, p["value"] / w["value"]))
        if not found:
            continue
        # The worst: inconsistent before a second look, then the part furthest past its whole (the first of equals).
        pid, f, wid, ratio = max(found, key=lambda x: (x[1].verdict == INCONSISTENT, x[3]))
        total = math.fsum(parts["value"])
        w0 = float(wholes["value"].iloc[0])
        listing = ", ".join(f"{hedged(figures, i)} {name(figures, i)} ({place(figures, i)})" for i in parts.index)
        where = (f" Both are stated in {place(figures, wid)}." if place(figures, wid) == place(figures, pid)
                 else f" The whole is stated in {place(figures, wid)}, the part in {place(figures, pid)}.")
        conditional = any(is_assumed(figures, i, "part_of") for i in parts.index)
        if is_assumed(figures, pid, "part_of"):
            explanation = (f"The report does not say that the {name(figures, pid)} are counted among the "
                           f"{name(figures, wid)}; the data reads them so. If they are, "
                           f"{f.explanation[:1].lower() + f.explanation[1:]}{where} If they are not, they are a "
                           f"different population: the two counts cannot be added, and neither checks the other.")
        else:
            explanation = f.explanation + where
        if len(parts) > 1:
            explanation += (f" {'If they all belong, the' if conditional else 'Together the'} {len(parts)} parts "
                            f"come to {fmt_number(total, w_unit)}: {listing}.")
        if left:
            explanation += (" Left out of the sum as not part of the whole: " + "; ".join(
                f"{hedged(figures, i)} {name(figures, i)} ({why})" for i, why in left.items()) + ".")
        details = {"whole": w0, "parts_total": total, "largest_part": float(parts["value"].max()),
                   "parts": {i: float(v) for i, v in parts["value"].items()}, "left_out": dict(left),
                   "conditional": conditional}
        # Stronger when the true parts together also pass the whole (they may overlap, so less weight).
        strength = min(1.0, 0.5 + 0.3 * min(ratio - 1, 1) + 0.15 * min(max(total / w0 - 1, 0), 1)
                       + (0.2 if f.verdict == INCONSISTENT else 0))
        out.append(Raised(
            f"part-whole-{slug(whole_metric)}", "part_whole",
            f"Parts stated across the report against the {name(figures, wholes.index[0])}",
            [wid, *parts.index, *left], w_unit,
            Finding(f.verdict, w0, float(parts["value"].max()), explanation, details),
            "what the whole counts, and whether each part is included in it", strength))
    return out


def per_unit(figures: pd.DataFrame, text: str, params: dict) -> list[Raised]:
    """Counts spread over units (``per``) that give fewer than one per unit."""
    out: list[Raised] = []
    spread = figures[figures["per"] != ""].drop_duplicates(subset=["metric", "per"])
    for fid, r in spread.iterrows():
        units = statements(figures, r["per"], r["period"])
        for uid, u in units.iterrows():
            rate = float(r["value"]) / float(u["value"])
            if rate >= 1:
                continue
            short = float(u["value"]) - float(r["value"])
            out.append(Raised(
                f"per-unit-{slug(r['metric'])}", "per_unit",
                f"{r['label']}: fewer than one per unit of the {name(figures, uid)}", [fid, uid], "per_unit",
                Finding(SECOND_LOOK, rate, 1.0,
                        f"The report relates {hedged(figures, fid)} {name(figures, fid)} to "
                        f"{hedged(figures, uid)} {name(figures, uid)}: {fmt_number(rate, digits=2)} "
                        f"for each of the {name(figures, uid)}, so at "
                        f"least {fmt_number(short)} of the {name(figures, uid)} have none of their own.",
                        {"per_unit": rate, "without": short}),
                "how the count is spread over the units", 0.3 + 0.3 * (1 - rate)))
            break
    return out


def population(figures: pd.DataFrame, text: str, params: dict) -> list[Raised]:
    """A count of a population in one section beside a total for the same population in another.

    A total is a figure other figures are declared parts of (``part_of``).
    A count of the same population (every population of the count is one of
    the total's), printed in another section, that is neither a declared part
    of it nor in a declared relation with it, raises the question a reader
    asks: is it within that total, and if not, why two totals?
    """
    declared = [set(ids) for ids in params.get("_declared", [])]
    people = figures[(figures["population"] != "") & (figures["unit"] == "count")]
    pops = {fid: frozenset(str(p).split()) for fid, p in people["population"].items()}
    rows = list(people[["section", "metric", "part_of", "period", "value"]].itertuples())
    parts_of: dict[str, list[str]] = {}
    by_period: dict[str, list] = {}
    for r in rows:
        by_period.setdefault(r.period, []).append(r)
        if r.part_of:
            parts_of.setdefault(r.part_of, []).append(r.Index)
    # A total of a population: the whole of counts of that population (its parts); its first such statement.
    totals, seen = [], set()
    for r in rows:
        if r.metric not in seen and any(pops[p] <= pops[r.Index] for p in parts_of.get(r.metric, [])):
            seen.add(r.metric)
            totals.append(r)
    out: list[Raised] = []
    for t in totals:
        tid, t_pops = t.Index, pops[t.Index]
        pops_words = _pop_words(t_pops)
        n_parts = len({figures.at[i, "metric"] for i in parts_of.get(t.metric, [])})
        met: set[str] = set()
        for o in by_period[t.period]:
            # One statement per metric: its first outside the total's section.
            if o.section == t.section or o.metric == t.metric or o.part_of == t.metric or o.metric in met:
                continue
            met.add(o.metric)
            oid = o.Index
            if not pops[oid] <= t_pops or any({oid, tid} <= d for d in declared):
                continue
            vo, vt = float(o.value), float(t.value)
            ratio = max(vo, vt) / min(vo, vt)
            out.append(Raised(
                f"population-{slug(o.metric)}-{slug(t.metric)}", "population",
                f"{figures.at[oid, 'label']} against another section's total of {pops_words}", [oid, tid], "count",
                Finding(SECOND_LOOK, vt, vo,
                        f"The report counts {cited(figures, oid)}, and {cited(figures, tid)}, a total of "
                        f"which it gives {n_parts} part{'s' if n_parts != 1 else ''}. Both count {pops_words}, "
                        f"{fmt_number(ratio, digits=1)} times apart; the report does not say whether the first "
                        f"is within the total or a different group, so neither figure checks the other.",
                        {"ratio": ratio, "population": sorted(t_pops)}),
                "who each figure counts, and whether one group is within the other", 0.3, nature="population"))
    return out
