"""A Sphinx extension that makes the HTML book valid, light and legible on a phone.

* **Valid HTML.** pandas' ``<style scoped>`` blocks are left out of cell outputs
  (:func:`drop_scoped_styles`); ``_static/custom.css`` styles the tables instead.
* **Fast on a phone** (the ``html`` builder only). ``_templates/layout.html`` links what
  :class:`Assets` decides: one stylesheet (:mod:`lacoe_report.book.css_bundle`); the book's
  scripts deferred, the theme's loaded after the load event (``_static/lacoe-late-scripts.js``),
  Font Awesome's script left out (its font draws the icons), the search scripts on the search
  page only; a ``<meta name="description">`` from each page's first paragraph.
* **An offline PDF page.** The ``singlehtml`` page gets MathJax only when a chapter it includes
  has math (:func:`math_assets_where_math_is`).
"""
from __future__ import annotations

import html
from pathlib import Path
from urllib.parse import urlsplit

from docutils import nodes

from ..core.safe_write import digest
from .css_bundle import BUNDLE, CSS_CACHE, DROPPED_SCRIPTS, PRINT_BUNDLE, write_bundle

#: Scripts only the search page needs while search-as-you-type is off.
SEARCH_SCRIPTS = ("searchtools.js", "language_data.js", "searchindex.js")
#: Scripts that still run as soon as the page is parsed (deferred): the book's own small ones. Every
#: other script of a page (not the search page) loads after the load event (``_static/lacoe-late-scripts.js``).
EAGER_SCRIPTS = ("lacoe-trace.js", "lacoe-late-scripts.js")
#: How a late script is written until then: a data block the browser neither fetches nor runs.
LATE_TYPE = "lacoe/late"
#: Scripts a page loads only when it holds their markup: sphinx-design's tabs (no page has any yet),
#: and the derivations of glued numbers (the ledger, for one, has none).
PAGE_SCRIPTS = {"design-tabs.js": 'class="sd-tab-set', "lacoe-trace.js": 'class="lacoe-trace-data"'}
#: The theme's own scripts, which its ``scripts_end`` block loads (``_templates/layout.html``).
THEME_SCRIPTS = ("scripts/bootstrap.js", "scripts/pydata-sphinx-theme.js")
#: Inline, not a file: inline scripts after it set ``DOCUMENTATION_OPTIONS.pagename``, so it cannot wait.
INLINE_SCRIPTS = ("documentation_options.js",)
#: A description is cut at a word boundary near this many characters (search engines show ~155).
DESCRIPTION_CHARS = 155


# --------------------------------------------------------------------------- valid HTML
def drop_scoped_styles(app, doctree, docname) -> None:
    """Leave pandas' ``<style scoped>`` block (first in a table's HTML) out of the HTML outputs of cells."""
    for node in doctree.findall(nodes.raw):
        text = node.astext()
        if "html" not in node.get("format", "") or "<style scoped>" not in text:
            continue
        before, _, rest = text.partition("<style scoped>")
        _, closed, after = rest.partition("</style>")
        if closed:
            text = before + after.lstrip()
            node.children = [nodes.Text(text)]
            node.rawsource = text


# --------------------------------------------------------------------------- description
def first_paragraph(doctree) -> str:
    """The text of a page's first paragraph of prose (not in a code cell's output)."""
    for paragraph in doctree.findall(nodes.paragraph):
        text = " ".join(paragraph.astext().split())
        outer = paragraph.parent
        while outer is not None and "cell_output" not in outer["classes"]:
            outer = outer.parent
        if text and outer is None:
            return text
    return ""


def shorten(text: str, limit: int = DESCRIPTION_CHARS) -> str:
    """Cut ``text`` at a word boundary to at most ``limit`` characters, marking the cut.

    Examples
    --------
    >>> shorten("one two three", 9)
    'one two…'
    >>> shorten("short", 9)
    'short'
    """
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def add_description(app, pagename, templatename, context, doctree) -> None:
    """A ``<meta name="description">`` from the page's first paragraph (or the book's title)."""
    text = shorten(first_paragraph(doctree) if doctree is not None else "") or \
        f"{context.get('title', '')} · {app.config.html_title or app.config.project}".strip(" ·")
    context["metatags"] = context.get("metatags", "") + \
        f'\n<meta name="description" content="{html.escape(text, quote=True)}">'



# --------------------------------------------------------------------------- stylesheets and scripts
def static_name(filename: str) -> str:
    """``styles/theme.css`` for ``_static/styles/theme.css``; a URL or a name outside ``_static`` as it is.

    Examples
    --------
    >>> static_name("_static/scripts/bootstrap.js"), static_name("https://x.org/a.js")
    ('scripts/bootstrap.js', 'https://x.org/a.js')
    """
    path = urlsplit(filename).path
    return path.split("_static/", 1)[1] if "_static/" in path and "://" not in filename else filename


def script_kind(name: str, pagename: str, body: str) -> str:
    """How a page loads the script ``name`` (its path in ``_static``): 'drop', 'plain', 'inline', 'late' or 'defer'.

    Examples
    --------
    >>> script_kind("scripts/bootstrap.js", "chapters/finance", "")
    'late'
    >>> script_kind("scripts/bootstrap.js", "search", ""), script_kind("searchtools.js", "intro", "")
    ('plain', 'drop')
    >>> script_kind("lacoe-trace.js", "x", ""), script_kind("lacoe-trace.js", "x", '<p class="lacoe-trace-data">')
    ('drop', 'defer')
    """
    base = name.rsplit("/", 1)[-1]
    search_page = pagename == "search"
    if name in DROPPED_SCRIPTS or (not search_page and base in SEARCH_SCRIPTS):
        return "drop"
    if base in PAGE_SCRIPTS and PAGE_SCRIPTS[base] not in body:
        return "drop"
    # The search page keeps its scripts as the theme writes them: its own template adds
    # searchtools.js as a plain script, which needs doctools.js to have run.
    if search_page:
        return "plain"
    if base in INLINE_SCRIPTS:
        return "inline"
    # Late: fetched after the load event, so its bytes never delay the first screen on a slow
    # connection. A page's sphinx-design script is deferred (it starts on DOMContentLoaded).
    if base in EAGER_SCRIPTS or base in PAGE_SCRIPTS:
        return "defer"
    return "late"


def script_tag(kind: str, src: str, attributes: dict[str, str], code: str = "") -> str:
    """One ``<script>`` of :func:`script_kind`'s ``kind``.

    Examples
    --------
    >>> script_tag("late", "../_static/a.js?v=1", {"defer": "defer", "data-x": "1"})
    '<script type="lacoe/late" data-src="../_static/a.js?v=1" data-x="1"></script>'
    >>> script_tag("defer", "a.js", {})
    '<script defer src="a.js"></script>'
    """
    extra = "".join(f' {name}="{html.escape(str(value), quote=True)}"' for name, value in attributes.items()
                    if name not in ("src", "defer", "async", "body", "type"))
    if kind == "inline":
        return f"<script{extra}>{code}</script>"
    if kind == "late":  # a data block: neither src nor defer (the HTML checker rejects either on one)
        return f'<script type="{LATE_TYPE}" data-src="{html.escape(src, quote=True)}"{extra}></script>'
    return f'<script defer src="{html.escape(src, quote=True)}"{extra}></script>'


class Assets:
    """The stylesheets the pages of this build link (the bundle's parts, in page order)."""

    def __init__(self):
        self.stylesheets: list[str] = []

    def page_assets(self, app, pagename, templatename, context, doctree) -> None:
        """Tell ``_templates/layout.html`` what this page links: the bundle and its scripts, each as it loads."""
        if app.builder.name != "html":
            return
        for css in ["_static/styles/theme.css", "_static/styles/pydata-sphinx-theme.css",
                    *(getattr(c, "filename", c) for c in context.get("css_files", []))]:
            name = static_name(str(css))
            if name != str(css) and name not in self.stylesheets:
                self.stylesheets.append(name)
        pathto = context["pathto"]
        context["lacoe_stylesheets"] = [pathto(BUNDLE, 1), pathto(PRINT_BUNDLE, 1)]
        body = context.get("body", "")
        outdir = Path(app.outdir)
        tags = []
        for js in context.get("script_files", []):
            filename = str(getattr(js, "filename", js) or "")
            attributes = dict(getattr(js, "attributes", {}))
            kind = script_kind(static_name(filename), pagename, body) if filename else "plain"
            if kind == "plain":  # as Sphinx writes it (an inline script another extension added, too)
                tags.append(context["js_tag"](js))
            elif kind != "drop":
                tags.append(self._tag(kind, filename, attributes, pathto, outdir))
        context["lacoe_scripts"] = tags
        if pagename != "search":  # the search page keeps the theme's own scripts_end
            context["lacoe_theme_scripts"] = [
                self._tag(script_kind(name, pagename, body), f"_static/{name}", {}, pathto, outdir)
                for name in THEME_SCRIPTS]

    @staticmethod
    def _tag(kind, filename, attributes, pathto, outdir) -> str:
        if "://" in filename:
            return script_tag(kind, filename, attributes)
        path = outdir / filename
        if kind == "inline" and path.exists():
            return script_tag(kind, "", attributes, path.read_text(encoding="utf-8").strip())
        # The file's digest in its URL: a browser never runs a kept copy of an edited script.
        version = f"?v={digest(path.read_bytes())[:8]}" if path.exists() else ""
        return script_tag("defer" if kind == "inline" else kind, pathto(filename, 1) + version, attributes)

    def finish(self, app, exception) -> None:
        """Write the stylesheet bundle the pages link (a post-build step on the output folder)."""
        if exception is not None or app.builder.name != "html":
            return
        outdir = Path(app.outdir)
        if self.stylesheets or not (outdir / BUNDLE).exists():
            # The cache sits beside the output folder, so it is never published.
            write_bundle(outdir, self.stylesheets or ["styles/theme.css"], cache=outdir.parent / CSS_CACHE)


def math_assets_where_math_is(app, pagename, templatename, context, doctree) -> None:
    """Give the single-page build Sphinx's own rule for MathJax: on a page with math, or including one.

    Jupyter Book's policy is ``always`` (MathJax from a CDN); this runs before
    ``sphinx.ext.mathjax`` decides for the page.
    """
    if app.builder.name == "singlehtml":
        app.set_html_assets_policy("per_page")


def setup(app):
    assets = Assets()
    app.connect("html-page-context", math_assets_where_math_is, priority=100)
    app.connect("doctree-resolved", drop_scoped_styles)
    app.connect("html-page-context", add_description)
    app.connect("html-page-context", assets.page_assets)
    # After the theme has written its pygments.css (at build-finished, priority 500).
    app.connect("build-finished", assets.finish, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
