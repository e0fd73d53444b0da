"""Check kinds: what a declared relation can check, given the figures it names.

A relation of ``data/audit_relations.yml`` names a :class:`Kind` and fills its
input roles with figure ids. The check functions read values, hedges and printed
precision from the figures table and hand plain numbers to :mod:`.assess`.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from ..formats import number as fmt_number
from ..metrics import step_of
from ..source_text import normalize
from ..vocabulary import LOWER_BOUNDS, SECTION_WORDS
from . import assess as A
from .assess import WHOLE_PERCENT
from .verdict import CONSISTENT, NOT_CHECKABLE, SECOND_LOOK, Finding, bounds
from .wording import is_assumed


def value(figures: pd.DataFrame, figure_id: str) -> float:
    return float(figures.at[figure_id, "value"])


def step(figures: pd.DataFrame, figure_id: str) -> float:
    """The precision a figure is printed with (1 for spelled-out numbers)."""
    return step_of(str(figures.at[figure_id, "as_written"]))


def unit(figures: pd.DataFrame, figure_id: str) -> str:
    return str(figures.at[figure_id, "unit"])


def qualifier(figures: pd.DataFrame, figure_id: str) -> str:
    return str(figures.at[figure_id, "qualifier"])


def lower_first(text: str) -> str:
    """Lower-case a label's first letter unless it starts a name ("Head Start", "LACOE").

    Examples
    --------
    >>> lower_first("Students served"), lower_first("LACOE budget"), lower_first("Head Start parents")
    ('students served', 'LACOE budget', 'Head Start parents')
    """
    words = text.split()
    if not words or words[0][:2].isupper() or (len(words) > 1 and words[1][:1].isupper()):
        return text
    return text[:1].lower() + text[1:]


def name(figures: pd.DataFrame, figure_id: str) -> str:
    """A figure's label as it reads inside a sentence."""
    return lower_first(str(figures.at[figure_id, "label"]))


def place(figures: pd.DataFrame, figure_id: str) -> str:
    """Where a figure is printed: 'the callout of the financial overview'."""
    r = figures.loc[figure_id]
    return f"the {r['presentation']} of {SECTION_WORDS.get(r['section'], r['section'])}"


def hedged(figures: pd.DataFrame, figure_id: str) -> str:
    """A figure with its hedge, as a reader sees it: 'over 9,018' (a hedge the data assumes says so)."""
    text = A._hedged(value(figures, figure_id), qualifier(figures, figure_id), unit(figures, figure_id))
    return f"{text} (the hedge as the data reads it)" if is_assumed(figures, figure_id, "qualifier") else text


def cited(figures: pd.DataFrame, figure_id: str) -> str:
    """A figure as a sentence cites it: 'nearly 2 million students served in the prose of LACOE at a Glance'."""
    return f"{hedged(figures, figure_id)} {name(figures, figure_id)} in {place(figures, figure_id)}"


@dataclass(frozen=True)
class Kind:
    """A check kind: its input roles, parameters and check function.

    Attributes
    ----------
    name : str
        As written in the relations file.
    roles : dict
        Input role -> ``"one"`` (a figure id) or ``"many"`` (a list of ids); ``optional`` ones may be left out.
    params : dict
        Parameter -> its type (``list``, ``float``, ``bool``, ``str``).
    check : callable
        ``check(inputs, params, figures, text) -> Finding``.
    settle, unit : str
        What, in general, would settle a doubt this kind raises; the unit of computed and stated,
        or a role: the unit of that role's figure.
    """

    name: str
    roles: Mapping[str, str]
    check: Callable[..., Finding]
    settle: str
    unit: str
    optional: tuple[str, ...] = ()
    params: Mapping[str, type] = field(default_factory=dict)


def _sum(inputs, params, figures, text) -> Finding:
    parts, total = inputs["parts"], inputs["total"]
    return A.assess_sum([value(figures, i) for i in parts], value(figures, total),
                        part_steps=[step(figures, i) for i in parts], total_step=step(figures, total),
                        unit=unit(figures, total))


def _shares_sum(inputs, params, figures, text) -> Finding:
    parts = inputs["parts"]
    return A.assess_sum([value(figures, i) for i in parts], WHOLE_PERCENT,
                        part_steps=[step(figures, i) for i in parts], unit="percent")


def _share(inputs, params, figures, text) -> Finding:
    part, whole, stated = inputs["part"], inputs["whole"], inputs["stated"]
    return A.assess_share(value(figures, part), value(figures, whole), value(figures, stated),
                          stated_step=step(figures, stated), part_step=step(figures, part),
                          whole_step=step(figures, whole), unit=unit(figures, part),
                          what=params.get("what", "share"))


def _growth(inputs, params, figures, text) -> Finding:
    stated = inputs.get("stated")
    return A.assess_growth(value(figures, inputs["before"]), value(figures, inputs["after"]),
                           None if stated is None else value(figures, stated),
                           stated_step=step(figures, stated) if stated else 0.1,
                           direction=params.get("direction", "up"))


def _same_quantity(inputs, params, figures, text) -> Finding:
    """Two figures of different metrics that may state one quantity: different values are worth a second
    look, reconcilable or not, since the report does not say they are one quantity."""
    a, b = inputs["a"], inputs["b"]
    va, vb = value(figures, a), value(figures, b)
    u = unit(figures, a)
    if A._same(va, vb):
        return Finding(CONSISTENT, vb, va, f"Both are {fmt_number(va, u)}.", {"difference": 0.0})
    ra = bounds(va, qualifier(figures, a), step(figures, a))
    rb = bounds(vb, qualifier(figures, b), step(figures, b))
    fit = ra.overlaps(rb)
    diff = abs(va - vb)
    said = f"{cited(figures, a)} and {cited(figures, b)}"
    if fit:
        tail = ("If they count the same things, both can be true, and the hedged figure hides an exact "
                "count printed elsewhere; if they count different things, the report does not say how "
                "they relate, and neither checks the other.")
    else:
        tail = ("No reading of the hedges makes them equal: if they count the same things, at most one "
                "is right; the report does not say whether they do.")
    return Finding(SECOND_LOOK, vb, va, f"The report states {said}: {fmt_number(diff, u)} apart. {tail}",
                   {"difference": diff, "reconcilable": fit, "a": va, "b": vb})


def _listed_count(inputs, params, figures, text) -> Finding:
    items = list(params["items"])
    lowered = text.lower()
    missing = [i for i in items if normalize(i).lower() not in lowered]
    if missing:
        raise ValueError(f"listed items not found in the report text: {missing}")
    return A.assess_listed_count(value(figures, inputs["count"]), items)


def _at_most(inputs, params, figures, text) -> Finding:
    part = inputs["part"]
    wholes = inputs["whole"]
    whole = math.fsum(value(figures, i) for i in wholes)
    quals = {qualifier(figures, i) for i in wholes}
    whole_q = (quals.pop() if len(quals) == 1
               else LOWER_BOUNDS[0] if quals <= set(LOWER_BOUNDS) | {"exact"} else "exact")
    whole_name = " plus ".join(name(figures, i) for i in wholes)
    return A.assess_at_most(value(figures, part), whole, part_qualifier=qualifier(figures, part),
                            whole_qualifier=whole_q, unit=unit(figures, part),
                            whole_unit=unit(figures, wholes[0]), part_name=name(figures, part),
                            whole_name=whole_name, ratio=bool(params.get("ratio", True)))


def _rating_scale(inputs, params, figures, text) -> Finding:
    rating = inputs["rating"]
    top = float(figures.at[rating, "scale_max"])
    return A.assess_at_most(value(figures, rating), top, unit="rating", part_name="the rating",
                            whole_name="the top of its scale", ratio=False)


def _per_unit(inputs, params, figures, text) -> Finding:
    """A count per unit (per person, per site), per month if asked, against plausible limits."""
    amounts, units = inputs["amount"], inputs["per"]
    amount = math.fsum(value(figures, i) for i in amounts)
    n_units = math.fsum(value(figures, i) for i in units)
    months = float(params.get("months", 1))
    rate = amount / n_units / months
    lo, hi = params.get("at_least"), params.get("at_most")
    what = " and ".join(f"{hedged(figures, i)} {name(figures, i)}" for i in amounts)
    per = " and ".join(f"{hedged(figures, i)} {name(figures, i)}" for i in units)
    period = "" if months == 1 else f" over {fmt_number(months)} months"
    head = (f"{what[:1].upper() + what[1:]}{period} for {per} is {fmt_number(rate, digits=1)}"
            + (" a month" if months != 1 or params.get("monthly") else "")
            + f" for each of the {name(figures, units[0])}")
    details = {"per_unit": rate, "amount": amount, "units": n_units, "months": months}
    # The limit is the analyst's, not the report's: say so wherever it is shown as "stated".
    limits = [f"{word} {fmt_number(float(v))}" for word, v in (("at least", lo), ("at most", hi))
              if v is not None]
    limit_text = f"{' and '.join(limits)} (limit of the relations file)" if limits else None
    if hi is not None and rate > float(hi):
        return Finding(SECOND_LOOK, rate, float(hi),
                       f"{head}, more than the {fmt_number(float(hi), digits=1)} the relations file allows "
                       f"for one scope: the two figures must cover different people or things, and the report "
                       f"does not say which.",
                       details, limit_text)
    if lo is not None and rate < float(lo):
        return Finding(SECOND_LOOK, rate, float(lo),
                       f"{head}, fewer than {fmt_number(float(lo), digits=1)}: some units have none.", details,
                       limit_text)
    if not limits:
        return Finding(NOT_CHECKABLE, rate, None, f"{head}; no limit is given to compare with.", details)
    return Finding(CONSISTENT, rate, float(hi if hi is not None else lo),
                   f"{head}, within the limits the relations file sets ({' and '.join(limits)}).", details,
                   limit_text)


#: Every check kind, by the name the relations file uses.
KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("sum", {"parts": "many", "total": "one"}, _sum,
         "the exact amounts behind each printed figure", "total"),
    Kind("shares_sum", {"parts": "many"}, _shares_sum,
         "the exact shares behind the printed percentages", "percent"),
    Kind("share", {"part": "one", "whole": "one", "stated": "one"}, _share,
         "the exact amounts behind the printed figures, and how the percentage was computed",
         "percent", params={"what": str}),
    Kind("growth", {"before": "one", "after": "one", "stated": "one"}, _growth,
         "the dates and definitions of the two values", "percent_change",
         optional=("stated",), params={"direction": str}),
    Kind("same_quantity", {"a": "one", "b": "one"}, _same_quantity,
         "a list of what each figure counts, with dates", "a"),
    Kind("listed_count", {"count": "one"}, _listed_count,
         "the list the stated count refers to", "count", params={"items": list}),
    Kind("at_most", {"part": "one", "whole": "many"}, _at_most,
         "the exact counts and what each covers", "part", params={"ratio": bool}),
    Kind("rating_scale", {"rating": "one"}, _rating_scale,
         "the scale and the number of ratings", "rating"),
    Kind("per_unit", {"amount": "many", "per": "many"}, _per_unit,
         "which people or things each figure covers", "per_unit",
         params={"months": float, "at_most": float, "at_least": float, "monthly": bool}),
)}
