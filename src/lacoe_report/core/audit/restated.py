"""One quantity (a metric in a period) stated more than once: values and hedges that disagree.

The detectors are :func:`hedges` ("over 400" and "nearly 400"; bare in one place and hedged in another;
"over 9,018") and :func:`restatement`.
"""
from __future__ import annotations

import math

import pandas as pd

from ..formats import number as fmt_number
from . import assess as A
from .base import Raised, significant_digits, slug
from .kinds import hedged, place, step
from .verdict import INCONSISTENT, SECOND_LOOK, Finding, bounds


def _range(v: float, q: str, step_: float, whole_numbers: bool) -> tuple[float, float]:
    """The values a statement allows, closed; counts move to whole numbers."""
    b = bounds(v, q, step_)
    lo, hi = b.lo, b.hi
    if whole_numbers:
        lo = math.floor(lo) + 1 if b.lo_open and float(lo).is_integer() else math.ceil(lo - 1e-9)
        hi = hi if math.isinf(hi) else (math.ceil(hi) - 1 if b.hi_open and float(hi).is_integer()
                                        else math.floor(hi + 1e-9))
    return lo, hi


def hedges(figures: pd.DataFrame, text: str, params: dict) -> list[Raised]:
    """Hedges that contradict across restatements, and hedges on exact-looking counts."""
    out: list[Raised] = []
    dropped: list[tuple[str, str]] = []
    for (metric, period), group in figures.groupby(["metric", "period"], sort=False):
        if len(group) < 2 or group["value"].nunique() != 1:
            continue  # different values are the restatement detector's question
        whole_numbers = group["unit"].iloc[0] == "count"
        ranges = {i: _range(float(v), q, step(figures, i), whole_numbers)
                  for i, v, q in zip(group.index, group["value"], group["qualifier"])}
        ids = list(group.index)
        clash = [(a, b) for k, a in enumerate(ids) for b in ids[k + 1:]
                 if max(ranges[a][0], ranges[b][0]) > min(ranges[a][1], ranges[b][1])]
        if not clash:
            continue
        a, b = clash[0]
        if "exact" in (figures.at[a, "qualifier"], figures.at[b, "qualifier"]):  # (bare, hedged)
            dropped.append((a, b) if figures.at[a, "qualifier"] == "exact" else (b, a))
            continue
        out.append(Raised(
            f"hedge-clash-{slug(metric)}", "hedges", f"{group['label'].iloc[0]}: hedges that cannot both hold",
            ids, str(group["unit"].iloc[0]),
            Finding(INCONSISTENT, float(group["value"].iloc[0]), float(group["value"].iloc[0]),
                    f"The report says {hedged(figures, a)} in {place(figures, a)} and {hedged(figures, b)} in "
                    f"{place(figures, b)}: no value is both, so one hedge is wrong.",
                    {"ranges": {i: list(ranges[i]) for i in (a, b)}}),
            "the exact figure", 0.8))
    if dropped:
        ids = [i for pair in dropped for i in pair]
        listing = "; ".join(f"{fmt_number(figures.at[b, 'value'], figures.at[b, 'unit'])} in {place(figures, b)} "
                            f"but {hedged(figures, h)} in {place(figures, h)}" for b, h in dropped)
        out.append(Raised(
            "hedge-dropped", "hedges", "Figures stated flat in one place and hedged in another",
            ids, "count",
            Finding(SECOND_LOOK, float(len(dropped)), None,
                    f"{len(dropped)} figures are printed bare in one place and hedged in another: {listing}. "
                    f"Read literally, a count of exactly N is not 'over N'; one of each pair is loose, and a "
                    f"reader of the bare figure takes it as exact.",
                    {"pairs": [list(p) for p in dropped], "count": len(dropped)}),
            "the exact counts behind the rounded figures", 0.35, nature="wording"))
    multiple = int(params.get("round_multiple", A.ROUND_MULTIPLE))
    counts = figures[figures["unit"] == "count"]
    exact_looking = counts.loc[[A.looks_exact(v, q, multiple) for v, q in zip(counts["value"], counts["qualifier"])]]
    for fid, r in exact_looking.drop_duplicates(subset=["metric"]).iterrows():
        v, q = float(r["value"]), str(r["qualifier"])
        f = A.assess_hedge(v, q)
        out.append(Raised(
            f"hedge-exact-{slug(r['metric'])}", "hedges", f"{r['label']}: an exact-looking count with a hedge",
            [fid], "count", Finding(SECOND_LOOK, None, v, f.explanation, {"value": v, "qualifier": q}),
            "the exact count", 0.45 + 0.05 * min(significant_digits(v, str(r["as_written"])) - 2, 2),
            nature="wording"))
    return out


def restatement(figures: pd.DataFrame, text: str, params: dict) -> list[Raised]:
    """One quantity (a metric in one period) stated with different values."""
    out: list[Raised] = []
    for (metric, period), group in figures.groupby(["metric", "period"], sort=False):
        if len(group) < 2 or group["value"].nunique() == 1:
            continue
        ids = list(group.index)
        f = A.assess_restatement([float(v) for v in group["value"]], list(group["qualifier"]),
                                 [place(figures, i) for i in ids], steps=[step(figures, i) for i in ids],
                                 unit=str(group["unit"].iloc[0]))
        out.append(Raised(
            f"restated-{slug(metric)}", "restatement", f"{group['label'].iloc[0]}: one quantity, different values",
            ids, str(group["unit"].iloc[0]), f, "which value is right",
            0.9 if f.verdict == INCONSISTENT else 0.6))
    return out
