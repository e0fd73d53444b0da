"""Sphinx extension: each chart with the data it draws and, on the web, a version a phone can read.

Each chart a chapter draws (:mod:`lacoe_report.present.plots`) carries in its output's
``lacoe_chart`` metadata the values it draws, written here with the ledger's input figure ids to
``chart-data/<figure name>.csv`` and linked from its caption (the PDF attaches the file), and a
narrow PNG: on the ``html`` builder a chart is a ``<picture>`` (:class:`chart_picture`) offering it
to narrow screens, lazily loaded unless first on its page.
"""
from __future__ import annotations

import base64
import csv
import html
import io
import json
import posixpath
from functools import cached_property
from pathlib import Path
from urllib.parse import quote

import imagesize
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
#: Narrow screens get a chart's narrow variant (the content column is then at most ~550 px).
NARROW_MEDIA = "(max-width: 599.98px)"


def chart_outputs(notebook: dict) -> list[tuple[str | None, dict]]:
    """The figure name (``mystnb.figure.name``) and the output of every chart a notebook draws.

    >>> cell = {"cell_type": "code", "metadata": {"mystnb": {"figure": {"name": "fig-a"}}},
    ...         "outputs": [{"metadata": {"lacoe_chart": {"values": []}}}, {"metadata": {}}]}
    >>> chart_outputs({"cells": [cell]})
    [('fig-a', {'metadata': {'lacoe_chart': {'values': []}}})]
    """
    return [(cell.get("metadata", {}).get("mystnb", {}).get("figure", {}).get("name"), output)
            for cell in notebook.get("cells", []) for output in cell.get("outputs", [])
            if output.get("metadata", {}).get("lacoe_chart")]


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


def chart_variants(outputs) -> dict[str, dict]:
    """Per chart (sha256 of its PNG, MyST-NB's file name): sizes and the narrow variant."""
    found = {}
    for _, output in outputs:
        variants, png = output["metadata"]["lacoe_chart"], output.get("data", {}).get("image/png")
        if not png:
            continue
        wide = base64.b64decode("".join(png) if isinstance(png, list) else png)
        entry = {"size": imagesize.get(io.BytesIO(wide)), "text_px": variants["wide"]["text_px"]}
        if "narrow" in variants:
            narrow = base64.b64decode(variants["narrow"]["png"])
            entry["narrow"] = {"png": narrow, "size": imagesize.get(io.BytesIO(narrow)),
                               "text_px": variants["narrow"]["text_px"]}
        found[digest(wide)] = entry
    return found


class chart_picture(nodes.General, nodes.Element):  # noqa: N801 (docutils names nodes in lower case)
    """A chart's image with its sizes and narrow variant; written as ``<picture>`` by :func:`visit_picture`."""


def picture_tag(src: str, alt: str, chart: dict, lazy: bool) -> str:
    """The HTML of one chart: ``<img>`` with its sizes, inside ``<picture>`` when it has a narrow variant.

    Examples
    --------
    >>> chart = {"size": (800, 400), "text_px": 21.0, "narrow": {"size": (500, 600), "text_px": 22.0}}
    >>> print(picture_tag("../_images/ab.png", "A bar", chart, lazy=True))  # doctest: +NORMALIZE_WHITESPACE
    <picture><source media="(max-width: 599.98px)" srcset="../_images/ab-narrow.png" width="500" height="600"
    data-text-px="22.0"><img alt="A bar" src="../_images/ab.png" width="800" height="400" decoding="async"
    data-text-px="21.0" loading="lazy"></picture>
    """
    width, height = chart["size"]
    img = (f'<img alt="{html.escape(alt, quote=True)}" src="{html.escape(src, quote=True)}" width="{width}" '
           f'height="{height}" decoding="async" data-text-px="{chart["text_px"]}"'
           f'{" loading=" + chr(34) + "lazy" + chr(34) if lazy else ""}>')
    narrow = chart.get("narrow")
    if narrow is None:
        return img
    n_width, n_height = narrow["size"]
    narrow_src = html.escape(src[: -len(".png")] + "-narrow.png", quote=True)
    return (f'<picture><source media="{NARROW_MEDIA}" srcset="{narrow_src}" width="{n_width}" '
            f'height="{n_height}" data-text-px="{narrow["text_px"]}">{img}</picture>')


def visit_picture(self, node: chart_picture) -> None:
    """Sphinx's HTML translator: write the chart (its image node is this node's only child)."""
    image = node.children[0]
    uri = image["uri"]
    # The builder's own map from a source image to its file in _images (what visit_image reads).
    src = posixpath.join(self.builder.imgpath, quote(self.builder.images[uri])) \
        if uri in self.builder.images else uri
    self.body.append(picture_tag(src, image.get("alt", ""), node["chart"], node["lazy"]))
    raise nodes.SkipNode


class Charts:
    """The charts of the book's notebooks, read once per build (an application builds once)."""

    def __init__(self, app):
        self.app = app

    @cached_property
    def outputs(self) -> list[tuple[str | None, dict]]:
        """:func:`chart_outputs` of every notebook of the book."""
        paths = (Path(self.app.env.doc2path(doc)) for doc in sorted(self.app.env.found_docs))
        return [found for path in paths if path.suffix == ".ipynb"
                for found in chart_outputs(json.loads(path.read_text(encoding="utf-8")))]

    @cached_property
    def records(self) -> dict[str, list[dict]]:
        """Per figure name, the values its chart draws."""
        return {name: output["metadata"]["lacoe_chart"]["values"] for name, output in self.outputs
                if name and "values" in output["metadata"]["lacoe_chart"]}

    @cached_property
    def variants(self) -> dict[str, dict]:
        """:func:`chart_variants` of every chart of the book."""
        return chart_variants(self.outputs)

    def resolve(self, app, doctree, docname: str) -> None:
        """Add the data link to every chart's caption; on ``html`` pages, make each chart a :class:`chart_picture`."""
        if app.builder.format != "html":
            return
        records = self.records
        # The single page of the PDF edition sits at the output's root; the HTML pages at their docname.
        page_dir = "" if app.builder.name == "singlehtml" else posixpath.dirname(docname)
        for figure in doctree.findall(nodes.figure):
            name = next((n for n in figure["names"] if n in records), None)
            caption = next(iter(figure.findall(nodes.caption)), None)
            if name is None or caption is None:
                continue
            href = posixpath.relpath(f"{FOLDER}/{name}.csv", page_dir or ".")
            link = nodes.reference("", LINK_TEXT, refuri=href, internal=True, classes=["download", "lacoe-chart-data"])
            caption += [nodes.Text(" "), link]
        if app.builder.name != "html":
            return
        count = 0
        for image in list(doctree.findall(nodes.image)):
            chart = self.variants.get(Path(image["uri"]).stem)
            if chart is None:
                continue
            count += 1
            # The first chart may be in the first screen: not lazy.
            picture = chart_picture("", chart=chart, lazy=count > 1)
            image.replace_self(picture)
            picture += image

    def write(self, app, exception) -> None:
        """Write every chart's CSV, and on ``html`` its narrow PNG beside the wide one in ``_images`` (when changed)."""
        if exception is not None or app.builder.format != "html":
            return
        with open(LEDGER_CSV, encoding="utf-8", newline="") as handle:
            inputs = {(r["chapter"], r["key"]): r["inputs"] for r in csv.DictReader(handle)}
        folder = Path(app.outdir) / FOLDER
        wanted = {folder / f"{name}.csv": chart_csv(name, values, inputs) for name, values in self.records.items()}
        folder.mkdir(exist_ok=True)
        for stale in folder.glob("*.csv"):
            if stale not in wanted:  # a chart that is gone
                stale.unlink()
        if app.builder.name == "html":
            images = Path(app.outdir) / "_images"
            wanted |= {images / f"{sha}-narrow.png": chart["narrow"]["png"]
                       for sha, chart in self.variants.items() if "narrow" in chart}
            images.mkdir(exist_ok=True)
        for target, data in wanted.items():
            if not target.exists() or target.read_bytes() != data:
                target.write_bytes(data)


def setup(app):
    charts = Charts(app)
    app.add_node(chart_picture, html=(visit_picture, None))
    app.connect("doctree-resolved", charts.resolve)
    app.connect("build-finished", charts.write)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
