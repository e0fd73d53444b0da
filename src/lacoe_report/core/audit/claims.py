"""Claims of rank, primacy or comparison, found in the report's text.

"The nation's largest", "ranked 7th out of 105": compared with what, and who says so? The phrases
are data (``detectors.claims`` in ``data/audit_relations.yml``, checked by :func:`check_settings`):
each of ``patterns`` (regular expressions matched in lower case, ``{n}`` a number in digits or words)
is a claim of its kind, unless an overlapping ``own`` phrase ("our top 10 achievements") makes it rank
the report's own items; it is quiet when its sentence names a ``source``, or states its ``field``
("one of eight centers") and its kind is one of ``field_settles``; otherwise one question per sentence.

Examples
--------
>>> params = {"patterns": {"primacy": ["the largest"]}, "own": [], "source": ["according to"], "field": []}
>>> [(c.kind, c.phrase, c.status) for c in find("It is the largest in the state.", params)]
[('primacy', 'the largest', 'raised')]
>>> [c.status for c in find("It is the largest, according to X.", params)]
['sourced']
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import pandas as pd

from ..source_text import sentence_spans
from ..vocabulary import SECTION_WORDS
from .verdict import SECOND_LOOK, Finding
from .base import Raised, printed_at, slug
from .kinds import hedged, name

#: A number in digits or words, as ``{n}`` in a pattern: "7th", "105", "eight", "tenth".
NUMBER = (r"(?:\d[\d,]*(?:st|nd|rd|th)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
          r"first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)")
#: The settings that are plain lists of phrases.
_PHRASE_LISTS = ("own", "source", "field")


def _compile(pattern: str) -> re.Pattern:
    return re.compile(r"(?<![\w-])" + pattern.replace("{n}", NUMBER) + r"(?![\w-])")


def check_settings(params: dict) -> list[str]:
    """Problems with the claims detector's settings, one line each (empty when they are sound).

    Examples
    --------
    >>> check_settings({"patterns": {"rank": ["ranked ("]}, "own": [], "source": [], "field": []})
    ["patterns.rank: 'ranked (' is not a regular expression (missing ), unterminated subpattern)"]
    >>> check_settings({"patterns": {}, "own": "our top"})[:2]
    ['patterns: a mapping of kinds to lists of phrases', "own: a list of phrases, not 'our top'"]
    """
    problems = []
    patterns = params.get("patterns")
    lists = {f"patterns.{k}": v for k, v in patterns.items()} if isinstance(patterns, dict) and patterns else {}
    if not lists:
        problems.append("patterns: a mapping of kinds to lists of phrases")
    lists.update({k: params.get(k, []) for k in _PHRASE_LISTS})
    for where, phrases in lists.items():
        if not isinstance(phrases, list) or not all(isinstance(p, str) and p for p in phrases):
            problems.append(f"{where}: a list of phrases, not {phrases!r}")
            continue
        for p in phrases:
            try:
                _compile(p)
            except re.error as err:
                problems.append(f"{where}: {p!r} is not a regular expression ({err.msg})")
    for key in ("weights", "settle"):
        if not isinstance(params.get(key, {}), dict):
            problems.append(f"{key}: a mapping of kinds")
    unknown = set(params.get("field_settles", [])) - set(patterns or {})
    if unknown:
        problems.append(f"field_settles: unknown kinds {sorted(unknown)}")
    return problems


@dataclass(frozen=True)
class Claim:
    """One phrase of rank, primacy or comparison in the text.

    Attributes
    ----------
    kind, phrase : str
        The pattern's kind and the words matched.
    start, sentence : int
        Offset in the text, and index of its sentence.
    status : str
        ``raised``, ``field`` (raised, its field stated); quiet: ``settled``, ``sourced``, ``own``.
    field, source : str
        The words that state the field or name the source, if any.
    """

    kind: str
    phrase: str
    start: int
    sentence: int
    status: str
    field: str = ""
    source: str = ""


def _first(patterns: list[str], text: str) -> re.Match | None:
    return min(filter(None, (_compile(p).search(text) for p in patterns)), key=lambda m: m.start(), default=None)


def find(text: str, params: dict) -> list[Claim]:
    """Every claim of rank, primacy or comparison in ``text``, in order, with its status."""
    lower = text.lower()
    spans = sentence_spans(text)
    own = [m.span() for p in params.get("own", []) for m in _compile(p).finditer(lower)]
    settles = set(params.get("field_settles", []))
    out: list[Claim] = []
    taken: set[tuple[int, int]] = set()
    for kind, patterns in params.get("patterns", {}).items():
        for p in patterns:
            for m in _compile(p).finditer(lower):
                if any(a < m.end() and m.start() < b for a, b in taken):
                    continue  # one claim per phrase, the first kind that matches it
                taken.add(m.span())
                k = next(i for i, (a, b) in enumerate(spans) if a <= m.start() < b or i == len(spans) - 1)
                here = lower[spans[k][0]:spans[k][1]]
                # Its own sentence only: the next may hold a claim of its own, and its source.
                field, source = _first(params.get("field", []), here), _first(params.get("source", []), here)
                if any(a < m.end() and m.start() < b for a, b in own):
                    status = "own"
                elif source:
                    status = "sourced"
                elif field:
                    status = "settled" if kind in settles else "field"
                else:
                    status = "raised"
                out.append(Claim(kind, text[m.start():m.end()], m.start(), k, status,
                                 " ".join(text[field.start() + spans[k][0]:field.end() + spans[k][0]].split()[:8])
                                 if field else "",
                                 source.group(0) if source else ""))
    return sorted(out, key=lambda c: c.start)


def _words(text: str, start: int, end: int) -> int:
    return len(text[min(start, end):max(start, end)].split())


def _clause(text: str, start: int, most: int = 10) -> str:
    """The claim's words up to the end of its clause, at most ``most`` words."""
    clause = re.split(r"[,.;:()]", text[start:], maxsplit=1)[0]
    return " ".join(clause.split()[:most])


_WHAT = {"rank": "a rank", "primacy": "a primacy", "comparison": "a comparison"}


def claims(figures: pd.DataFrame, text: str, params: dict) -> list[Raised]:
    """Claims of rank, primacy or comparison that give neither the comparison nor its source."""
    found = [c for c in find(text, params) if c.status in ("raised", "field")]
    if not found:
        return []
    spans = sentence_spans(text)
    at = printed_at(figures, text)
    ordered = sorted(at.items(), key=lambda x: x[1])
    window = int(params.get("window_words", 12))
    kinds = list(params.get("patterns", {}))
    weights, settle = params.get("weights", {}), params.get("settle", {})
    out: list[Raised] = []
    for k, in_sentence in itertools.groupby(found, key=lambda c: c.sentence):  # found is in text order
        items = list(in_sentence)
        a, b = spans[k]
        kind = min((c.kind for c in items), key=kinds.index)
        first = items[0]
        inside = [fid for fid, p in ordered if a <= p < b]
        near = sorted((fid for fid in inside if _words(text, first.start, at[fid]) <= window),
                      key=lambda fid: abs(at[fid] - first.start))
        # Its section: that of a figure in its sentence, else of the last figure printed before it.
        before = inside or [fid for fid, p in ordered if p <= first.start] or [fid for fid, _ in ordered]
        section = str(figures.at[before[-1], "section"]) if before else ""
        where = SECTION_WORDS.get(section, section or "the report")
        said = "; ".join(f"\u201c{_clause(text, c.start)}\u201d" for c in items)
        field = next((c.field for c in items if c.field), "")
        beside = (" It stands beside " + " and ".join(f"{hedged(figures, i)} {name(figures, i)}" for i in near)
                  + "." if near else "")
        if field:
            missing = (f"It states the field it is measured in (\u201c{field}\u201d) but not who made the "
                       f"comparison, on what measure, or when")
        elif kind == "comparison":
            missing = "It names what it is compared with but gives neither its value nor its source"
        else:
            missing = "It says neither what it is compared with nor where the comparison comes from"
        many = len(items) > 1
        explanation = (f"In {where}, the report claims {_WHAT.get(kind, kind)}: {said}. {missing}, so the "
                       f"claim{'s' if many else ''} cannot be checked from the report.{beside}")
        qid = f"claim-{kind}-{slug(near[0]) if near else slug(_clause(text, first.start, 5))}"
        out.append(Raised(
            qid, "claims", f"{_WHAT.get(kind, kind)[2:].capitalize()} claimed with no comparison or source: "
                           f"{_clause(text, first.start, 6)}",
            near or inside, str(figures.at[near[0], "unit"]) if near else "count",
            Finding(SECOND_LOOK, None, float(len(items)), explanation,
                    {"claims": [[c.kind, c.phrase] for c in items], "claim": kind, "field": field,
                     "section": section}),
            str(settle.get(kind, "the source of the claim and what it is compared with")),
            float(weights.get(kind, 0.3)) - (0.1 if field else 0.0), nature="missing_base"))
    return out
