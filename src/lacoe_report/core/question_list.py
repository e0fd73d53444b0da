"""The questions for LACOE as one ranked list, each with its numbers pasted, its figures and its quotes.

The chapters' questions (:mod:`lacoe_report.core.questions`) ranked with the audit's raised findings.
A question's figures are the inputs of the numbers it pastes, its ``figures`` and a finding's inputs.

Examples
--------
>>> frame = questions()
>>> frame["rank"].tolist() == list(range(1, len(frame) + 1))
True
>>> frame.loc["finance-percentages", ["audit_id", "verdict"]].tolist()
['budget-share-educational', 'inconsistent']
>>> frame["id"].is_unique and "budget-share-educational" not in frame.index
True
"""
from __future__ import annotations

import dataclasses

import pandas as pd

from . import data, declarations, vocabulary
from .audit import RAISED, audit
from .questions import COLUMNS, GLUE, load
from .vocabulary import CAVEAT_SUFFIX


def paste(text: str, texts: dict[str, str]) -> str:
    """``text`` with each ``{glue:text}`key``` replaced by the number as the page prints it.

    >>> paste("Over {glue:text}`n` of them.", {"n": "400"})
    'Over 400 of them.'
    """
    return GLUE.sub(lambda m: texts[m.group(1)], text)


def _chapter_texts(chapter: str) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Each key's printed text and input figures, caveats included, from the chapter's declarations."""
    texts, inputs = {}, {}
    for record in declarations.records(chapter):
        texts[record["key"]], inputs[record["key"]] = record["text"], list(record["inputs"])
        if record.get("caveat"):
            key = record["key"] + CAVEAT_SUFFIX
            texts[key], inputs[key] = record["caveat"], list(record["inputs"])
    return texts, inputs


def questions() -> pd.DataFrame:
    """Every question the book raises, ranked (columns :data:`COLUMNS`), indexed by id.

    ``figures`` and ``quotes`` are joined by ``"; "`` and ``" | "``; a finding a chapter asks takes
    the chapter's id, title and words, the finding's rank, verdict and explanation.
    """
    result = audit()
    figures = data.figures()
    asked = load()
    by_audit = {q.audit: q for q in asked if q.audit}
    pasted = {c: _chapter_texts(c) for c in dict.fromkeys(q.chapter for q in asked)}
    rows = []
    found = result.frame()
    raised = found[found["verdict"].isin(RAISED)]
    for qid, row in raised.iterrows():
        inputs = list(row["inputs"])
        section = row["details"].get("section") or (figures.at[inputs[0], "section"] if inputs else "")
        entry = {"id": qid, "section": section, "chapter": "audit", "source": "audit", "audit_id": qid,
                 "verdict": row["verdict"], "nature": row["nature"], "title": row["description"],
                 "question": row["answer"], "audit_finding": row["explanation"], "settle": row["settle"],
                 "figures": inputs}
        q = by_audit.get(qid)
        if q is not None:
            texts, keys_inputs = pasted[q.chapter]
            entry |= {"id": q.id, "section": q.section, "chapter": q.chapter, "source": "audit and chapter",
                      "title": paste(q.title, texts), "question": paste(q.text, texts), "settle": q.settle,
                      "figures": inputs + [f for k in q.keys for f in keys_inputs[k]] + q.figures}
        rows.append(entry)
    order = {n: i for i, n in enumerate(result.ranking)}
    # A finding the data no longer raises leaves the chapter's question standing, as its own.
    own = [dataclasses.replace(q, nature=found.at[q.audit, "nature"]) if q.audit else q
           for q in asked if q.audit not in raised.index]
    own = sorted(own, key=lambda q: order.get(q.nature, len(order)))
    for q in own:
        texts, keys_inputs = pasted[q.chapter]
        rows.append({"id": q.id, "section": q.section, "chapter": q.chapter, "source": "chapter", "audit_id": "",
                     "verdict": "", "nature": q.nature, "title": paste(q.title, texts),
                     "question": paste(q.text, texts), "audit_finding": "", "settle": q.settle,
                     "figures": [f for k in q.keys for f in keys_inputs[k]] + q.figures})
    frame = pd.DataFrame(rows)
    frame["figures"] = frame["figures"].map(lambda ids: list(dict.fromkeys(ids)))
    frame["quotes"] = frame["figures"].map(
        lambda ids: " | ".join(dict.fromkeys(figures.at[i, "quote"] for i in ids)))
    frame["figures"] = frame["figures"].map("; ".join)
    words = vocabulary.SECTION_WORDS
    frame["section_name"] = frame["section"].map(lambda s: words[s][:1].upper() + words[s][1:])
    frame.insert(0, "rank", range(1, len(frame) + 1))
    return frame[COLUMNS].set_index("id", drop=False)
