"""Sphinx extension: one click from any number to its derivation.

Every ``{glue:text}`` number links to its row in the ledger appendix (``chapters/ledger``, the
``ledger-entries`` directive: every row of ``ledger/ledger.csv``, with links back to each use). With
JavaScript (``static/lacoe-trace.js``) it first opens its :func:`derivation` on the page, from one
``<script type="application/json">`` block per page.
"""
from __future__ import annotations

import csv
import json
from html import escape
from pathlib import Path

from docutils import nodes
from myst_nb.ext.glue.domain import NbGlueDomain
from myst_nb.ext.glue.roles import PasteTextRole
from sphinx.util.docutils import SphinxDirective

from ...core import formula
from ...core.paths import LEDGER_CSV
from ...core.vocabulary import CAVEAT_SUFFIX, SECTION_WORDS
from ..sphinx_reread import per_document

#: The document of the ledger appendix.
LEDGER_DOC = "chapters/ledger"
STATIC = Path(__file__).with_name("static")


def anchor(chapter: str, key: str) -> str:
    """The id of a number's row in the ledger appendix.

    >>> anchor("finance", "fin_edu_computed")
    'ledger-finance-fin_edu_computed'
    """
    return f"ledger-{chapter}-{key}"


def text(value: str) -> str:
    """``value`` escaped for an element's content (quotes need no escape there).

    >>> text("count(section=['letter']) < 3")
    "count(section=['letter']) &lt; 3"
    """
    return escape(value, quote=False)


class trace_ref(nodes.inline):  # noqa: N801 - docutils names visit_trace_ref after the class
    """A pasted number with the ledger entry it comes from (resolved per builder)."""


class ledger_entries(nodes.General, nodes.Element):  # noqa: N801 - docutils names visitors after the class
    """Placeholder for the ledger appendix tables (resolved per builder)."""


class TracedTextRole(PasteTextRole):
    """``{glue:text}`` as MyST-NB pastes it, wrapped in a :class:`trace_ref`."""

    def run(self):
        result, messages = super().run()
        if len(result) != 1 or "pasted-text" not in result[0].get("classes", []):
            return result, messages  # a warning, or a pasted reference to another document
        key = self.text.split(":", 1)[0]  # "key" or "key:format"
        if key.endswith(CAVEAT_SUFFIX):  # words beside a number, not a number: no ledger row to trace
            result[0]["classes"].append("lacoe-caveat")
            return result, messages
        env = self.document.settings.env
        chapter = Path(env.docname).name
        uses = env.lacoe_trace_uses.setdefault(env.docname, [])
        n = sum(1 for c, k, _ in uses if (c, k) == (chapter, key))
        use_id = f"use-{chapter}-{key}" + (f"-{n + 1}" if n else "")  # the n-th use (from 0) on the page
        uses.append((chapter, key, use_id))
        return [trace_ref("", "", result[0], chapter=chapter, key=key, use_id=use_id)], messages


class LedgerEntries(SphinxDirective):
    """``{ledger-entries}``: every row of the ledger, grouped by chapter."""

    has_content = False

    def run(self):
        self.env.note_dependency(str(LEDGER_CSV))
        return [ledger_entries()]


def derivation(row: dict, figures: dict[str, dict]) -> dict:
    """What the on-page panel shows for one ledger row."""
    numeric = row["unit"] != "text"
    ids = [i for i in row["inputs"].split(";") if i]
    return {
        "key": row["key"], "chapter": row["chapter"], "text": row["text"], "value": row["value"],
        "unit": row["unit"], "formula": row["formula"], "numeric": numeric,
        "substituted": formula.substituted(row["formula"]) if numeric else "",
        "inputs": [{"id": i, "label": figures[i]["label"], "as_written": figures[i]["as_written"],
                    "value": figures[i]["value"],
                    "section": SECTION_WORDS.get(figures[i]["section"], figures[i]["section"]),
                    "quote": figures[i]["quote"]} for i in ids if i in figures],
    }


def _href(app, fromdoc: str, todoc: str, fragment: str) -> str:
    if app.builder.name == "singlehtml" or fromdoc == todoc:
        return "#" + fragment
    return app.builder.get_relative_uri(fromdoc, todoc) + "#" + fragment


def _ledger_tables(app, docname: str, rows: list[dict], figures: dict) -> list[nodes.Node]:
    uses: dict[tuple, list] = {}
    for doc, found in sorted(app.env.lacoe_trace_uses.items()):
        for chapter, key, use_id in found:
            uses.setdefault((chapter, key), []).append((doc, use_id))
    out, chapters = [], list(dict.fromkeys(r["chapter"] for r in rows))
    for chapter in chapters:
        body = []
        for row in (r for r in rows if r["chapter"] == chapter):
            d = derivation(row, figures)
            links = ", ".join(
                f'<a href="{escape(_href(app, docname, doc, use_id))}">{text(Path(doc).name)}'
                f'{"" if n == 0 else f" ({n + 1})"}</a>'
                for n, (doc, use_id) in enumerate(uses.get((chapter, row["key"]), [])))
            # Plain elements, styled by their place in .lacoe-ledger: the page holds 455 rows, and a
            # class on each formula, key and unit, a <wbr> after each underscore and escaped quotes
            # were some 60 kB of the ledger's 290 (its first paint waited on every byte).
            how = (f'<code>{text(d["formula"])}</code>'
                   + (f'<br>= <code>{text(d["substituted"])}</code>'
                      if d["numeric"] and d["substituted"] != d["formula"] else "")
                   + ("" if d["numeric"] else " <em>(a word, chosen by this rule)</em>"))
            inputs = "<br>".join(f'<code>{text(i["id"])}</code>: “{text(i["as_written"])}”' for i in d["inputs"])
            body.append(
                f'<tr id="{escape(anchor(chapter, row["key"]))}">'
                f'<th scope="row"><code>{text(row["key"])}</code>'
                f'{"<br><small>used in " + links + "</small>" if links else ""}</th>'
                f'<td>{text(row["text"])}</td><td>{text(row["value"])}<br><small>{text(row["unit"])}</small></td>'
                f'<td>{how}</td><td>{inputs}</td></tr>')
        out.append(nodes.raw("", (
            f'<h3 id="ledger-chapter-{escape(chapter)}"><code>{escape(chapter)}</code></h3>\n'
            f'<div class="lacoe-ledger-wrap" role="region" tabindex="0" '
            f'aria-label="Published numbers of {escape(chapter)}">'
            f'<table class="table lacoe-ledger"><thead><tr><th scope="col">Key</th><th scope="col">Printed</th>'
            f'<th scope="col">Value</th><th scope="col">Formula, with values</th>'
            f'<th scope="col">Report figures, as printed</th></tr></thead>\n<tbody>\n'
            + "\n".join(body) + "\n</tbody></table></div>\n"), format="html"))
    return out


def resolve(app, doctree, docname: str) -> None:
    """Turn pasted numbers into links to the ledger and fill in the ledger tables."""
    if app.builder.format != "html":
        return
    # Read for each page: 3.5 ms (formula.figure_rows is cached until the CSV changes).
    with open(LEDGER_CSV, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    figures = formula.figure_rows_by_id()
    by_key = {(r["chapter"], r["key"]): r for r in rows}
    entries = {}
    for node in list(doctree.findall(trace_ref)):
        row = by_key.get((node["chapter"], node["key"]))
        if row is None:  # a key the ledger does not hold (the rules refuse it before a build)
            node.replace_self(node.children)
            continue
        target = anchor(row["chapter"], row["key"])
        link = nodes.reference("", "", *node.children, internal=True, ids=[node["use_id"]],
                               refuri=_href(app, docname, LEDGER_DOC, target), classes=["lacoe-trace"])
        node.replace_self(link)
        entries[target] = derivation(row, figures)
    for node in list(doctree.findall(ledger_entries)):
        node.replace_self(_ledger_tables(app, docname, rows, figures))
    if entries:
        # "<" escaped so that no text in the data can close the script element.
        payload = json.dumps(entries, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c")
        doctree.append(nodes.raw("", f'<script type="application/json" class="lacoe-trace-data">{payload}</script>\n',
                                 format="html"))


def _init(app):
    app.config.html_static_path.append(str(STATIC))


def _ledger_always_rewritten(app, env, added, changed, removed):
    # The appendix shows where every number is used, so it changes whenever a chapter does.
    return [LEDGER_DOC] if LEDGER_DOC in env.found_docs and (added or changed or removed) else []


def setup(app):
    app.setup_extension("myst_nb")
    # Sphinx's own way to replace a domain's role (its registry, per build), not an edit of MyST-NB's class.
    app.add_role_to_domain(NbGlueDomain.name, "text", TracedTextRole(), override=True)
    app.add_node(trace_ref, html=(lambda self, node: None, lambda self, node: None))
    app.add_node(ledger_entries)
    app.add_directive("ledger-entries", LedgerEntries)
    app.connect("builder-inited", _init)
    per_document(app, "lacoe_trace_uses")
    app.connect("env-get-outdated", _ledger_always_rewritten)
    app.connect("doctree-resolved", resolve)
    app.add_js_file("lacoe-trace.js", defer="defer")
    app.add_css_file("lacoe-trace.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
