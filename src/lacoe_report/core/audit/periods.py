"""Periods: what time the figures of a section cover (columns ``period``, ``period_basis``, ``assumed``).

The detectors are :func:`period` and :func:`mixed_period`.
"""
from __future__ import annotations

import re

import pandas as pd

from ..formats import number as fmt_number
from ..vocabulary import SECTION_WORDS
from .base import Raised, slug
from .kinds import hedged, name
from .verdict import SECOND_LOOK, Finding
from .wording import is_assumed


_YEAR = re.compile(r"^(\d{4})(-\d{2})?$")  # a calendar year, or a school year (from July)


def period_span(period: str) -> tuple[float, float]:
    """The time a period covers, in years: a school year (``"2023-24"``) runs from July to June.

    Examples
    --------
    >>> period_span("2023-24")
    (2023.5, 2024.5)
    >>> period_span("2024")
    (2024.0, 2025.0)
    >>> period_span("2022-23 to 2023-24")
    (2022.5, 2024.5)
    """
    first, _, last = str(period).partition(" to ")
    starts = []
    for part in (first, last or first):
        if not (m := _YEAR.match(part.strip())):
            raise ValueError(f"not a period: {period!r} (use 2023-24, 2024 or '2022-23 to 2023-24')")
        starts.append(int(m.group(1)) + (0.5 if m.group(2) else 0.0))
    return starts[0], starts[1] + 1


def period(figures: pd.DataFrame, text: str, params: dict) -> list[Raised]:
    """Counts over a period that starts, or may start, before the report's year, among its results.

    A period that begins with a calendar year holding the report year's
    start ("2023" for 2023-24) may start before the year or inside it; a
    period the data supplies (``assumed``) is written as a condition.
    """
    report = params.get("report_period")
    if not report:
        return []
    start, _ = period_span(str(report))
    exempt = set(params.get("exempt_sections", []))
    out: list[Raised] = []
    for section, rows in figures.groupby("section", sort=False):
        if section in exempt:
            continue
        spans = {fid: period_span(p) for fid, p in rows["period"].items()}
        # Starts before the report year and runs into it: a cumulative count. A period wholly
        # before it is a baseline; one that starts inside it (a calendar year) is not longer.
        ids = [fid for fid, (a, b) in spans.items() if a < start < b]
        if not ids:
            continue
        items, surely = [], 0
        for i in ids:
            p = str(figures.at[i, "period"])
            may = period_span(p.partition(" to ")[0])[1] > start  # its first year holds the report year's start
            assumed = is_assumed(figures, i, "period")
            surely += not (may or assumed)
            item = f"{hedged(figures, i)} {name(figures, i)}, " + (
                f"if its period is {p} as the data reads it" if assumed else f"over {p}")
            if may:
                item += f", which starts before {report} only if the count began before {report} did"
            items.append(item)
        where = SECTION_WORDS.get(section, section)
        many = len(ids) > 1
        verb = ("count" if many else "counts") if surely == len(ids) else "may count"
        out.append(Raised(
            f"period-{slug(ids[0])}", "period",
            f"{'Counts' if many else 'A count'} that may run from before {report}, in {where}",
            ids, "count",
            Finding(SECOND_LOOK, None, float(len(ids)),
                    f"{len(ids)} figure{'s' if many else ''} in {where} {verb} over a "
                    f"period that starts before {report}: {'; '.join(items)}. Printed among the results of "
                    f"{report}, {'they read' if many else 'it reads'} as that year's; the report does not say "
                    f"how much of {'each' if many else 'it'} falls in {report}.",
                    {"figures": {i: str(figures.at[i, "period"]) for i in ids}, "report_period": str(report),
                     "certain": surely}),
            f"the counts for {report} alone, and when each count began", 0.3 if surely else 0.2,
            nature="period"))
    return out


def mixed_period(figures: pd.DataFrame, text: str, params: dict) -> list[Raised]:
    """A section whose figures cover different periods, or periods the report does not state.

    A baseline (a metric stated for two periods) is a comparison, not a mix,
    unless its period is the data's reading. Only periods the report states
    count as stated: an undated figure's period is the report's year by
    default (``period_basis`` report_year), not a period of its own.
    """
    exempt = set(params.get("exempt_sections", []))
    min_periods = int(params.get("min_periods", 2))
    out: list[Raised] = []
    for section, rows in figures.groupby("section", sort=False):
        if section in exempt:
            continue
        compared = rows.groupby("metric")["period"].transform("nunique") > 1
        vague = [i for i in rows.index if is_assumed(figures, i, "period")]
        stated = rows[~compared & rows["period_basis"].eq("stated")]
        undated = int(rows["period_basis"].eq("report_year").sum())
        periods = list(dict.fromkeys(stated["period"]))
        if len(periods) < min_periods and not vague:
            continue
        where = SECTION_WORDS.get(section, section)
        parts = []
        if len(periods) >= min_periods:
            counts = stated["period"].value_counts()
            parts.append(f"the report states {len(periods)} different periods for its figures ("
                         + "; ".join(f"{fmt_number(counts[p])} for {p}" for p in periods) + ")")
        if vague:
            by_period = figures.loc[vague].groupby("period", sort=False).groups
            parts.append(f"{len(vague)} figure{'s' if len(vague) > 1 else ''} "
                         f"{'carry' if len(vague) > 1 else 'carries'} a period the report does not state, which "
                         f"the data supplies as an assumption: "
                         + "; ".join(f"if {p}, " + ", ".join(name(figures, i) for i in ids_)
                                     for p, ids_ in by_period.items()))
        out.append(Raised(
            f"mixed-period-{slug(section)}", "mixed_period",
            f"Periods mixed or unstated in {where}", [*stated.index[stated["period"] != (periods or [''])[0]],
                                                      *vague] or list(rows.index[:1]), "count",
            Finding(SECOND_LOOK, None, float(len(periods) + len(vague)),
                    f"In {where}, {' and '.join(parts)}"
                    + (f"; {fmt_number(undated)} more carry no date at all" if undated else "")
                    + ". A reader cannot tell which figures belong to the report's year, or add and compare "
                    "them without the dates.",
                    {"periods": periods, "unstated": vague}),
            "the date or period of each figure", 0.2 + 0.05 * min(len(vague), 2), nature="period"))
    return out
