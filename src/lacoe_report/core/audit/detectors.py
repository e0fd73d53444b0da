"""Detectors: scans of every figure for what a forensic reader of statistics would question.

No detector is told which figures to look at. Each reads the whole figures
table (metric, topic, unit, section, qualifier, printed form, and the
``part_of`` and ``per`` columns) and, where it needs the wording, the
report text; each returns only what it *raises*, as :class:`Raised`
records, so clean data raises nothing. Their settings come from the
``detectors`` part of ``data/audit_relations.yml``.

=================  ==========================================================
detector           questions
=================  ==========================================================
``granularity``    a percentage of a stated head-count that no whole number of
                   people gives; a unanimous 0% or 100% of many people; a
                   percentage printed so precisely that a tiny group could give it
``copy_error``     the same precise figure stated for unrelated quantities
``part_whole``     a part larger than its whole, stated anywhere in the report
``hedges``         hedges that contradict each other across restatements; a
                   hedge on an exact-looking count
``restatement``    one quantity stated with different values
``per_unit``       a count spread over units that gives fewer than one per unit
``growth``         growth (or a comparison) claimed without a base
``period``         a count over a period that starts (or may start) before
                   the report's year, printed among that year's results
``short_repeat``   a two-digit figure repeated for unrelated quantities in one
                   section, in units a copied cell could carry
``near_duplicate`` precise figures of unrelated quantities that differ by a
                   hair (or by two swapped digits)
``population``     a count of a population in one section beside a total for
                   the same population in another, with no stated relation
``mixed_period``   a section whose figures cover different periods, or periods
                   the report does not state
``uncovered``      a topic a section's text names that nothing else in the
                   section covers
``claims``         a claim of rank, primacy or comparison with neither the
                   comparison nor its source (:mod:`.claims`)
``budget``         money stated outside the financial overview, against the
                   budget it gives (:mod:`.money`)
=================  ==========================================================

Where chance alone can make a match (a repeated or near value), :data:`CHANCE`
estimates how many matches chance would give on the same table: the
false-alarm estimate ``make audit`` prints.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable

import pandas as pd

from ..formats import number as fmt_number
from ..formats import points
from ..metrics import step_of
from ..source_text import locate, sentence_spans
from ..vocabulary import LOWER_BOUNDS, POPULATION_WORDS, SECTION_WORDS
from . import assess as A
from .assess import INCONSISTENT, SECOND_LOOK, Finding
from .base import Raised
from .base import slug as _slug
from .claims import claims
from .goals import uncovered
from .kinds import hedged, name, place, step
from .money import budget
from .wording import field_text, is_assumed


def _statements(figures: pd.DataFrame, metric: str, period: str | None = None) -> pd.DataFrame:
    """The rows stating ``metric`` (in ``period``), one per distinct value and hedge."""
    rows = figures[figures["metric"] == metric]
    if period is not None:
        rows = rows[rows["period"] == period]
    return rows.drop_duplicates(subset=["value", "qualifier"])


def _all_say(figures: pd.DataFrame, ids: list[str]) -> str:
    return "; ".join(f"{hedged(figures, i)} ({name(figures, i)}, {place(figures, i)})" for i in ids)


# --------------------------------------------------------------------------
# Granularity (GRIM)
# --------------------------------------------------------------------------
def smallest_base(pct: float, step: float, limit: int = 1000) -> int | None:
    """The fewest people whose whole-number share rounds to ``pct`` at precision ``step``.

    Examples
    --------
    >>> smallest_base(90.9, 0.1)  # 10 of 11
    11
    >>> smallest_base(50, 1)
    2
    """
    lo, hi = pct - step / 2, pct + step / 2
    for n in range(1, limit + 1):
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
        whole = str(p.get("part_of", "") or "")
        bases = _statements(figures, whole, p["period"]) if whole else figures.iloc[0:0]
        bases = bases[bases["unit"] == "count"]
        # A base printed bare and hedged is restated with its hedge ("over 400", not "400").
        bases = bases.assign(_bare=bases["qualifier"] == "exact").sort_values("_bare", kind="stable")
        if whole and len(bases):
            for bid, b in bases.iterrows():
                count, q = float(b["value"]), str(b["qualifier"])
                f = A.assess_whole_count(pct, count, step=pstep, count_qualifier=q)
                if f.verdict == INCONSISTENT:
                    verdict = INCONSISTENT if q == "exact" else SECOND_LOOK
                    out.append(Raised(
                        f"granularity-{_slug(p['metric'])}", "granularity",
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
                        f"unanimous-{_slug(p['metric'])}", "granularity",
                        f"{p['label']}: unanimous among {hedged(figures, bid)}?", [pid, bid], "percent",
                        Finding(SECOND_LOOK, count, pct, f.explanation, {"percent": pct, "base": count}),
                        "the number who answered the question", 0.45, nature="missing_base"))
                    break
        elif not whole and pstep < 1:
            n = smallest_base(pct, pstep)
            if n is not None and n <= small_max:
                k = math.ceil((pct - pstep / 2) * n / 100 - 1e-9)
                out.append(Raised(
                    f"small-base-{_slug(p['metric'])}", "granularity",
                    f"{p['label']}: how many people is it a percentage of?", [pid], "percent",
                    Finding(SECOND_LOOK, float(n), pct,
                            f"The report prints {fmt_number(pct, 'percent', 1)} without the number of people it "
                            f"is a percentage of. Its precision fits a group as small as {n}: {k} of {n} is "
                            f"{fmt_number(100 * k / n, 'percent', 2)}. A rate that precise over so few people "
                            f"moves by {points(100 / n)} with each person.",
                            {"percent": pct, "smallest_base": n, "of_smallest": k}),
                    "the number of people the rate is computed over", 0.3, nature="missing_base"))
    return out


# --------------------------------------------------------------------------
# Copy errors
# --------------------------------------------------------------------------
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


def copy_error(figures: pd.DataFrame, text: str, params: dict) -> list[Raised]:
    """The same precise figure stated for quantities of different topics."""
    min_digits = int(params.get("min_significant_digits", 3))
    out: list[Raised] = []
    f = figures.copy()
    f["digits"] = [significant_digits(v, w) for v, w in zip(f["value"], f["as_written"])]
    precise = f[f["digits"] >= min_digits]
    # How many matches chance alone would give: pairs of distinct precise figures
    # of one unit and digit count, each matching with odds 1 in the number of such values.
    firsts = precise.drop_duplicates(subset=["metric"])
    for (unit, value), group in precise.groupby(["unit", "value"], sort=False):
        metrics = list(dict.fromkeys(group["metric"]))
        topics = set(group["topic"])
        if len(metrics) < 2 or len(topics) < 2:
            continue
        ids = list(group.index)
        d = int(group["digits"].iloc[0])
        magnitude = len(str(int(abs(value)))) if float(value).is_integer() else d
        peers = firsts[(firsts["unit"] == unit)
                       & (firsts["value"].map(lambda v: len(str(int(abs(v)))) if float(v).is_integer() else 0)
                          == magnitude)]
        n = len(peers)
        space = 9 * 10 ** (magnitude - 1) if float(value).is_integer() else 10 ** d
        expected = n * (n - 1) / 2 / space
        firsts_ids = [group.index[list(group["metric"]).index(m)] for m in metrics]
        explanation = (
            f"The report prints {fmt_number(value, unit)} for {len(metrics)} quantities that have nothing to do "
            f"with each other: {_all_say(figures, firsts_ids)}. A figure with {d} significant digits repeated "
            f"across topics is what a copied cell looks like. Chance could do it too: among the report's {n} "
            f"distinct {magnitude}-digit figures in this unit, about {fmt_number(expected, digits=2)} pairs "
            f"would match by chance, so this is a question for the sources, not proof.")
        out.append(Raised(
            f"copy-{_slug(fmt_number(value, unit))}", "copy_error",
            f"The same {fmt_number(value, unit)} for {len(metrics)} unrelated quantities", ids, unit,
            Finding(SECOND_LOOK, float(len(metrics)), float(value), explanation,
                    {"value": float(value), "metrics": metrics, "expected_by_chance": expected,
                     "peers": n, "digits": d}),
            "each figure's source record",
            min(0.95, 0.6 + 0.05 * len(ids) + 0.05 * (d - min_digits) - 0.1 * expected)))
    return out


# --------------------------------------------------------------------------
# Parts and wholes
# --------------------------------------------------------------------------
def _pops(figures: pd.DataFrame, figure_id: str) -> set[str]:
    return set(field_text(figures, figure_id, "population").split())


def _pop_words(pops: set[str]) -> str:
    return " or ".join(POPULATION_WORDS.get(p, p) for p in sorted(pops))


def true_parts(figures: pd.DataFrame, whole_id: str, part_ids: list[str]) -> tuple[list[str], dict[str, str]]:
    """The parts that belong to a whole by population and period, and why each other part was left out.

    A part belongs when the whole names no population, or when every
    population of the part is one of the whole's. A part whose period is the
    data's reading may span more than one year, so it is left out too.

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
    parts_all = figures[(figures["part_of"].fillna("") != "")]
    for (whole_metric, period), parts in parts_all.groupby(["part_of", "period"], sort=False):
        wholes = _statements(figures, whole_metric, period)
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
        worst: tuple[str, Finding, str, float] | None = None
        for wid, w in wholes.iterrows():
            for pid, p in parts.iterrows():
                f = A.assess_at_most(p["value"], w["value"], part_qualifier=p["qualifier"],
                                     whole_qualifier=w["qualifier"], unit=w_unit,
                                     part_name=name(figures, pid), whole_name=name(figures, wid))
                worse = worst is None or (f.verdict == INCONSISTENT and worst[1].verdict != INCONSISTENT) or \
                    (f.verdict == worst[1].verdict and p["value"] / w["value"] > worst[3])
                if f.verdict != A.CONSISTENT and worse:
                    worst = (pid, f, wid, p["value"] / w["value"])
        if worst is None:
            continue
        pid, f, wid, ratio = worst
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
            f"part-whole-{_slug(whole_metric)}", "part_whole",
            f"Parts stated across the report against the {name(figures, wholes.index[0])}",
            [wid, *parts.index, *left], w_unit,
            Finding(f.verdict, w0, float(parts["value"].max()), explanation, details),
            "what the whole counts, and whether each part is included in it", strength))
    return out


# --------------------------------------------------------------------------
# Hedges
# --------------------------------------------------------------------------
def _range(v: float, q: str, step_: float, whole_numbers: bool) -> tuple[float, float]:
    """The values a statement allows, closed; counts move to whole numbers."""
    b = A.bounds(v, q, step_)
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
        ranges = {i: _range(float(r["value"]), r["qualifier"], step(figures, i), whole_numbers)
                  for i, r in group.iterrows()}
        ids = list(group.index)
        clash = [(a, b) for k, a in enumerate(ids) for b in ids[k + 1:]
                 if max(ranges[a][0], ranges[b][0]) > min(ranges[a][1], ranges[b][1])]
        if not clash:
            continue
        a, b = clash[0]
        bare = [i for i in (a, b) if figures.at[i, "qualifier"] == "exact"]
        if bare:
            hedged_id = b if bare[0] == a else a
            dropped.append((bare[0], hedged_id))
            continue
        out.append(Raised(
            f"hedge-clash-{_slug(metric)}", "hedges", f"{group['label'].iloc[0]}: hedges that cannot both hold",
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
    seen: set[str] = set()
    for fid, r in figures[figures["unit"] == "count"].iterrows():
        v, q = float(r["value"]), str(r["qualifier"])
        if r["metric"] in seen or q == "exact" or not (v.is_integer() and v >= multiple and v % multiple):
            continue
        seen.add(r["metric"])
        f = A.assess_hedge(v, q)
        out.append(Raised(
            f"hedge-exact-{_slug(r['metric'])}", "hedges", f"{r['label']}: an exact-looking count with a hedge",
            [fid], "count", Finding(SECOND_LOOK, None, v, f.explanation, {"value": v, "qualifier": q}),
            "the exact count", 0.45 + 0.05 * min(significant_digits(v, str(r["as_written"])) - 2, 2),
            nature="wording"))
    return out


# --------------------------------------------------------------------------
# Restatements
# --------------------------------------------------------------------------
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
            f"restated-{_slug(metric)}", "restatement", f"{group['label'].iloc[0]}: one quantity, different values",
            ids, str(group["unit"].iloc[0]), f, "which value is right",
            0.9 if f.verdict == INCONSISTENT else 0.6))
    return out


# --------------------------------------------------------------------------
# Per unit
# --------------------------------------------------------------------------
def per_unit(figures: pd.DataFrame, text: str, params: dict) -> list[Raised]:
    """Counts spread over units (``per``) that give fewer than one per unit."""
    out: list[Raised] = []
    spread = figures[figures["per"].fillna("") != ""].drop_duplicates(subset=["metric", "per"])
    for fid, r in spread.iterrows():
        units = _statements(figures, r["per"], r["period"])
        for uid, u in units.iterrows():
            rate = float(r["value"]) / float(u["value"])
            if rate >= 1:
                continue
            short = float(u["value"]) - float(r["value"])
            out.append(Raised(
                f"per-unit-{_slug(r['metric'])}", "per_unit",
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


# --------------------------------------------------------------------------
# Growth without a base
# --------------------------------------------------------------------------
#: Units whose figures can grow or be compared with a standard.
_LEVEL_UNITS = ("count", "usd", "percent")


def _claims(sentence: str, offset: int, rows: pd.DataFrame, figures: pd.DataFrame, text: str,
            words: dict, window: int) -> list[tuple[str, str, list[str]]]:
    """Claim words of a sentence with the figures printed within ``window`` words of them."""
    at: dict[str, int] = {}
    for fid, r in rows.iterrows():
        if r["unit"] not in _LEVEL_UNITS:
            continue
        start = locate(str(r["quote"]), text)[0]
        inner = text.find(str(r["as_written"]), start)
        at[fid] = len(text[offset:inner if inner >= 0 else start].split())
    found = []
    for kind, ws in words.items():
        for w in ws:
            for m in re.finditer(rf"\b{re.escape(w)}\b", sentence.lower()):
                pos = len(sentence[:m.start()].split())
                near = [fid for fid, p in at.items() if abs(p - pos) <= window]
                if near:
                    found.append((kind, w, near))
    seen: set[str] = set()
    out = []
    for kind, w, near in found:  # one claim per figure, the first word that makes it
        near = [i for i in near if i not in seen]
        if near:
            seen.update(near)
            out.append((kind, w, near))
    return out


def growth(figures: pd.DataFrame, text: str, params: dict) -> list[Raised]:
    """Growth or comparisons the report claims without the base they need."""
    words: dict = params.get("claim_words", {})
    weights: dict = params.get("claim_weights", {})
    spans = sentence_spans(text)
    where: dict[int, list[str]] = {}
    for fid, r in figures.iterrows():
        hits = locate(str(r["quote"]), text)
        if len(hits) != 1:
            continue
        k = next((i for i, (a, b) in enumerate(spans) if a <= hits[0] < b), None)
        if k is not None:
            where.setdefault(k, []).append(fid)
    periods = figures.groupby("metric")["period"].nunique()
    window = int(params.get("window_words", 8))
    claims: dict[str, list[tuple[str, list[str]]]] = {}
    out: list[Raised] = []
    for k, ids in sorted(where.items()):
        sentence = text[spans[k][0]:spans[k][1]]
        rows = figures.loc[ids]
        if any(periods.get(m, 1) > 1 for m in rows["metric"]):
            continue  # a base year is stated: a declared relation checks it
        changes = rows[rows["unit"] == "percent_change"]
        if len(changes):
            parts, starts = [], {}
            for cid, c in changes.iterrows():
                level = _statements(figures, str(c["part_of"] or ""), c["period"]) if c["part_of"] else None
                rate = fmt_number(float(c["value"]), "percent_change", 1)
                if level is not None and len(level):
                    lid = level.index[0]
                    start = float(level["value"].iloc[0]) / (1 + float(c["value"]) / 100)
                    starts[cid] = start
                    parts.append(f"{rate} ({name(figures, cid)}) to {hedged(figures, lid)}, which implies a start "
                                 f"of about {fmt_number(start)} that the report never prints")
                else:
                    parts.append(f"{rate} ({name(figures, cid)}) with neither the start nor the end value")
            out.append(Raised(
                f"growth-{_slug(changes.index[0])}", "growth",
                f"Growth rates without a starting value: {', '.join(changes['label'])}", list(changes.index),
                "percent_change",
                Finding(SECOND_LOOK, None, float(changes["value"].iloc[0]),
                        f"The report gives {len(changes)} rate{'s' if len(changes) > 1 else ''} of growth in one "
                        f"sentence: {'; '.join(parts)}. Without the earlier values none can be checked from the "
                        f"report.", {"rates": {i: float(v) for i, v in changes["value"].items()},
                                     "implied_starts": starts}),
                # Unverifiable rather than wrong: below a part that passes its whole or a copied figure.
                "the previous year's values", 0.45 + 0.05 * min(len(changes), 3), nature="missing_base"))
        else:
            found = _claims(sentence, spans[k][0], rows, figures, text, words, window)
            for kind, word, near in found:
                claims.setdefault(kind, []).append((word, near))
    for kind, items in claims.items():
        what = {"comparison": "a comparison", "expansion": "an expansion"}.get(kind, "growth")
        ids = [i for _, near in items for i in near]
        listing = "; ".join(f"'{word}' with " + " and ".join(f"{hedged(figures, i)} {name(figures, i)}"
                                                              for i in near) for word, near in items)
        many = len(items) > 1
        out.append(Raised(
            f"claim-{kind}-{_slug(ids[0])}", "growth",
            f"{what[:1].upper() + what[1:]} claimed without a base"
            + (f" ({len(items)} sentences)" if many else f": {figures.at[ids[0], 'label']}"),
            ids, str(figures.at[ids[0], "unit"]),
            Finding(SECOND_LOOK, None, float(len(items)),
                    f"{len(items)} sentence{'s' if many else ''} claim{'' if many else 's'} {what} next to a "
                    f"figure but give{'' if many else 's'} no earlier value or standard to compare with: "
                    f"{listing}. The claim{'s' if many else ''} cannot be checked from the report.",
                    {"claims": [[w, list(n)] for w, n in items], "claim": kind}),
            "the earlier figure or the standard compared with", float(weights.get(kind, 0.3)),
            nature="missing_base"))
    return out


# --------------------------------------------------------------------------
# Periods
# --------------------------------------------------------------------------
_SCHOOL_YEAR = re.compile(r"^(\d{4})-(\d{2})$")
_CALENDAR_YEAR = re.compile(r"^(\d{4})$")


def period_span(period: str) -> tuple[float, float]:
    """The time a period covers, in years: a school year runs from July to June.

    ``"2023-24"`` is a school year, ``"2024"`` a calendar year, and ``"A to B"``
    runs from the start of ``A`` to the end of ``B``.

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
    spans = []
    for part in (first, last or first):
        if m := _SCHOOL_YEAR.match(part.strip()):
            spans.append((int(m.group(1)) + 0.5, int(m.group(1)) + 1.5))
        elif m := _CALENDAR_YEAR.match(part.strip()):
            spans.append((float(m.group(1)), float(m.group(1)) + 1))
        else:
            raise ValueError(f"not a period: {period!r} (use 2023-24, 2024 or '2022-23 to 2023-24')")
    return spans[0][0], spans[1][1]


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
            first = period_span(p.partition(" to ")[0])
            may = first[1] > start  # the first year holds the report year's start: before or inside it
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
            f"period-{_slug(ids[0])}", "period",
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


# --------------------------------------------------------------------------
# Short repeats
# --------------------------------------------------------------------------
def _short_eligible(figures: pd.DataFrame, params: dict) -> pd.DataFrame:
    """Figures with two significant digits that are not round: one per metric and section."""
    round_multiple = int(params.get("round_multiple", A.ROUND_MULTIPLE))
    units = {u for group in params.get("unit_groups", []) for u in group}
    f = figures[figures["unit"].isin(units)].drop_duplicates(subset=["metric", "section"])
    digits = [significant_digits(v, w) for v, w in zip(f["value"], f["as_written"])]
    keep = [d == 2 and float(v).is_integer() and v % round_multiple != 0
            for d, v in zip(digits, f["value"])]
    return f[pd.Series(keep, index=f.index, dtype=bool)]


def _unit_group(params: dict, unit: str) -> int | None:
    return next((k for k, group in enumerate(params.get("unit_groups", [])) if unit in group), None)


def short_repeat_chance(figures: pd.DataFrame, text: str, params: dict) -> float:
    """Pairs of eligible two-digit figures in one section that chance alone would make equal.

    Two-digit values that are not multiples of the round step take
    81 values (90 two-digit numbers less the 9 round ones); a pair in one
    section and one unit group matches with odds 1 in 81.
    """
    f = _short_eligible(figures, params)
    space = 90 - 90 // int(params.get("round_multiple", A.ROUND_MULTIPLE))
    n = pd.Series([(s_, _unit_group(params, u)) for s_, u in zip(f["section"], f["unit"])],
                  dtype=object).value_counts()
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
        group = group[group["unit"].map(lambda u: _unit_group(params, u)).notna()]
        if group["metric"].nunique() < 2 or group["topic"].nunique() < 2 or \
                len({_unit_group(params, u) for u in group["unit"]}) != 1:
            continue
        ids = list(group.index)
        where = SECTION_WORDS.get(section, section)
        said = "; ".join(f"{fmt_number(value, figures.at[i, 'unit'])} ({name(figures, i)})" for i in ids)
        out.append(Raised(
            f"short-repeat-{_slug(fmt_number(value))}-{_slug(section)}", "short_repeat",
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


# --------------------------------------------------------------------------
# Near duplicates
# --------------------------------------------------------------------------
def _near_eligible(figures: pd.DataFrame, params: dict) -> pd.DataFrame:
    f = figures.drop_duplicates(subset=["metric"])
    digits = [significant_digits(v, w) for v, w in zip(f["value"], f["as_written"])]
    keep = [d >= int(params.get("min_significant_digits", 3)) and float(v).is_integer()
            for d, v in zip(digits, f["value"])]
    return f[pd.Series(keep, index=f.index, dtype=bool)]


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

    Values spread evenly on a log scale within a power of ten: a pair of one
    unit and one number of digits lands within a relative ``tolerance`` with
    odds ``2 * ln(1 + tolerance) / ln(10)``; a swap of adjacent digits adds
    about ``(digits - 1) / 9 ** digits``, negligible beside it.
    """
    tol = float(params.get("max_relative_difference", 0.015))
    f = _near_eligible(figures, params)
    mag = f["value"].map(lambda v: len(str(int(abs(v)))))
    n = f.groupby([f["unit"], mag]).size()
    return float(sum(k * (k - 1) / 2 for k in n) * 2 * math.log1p(tol) / math.log(10))


def _near_values(values: list[float], tol: float) -> list[tuple[float, float]]:
    """Pairs of distinct positive whole values within ``tol`` of the larger, or with two adjacent digits swapped.

    Sorted neighbours only: a value is compared with the larger values up to
    ``1 / (1 - tol)`` times it, and with the values of the same digits.

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
    f = _near_eligible(figures, params)
    expected = near_duplicate_chance(figures, text, params)
    metric_ids = {m: set(ids) for m, ids in figures.groupby("metric").groups.items()}
    order = {fid: k for k, fid in enumerate(f.index)}
    found: list[tuple[list[tuple[str, str]], str]] = []
    for unit, rows in f.groupby("unit", sort=False):
        at: dict[float, list[str]] = {}
        for fid, v in rows["value"].items():
            at.setdefault(float(v), []).append(fid)
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
        if len(ids) == 2:
            said = (f"{hedged(figures, a)} {name(figures, a)} in {place(figures, a)} and "
                    f"{hedged(figures, b)} {name(figures, b)} in {place(figures, b)}")
        else:
            said = f"{len(ids)} figures of two values, " + "; ".join(
                f"{hedged(figures, i)} {name(figures, i)} in {place(figures, i)}" for i in ids)
        out.append(Raised(
            f"near-{_slug(fmt_number(va, unit))}-{_slug(fmt_number(vb, unit))}", "near_duplicate",
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


# --------------------------------------------------------------------------
# A population against another section's total
# --------------------------------------------------------------------------
def population(figures: pd.DataFrame, text: str, params: dict) -> list[Raised]:
    """A count of a population in one section beside a total for the same population in another.

    A total is a figure other figures are declared parts of (``part_of``).
    A count of the same population (every population of the count is one of
    the total's), printed in another section, that is neither a declared part
    of it nor in a declared relation with it, raises the question a reader
    asks: is it within that total, and if not, why two totals?
    """
    declared = [set(ids) for ids in params.get("_declared", [])]
    if "population" not in figures.columns:
        return []  # no population recorded: nothing to compare
    figures = figures.assign(population=figures["population"].fillna(""))
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
        pops_words = " or ".join(POPULATION_WORDS.get(p, p) for p in sorted(t_pops))
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
                f"population-{_slug(o.metric)}-{_slug(t.metric)}", "population",
                f"{figures.at[oid, 'label']} against another section's total of {pops_words}", [oid, tid], "count",
                Finding(SECOND_LOOK, vt, vo,
                        f"The report counts {hedged(figures, oid)} {name(figures, oid)} in {place(figures, oid)}, "
                        f"and {hedged(figures, tid)} {name(figures, tid)} in {place(figures, tid)}, a total of "
                        f"which it gives {n_parts} part{'s' if n_parts != 1 else ''}. Both count {pops_words}, "
                        f"{fmt_number(ratio, digits=1)} times apart; the report does not say whether the first "
                        f"is within the total or a different group, so neither figure checks the other.",
                        {"ratio": ratio, "population": sorted(t_pops)}),
                "who each figure counts, and whether one group is within the other", 0.3, nature="population"))
    return out


# --------------------------------------------------------------------------
# Mixed or unstated periods within a section
# --------------------------------------------------------------------------
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
            by_period: dict[str, list[str]] = {}
            for i in vague:
                by_period.setdefault(str(figures.at[i, "period"]), []).append(i)
            parts.append(f"{len(vague)} figure{'s' if len(vague) > 1 else ''} "
                         f"{'carry' if len(vague) > 1 else 'carries'} a period the report does not state, which "
                         f"the data supplies as an assumption: "
                         + "; ".join(f"if {p}, " + ", ".join(name(figures, i) for i in ids_)
                                     for p, ids_ in by_period.items()))
        out.append(Raised(
            f"mixed-period-{_slug(section)}", "mixed_period",
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


def copy_error_chance(figures: pd.DataFrame, text: str, params: dict) -> float:
    """Pairs of precise figures chance alone would make equal (the copy-error detector's estimate)."""
    min_digits = int(params.get("min_significant_digits", 3))
    f = figures.drop_duplicates(subset=["metric"])
    f = f[pd.Series([significant_digits(v, w) >= min_digits and float(v).is_integer()
                     for v, w in zip(f["value"], f["as_written"])], index=f.index, dtype=bool)]
    mag = f["value"].map(lambda v: len(str(int(abs(v)))))
    n = f.groupby([f["unit"], mag]).size()
    return float(sum(k * (k - 1) / 2 / (9 * 10 ** (m - 1)) for (_, m), k in n.items()))


#: Detectors whose matches chance alone can make, with the number of matches it would make on a table.
CHANCE: dict[str, Callable[[pd.DataFrame, str, dict], float]] = {
    "copy_error": copy_error_chance,
    "short_repeat": short_repeat_chance,
    "near_duplicate": near_duplicate_chance,
}


#: Every detector, in the order the audit runs and lists them.
DETECTORS: dict[str, Callable[[pd.DataFrame, str, dict], list[Raised]]] = {
    "granularity": granularity,
    "copy_error": copy_error,
    "part_whole": part_whole,
    "hedges": hedges,
    "restatement": restatement,
    "per_unit": per_unit,
    "growth": growth,
    "period": period,
    "short_repeat": short_repeat,
    "near_duplicate": near_duplicate,
    "population": population,
    "mixed_period": mixed_period,
    "uncovered": uncovered,
    "claims": claims,
    "budget": budget,
}
