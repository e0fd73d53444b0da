"""Growth, or a comparison, claimed without the base it needs (the detector :func:`growth`).

A rate of growth is checkable only against its start or end value, and a claim word beside a figure
("increased": ``detectors.growth`` in ``data/audit_relations.yml``) only against the earlier value.
"""
from __future__ import annotations

import re

import pandas as pd

from ..formats import number as fmt_number
from ..metrics import implied_baseline
from ..source_text import sentence_spans
from .base import Raised, printed_at, slug, statements
from .kinds import hedged, name
from .verdict import SECOND_LOOK, Finding


#: Units whose figures can grow or be compared with a standard.
_LEVEL_UNITS = ("count", "usd", "percent")


def _claims(sentence: str, word_of: dict[str, int], words: dict, window: int) -> list[tuple[str, str, list[str]]]:
    """Claim words of a sentence with the figures (``word_of``: at word number) within ``window`` words.

    One claim per figure: the first word that makes it.
    """
    out, seen = [], set()
    for kind, ws in words.items():
        for w in ws:
            for m in re.finditer(rf"\b{re.escape(w)}\b", sentence.lower()):
                pos = len(sentence[:m.start()].split())
                near = [fid for fid, p in word_of.items() if abs(p - pos) <= window and fid not in seen]
                if near:
                    seen.update(near)
                    out.append((kind, w, near))
    return out


def growth(figures: pd.DataFrame, text: str, params: dict) -> list[Raised]:
    """Growth or comparisons the report claims without the base they need."""
    words: dict = params.get("claim_words", {})
    weights: dict = params.get("claim_weights", {})
    spans = sentence_spans(text)
    at = printed_at(figures, text)
    where: dict[int, list[str]] = {}
    for fid, p in at.items():  # a number never starts in the space between two sentences
        where.setdefault(next(i for i, (a, b) in enumerate(spans) if a <= p < b), []).append(fid)
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
                level = statements(figures, c["part_of"], c["period"])  # none when part_of is empty
                rate = fmt_number(float(c["value"]), "percent_change", 1)
                if len(level):
                    lid = level.index[0]
                    start = implied_baseline(float(level["value"].iloc[0]), float(c["value"]))
                    starts[cid] = start
                    parts.append(f"{rate} ({name(figures, cid)}) to {hedged(figures, lid)}, which implies a start "
                                 f"of about {fmt_number(start)} that the report never prints")
                else:
                    parts.append(f"{rate} ({name(figures, cid)}) with neither the start nor the end value")
            out.append(Raised(
                f"growth-{slug(changes.index[0])}", "growth",
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
            word_of = {fid: len(text[spans[k][0]:at[fid]].split()) for fid in ids
                       if figures.at[fid, "unit"] in _LEVEL_UNITS}
            for kind, word, near in _claims(sentence, word_of, words, window):
                claims.setdefault(kind, []).append((word, near))
    for kind, items in claims.items():
        what = {"comparison": "a comparison", "expansion": "an expansion"}.get(kind, "growth")
        ids = [i for _, near in items for i in near]
        listing = "; ".join(f"'{word}' with " + " and ".join(f"{hedged(figures, i)} {name(figures, i)}"
                                                              for i in near) for word, near in items)
        many = len(items) > 1
        out.append(Raised(
            f"claim-{kind}-{slug(ids[0])}", "growth",
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
