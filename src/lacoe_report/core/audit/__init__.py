"""The arithmetic audit: declared relations and detectors, one verdict per question.

The figures (``data/report_figures.csv``) and the declared relations (``data/audit_relations.yml``,
checked by :mod:`.spec`) are data. Each relation runs through its check kind (:mod:`.kinds`), each
detector (:data:`DETECTORS`) over all the figures, raising only what it questions; each question gets
its verdict, its numbers (``details``) and what would settle it, in words that keep the rules of
:mod:`.wording`. Chapters publish from :meth:`Audit.question` and :func:`assumption`.

Examples
--------
>>> result = audit()
>>> result.get("budget-lines-sum").verdict
'consistent'
>>> set(result.frame()["verdict"]) <= set(VERDICTS)
True
>>> result.question("budget-share-educational").answer.split(":")[0]
'Inconsistent'
"""
from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from .. import data
from ..paths import AUDIT_RELATIONS_YML, FIGURES_CSV, REPORT_TEXT, stamp
from ..source_text import report_text
from .verdict import (CONSISTENT, INCONSISTENT, NOT_CHECKABLE, RAISED, SECOND_LOOK, VERDICTS,
                     WITHIN_ROUNDING, Finding)
from .base import Raised, slug
from .kinds import KINDS
from .spec import RelationSpec, Spec, SpecError, load, load_text
from .wording import Assumption, assumptions_of
from . import claims, goals, growth, money, periods, repeats, restated, wholes, wording

__all__ = ["audit", "run", "Audit", "Raised", "Finding", "VERDICTS", "RAISED", "CONSISTENT",
           "WITHIN_ROUNDING", "INCONSISTENT", "SECOND_LOOK", "NOT_CHECKABLE", "KINDS", "DETECTORS",
           "SpecError", "load_text", "COLUMNS", "Question", "Assumption", "assumption", "assumptions",
           "NATURES"]

#: Columns of :meth:`Audit.frame`, in order.
COLUMNS = ["id", "source", "check", "nature", "description", "inputs", "computed", "stated", "stated_text",
           "unit", "verdict", "answer", "explanation", "settle", "strength", "assumed", "details"]
#: The kinds of problem a question can be, strongest doubts first, unless the relations file ranks them.
NATURES = ("arithmetic", "population", "period", "wording", "coverage", "missing_base")
_ORDER = {INCONSISTENT: 0, SECOND_LOOK: 1, NOT_CHECKABLE: 2, WITHIN_ROUNDING: 3, CONSISTENT: 4}
_RELATION_STRENGTH = {INCONSISTENT: 0.85, SECOND_LOOK: 0.5}

#: Every detector by its name (the key of its settings), in the order the audit runs and lists them.
DETECTORS: dict[str, Callable[[pd.DataFrame, str, dict], list[Raised]]] = {detect.__name__: detect for detect in (
    wholes.granularity, repeats.copy_error, wholes.part_whole, restated.hedges, restated.restatement,
    wholes.per_unit, growth.growth, periods.period, repeats.short_repeat, repeats.near_duplicate,
    wholes.population, periods.mixed_period, goals.uncovered, claims.claims, money.budget)}
#: Detectors that match by value, with the matches chance alone would make on a table (``make audit`` prints it).
CHANCE: dict[str, Callable[[pd.DataFrame, str, dict], float]] = {
    "copy_error": repeats.copy_error_chance,
    "short_repeat": repeats.short_repeat_chance,
    "near_duplicate": repeats.near_duplicate_chance,
}


def _relation(spec: RelationSpec, figures: pd.DataFrame, text: str) -> Raised:
    kind = KINDS[spec.kind]
    finding = kind.check(spec.inputs, spec.params, figures, text)
    unit = figures.at[spec.inputs[kind.unit], "unit"] if kind.unit in kind.roles else kind.unit
    return Raised(spec.id, spec.kind, spec.description, spec.figure_ids, str(unit),
                  finding, kind.settle, _RELATION_STRENGTH.get(finding.verdict, 0.0))


@dataclass(frozen=True)
class Question:
    """One question of the audit, as every chapter that mentions it should print it.

    Attributes
    ----------
    id, verdict, description, explanation, settle, nature : str
    answer : str
        The verdict and the explanation's first sentence, for a chapter to quote.
    inputs, assumptions : list
        The figure ids it rests on, and their values the data supplies and the report does not state
        (:class:`Assumption`: print each ``sentence``).
    finding : Finding
    """

    id: str
    verdict: str
    description: str
    answer: str
    explanation: str
    settle: str
    nature: str
    inputs: list
    assumptions: list
    finding: Finding


@dataclass(frozen=True)
class Audit:
    """Every question the audit asked, with its verdict.

    Attributes
    ----------
    relations : list of Raised
        One per declared relation, whatever its verdict.
    raised : dict
        Detector name -> what it raised (possibly nothing).
    """

    relations: list[Raised]
    raised: dict[str, list[Raised]]
    figures: pd.DataFrame = dataclasses.field(compare=False, repr=False)
    ranking: tuple = NATURES
    chance: dict = dataclasses.field(default_factory=dict, compare=False)

    def all(self) -> list[Raised]:
        """Relations then detector findings, ranked: by verdict, then by nature (arithmetic before a
        missing base, as the relations file's ``ranking`` orders them), then strongest first."""
        rows = [*self.relations, *(r for found in self.raised.values() for r in found)]
        rank = {n: i for i, n in enumerate(self.ranking)}
        return sorted(rows, key=lambda r: (_ORDER[r.finding.verdict], rank.get(r.nature, len(rank)),
                                           -r.strength, r.id))

    def _raised(self, question_id: str) -> Raised:
        for r in self.all():
            if r.id == question_id:
                return r
        raise KeyError(f"no audit question {question_id!r}")

    def get(self, question_id: str) -> Finding:
        """The finding of one relation or detector question, by id."""
        return self._raised(question_id).finding

    def question(self, question_id: str) -> Question:
        """One question with its verdict, one-sentence answer and assumptions, for a chapter to print."""
        return self._question(self._raised(question_id))

    def _question(self, r: Raised) -> Question:
        f = r.finding
        answer = f"{f.verdict[:1].upper() + f.verdict[1:]}: {wording.sentences(f.explanation)[0]}"
        found = [a for i in dict.fromkeys(r.inputs) for a in assumptions_of(self.figures, i)]
        return Question(r.id, f.verdict, r.description, answer, f.explanation, r.settle, r.nature,
                        list(r.inputs), found, f)

    def frame(self) -> pd.DataFrame:
        """One row per question (columns :data:`COLUMNS`), ranked, indexed by id (a copy: the caller's to change)."""
        return self._frame.copy()

    @functools.cached_property
    def _frame(self) -> pd.DataFrame:
        # Built once per audit: a ledger asks for it once per question it counts.
        rows, relations = [], {r.id for r in self.relations}
        for r in self.all():
            f, q = r.finding, self._question(r)
            rows.append({"id": r.id, "source": "relation" if r.id in relations else "detector",
                         "check": r.detector, "nature": r.nature, "description": r.description,
                         "inputs": list(r.inputs), "computed": f.computed, "stated": f.stated,
                         "stated_text": f.stated_text or "", "unit": r.unit, "verdict": f.verdict, "answer": q.answer,
                         "explanation": f.explanation, "settle": r.settle, "strength": float(r.strength),
                         "assumed": [f"{a.figure}.{a.field}" for a in q.assumptions], "details": dict(f.details)})
        # A finding's numbers are floats or None: NaN in the frame.
        frame = pd.DataFrame(rows, columns=COLUMNS).astype({"computed": float, "stated": float})
        return frame.set_index("id", drop=False)

    def findings(self) -> pd.DataFrame:
        """Only the questions raised (inconsistent, worth a second look), strongest first."""
        return self._frame[self._frame["verdict"].isin(RAISED)]  # a new frame (copy-on-write): the caller's

    def detector_counts(self) -> pd.Series:
        """How many questions each detector raised, every detector listed."""
        return pd.Series({name: len(self.raised.get(name, [])) for name in DETECTORS},
                         name="raised", dtype=int).rename_axis("detector")

    def summary(self) -> pd.Series:
        """Questions per verdict, every verdict listed (zero included)."""
        counts = self.frame()["verdict"].value_counts().reindex(list(VERDICTS), fill_value=0)
        return counts.rename("questions").rename_axis("verdict").astype(int)


def _unique(relations: list[Raised], raised: dict[str, list[Raised]]) -> dict[str, list[Raised]]:
    """Each question its own id: a detector's id already taken gets its first figure id that tells it apart.

    Two pairs of figures with the same values make one id; the first keeps it, so ids chapters cite stay.

    Examples
    --------
    >>> f = Finding("worth a second look", None, None, "Close.", {})
    >>> a, b = (Raised("near-1-2", "near_duplicate", "", ids, "count", f, "") for ids in (["x", "y"], ["x", "z"]))
    >>> [r.id for r in _unique([], {"near_duplicate": [a, b]})["near_duplicate"]]
    ['near-1-2', 'near-1-2-z']
    """
    taken = {r.id: r for r in relations}
    out: dict[str, list[Raised]] = {}
    for name, found in raised.items():
        out[name] = []
        for r in found:
            if r.id in taken:
                apart = [i for i in r.inputs if i not in taken[r.id].inputs] or list(r.inputs)
                base = f"{r.id}-{slug(apart[0])}" if apart else r.id
                new, k = base, 2
                while new in taken:
                    new, k = f"{base}-{k}", k + 1
                r = dataclasses.replace(r, id=new)
            taken[r.id] = r
            out[name].append(r)
    return out


def run(figures: pd.DataFrame, text: str, spec: Spec) -> Audit:
    """Run every declared relation and every detector on a figures table.

    Parameters
    ----------
    figures : pandas.DataFrame
        As :func:`lacoe_report.core.data.figures` gives it: every column, none NaN, indexed by id.
    text : str
        The normalised report text the quotes come from.
    spec : Spec
        The relations and the detectors' settings.
    """
    figures = figures.copy()
    relations = [_relation(s, figures, text) for s in spec.relations]
    # A detector does not ask again what a declared relation asks (the same two figures compared).
    declared = [sorted(s.figure_ids) for s in spec.relations]
    raised = {name: detect(figures, text, {**dict(spec.detectors.get(name) or {}), "_declared": declared})
              for name, detect in DETECTORS.items()}
    chance = {name: estimate(figures, text, dict(spec.detectors.get(name) or {}))
              for name, estimate in CHANCE.items()}
    raised = _unique(relations, raised)
    broken = [f"{r.id}: {p}" for r in [*relations, *(r for found in raised.values() for r in found)]
              for p in wording.problems(r.finding.explanation, figures, list(r.inputs))]
    if broken:
        raise ValueError("audit sentences that say more than the report:\n  " + "\n  ".join(broken))
    return Audit(relations, raised, figures, tuple(spec.ranking) or NATURES, chance)


def assumptions() -> pd.DataFrame:
    """Every value the data supplies and the report does not state, with the clause to print it.

    Returns
    -------
    pandas.DataFrame
        Columns ``figure``, ``field``, ``value``, ``why`` and ``sentence`` (an "if ..." clause).

    Examples
    --------
    >>> frame = assumptions()
    >>> frame.set_index(["figure", "field"]).at[("ach_da_attendance_baseline", "period"), "value"]
    '2022-23'
    """
    figures = data.figures()
    rows = [dataclasses.asdict(a) | {"sentence": a.sentence}
            for fid in figures.index for a in assumptions_of(figures, fid)]
    return pd.DataFrame(rows, columns=["figure", "field", "value", "why", "sentence"])


def assumption(figure_id: str, field: str) -> Assumption:
    """One assumed value of a figure; its ``sentence`` is the clause a chapter prints.

    Raises
    ------
    KeyError
        When the data states the value (nothing is assumed there).

    Examples
    --------
    >>> assumption("ach_da_attendance_baseline", "period").sentence.startswith("if its period is 2022-23")
    True
    """
    for a in assumptions_of(data.figures(), figure_id):
        if a.field == field:
            return a
    raise KeyError(f"{figure_id}.{field} is not marked assumed in the data")


def audit() -> Audit:
    """The audit of the report's data, computed once per version of the files it reads."""
    return _audit(tuple(stamp(path) for path in (FIGURES_CSV, AUDIT_RELATIONS_YML, REPORT_TEXT)))


@functools.lru_cache(maxsize=1)
def _audit(_stamps: tuple) -> Audit:
    figures = data.figures()
    return run(figures, report_text(), load(AUDIT_RELATIONS_YML, figure_ids=set(figures.index)))
