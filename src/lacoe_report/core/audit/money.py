"""Money stated outside the financial overview, set against the budget it gives.

Other sections state sums secured in the year (grants, funding): are they in the budget, and of
the same year? The budget's metric and the words that mark money not the organization's own are
data (``detectors.budget`` in ``data/audit_relations.yml``).
"""
from __future__ import annotations

import pandas as pd

from ..source_text import locate, sentence_spans
from ..vocabulary import SECTION_WORDS
from .verdict import SECOND_LOOK, Finding
from .base import Raised, slug
from .kinds import hedged, name, place
from .wording import is_assumed, period_phrase


def _sentence_of(figures: pd.DataFrame, fid: str, text: str, spans: list[tuple[int, int]]) -> str:
    quote = str(figures.at[fid, "quote"])
    at = (locate(quote, text) or [-1])[0]
    return next((text[a:b] for a, b in spans if a <= at < b), quote)


def check_settings(params: dict) -> list[str]:
    """Problems with the budget detector's settings, one line each.

    Examples
    --------
    >>> check_settings({"budget_metric": "lacoe_budget_total", "not_own": "statewide"})
    ["not_own: a list of phrases, not 'statewide'"]
    """
    problems = []
    if not isinstance(params.get("budget_metric"), str):
        problems.append("budget_metric: the metric of the budget, a word")
    not_own = params.get("not_own", [])
    if not isinstance(not_own, list) or not all(isinstance(w, str) and w for w in not_own):
        problems.append(f"not_own: a list of phrases, not {not_own!r}")
    return problems


def budget(figures: pd.DataFrame, text: str, params: dict) -> list[Raised]:
    """Sums of money stated outside the budget's section: in the budget, and of which year?

    Quiet for a sum whose sentence or data note carries a ``not_own`` phrase (a
    statewide investment is not the organization's money), and for the budget's
    own lines (figures declared parts of it in its section).
    """
    metric = params.get("budget_metric")
    budgets = figures[figures["metric"] == metric] if metric else figures.iloc[0:0]
    if budgets.empty:
        return []
    bid = budgets.index[0]
    section = str(figures.at[bid, "section"])
    not_own = [str(w).lower() for w in params.get("not_own", [])]
    spans = sentence_spans(text)
    money = figures[(figures["unit"] == "usd") & (figures["section"] != section)].drop_duplicates(subset=["metric"])
    ids = [fid for fid in money.index
           if not any(w in (_sentence_of(figures, fid, text, spans) + " " + str(figures.at[fid, "note"])).lower()
                      for w in not_own)]
    if not ids:
        return []
    where = SECTION_WORDS.get(section, section)
    listing = "; ".join(f"{hedged(figures, i)} ({name(figures, i)}, {place(figures, i)}, {period_phrase(figures, i)})"
                        for i in ids)
    many = len(ids) > 1
    # The sums' periods beside a budget year the data assumes: said so in the same sentence.
    yearless = ", while the budget's year is the data's reading" if is_assumed(figures, bid, "period") else ""
    explanation = (
        f"{where[:1].upper() + where[1:]} states a {name(figures, bid)} of {hedged(figures, bid)}, "
        f"{period_phrase(figures, bid)}. Other sections state {len(ids)} sum{'s' if many else ''} of money secured "
        f"or received{yearless}: {listing}. The report does not say whether {'they are' if many else 'it is'} part of "
        f"that budget, or whether the budget is for the same year, so {'they' if many else 'it'} can be "
        f"neither added to it nor compared with it.")
    return [Raised(
        f"money-against-{slug(bid)}", "budget", f"Money stated outside {where}, against the {name(figures, bid)}",
        [bid, *ids], "usd",
        Finding(SECOND_LOOK, float(sum(figures.at[i, "value"] for i in ids)), float(figures.at[bid, "value"]),
                explanation, {"budget": bid, "sums": {i: float(figures.at[i, "value"]) for i in ids},
                              "budget_period_assumed": is_assumed(figures, bid, "period")}),
        "the budget's year, and whether grant and other revenue secured in the year is in it",
        0.25 + 0.02 * min(len(ids), 5), nature="period")]
