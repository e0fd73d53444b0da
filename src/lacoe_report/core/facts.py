"""Facts a declaration may state that are not arithmetic over the figures' values.

A *fact* is one call, alone in its declaration (:mod:`lacoe_report.core.declarations`), whose words
come from their source, the data or the audit: ``period(fin_budget_total)``, ``verdict('budget-lines-sum')``.
A bare name argument is a figure id, anything else a quoted literal. The ledger records a text fact as
its call, a numeric one as ``value  # call``.

Examples
--------
>>> FACTS["period"].call("schools_diplomas")  # "in the 2023-24 school year"
'2023-24'
>>> FACTS["period"].call("schools_students_total")  # undated: the report's year by default
"2023-24 (the report's year: undated)"
>>> FACTS["period"].call("fin_budget_total")  # the report names no year: the data reads one
"2023-24 (the data's reading)"
>>> FACTS["verdict"].call("budget-lines-sum")
'consistent'
>>> FACTS["period"].unit, FACTS["questions"].unit, FACTS["detail"].unit
('text', 'count', None)
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .paths import AUDIT_RELATIONS_YML
from .source_text import numeric_tokens, report_text
from .vocabulary import PERIOD_BASIS_LABELS, REPORT_YEAR, SECTION_WORDS

# Each fact imports the data or the audit engine when evaluated: `make chapter` imports this module and
# needs neither (pandas and pandera: 0.37 s); nor does a declaration that does not ask the audit (0.24 s).

#: How a value the data supplies, and the report does not state, is marked where it is printed.
ASSUMED_MARK = "the data's reading"


@dataclass(frozen=True)
class Fact:
    """One kind of fact: how to find its value, its unit, and the figures it rests on.

    Attributes
    ----------
    name : str
        What a declaration calls.
    unit : str or None
        The unit of its value; ``None`` when the declaration must name one.
    call : callable
        Called with the declaration's arguments, returns the value.
    inputs : callable
        Called with the same arguments, returns the figure ids the value rests on.
    figure_args : tuple of int
        Positions of the arguments that must be figure ids.
    """

    name: str
    unit: str | None
    call: Callable[..., object]
    inputs: Callable[..., list[str]] = field(default=lambda *args, **kwargs: [])
    figure_args: tuple[int, ...] = ()


def _data():
    from . import data  # when evaluated: pandas, pandera
    return data


def _engine():
    from . import audit  # when evaluated: the audit engine
    return audit


def _audit():
    return _engine().audit()


def _question_inputs(question: str, *detail: str) -> list[str]:
    return list(_audit().frame().loc[question, "inputs"])


def _questions(*, distinct: str | None = None, **filters) -> int:
    """How many of the audit's questions match (verdict, source, check: a value or a list of them).

    ``distinct='check'`` counts their distinct check kinds instead, ``distinct='inputs'`` their figures.
    """
    frame = _audit().frame()
    for column, wanted in filters.items():
        if column not in ("verdict", "source", "check"):
            raise ValueError(f"questions() filters by verdict, source or check, not {column!r}")
        frame = frame[frame[column].isin(wanted if isinstance(wanted, list) else [wanted])]
    if distinct == "inputs":
        return len({i for ids in frame["inputs"] for i in ids})
    if distinct is not None:
        if distinct not in frame.columns:
            raise ValueError(f"questions(distinct=...) counts a column of the audit, not {distinct!r}")
        return int(frame[distinct].nunique())
    return len(frame)


def _named_figures(question: str) -> str:
    """The figures an audit question compares, by name: 'AI workshop attendees and GAIN job placements'."""
    figures = _data().figures()
    details = _audit().get(question).details
    if "metrics" in details:  # one figure per metric: a callout and its prose restatement are one
        firsts = [figures.index[figures["metric"].eq(m)][0] for m in details["metrics"]]
    else:
        firsts = _question_inputs(question)
    return " and ".join(_engine().kinds.name(figures, i) for i in firsts)


def _detail(question: str, name: str):
    details = _audit().get(question).details
    if name not in details:
        raise ValueError(f"audit question {question!r} has no detail {name!r} (it has {', '.join(details)})")
    return details[name]


def _setting(detector: str, name: str):
    settings = _engine().spec.load(AUDIT_RELATIONS_YML, figure_ids=set(_data().figures().index)).detectors
    if name not in (settings.get(detector) or {}):
        raise ValueError(f"data/audit_relations.yml has no setting detectors.{detector}.{name}")
    return settings[detector][name]


def _section_words(section: str) -> str:
    """How the book names a section of the report (``data/vocabulary.yml``)."""
    if section not in SECTION_WORDS:
        raise ValueError(f"{section!r} is not a section of data/vocabulary.yml ({', '.join(SECTION_WORDS)})")
    return SECTION_WORDS[section]


def _column(name: str) -> Callable:
    """A figure's column as text; a value the data supplies and the report does not state says so."""
    def value(figure_id: str) -> str:
        row = _data().figure(figure_id)
        assumed = name in str(row.get("assumed") or "").split()
        return str(row[name]) + (f" ({ASSUMED_MARK})" if assumed else "")
    return value


def _period(figure_id: str) -> str:
    """A figure's period, and how it is known unless the report states it (the report's year, the data's reading)."""
    row = _data().figure(figure_id)
    basis = str(row["period_basis"])
    return str(row["period"]) + ("" if basis == "stated" else f" ({PERIOD_BASIS_LABELS[basis]})")


def _assumption(figure_id: str, column: str) -> str:
    """The clause that states one assumed value of a figure as the assumption it is ("if its period is ...")."""
    return _engine().assumption(figure_id, column).sentence


def _question_text(attribute: str) -> Callable:
    return lambda question: str(getattr(_audit().question(question), attribute))


def _figure_input(figure_id: str, *column: str) -> list[str]:
    """A fact about one figure reads that figure."""
    return [figure_id]


def _lacoe_questions(**filters) -> int:
    """How many questions for LACOE the book raises (``source='chapter'``, ``'audit'`` ... to count some)."""
    from .questions import counts  # when evaluated: questions imports the audit engine
    found = counts()
    for column, wanted in filters.items():
        if column != "source":
            raise ValueError(f"lacoe_questions() filters by source, not {column!r}")
        found = {s: n for s, n in found.items() if s in (wanted if isinstance(wanted, list) else [wanted])}
    return sum(found.values())


def _raised(rank: int) -> str:
    """The id of the audit finding ranked ``rank`` (1 = first): the questions for LACOE open with them."""
    frame = _audit().frame()
    raised = frame.index[frame["verdict"].isin(_engine().RAISED)]
    rank = int(rank)
    if not 1 <= rank <= len(raised):
        raise ValueError(f"finding({rank}): the audit raises {len(raised)} findings")
    return raised[rank - 1]


def _passage(first: str, last: str) -> str:
    """The report's text from the words ``first`` through the words ``last``, whitespace folded.

    >>> _passage("The district exited review", "in 2021")
    'The district exited review for Community Relations and Governance in 2021'
    """
    text = report_text()
    if first not in text:
        raise ValueError(f"passage(): {first!r} is not in the report text")
    begin = text.index(first)
    end = text.find(last, begin + len(first))
    if end < 0:
        raise ValueError(f"passage(): {last!r} does not follow {first!r} in the report text")
    return " ".join(text[begin:end + len(last)].split())


def _words(first: str, last: str) -> int:
    """The words (split at white space) of the report's text from ``first`` through ``last``.

    >>> _words("The district exited review", "in 2021")
    11
    """
    return len(_passage(first, last).split())


def _numeric_tokens(first: str, last: str) -> int:
    """The numbers printed in the report's text from ``first`` through ``last`` (tokens with a digit).

    >>> _numeric_tokens("The district exited review", "in 2021")
    1
    """
    return len(numeric_tokens(_passage(first, last)))


#: Every fact a declaration may state, by name.
FACTS: dict[str, Fact] = {f.name: f for f in [
    Fact("period", "text", _period, _figure_input, (0,)),
    Fact("report_year", "text", lambda: REPORT_YEAR),
    Fact("period_words", "text", _column("period_words"), _figure_input, (0,)),
    Fact("quote", "text", _column("quote"), _figure_input, (0,)),
    Fact("label", "text", _column("label"), _figure_input, (0,)),
    Fact("as_written", "text", _column("as_written"), _figure_input, (0,)),
    Fact("verdict", "text", lambda question: _audit().get(question).verdict, _question_inputs),
    Fact("answer", "text", _question_text("answer"), _question_inputs),
    Fact("explanation", "text", _question_text("explanation"), _question_inputs),
    Fact("assumption", "text", _assumption, _figure_input, (0,)),
    Fact("questions", "count", _questions),
    Fact("detail", None, _detail, _question_inputs),
    Fact("setting", None, _setting),
    Fact("named_figures", "text", _named_figures, _question_inputs),
    Fact("detectors", "count", lambda: len(_engine().DETECTORS)),
    Fact("chance", "count", lambda name: _audit().chance[name]),
    Fact("near_tolerance", "percent", lambda: 100 * _engine().verdict.NEAR_TOLERANCE),
    Fact("section_words", "text", _section_words),
    Fact("report_tokens", "count", lambda: len(numeric_tokens(report_text()))),
    Fact("excluded_rows", "count", lambda: len(_data().excluded())),
    Fact("restated_metrics", "count", lambda: int((_data().figures().groupby("metric").size() > 1).sum())),
    Fact("lacoe_questions", "count", _lacoe_questions),
    # The one-line answer of the audit finding ranked `rank` (1 = first).
    Fact("finding", "text", lambda rank: _audit().question(_raised(rank)).answer,
         lambda rank: _question_inputs(_raised(rank))),
    # A quote longer than one figure's (a paragraph a chapter sets in a block quote), and counts over it.
    Fact("passage", "text", _passage),
    Fact("words", "count", _words),
    Fact("numeric_tokens", "count", _numeric_tokens),
]}
