"""Charts a phone can read: each chart image becomes a ``<picture>`` at the source (the doctree).

A chart cell's output carries a second PNG drawn in a narrow layout
(:meth:`lacoe_report.present.plots.Chart.narrow`), in its ``lacoe_chart``
metadata. For the ``html`` builder, :func:`picture_charts` (a
``doctree-resolved`` handler) wraps each chart's image node in a
:class:`chart_picture` node, which Sphinx's HTML translator writes as a
``<picture>`` offering narrow screens the narrow variant, with the chart's
width and height, and lazy loading for all but the first chart of a page.
The single-page build behind the PDF keeps the print layout (no handler runs).
"""
from __future__ import annotations

import base64
import html
import json
import posixpath
import struct
from pathlib import Path
from urllib.parse import quote

from docutils import nodes

from ..core.safe_write import digest

#: Narrow screens get a chart's narrow variant (the content column is then at most ~550 px).
NARROW_MEDIA = "(max-width: 599.98px)"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG from its header.

    Examples
    --------
    >>> png_size(b"\\x89PNG\\r\\n\\x1a\\n" + b"\\0\\0\\0\\rIHDR" + struct.pack(">II", 640, 320))
    (640, 320)
    """
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    return struct.unpack(">II", data[16:24])


def chart_variants(notebooks) -> dict[str, dict]:
    """Per chart (sha256 of its PNG, MyST-NB's file name): sizes and the narrow variant.

    Reads the ``lacoe_chart`` metadata that
    :meth:`lacoe_report.present.plots.Chart._repr_mimebundle_` stores with
    each chart output of the executed notebooks.
    """
    found = {}
    for path in notebooks:
        notebook = json.loads(Path(path).read_text(encoding="utf-8"))
        for cell in notebook.get("cells", []):
            for output in cell.get("outputs", []):
                variants = output.get("metadata", {}).get("lacoe_chart")
                png = output.get("data", {}).get("image/png")
                if not variants or not png:
                    continue
                wide = base64.b64decode("".join(png) if isinstance(png, list) else png)
                entry = {"size": png_size(wide), "text_px": variants["wide"]["text_px"]}
                if "narrow" in variants:
                    narrow = base64.b64decode(variants["narrow"]["png"])
                    entry["narrow"] = {"png": narrow, "size": png_size(narrow),
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
    """The book's chart variants, read from the notebooks once per build."""

    def __init__(self):
        self.found: dict[str, dict] | None = None

    def of(self, app) -> dict[str, dict]:
        if self.found is None:
            notebooks = [app.env.doc2path(doc) for doc in sorted(app.env.found_docs)]
            self.found = chart_variants(p for p in notebooks if str(p).endswith(".ipynb"))
        return self.found

    def picture_charts(self, app, doctree, docname) -> None:
        """Wrap every chart image of an ``html`` page in a :class:`chart_picture` node."""
        if app.builder.name != "html":
            return
        charts = self.of(app)
        count = 0
        for image in list(doctree.findall(nodes.image)):
            chart = charts.get(Path(image["uri"]).stem)
            if chart is None:
                continue
            count += 1
            # The first chart may be in the first screen: not lazy.
            picture = chart_picture("", chart=chart, lazy=count > 1)
            image.replace_self(picture)
            picture += image

    def write_narrow(self, app, exception) -> None:
        """Write each chart's narrow PNG beside the wide one in ``_images``."""
        if exception is not None or app.builder.name != "html":
            return
        images = Path(app.outdir) / "_images"
        images.mkdir(exist_ok=True)
        for sha, chart in self.of(app).items():
            if "narrow" in chart:
                target = images / f"{sha}-narrow.png"
                if not target.exists() or target.read_bytes() != chart["narrow"]["png"]:
                    target.write_bytes(chart["narrow"]["png"])


def setup(app, charts: Charts) -> None:
    """Register the node and the handlers (called by :mod:`lacoe_report.book.sphinx_web`)."""
    app.add_node(chart_picture, html=(visit_picture, None))
    app.connect("doctree-resolved", charts.picture_charts)
    app.connect("build-finished", charts.write_narrow)
