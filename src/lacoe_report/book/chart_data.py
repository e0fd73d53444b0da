"""Sphinx extension: the data behind each chart, as a CSV linked from its caption.

Each chart a chapter draws with :mod:`lacoe_report.present.plots` carries, in
its notebook output's ``lacoe_chart`` metadata, the values it draws: label,
text as drawn, value, and the value's ledger key or report figure id and unit
(:meth:`lacoe_report.present.plots.Chart.record`). This extension writes one
CSV per chart, ``chart-data/<figure name>.csv`` in the output folder, from that
record and the ledger (a ledger number's input figure ids), and adds "Get the
data (CSV)" to the chart's caption: a docutils reference with the ``download``
class, so the PDF edition attaches the file like the Downloads page's files
(:mod:`lacoe_report.book.pdf`). A value the chapter computed itself has no
ledger key or figure id, and its row says so in the ``source`` column; the
book's charts draw none (``tests/test_chart_data.py`` requires a source for
every row), so a chapter declares what a chart draws.

``_config.yml`` lists it under ``sphinx.config.extensions``. It is tooling:
editing it re-executes no chapter.
"""
from __future__ import annotations

import csv
import io
import json
import posixpath
from pathlib import Path

from docutils import nodes

from ..core.paths import LEDGER_CSV
from ..core.safe_write import digest

#: The folder of the output that holds the charts' CSVs.
FOLDER = "chart-data"
#: The columns of a chart's CSV.
COLUMNS = ("figure", "label", "text", "value", "unit", "source", "chapter", "key", "figure_ids")
#: The link's words in each caption.
LINK_TEXT = "Get the data (CSV)"
#: What the ``source`` column says of each kind of value.
SOURCES = {"key": "ledger", "figure": "report figure", None: "computed in the chapter, not a published number"}


def chart_records(notebook: dict) -> dict[str, list[dict]]:
    """Per figure name (``mystnb.figure.name``), the values its chart output records.

    >>> cell = {"cell_type": "code", "metadata": {"mystnb": {"figure": {"name": "fig-a"}}},
    ...         "outputs": [{"metadata": {"lacoe_chart": {"values": [{"label": "A", "value": 1.0}]}}}]}
    >>> chart_records({"cells": [cell]})
    {'fig-a': [{'label': 'A', 'value': 1.0}]}
    """
    found = {}
    for cell in notebook.get("cells", []):
        name = cell.get("metadata", {}).get("mystnb", {}).get("figure", {}).get("name")
        for output in cell.get("outputs", []):
            values = output.get("metadata", {}).get("lacoe_chart", {}).get("values")
            if name and values is not None:
                found[name] = values
    return found


def number_text(value: float) -> str:
    """A value as the ledger writes it: whole numbers without ``.0``.

    >>> number_text(400.0), number_text(6.25), number_text(-1.5)
    ('400', '6.25', '-1.5')
    """
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def chart_csv(name: str, values: list[dict], ledger_inputs: dict[tuple[str, str], str]) -> bytes:
    """The CSV of one chart: a row per drawn value, with its unit, source, ledger key and figure ids.

    >>> print(chart_csv("fig-a", [{"label": "A", "text": "over 400", "value": 400.0, "key": "k",
    ...                            "chapter": "c", "unit": "count"}], {("c", "k"): "x;y"}).decode())
    figure,label,text,value,unit,source,chapter,key,figure_ids
    fig-a,A,over 400,400,count,ledger,c,k,x;y
    <BLANKLINE>
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for v in values:
        kind = "key" if v.get("key") else "figure" if v.get("figure") else None
        ids = ledger_inputs.get((v.get("chapter", ""), v.get("key", "")), "") if kind == "key" else v.get("figure", "")
        writer.writerow([name, v["label"], v["text"], number_text(v["value"]), v.get("unit", ""), SOURCES[kind],
                         v.get("chapter", ""), v.get("key", ""), ids])
    return out.getvalue().encode("utf-8")


def _ledger_inputs() -> dict[tuple[str, str], str]:
    with open(LEDGER_CSV, encoding="utf-8", newline="") as handle:
        return {(r["chapter"], r["key"]): r["inputs"] for r in csv.DictReader(handle)}


def _records(app) -> dict[str, list[dict]]:
    if getattr(app, "_lacoe_chart_records", None) is None:
        found = {}
        for doc in sorted(app.env.found_docs):
            path = Path(app.env.doc2path(doc))
            if path.suffix == ".ipynb":
                found.update(chart_records(json.loads(path.read_text(encoding="utf-8"))))
        app._lacoe_chart_records = found
    return app._lacoe_chart_records


def _page_dir(app, docname: str) -> str:
    # The single page of the PDF edition sits at the output's root; the HTML pages at their docname.
    return "" if app.builder.name == "singlehtml" else posixpath.dirname(docname)


def link_charts(app, doctree, docname: str) -> None:
    """Add the data link to the caption of every chart that recorded its values."""
    if app.builder.format != "html":
        return
    records = _records(app)
    for figure in doctree.findall(nodes.figure):
        name = next((n for n in figure["names"] if n in records), None)
        caption = next(iter(figure.findall(nodes.caption)), None)
        if name is None or caption is None:
            continue
        href = posixpath.relpath(f"{FOLDER}/{name}.csv", _page_dir(app, docname) or ".")
        link = nodes.reference("", LINK_TEXT, refuri=href, internal=True, classes=["download", "lacoe-chart-data"])
        caption += [nodes.Text(" "), link]


def write_csvs(app, exception) -> None:
    """Write every chart's CSV into the output (a file is rewritten only when its bytes change)."""
    if exception is not None or app.builder.format != "html":
        return
    folder = Path(app.outdir) / FOLDER
    folder.mkdir(exist_ok=True)
    inputs = _ledger_inputs()
    wanted = {f"{name}.csv": chart_csv(name, values, inputs) for name, values in _records(app).items()}
    for stale in folder.glob("*.csv"):
        if stale.name not in wanted:  # a chart that is gone
            stale.unlink()
    for file_name, data in wanted.items():
        target = folder / file_name
        if not target.exists() or digest(target.read_bytes()) != digest(data):
            target.write_bytes(data)


def _forget(app, env) -> None:
    # Read the notebooks again after each reading phase: a preview server rebuilds in one process.
    app._lacoe_chart_records = None


def setup(app):
    app.connect("env-updated", _forget)
    app.connect("doctree-resolved", link_charts)
    app.connect("build-finished", write_csvs)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
