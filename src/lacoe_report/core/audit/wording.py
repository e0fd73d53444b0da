"""Rules of the audit's sentences: say only what the report says.

An explanation that breaks a rule stops the audit instead of reaching a reader:

hedges
    A figure the report only ever prints with a hedge ("over 400") keeps it in every sentence.
points
    A change of a percentage is written in points, never as "moves by 9.1%".
assumptions
    A value the data supplies and the report does not state (column ``assumed``) appears only
    in a sentence that says it is an assumption (the words of ``data/vocabulary.yml``), as the
    built-pages test also requires of the book.

Examples
--------
>>> has_assumption_words("The count starts in 2022-23.")
False
>>> has_assumption_words("If the count starts in 2022-23, it spans two years.")
True
>>> print(point_problems("A rate over 11 people moves by 9.1% with each person.")[0])
a change of a percentage written in percent, not points: 'moves by 9.1%'
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from ..formats import number as fmt_number
from ..source_text import sentences
from ..vocabulary import ASSUMPTION_WORDS, QUALIFIER_WORDS

# A verb of change followed by a number in percent: a change of a percentage needs points.
_POINT_CHANGE = re.compile(r"\b(?:moves?|changes?|differs?|falls?|rises?|drops?|shifts?)\s+by\s+[\d.,]+%")


def has_assumption_words(sentence: str) -> bool:
    """Whether a sentence says it states an assumption (words of the vocabulary).

    Examples
    --------
    >>> has_assumption_words("If the baseline is 2022-23, ..."), has_assumption_words("Iffy.")
    (True, False)
    >>> has_assumption_words("2023-24 (the data’s reading)")  # as a page prints it, with a curly apostrophe
    True
    """
    low = sentence.lower().replace("\u2019", "'")
    # A word starts the match ("assum" finds "assumes"); a short word must also end it ("if", not "iffy").
    return any(re.search(rf"(?<![a-z]){re.escape(w.lower())}" + ("(?![a-z])" if len(w) <= 3 else ""), low)
               for w in ASSUMPTION_WORDS)


def _occurs(needle: str, sentence: str) -> bool:
    # A number inside a longer one ("400" in "1,400") or a year inside a range does not count.
    return re.search(rf"(?<![\w,.$-]){re.escape(needle)}(?![\w,]|\.\d|-\d)", sentence, re.IGNORECASE) is not None


def point_problems(text: str) -> list[str]:
    """Changes of a percentage written in percent."""
    return [f"a change of a percentage written in percent, not points: {m.group(0)!r}"
            for m in _POINT_CHANGE.finditer(text)]


@dataclass(frozen=True)
class Assumption:
    """One value the data supplies and the report does not state.

    Attributes
    ----------
    figure, field, value, why : str
        The figure id, the column (``period`` ...), the value, and why it is the data's reading.
    """

    figure: str
    field: str
    value: str
    why: str

    @property
    def sentence(self) -> str:
        """The assumption as a conditional clause a chapter can print.

        Examples
        --------
        >>> print(Assumption("x", "period", "2022-23", "No year is given.").sentence)
        if its period is 2022-23 (the data's reading; the report does not say: No year is given.)
        """
        what = {"period": "its period is", "qualifier": "the hedge is", "part_of": "it is part of",
                "per": "it is spread over", "unit": "its unit is"}.get(self.field, f"its {self.field} is")
        return f"if {what} {self.value} (the data's reading; the report does not say: {self.why})"


def assumptions_of(figures: pd.DataFrame, figure_id: str) -> list[Assumption]:
    """The assumed values of one figure (none when its ``assumed`` cell is empty)."""
    fields = figures.at[figure_id, "assumed"].split()
    why = figures.at[figure_id, "assumed_why"]
    out = []
    for f in fields:
        value = str(figures.at[figure_id, f])
        if f == "qualifier":
            value = QUALIFIER_WORDS.get(value, value) or "none"
        out.append(Assumption(figure_id, f, value, why))
    return out


def is_assumed(figures: pd.DataFrame, figure_id: str, field: str) -> bool:
    """Whether the data marks ``field`` of a figure as its own reading."""
    return field in figures.at[figure_id, "assumed"].split()


def period_phrase(figures: pd.DataFrame, figure_id: str) -> str:
    """A figure's period as an explanation says it: stated, undated, or the data's reading as a condition.

    >>> from lacoe_report.core import data
    >>> [period_phrase(data.figures(), i) for i in ("ach_grant_funding", "p1_literacy_grant", "fin_budget_total")]
    ['for 2023-24', 'undated', 'if its period is 2023-24 as the data reads it']
    """
    period = str(figures.at[figure_id, "period"])
    if is_assumed(figures, figure_id, "period"):
        return f"if its period is {period} as the data reads it"
    if figures.at[figure_id, "period_basis"] == "report_year":
        return "undated"  # its period is only the report's year, by default: never said as a date
    return f"for {period}"


def _texts(a: Assumption, figures: pd.DataFrame) -> list[str]:
    """How an assumed value can show in a sentence."""
    if a.field == "period":
        first, _, last = a.value.partition(" to ")
        return [a.value] + ([first] if last else [])
    if a.field == "qualifier":
        return [f"{a.value} {fmt_number(float(figures.at[a.figure, 'value']), str(figures.at[a.figure, 'unit']))}"]
    return []  # part_of, per, unit: names, not printed values; the sentence builders phrase them


def problems(text: str, figures: pd.DataFrame, ids: list[str]) -> list[str]:
    """Every rule an explanation ``text`` about figures ``ids`` of ``figures`` breaks (empty when none)."""
    out = point_problems(text)
    said = sentences(text)
    by_text: dict[str, set[str]] = {}
    for fid in dict.fromkeys(ids):
        number = fmt_number(float(figures.at[fid, "value"]), str(figures.at[fid, "unit"]))
        by_text.setdefault(number, set()).add(str(figures.at[fid, "qualifier"]))
    for number, quals in by_text.items():
        if "exact" in quals or sum(ch.isdigit() for ch in number) < 2:
            continue  # printed bare somewhere, or too short to tell from other numbers
        hedged = [f"{QUALIFIER_WORDS[q]} {number}" for q in quals]
        for s in said:
            if _occurs(number, s) and not any(h.lower() in s.lower() for h in hedged):
                out.append(f"{number!r} restated without its hedge ({' or '.join(hedged)}): {s!r}")
    for fid in dict.fromkeys(ids):
        for a in assumptions_of(figures, fid):
            for shown in _texts(a, figures):
                for s in said:
                    if _occurs(shown, s) and not has_assumption_words(s):
                        out.append(f"assumed {a.field} of {fid} ({shown}) stated as fact: {s!r}")
    return out
