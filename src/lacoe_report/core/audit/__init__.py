"""The arithmetic audit: declared relations and detectors, one verdict per question.

The engine holds mechanisms only. What the report's figures are is data
(``data/report_figures.csv``); which of them an analyst declared related is
data too (``data/audit_relations.yml``, checked by :mod:`.spec`). The engine
runs every declared relation through its check kind (:mod:`.kinds`) and
every detector (:mod:`.detectors`) over all the figures, and returns one
row per question with its verdict, its numbers (``details``) and what would
settle it. Chapters publish from :func:`audit` instead of recomputing, so no
two chapters can disagree.

Modules
-------
assess
    Pure checks on plain numbers, returning a :class:`Finding`.
kinds
    The check kinds a relation may use.
detectors
    Scans of every figure.
spec
    Loader and validator of the relations file.

Examples
--------
>>> result = audit()
>>> result.get("budget-lines-sum").verdict
'consistent'
>>> set(result.frame()["verdict"]) <= set(VERDICTS)
True
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..paths import AUDIT_RELATIONS_YML, FIGURES_CSV
from .assess import (CONSISTENT, INCONSISTENT, NOT_CHECKABLE, RAISED, SECOND_LOOK, VERDICTS,
                     WITHIN_ROUNDING, Finding)
from .detectors import DETECTORS, Raised
from .kinds import KINDS
from .spec import RelationSpec, Spec, SpecError, load, load_text

__all__ = ["audit", "run", "Audit", "Raised", "Finding", "VERDICTS", "RAISED", "CONSISTENT",
           "WITHIN_ROUNDING", "INCONSISTENT", "SECOND_LOOK", "NOT_CHECKABLE", "KINDS", "DETECTORS",
           "SpecError", "load_text", "COLUMNS"]

#: Columns of :meth:`Audit.frame`, in order.
COLUMNS = ["id", "source", "check", "description", "inputs", "computed", "stated", "stated_text", "unit",
           "verdict", "explanation", "settle", "strength", "details"]
_ORDER = {INCONSISTENT: 0, SECOND_LOOK: 1, NOT_CHECKABLE: 2, WITHIN_ROUNDING: 3, CONSISTENT: 4}
_RELATION_STRENGTH = {INCONSISTENT: 0.85, SECOND_LOOK: 0.5}


def _relation(spec: RelationSpec, figures: pd.DataFrame, text: str) -> Raised:
    kind = KINDS[spec.kind]
    finding = kind.check(spec.inputs, spec.params, figures, text)
    return Raised(spec.id, "relation", spec.description, spec.figure_ids, kind.unit(spec.inputs, figures),
                  finding, kind.settle, _RELATION_STRENGTH.get(finding.verdict, 0.0), {"kind": spec.kind})


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

    def all(self) -> list[Raised]:
        """Relations then detector findings, ranked: strongest doubts first."""
        rows = [*self.relations, *(r for found in self.raised.values() for r in found)]
        return sorted(rows, key=lambda r: (_ORDER[r.finding.verdict], -r.strength, r.id))

    def get(self, question_id: str) -> Finding:
        """The finding of one relation or detector question, by id."""
        for r in self.all():
            if r.id == question_id:
                return r.finding
        raise KeyError(f"no audit question {question_id!r}")

    def frame(self) -> pd.DataFrame:
        """One row per question (columns :data:`COLUMNS`), ranked, indexed by id."""
        rows = []
        for r in self.all():
            f = r.finding
            rows.append({"id": r.id, "source": "relation" if r.detector == "relation" else "detector",
                         "check": r.extra.get("kind", r.detector) if r.detector == "relation" else r.detector,
                         "description": r.description, "inputs": list(r.inputs),
                         "computed": f.computed, "stated": f.stated, "stated_text": f.stated_text or "",
                         "unit": r.unit, "verdict": f.verdict, "explanation": f.explanation,
                         "settle": r.settle, "strength": float(r.strength), "details": dict(f.details)})
        frame = pd.DataFrame(rows, columns=COLUMNS)
        for column in ("computed", "stated"):
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
        return frame.set_index("id", drop=False)

    def findings(self) -> pd.DataFrame:
        """Only the questions raised (inconsistent, worth a second look), strongest first."""
        frame = self.frame()
        return frame[frame["verdict"].isin(RAISED)]

    def detector_counts(self) -> pd.Series:
        """How many questions each detector raised, every detector listed."""
        return pd.Series({name: len(self.raised.get(name, [])) for name in DETECTORS},
                         name="raised", dtype=int).rename_axis("detector")

    def summary(self) -> pd.Series:
        """Questions per verdict, every verdict listed (zero included)."""
        counts = self.frame()["verdict"].value_counts().reindex(list(VERDICTS), fill_value=0)
        return counts.rename("questions").rename_axis("verdict").astype(int)


def run(figures: pd.DataFrame, text: str, spec: Spec) -> Audit:
    """Run every declared relation and every detector on a figures table.

    Parameters
    ----------
    figures : pandas.DataFrame
        Indexed by figure id, with the columns of ``data/report_figures.csv``
        (``part_of`` and ``per`` may be missing: then empty).
    text : str
        The normalised report text the quotes come from.
    spec : Spec
        The relations and the detectors' settings.
    """
    figures = figures.copy()
    for column in ("part_of", "per", "note"):
        if column not in figures:
            figures[column] = ""
        figures[column] = figures[column].fillna("")
    relations = [_relation(s, figures, text) for s in spec.relations]
    raised = {name: detect(figures, text, dict(spec.detectors.get(name) or {}))
              for name, detect in DETECTORS.items()}
    ids = [r.id for r in relations] + [r.id for found in raised.values() for r in found]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"audit question ids must be unique: {duplicates}")
    return Audit(relations, raised)


_CACHE: dict[tuple, Audit] = {}


def _stamp(path: Path) -> tuple:
    stat = path.stat()
    return (str(path), stat.st_mtime_ns, stat.st_size)


def audit() -> Audit:
    """The audit of the report's data, computed once per version of the data files."""
    from .. import data
    from ..source_text import report_text
    key = (_stamp(FIGURES_CSV), _stamp(AUDIT_RELATIONS_YML))
    if key not in _CACHE:
        figures = data.figures()
        spec = load(AUDIT_RELATIONS_YML, figure_ids=set(figures.index))
        _CACHE.clear()
        _CACHE[key] = run(figures, report_text(), spec)
    return _CACHE[key]
