"""Questions for LACOE: everything the book says the report does not say, ranked as the audit ranks.

The audit's raised findings, then the chapters' "What the report does not say" items
(``data/questions.yml``, checked here on load), ranked by :mod:`lacoe_report.core.question_list`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import data, vocabulary
from .audit import NATURES, RAISED, audit
from .errors import load_yaml
from .formats import ordinal
from .vocabulary import CAVEAT_SUFFIX
from .paths import CHAPTERS_DIR, DATA_DIR, shown

QUESTIONS_YML = DATA_DIR / "questions.yml"
#: Columns of :func:`questions` (and of the published ``questions.csv``), in order.
COLUMNS = ["rank", "id", "section", "section_name", "chapter", "source", "audit_id", "verdict", "nature",
           "title", "question", "audit_finding", "settle", "figures", "quotes"]
#: A pasted number in a question's text.
GLUE = re.compile(r"\{glue:text\}`([^`]+)`")
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_FIELDS = {"id", "chapter", "section", "nature", "audit", "title", "text", "settle", "figures"}
_REQUIRED = ("id", "chapter", "title", "text", "settle")


class QuestionsError(ValueError):
    """``data/questions.yml`` breaks a rule; the message names the file, the question and the field."""


@dataclass(frozen=True)
class Question:
    """One chapter question as the data states it (``section`` filled from its chapter's)."""

    id: str
    chapter: str
    section: str
    title: str
    text: str
    settle: str
    nature: str = ""
    audit: str = ""
    figures: list = field(default_factory=list)

    @property
    def keys(self) -> list[str]:
        """The chapter's numbers its title and text paste, in order."""
        return GLUE.findall(self.title + "\n" + self.text)


def check(document: dict, *, sections: set, natures: set, figure_ids: set, asked: set,
          declared: dict, where: str = "data/questions.yml") -> list[Question]:
    """The questions of a parsed ``questions.yml``, or :class:`QuestionsError` naming every problem.

    ``asked`` holds the ids of the audit's questions; ``declared`` maps each chapter that may ask
    questions to the keys its declarations file declares (caveats included).

    Examples
    --------
    >>> doc = {"chapters": {"c": "s"}, "questions": [
    ...     {"id": "q", "chapter": "c", "nature": "coverage", "title": "T?", "text": "{glue:text}`k`", "settle": "x"},
    ...     {"id": "q", "chapter": "c", "nature": "colour", "title": "T?", "text": "{glue:text}`nope`", "settle": "x"}]}
    >>> try:
    ...     check(doc, sections={"s"}, natures={"coverage"}, figure_ids=set(), asked=set(), declared={"c": {"k"}})
    ... except QuestionsError as err:
    ...     print(err)
    data/questions.yml: 3 problems
      question 'q' (2nd): the id is taken; give each question its own
      question 'q' (2nd), field 'nature': unknown 'colour'; use one of coverage
      question 'q' (2nd): {glue:text}`nope` is not declared in chapters/c.numbers.yml
    """
    problems: list[str] = []
    chapters = document.get("chapters") or {}
    for chapter, section in chapters.items():
        if chapter not in declared:
            problems.append(f"chapters: {chapter!r} is not a chapter with declarations")
        if section not in sections:
            problems.append(f"chapters: {chapter!r} has the unknown section {section!r}")
    found, seen = [], set()
    for n, entry in enumerate(document.get("questions") or [], start=1):
        if not isinstance(entry, dict):
            problems.append(f"question {n}: must be a mapping of fields")
            continue
        name = f"question {entry.get('id')!r}" + (f" ({ordinal(n)})" if entry.get("id") in seen else "")
        wrong = [f"{name}, field {k!r}: unknown field; use {', '.join(sorted(_FIELDS))}" for k in entry
                 if k not in _FIELDS]
        wrong += [f"{name}, field {k!r}: missing" for k in _REQUIRED if not str(entry.get(k) or "").strip()]
        if wrong:
            problems += wrong
            continue
        qid, chapter = str(entry["id"]), str(entry["chapter"])
        if not _ID.match(qid):
            problems.append(f"{name}: the id must be lower-case words joined by hyphens")
        if qid in seen:
            problems.append(f"{name}: the id is taken; give each question its own")
        seen.add(qid)
        if chapter not in chapters:
            problems.append(f"{name}, field 'chapter': {chapter!r} is not listed under chapters")
            continue
        section = str(entry.get("section") or chapters[chapter])
        if section not in sections:
            problems.append(f"{name}, field 'section': unknown {section!r}")
        audit_id, nature = str(entry.get("audit") or ""), str(entry.get("nature") or "")
        if bool(audit_id) == bool(nature):
            problems.append(f"{name}: give either `audit` (the finding it repeats) or `nature`, not both or neither")
        elif nature and nature not in natures:
            problems.append(f"{name}, field 'nature': unknown {nature!r}; use one of {', '.join(sorted(natures))}")
        elif audit_id and audit_id not in asked:
            problems.append(f"{name}, field 'audit': {audit_id!r} is not a question of the audit")
        figures = [str(f) for f in entry.get("figures") or []]
        problems += [f"{name}, field 'figures': unknown figure {f!r}" for f in figures if f not in figure_ids]
        q = Question(qid, chapter, section, " ".join(str(entry["title"]).split()),
                     " ".join(str(entry["text"]).split()), " ".join(str(entry["settle"]).split()).rstrip("."),
                     nature, audit_id, figures)
        problems += [f"{name}: {{glue:text}}`{k}` is not declared in chapters/{chapter}.numbers.yml"
                     for k in q.keys if k not in declared.get(chapter, set())]
        found.append(q)
    taken = [q.audit for q in found if q.audit]
    problems += [f"finding {a!r} is asked by more than one question; keep one" for a in sorted(set(taken))
                 if taken.count(a) > 1]
    if problems:
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        raise QuestionsError(f"{where}: {count}\n  " + "\n  ".join(problems))
    return found


def _declared_keys(chapter: str) -> set[str]:
    """The keys a chapter's numbers file declares, and the caveat key of each that combines groups.

    Read from the file itself: the declarations engine reads the facts, which count these questions.
    """
    path = CHAPTERS_DIR / f"{chapter}.numbers.yml"
    numbers = (load_yaml(path).get("numbers") or {}) if path.exists() else {}
    return set(numbers) | {key + CAVEAT_SUFFIX for key, spec in numbers.items()
                           if isinstance(spec, dict) and spec.get("combines")}


def load() -> list[Question]:
    """The chapters' questions from ``data/questions.yml``, checked against the data, the audit and the declarations."""
    document = load_yaml(QUESTIONS_YML)
    # A copy of the book without a chapter (a scratch book of a few chapters) has none of its questions.
    present = {p.stem for p in CHAPTERS_DIR.glob("*.ipynb")}
    document = {**document, "chapters": {c: s for c, s in (document.get("chapters") or {}).items() if c in present},
                "questions": [e for e in document.get("questions") or []
                              if not isinstance(e, dict) or e.get("chapter") in present]}
    result = audit()
    chapters = sorted(p.name.removesuffix(".numbers.yml") for p in CHAPTERS_DIR.glob("*.numbers.yml"))
    return check(document, sections=set(vocabulary.SECTIONS), natures=set(result.ranking) | set(NATURES),
                 figure_ids=set(data.figures().index), asked=set(result.frame().index),
                 declared={c: _declared_keys(c) for c in chapters}, where=shown(QUESTIONS_YML))


def counts() -> dict[str, int]:
    """How many questions for LACOE come from each source: ``audit``, ``audit and chapter``, ``chapter``.

    As :func:`lacoe_report.core.question_list.questions` splits them, without pasting their numbers.
    """
    found = audit().frame()
    raised = set(found.index[found["verdict"].isin(RAISED)])
    asking = [q.audit in raised for q in load()]
    return {"audit": len(raised) - sum(asking), "audit and chapter": sum(asking), "chapter": asking.count(False)}


def of_chapter(chapter: str) -> list[Question]:
    """The questions a chapter asks, in the file's order."""
    return [q for q in load() if q.chapter == chapter]
