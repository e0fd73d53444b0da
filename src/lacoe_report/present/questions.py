"""The questions for LACOE on the page: each chapter's list, the appendix, the front page's findings.

MyST Markdown from :func:`lacoe_report.core.question_list.questions`, shown by a cell set to
``mystnb.markdown_format: myst`` (for its ``{glue:text}`` roles); the appendix (``chapters/questions``)
has a target ``q-<id>`` per question and ``qs-<section>`` per section.
"""
from __future__ import annotations

import re

from IPython.display import Markdown

from ..core.question_list import questions
from ..core.questions import of_chapter
from ..core.vocabulary import SECTIONS

# Characters MyST would read as markup in the report's or the engine's words.
_MARKUP = re.compile(r"([\\`*_\[\]<>{}|#$])")


def target(question_id: str) -> str:
    """The label of a question in the appendix.

    >>> target("budget-share-educational")
    'q-budget-share-educational'
    """
    return f"q-{question_id}"


def escape(text: str) -> str:
    """Words shown as they are, not read as MyST markup.

    >>> escape("a *b* [c] $d")
    'a \\\\*b\\\\* \\\\[c\\\\] \\\\$d'
    """
    return _MARKUP.sub(r"\\\1", text)


def does_not_say(chapter: str) -> Markdown:
    """The chapter's "What the report does not say" list: each question, what would settle it, a link to its rank."""
    ranked = questions()
    items = []
    for q in of_chapter(chapter):
        row = ranked.loc[q.id]
        audit = f" The audit's verdict: {row['verdict']}." if row["audit_id"] else ""
        items.append(f"- **{q.title}** {q.text}{audit} *What would settle it:* {escape(q.settle)}. "
                     f"{{ref}}`Question {row['rank']} for LACOE <{target(q.id)}>`")
    return Markdown("\n".join(items) + "\n")


def findings_list(n: int = 3) -> Markdown:
    """The ``n`` strongest findings, each pasted from ``front_finding_<rank>``, with a link to its evidence."""
    frame = questions()
    lines = [f"{rank}. {{glue:text}}`front_finding_{rank}` "
             f"{{ref}}`The evidence <{target(frame.iloc[rank - 1]['id'])}>`" for rank in range(1, n + 1)]
    return Markdown("\n".join(lines) + "\n")


def appendix() -> Markdown:
    """Every question, grouped by the report's section (in the report's order), ranked within each."""
    frame = questions()
    blocks = []
    for section in [s for s in SECTIONS if s in set(frame["section"])]:
        rows = frame[frame["section"] == section]
        blocks.append(f"(qs-{section.replace('_', '-')})=\n## {rows.iloc[0]['section_name']}\n")
        for _, row in rows.iterrows():
            verdict = f" *({row['verdict']})*" if row["verdict"] else ""
            # A finding alone is its explanation; a chapter's question its words, then the finding's.
            said = [row["audit_finding"]] if row["source"] == "audit" else \
                [row["question"]] + ([f"The audit: {row['audit_finding']}"] if row["audit_finding"] else [])
            lines = [f"({target(row['id'])})=", f"**{row['rank']}. {escape(row['title'])}**{verdict}", ""]
            lines += [line for text in said for line in (escape(text), "")]
            if row["quotes"]:
                quoted = "; ".join(f"“{escape(q)}”" for q in row["quotes"].split(" | "))
                lines += [f"- The report's words: {quoted}"]
            if row["figures"]:
                lines += [f"- Figures: {', '.join(f'`{f}`' for f in row['figures'].split('; '))}"]
            asked = "the audit" if row["chapter"] == "audit" else f"{{doc}}`{row['chapter']}`"
            lines += [f"- What would settle it: {escape(row['settle'])}.", f"- Asked by {asked}.", ""]
            blocks.append("\n".join(lines))
    return Markdown("\n".join(blocks))
