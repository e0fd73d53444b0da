"""Load the report's figures once, validated, and hand out tidy views of them.

Chapters call these accessors instead of reading files, so every chapter sees
the same validated data and a bad file stops the book with one plain message
(:class:`~lacoe_report.core.validation.DataError`).
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from . import validation
from .formats import Hedged
from .metrics import share
from .sourced import tag
from .vocabulary import QUALIFIER_WORDS
from . import paths
from .paths import EXCLUDED_CSV, FIGURES_CSV, LEDGER_CSV

# Chapters show quotes, labels and explanations in tables: never cut them at
# pandas' default fifty characters. Every chapter loads this module.
pd.set_option("display.max_colwidth", None)
# pandas picks max_columns at import from whether it runs in a kernel (20) or a terminal (0): a
# table prints the same however the process that shows it was started.
pd.set_option("display.max_columns", 20)


# path -> (stamp of the file when read, the validated frame)
_CACHE: dict[Path, tuple[tuple[int, int, int], pd.DataFrame]] = {}


def _cached(path: Path, load: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """Load ``path`` once, and again whenever the file changed since (an analyst's edit, in a kernel)."""
    stamp = paths.stamp(path)
    hit = _CACHE.get(path)
    if hit is None or hit[0] != stamp:
        hit = _CACHE[path] = (stamp, load())
    return hit[1]


def _figures() -> pd.DataFrame:
    def load() -> pd.DataFrame:
        frame = validation.validate(FIGURES_CSV, validation.FIGURES_SCHEMA, validation.FIGURE_ROW_RULES)
        return frame.set_index("id", drop=False)
    return _cached(FIGURES_CSV, load)


def figures(**where: str) -> pd.DataFrame:
    """Return the validated figures, optionally filtered by column values.

    Parameters
    ----------
    **where
        Column equals value, e.g. ``section="schools"`` or ``topic="budget"``.

    Returns
    -------
    pandas.DataFrame
        A copy indexed by ``id``, in the report's order.

    Raises
    ------
    KeyError
        When a filter names no column of the data.
    """
    frame = _figures()
    for column, wanted in where.items():
        if column not in frame.columns:
            raise KeyError(f"the figures have no column {column!r}")
        frame = frame[frame[column] == wanted]
    return frame.copy()


def figure(figure_id: str) -> pd.Series:
    """Return one figure's row by its ``id``."""
    frame = _figures()
    if figure_id not in frame.index:
        raise KeyError(f"no figure with id {figure_id!r} in {FIGURES_CSV.name}")
    return frame.loc[figure_id].copy()


def value(figure_id: str) -> int | float:
    """Return one figure's value as a plain Python number (int when whole), its hedge kept.

    A hedged figure is a :class:`~lacoe_report.core.formats.Hedged` float ("over 400"); the value
    carries its figure id and unit (:mod:`lacoe_report.core.sourced`) for the charts' data.

    >>> value("fin_budget_total"), value("p2_conference_educators")
    (627000000, over 400.0)
    """
    row = figure(figure_id)
    number, words = float(row["value"]), QUALIFIER_WORDS.get(row["qualifier"])
    plain = int(number) if number.is_integer() else number
    return tag(Hedged(number, words) if words else plain, {"figure": figure_id, "unit": row["unit"]})


def metric(name: str) -> pd.DataFrame:
    """Return every statement of one metric (a callout and its prose twin ...)."""
    frame = figures(metric=name)
    if frame.empty:
        raise KeyError(f"no figure states the metric {name!r}")
    return frame


def excluded() -> pd.DataFrame:
    """Return the numeric tokens of the report that are not figures, with the reason."""
    return _cached(EXCLUDED_CSV, lambda: validation.validate(EXCLUDED_CSV, validation.EXCLUDED_SCHEMA)).copy()


def ledger(path: Path = LEDGER_CSV) -> pd.DataFrame:
    """Every number the book publishes (``ledger/ledger.csv``), every column as text.

    Rows are in book order, then in the order each chapter publishes them.
    """
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def statements(frame: pd.DataFrame) -> pd.DataFrame:
    """Keep one row per metric: the prose statement, which carries the report's hedge, else the callout."""
    prose_first = frame.assign(_callout=frame["presentation"].eq("callout")).sort_values("_callout", kind="stable")
    keep = set(prose_first.drop_duplicates("metric").index)
    return frame[frame.index.isin(keep)]


def budget_breakdown() -> pd.DataFrame:
    """The four budget lines: amount, stated share and the share the amounts imply.

    Returns
    -------
    pandas.DataFrame
        Indexed by budget line label, columns ``amount_usd`` and
        ``stated_share_pct`` (as :func:`value` gives them: columns of objects),
        ``computed_share_pct``, ``amount_id``, ``share_id``; the largest line first.
    """
    budget = figures(topic="budget")
    total = budget[budget["metric"] == "lacoe_budget_total"]
    amounts = budget[budget["metric"].str.endswith("_budget")]
    rows = []
    for amount_id, amount in amounts.iterrows():
        stem = amount["metric"].removesuffix("_budget")
        stated = budget[budget["metric"] == f"{stem}_share"].iloc[0]
        rows.append({
            "line": amount["label"].removesuffix(" budget"),
            "amount_usd": float(amount["value"]),
            "stated_share_pct": float(stated["value"]),
            "computed_share_pct": share(amount["value"], total["value"].iloc[0]),
            "amount_id": amount_id,
            "share_id": stated["id"],
        })
    frame = pd.DataFrame(rows).set_index("line").sort_values("amount_usd", ascending=False)
    # Each figure as data.value gives it, so a chart of the column publishes its figure ids;
    # the computed share is the chapter's arithmetic, with no source (a chart declares it to draw it).
    for column, ids in (("amount_usd", "amount_id"), ("stated_share_pct", "share_id")):
        frame[column] = pd.Series([value(i) for i in frame[ids]], index=frame.index, dtype=object)
    return frame


#: The programmes whose enrollments the report adds up to its schools' total.
SCHOOL_PROGRAMMES = {
    "schools_ipoly_students": "International Polytechnic High School (IPoly)",
    "schools_lachsa_students": "L.A. County High School for the Arts (LACHSA)",
    "schools_community_schools_students": "County Community Schools",
    "schools_court_schools_students": "Court Schools",
}


def school_enrollments() -> pd.DataFrame:
    """Students at each LACOE school programme with the programme's share of the stated total.

    Returns
    -------
    pandas.DataFrame
        Indexed by programme label: ``students`` (as :func:`value` gives them: a
        column of objects), ``share_pct`` (of the stated total), ``id``; the largest first.
    """
    total = value("schools_students_total")
    parts = figures(topic="enrollment").loc[list(SCHOOL_PROGRAMMES)]
    frame = pd.DataFrame({
        "students": parts["value"].to_numpy(dtype=float),
        "share_pct": [share(v, total) for v in parts["value"]],
        "id": parts.index.to_numpy(),
    }, index=[SCHOOL_PROGRAMMES[i] for i in parts.index])
    frame.index.name = "programme"
    frame = frame.sort_values("students", ascending=False)
    # Each count as data.value gives it, so a chart of the column publishes its figure ids.
    frame["students"] = pd.Series([value(i) for i in frame["id"]], index=frame.index, dtype=object)
    return frame


def social_media() -> pd.DataFrame:
    """Each platform's headline reach figure and, where stated, its growth.

    Returns
    -------
    pandas.DataFrame
        Indexed by platform: ``measure`` (reach, impressions, views),
        ``value`` (hedged where the report hedges it: a column of objects),
        ``growth_pct`` (NaN where the report gives none),
        ``value_id``, ``growth_id``.
    """
    rows = []
    for platform, metric_name, measure in (
        ("Facebook", "facebook_reach", "reach"),
        ("Instagram", "instagram_reach", "reach"),
        ("LinkedIn", "linkedin_impressions", "impressions"),
        ("YouTube", "youtube_views", "views"),
    ):
        stated = statements(metric(metric_name)).iloc[0]
        growth = figures(metric=f"{metric_name}_growth")
        rows.append({
            "platform": platform, "measure": measure, "value": value(stated["id"]),
            "growth_pct": float(growth["value"].iloc[0]) if len(growth) else float("nan"),
            "value_id": stated["id"], "growth_id": growth.index[0] if len(growth) else "",
        })
    frame = pd.DataFrame(rows).set_index("platform")
    frame["value"] = pd.Series([r["value"] for r in rows], index=frame.index, dtype=object)  # keep each hedge
    return frame


def by_topic(topic: str) -> pd.DataFrame:
    """One statement per metric of a topic (``trainings``, ``grants`` ...), in report order."""
    frame = figures(topic=topic)
    if frame.empty:
        raise KeyError(f"no figure has the topic {topic!r}")
    return statements(frame)


def trainings() -> pd.DataFrame:
    """Training and professional-learning figures, one statement per metric."""
    return by_topic("trainings")


def grants() -> pd.DataFrame:
    """Grant figures, one statement per metric."""
    return by_topic("grants")
