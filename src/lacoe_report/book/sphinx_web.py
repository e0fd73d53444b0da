"""A Sphinx extension that makes the HTML book valid, light and legible on a phone.

What it changes, and why (the numbers are the issue's measurements):

* **Valid HTML.** pandas writes a ``<style scoped>`` block into every table it
  renders, which HTML does not allow in the body (52 errors of the Nu HTML
  Checker, and 117 more for the selectors inside them); the blocks are
  dropped from the cell outputs and ``_static/custom.css`` styles the
  tables' classes instead. The bare ``index.html`` redirect gets a doctype
  and a title. (The code toggles' markup is fixed by :mod:`sphinx_a11y`.)
* **Fast on a phone.** Each page waited on about 1 MB of theme CSS and
  JavaScript. Pages now link one stylesheet, the theme's CSS trimmed to the
  selectors the book's pages and scripts can use (:func:`purge_css`); the
  book's own scripts are deferred, and the theme's (Bootstrap, copy buttons,
  toggles, some 140 kB) load after the load event
  (``_static/lacoe-late-scripts.js``), so their bytes never delay the first
  screen; Font Awesome's 1.5 MB script (which swaps icons for
  SVG) is dropped, the theme's icon font draws the same icons; the search
  scripts and the 70 kB search index load on the search page only (search
  as you type is off). The theme's load-time measurement of every scrollable
  box runs in idle time instead (:func:`idle_tab_stops`), so the sections
  ``content-visibility`` skips stay unlaid-out. Every page gets a
  ``<meta name="description">`` from its first paragraph.
* **Charts a phone can read.** A chart cell's output carries a second PNG
  drawn in a narrow layout (:meth:`lacoe_report.present.plots.Chart.narrow`);
  pages show it to narrow screens with ``<picture>``, give every chart its
  width and height, and load charts lazily. The single-page build behind the
  PDF keeps the print layout.

* **An offline PDF page.** Jupyter Book puts MathJax, from a CDN, on the
  ``singlehtml`` page whether or not the book has math (its asset policy
  ``always``, for Sphinx versions that did not look into the chapters a page
  includes); this Sphinx does, so the page gets MathJax exactly when a chapter
  has math (:func:`math_assets_where_math_is`).

Only the ``html`` builder's pages are rewritten (as Sphinx renders them, so
an incremental build never rewrites a page twice); the ``singlehtml`` build
of the PDF gets the valid markup only. The ``make bench`` Lighthouse and Nu
HTML Checker runs (``benchmarks/lighthouse.py``) measure the result, and the
browser tests (``tests/browser``) check it.
"""
from __future__ import annotations

import base64
import html
import io
import json
import logging
import re
import struct
from pathlib import Path
from urllib.parse import urlsplit

from docutils import nodes

from ..core.safe_write import digest

#: The one stylesheet pages link, written into ``_static`` at the end of the build.
BUNDLE = "_static/lacoe-book.css"
#: Its ``@media print`` rules, linked with ``media="print"``.
PRINT_BUNDLE = "_static/lacoe-book-print.css"
#: The folder, beside the output folder (so never published), that keeps the last bundles.
CSS_CACHE = ".lacoe-css-cache"
#: How many bundles it keeps (a few hundred kilobytes each).
CSS_CACHE_ENTRIES = 4
#: Narrow screens get a chart's narrow variant (the content column is then at most ~550 px).
NARROW_MEDIA = "(max-width: 599.98px)"
#: Scripts no page needs: Font Awesome's SVG replacement (the icon font draws the icons).
DROPPED_SCRIPTS = ("scripts/fontawesome.js",)
#: Scripts only the search page needs while search-as-you-type is off.
SEARCH_SCRIPTS = ("searchtools.js", "language_data.js", "searchindex.js")
#: Scripts that still run as soon as the page is parsed (deferred): the book's own small ones. Every
#: other script of a page (not the search page) loads after the load event (``_static/lacoe-late-scripts.js``).
EAGER_SCRIPTS = ("lacoe-trace.js", "lacoe-tabstops.js", "lacoe-late-scripts.js")
#: How a late script is written until then: a data block the browser neither fetches nor runs.
LATE_TYPE = "lacoe/late"
#: Scripts a page loads only when it holds their markup: sphinx-design's tabs (no page has any yet),
#: and the derivations of glued numbers (the ledger, for one, has none).
PAGE_SCRIPTS = {"design-tabs.js": 'class="sd-tab-set', "lacoe-trace.js": 'class="lacoe-trace-data"'}
#: A description is cut at a word boundary near this many characters (search engines show ~155).
DESCRIPTION_CHARS = 155

#: Classes Bootstrap's script adds for the components the theme uses (tooltips,
#: the search dialog, collapsible navigation); its other components (carousel,
#: toast, popover ...) are not on any page, and neither is their CSS.
BOOTSTRAP_STATES = ("show", "showing", "hiding", "fade", "collapse", "collapsing", "active", "disabled",
                    "tooltip", "tooltip-inner", "tooltip-arrow", "bs-tooltip-auto", "bs-tooltip-top",
                    "bs-tooltip-bottom", "bs-tooltip-start", "bs-tooltip-end", "dropdown-menu",
                    "modal-open", "offcanvas", "offcanvas-backdrop", "modal-backdrop")
_WHITESPACE_RUN = re.compile(r">\s*\n\s*<")
_KEEP_WHITESPACE = re.compile(r"<(pre|textarea|script|style)\b.*?</\1>", re.DOTALL | re.IGNORECASE)
_STYLE_SCOPED = re.compile(r"<style scoped>.*?</style>\s*", re.DOTALL)
_LINK_CSS = re.compile(r'<link\b[^>]*\brel="stylesheet"[^>]*>\s*')
_HREF = re.compile(r'\bhref="([^"]+)"')
_SCRIPT = re.compile(r'<script\b([^>]*)\bsrc="([^"]+)"([^>]*)>\s*</script>\s*')
_PRELOAD_SCRIPT = re.compile(r'<link\b[^>]*\brel="preload"[^>]*\bas="script"[^>]*>\s*')
_IMG = re.compile(r'<img\b[^>]*\bsrc="((?:\.\./)*_images/([0-9a-f]{64})\.png)"[^>]*?/?>')
_WORD = re.compile(r"[A-Za-z_][\w-]*")
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
_CSS_IMPORT = re.compile(r"""@import\s+(?:url\()?\s*['"]([^'"]+)['"]\s*\)?\s*;""")


# --------------------------------------------------------------------------- valid HTML
def drop_scoped_styles(app, doctree, docname) -> None:
    """Remove pandas' ``<style scoped>`` blocks from the HTML outputs of cells."""
    for node in doctree.findall(nodes.raw):
        if "html" in node.get("format", "") and "<style scoped>" in node.astext():
            text = _STYLE_SCOPED.sub("", node.astext())
            node.children = [nodes.Text(text)]
            node.rawsource = text


def valid_redirect(target: str, title: str) -> str:
    """A complete HTML page that sends the reader to ``target``.

    Examples
    --------
    >>> print(valid_redirect("chapters/intro.html", "Book")[:15])
    <!DOCTYPE html>
    """
    target, title = html.escape(target), html.escape(title)
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{title}</title>\n<meta http-equiv=\"refresh\" content=\"0; url={target}\">\n"
            f"<link rel=\"canonical\" href=\"{target}\">\n</head>\n<body>\n"
            f"<p><a href=\"{target}\">{title}</a></p>\n</body>\n</html>\n")


def fix_index_redirect(app, exception) -> None:
    """Give the bare ``<meta>`` redirect that sphinx-external-toc writes a doctype and a title."""
    if exception is not None or app.builder.name != "html":
        return
    index = Path(app.outdir) / "index.html"
    if not index.exists():
        return
    match = re.fullmatch(r'<meta http-equiv="Refresh" content="0; url=([^"]+)" />\s*',
                         index.read_text(encoding="utf-8"))
    if match:
        index.write_text(valid_redirect(match.group(1), app.config.html_title or app.config.project),
                         encoding="utf-8")


# --------------------------------------------------------------------------- description
def first_paragraph(doctree) -> str:
    """The text of a page's first paragraph of prose (not in a code cell's output)."""
    for paragraph in doctree.findall(nodes.paragraph):
        inside_output = any("cell_output" in (getattr(a, "get", lambda *_: [])("classes") or [])
                            for a in _ancestors(paragraph))
        text = " ".join(paragraph.astext().split())
        if text and not inside_output:
            return text
    return ""


def _ancestors(node):
    while node.parent is not None:
        node = node.parent
        yield node


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


# --------------------------------------------------------------------------- charts
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


def _with_attributes(tag: str, **attributes) -> str:
    """``tag`` (an ``<img ...>``) with ``attributes`` set, replacing any it had."""
    for name, value in attributes.items():
        name = name.replace("_", "-")
        tag = re.sub(rf'\s{name}="[^"]*"', "", tag)
        tag = re.sub(r"\s*/?>$", f' {name}="{value}">', tag)
    return tag


def responsive_charts(page: str, charts: dict[str, dict]) -> str:
    """Size every chart, load all but the first lazily, and offer narrow screens the narrow variant."""
    count = 0

    def replace(match: re.Match) -> str:
        nonlocal count
        src, sha = match.group(1), match.group(2)
        chart = charts.get(sha)
        if chart is None:
            return match.group(0)
        count += 1
        width, height = chart["size"]
        tag = _with_attributes(match.group(0), width=width, height=height, decoding="async",
                               data_text_px=chart["text_px"])
        if count > 1:  # the first chart may be in the first screen: not lazy
            tag = _with_attributes(tag, loading="lazy")
        narrow = chart.get("narrow")
        if narrow is None:
            return tag
        n_width, n_height = narrow["size"]
        source = (f'<source media="{NARROW_MEDIA}" srcset="{src[:-4]}-narrow.png" width="{n_width}" '
                  f'height="{n_height}" data-text-px="{narrow["text_px"]}">')
        return f"<picture>{source}{tag}</picture>"

    return _IMG.sub(replace, page)


def write_narrow_charts(outdir: Path, charts: dict[str, dict]) -> None:
    images = outdir / "_images"
    images.mkdir(exist_ok=True)
    for sha, chart in charts.items():
        if "narrow" in chart:
            target = images / f"{sha}-narrow.png"
            if not target.exists() or target.read_bytes() != chart["narrow"]["png"]:
                target.write_bytes(chart["narrow"]["png"])


# --------------------------------------------------------------------------- CSS and scripts
def _static_name(href: str) -> str | None:
    """``styles/theme.css`` for ``../_static/styles/theme.css?digest=…``; None outside ``_static``."""
    path = urlsplit(href).path
    return path.split("_static/", 1)[1] if "_static/" in path and "://" not in href else None


def rewrite_assets(page: str, pagename: str, root: str, stylesheets: list[str]) -> str:
    """Link the one bundled stylesheet, defer every script, drop what the page does not use.

    ``root`` is the relative path from the page to the book's root (``../``);
    ``stylesheets`` collects, in order, the ``_static`` files the bundle must hold.
    """
    first = True

    def css(match: re.Match) -> str:
        nonlocal first
        href = _HREF.search(match.group(0))
        name = _static_name(href.group(1)) if href else None
        if name is None:
            return match.group(0)
        if name not in stylesheets:
            stylesheets.append(name)
        if first:
            first = False
            return (f'<link rel="stylesheet" href="{root}{BUNDLE}">\n'
                    f'<link rel="stylesheet" href="{root}{PRINT_BUNDLE}" media="print">\n')
        return ""

    page = _LINK_CSS.sub(css, page)
    page = _PRELOAD_SCRIPT.sub("", page)  # preloads compete with the first paint for bandwidth
    search_page = pagename == "search"

    def script(match: re.Match) -> str:
        before, src, after = match.groups()
        name = _static_name(src) or urlsplit(src).path.rsplit("/", 1)[-1]
        base = name.rsplit("/", 1)[-1]
        if name in DROPPED_SCRIPTS or (not search_page and base in SEARCH_SCRIPTS):
            return ""
        if base in PAGE_SCRIPTS and PAGE_SCRIPTS[base] not in page:
            return ""
        # Late: fetched after the load event, so its bytes never delay the first screen on a slow
        # connection. The search page keeps its scripts as they are (its results need them at once),
        # and so does a page's sphinx-design script (it starts on DOMContentLoaded).
        if not search_page and base not in EAGER_SCRIPTS and base not in PAGE_SCRIPTS:
            attributes = re.sub(r'\s(?:defer|async)(?:="[^"]*")?(?=\s|$)', "", before + after).strip()
            return f'<script type="{LATE_TYPE}" data-src="{src}"{" " + attributes if attributes else ""}></script>\n'
        attributes = before + after
        if "defer" in attributes or "async" in attributes:
            return match.group(0)
        return f'<script defer{before}src="{src}"{after}></script>\n'

    return _SCRIPT.sub(script, page)


def collapse_whitespace(page: str) -> str:
    """Shrink the indentation between tags to one newline (a browser shows any run of
    white space as one space), except inside ``<pre>``, ``<textarea>``, scripts and styles.

    Examples
    --------
    >>> collapse_whitespace("<tr>\\n      <td>1</td>\\n    </tr><pre>a\\n  b</pre>")
    '<tr>\\n<td>1</td>\\n</tr><pre>a\\n  b</pre>'
    """
    kept: list[str] = []

    def hold(match: re.Match) -> str:
        kept.append(match.group(0))
        return f"\0{len(kept) - 1}\0"

    held = _KEEP_WHITESPACE.sub(hold, page)
    held = _WHITESPACE_RUN.sub(">\n<", held)
    return re.sub(r"\0(\d+)\0", lambda m: kept[int(m.group(1))], held)


def inline_documentation_options(page: str, outdir: Path) -> str:
    """Put ``documentation_options.js`` (half a kilobyte) inline: inline scripts after it
    set ``DOCUMENTATION_OPTIONS.pagename``, so it cannot be deferred."""
    def inline(match: re.Match) -> str:
        if not match.group(2).split("?")[0].endswith("_static/documentation_options.js"):
            return match.group(0)
        source = outdir / "_static" / "documentation_options.js"
        if not source.exists():
            return match.group(0)
        return f"<script>{source.read_text(encoding='utf-8').strip()}</script>\n"
    return _SCRIPT.sub(inline, page)


def _selectors(prelude) -> list[list]:
    """Split a rule's prelude at its top-level commas (``:is(a, b)`` stays whole)."""
    groups, current = [], []
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            groups.append(current)
            current = []
        else:
            current.append(token)
    groups.append(current)
    return groups


def _selector_used(tokens, words: set[str]) -> bool:
    """Whether every class and id a selector names at top level occurs in ``words``.

    Classes inside functions (``:not(.x)``, ``:is(.x)``) are not checked, so
    a rule is only ever dropped when it certainly cannot match.
    """
    previous = None
    for token in tokens:
        if token.type == "ident" and previous is not None and previous.type == "literal" and previous.value == ".":
            if token.value not in words:
                return False
        elif token.type == "hash" and token.is_identifier and token.value not in words:
            return False
        previous = token
    return True


def purge_css(text: str, words: set[str]) -> str:
    """Keep the rules of ``text`` whose selectors can match a page; at-rules recurse.

    Examples
    --------
    >>> purge_css(".a{color:red}.b,.c{color:blue}@media print{.b{top:0}}", {"a", "c"})
    '.a{color:red}.c{color:blue}'
    """
    import tinycss2

    out = []
    for rule in tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True):
        if rule.type == "qualified-rule":
            kept = [tinycss2.serialize(sel).strip() for sel in _selectors(rule.prelude) if _selector_used(sel, words)]
            if kept:
                out.append(",".join(kept) + "{" + tinycss2.serialize(rule.content).strip() + "}")
        elif rule.type == "at-rule":
            keyword = rule.lower_at_keyword
            if keyword in ("media", "supports", "layer", "container") and rule.content is not None:
                inner = purge_css(tinycss2.serialize(rule.content), words)
                if inner:
                    out.append(f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude).rstrip()}{{{inner}}}")
            else:
                out.append(tinycss2.serialize([rule]).strip())
    return "".join(out)


def selector_names(text: str) -> set[str]:
    """Every class and id that :func:`purge_css` would look up for ``text``.

    Only these of a page's words can change what the purge keeps.

    Examples
    --------
    >>> sorted(selector_names(".a .b,#c{color:red}@media print{.d:not(.e){top:0}}"))
    ['a', 'b', 'c', 'd']
    """
    import tinycss2

    names: set[str] = set()
    for rule in tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True):
        if rule.type == "qualified-rule":
            for selector in _selectors(rule.prelude):
                previous = None
                for token in selector:
                    is_class = (token.type == "ident" and previous is not None
                                and previous.type == "literal" and previous.value == ".")
                    if is_class or (token.type == "hash" and token.is_identifier):
                        names.add(token.value)
                    previous = token
        elif rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports", "layer", "container") \
                and rule.content is not None:
            names |= selector_names(tinycss2.serialize(rule.content))
    return names


def _css_with_imports(path: Path, static: Path, seen: set[Path]) -> str:
    """The CSS of ``path`` with its ``@import``s inlined and its ``url()``s made relative to ``_static``."""
    if path in seen or not path.exists():
        return ""
    seen.add(path)
    text = path.read_text(encoding="utf-8")
    text = _CSS_IMPORT.sub(lambda m: _css_with_imports((path.parent / m.group(1)).resolve(), static, seen), text)

    def rebase(match: re.Match) -> str:
        url = match.group(2)
        if url.startswith(("data:", "#", "/")) or "://" in url:
            return match.group(0)
        target = (path.parent / urlsplit(url).path).resolve()
        rest = url[len(urlsplit(url).path):]
        return f'url("{Path(_relative(target, static))}{rest}")'

    return _CSS_URL.sub(rebase, text)


def _relative(target: Path, base: Path) -> str:
    import os
    return os.path.relpath(target, base).replace(os.sep, "/")


_JS_STRING = re.compile(r""""([^"\\\n]*)"|'([^'\\\n]*)'|`([^`]*)`""")


def page_words(outdir: Path) -> set[str]:
    """The classes and ids pages can use: every word of the pages, and of the
    string literals of the scripts they load (classes that scripts add)."""
    words: set[str] = set()
    for page in outdir.rglob("*.html"):
        if "_sources" not in page.parts:
            words.update(_WORD.findall(page.read_text(encoding="utf-8")))
    words.update(BOOTSTRAP_STATES)
    for script in (outdir / "_static").rglob("*.js"):
        if script.name in ("searchindex.js", "bootstrap.js") or f"scripts/{script.name}" in DROPPED_SCRIPTS:
            continue
        for literal in _JS_STRING.findall(script.read_text(encoding="utf-8", errors="replace")):
            for part in literal:
                words.update(_WORD.findall(part))
    return words


_CUSTOM_PROPERTY = re.compile(r"(?<=[{;])\s*(--[\w-]+)\s*:[^;{}]*(?:;|(?=}))")
_VAR_USE = re.compile(r"var\(\s*(--[\w-]+)")


def drop_unused_properties(css: str, scripts: str = "") -> str:
    """Remove custom property declarations (``--x: …``) that nothing reads with ``var(--x)``.

    Repeats until stable, since a dropped declaration may hold the only use of another.

    Examples
    --------
    >>> drop_unused_properties(":root{--a:1px;--b:var(--c);--c:2px}p{margin:var(--a)}")
    ':root{--a:1px;}p{margin:var(--a)}'
    """
    while True:
        used = set(_VAR_USE.findall(css)) | set(re.findall(r"--[\w-]+", scripts))
        trimmed = _CUSTOM_PROPERTY.sub(lambda m: m.group(0) if m.group(1) in used else "", css)
        if trimmed == css:
            return css
        css = trimmed


def split_print(css: str) -> tuple[str, str]:
    """Move ``@media print`` blocks into a stylesheet of their own (linked with ``media="print"``,
    so it never delays the first paint on screen)."""
    import tinycss2

    screen, printed = [], []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        text = tinycss2.serialize([rule]).strip()
        if rule.type == "at-rule" and rule.lower_at_keyword == "media" and \
                tinycss2.serialize(rule.prelude).strip().lower() == "print" and rule.content is not None:
            printed.append(tinycss2.serialize(rule.content).strip())
        else:
            screen.append(text)
    return "".join(screen), "".join(printed)


def _processing_version() -> bytes:
    """What else decides a bundle: this module's code and the versions of the libraries it uses.

    Part of every cache key, so that an edited trimming rule or an upgraded
    tinycss2 or fontTools is never answered with a bundle the old code made.
    """
    import fontTools
    import tinycss2

    return Path(__file__).read_bytes() + f"\0{tinycss2.__version__}\0{fontTools.version}".encode("utf-8")


def write_bundle(outdir: Path, stylesheets: list[str], cache: Path | None = None) -> Path:
    """Concatenate ``stylesheets`` (in page order), trim them to the words in use, write
    :data:`BUNDLE` and its print part :data:`PRINT_BUNDLE`.

    With ``cache`` (a folder), the result is kept there under a digest of
    everything it is computed from (the stylesheets, the pages' words that
    a selector names, the scripts, the icon fonts, this code): a rebuild whose pages
    name the same selectors, such as a prose or code edit, writes the kept
    bundle instead of parsing and trimming the theme's CSS and subsetting
    its fonts again (about 1.5 s a build). The bundle is self-contained (the
    font subsets are inline), so the two stylesheets are the whole entry.
    """
    static = (outdir / "_static").resolve()
    seen: set[Path] = set()
    css = "\n".join(_css_with_imports((static / name).resolve(), static, seen) for name in stylesheets)
    scripts = "".join(p.read_text(encoding="utf-8", errors="replace") for p in sorted(static.rglob("*.js"))
                      if p.name != "searchindex.js" and f"scripts/{p.name}" not in DROPPED_SCRIPTS)
    words = page_words(outdir)
    version = _processing_version()
    parts = (css, "\n".join(sorted(words & _names(css, cache, version))), scripts)
    key = digest(version + b"\0" + b"".join(part.encode("utf-8") + b"\0" for part in parts)
                 + b"".join(font.relative_to(static).as_posix().encode("utf-8") + b"\0" + font.read_bytes()
                            for font in sorted(static.rglob("*.ttf"))))
    kept = cache / f"bundle-{key}" if cache else None
    if kept is not None and (kept / "screen.css").exists():
        kept.touch()  # recently used: kept longest
        screen = (kept / "screen.css").read_text(encoding="utf-8")
        printed = (kept / "print.css").read_text(encoding="utf-8")
    else:
        screen, printed = split_print(drop_unused_properties(purge_css(css, words), scripts))
        screen = subset_icon_fonts(screen, static)
        if kept is not None:
            _keep(kept, screen, printed)
    target = outdir / BUNDLE
    target.write_text(screen + "\n", encoding="utf-8")
    (outdir / PRINT_BUNDLE).write_text(printed + "\n", encoding="utf-8")
    return target


def _names(css: str, cache: Path | None, version: bytes) -> set[str]:
    """:func:`selector_names` of ``css``, kept in ``cache`` under a digest of the CSS and the
    :func:`_processing_version` (a parse saved)."""
    if cache is None:
        return selector_names(css)
    kept = cache / f"names-{digest(version + css.encode('utf-8'))}.json"
    if kept.exists():
        return set(json.loads(kept.read_text(encoding="utf-8")))
    names = selector_names(css)
    for old in cache.glob("names-*.json"):
        old.unlink()
    cache.mkdir(parents=True, exist_ok=True)
    kept.write_text(json.dumps(sorted(names)), encoding="utf-8")
    return names


def _keep(folder: Path, screen: str, printed: str) -> None:
    """Store one bundle in ``folder``; the cache keeps the :data:`CSS_CACHE_ENTRIES` used last.

    More than one, so that an edit and its undo (a first ``print`` output
    in the book, then none) both find theirs.
    """
    import shutil

    entries = sorted((e for e in folder.parent.glob("bundle-*") if not e.name.endswith(".partial")),
                     key=lambda e: e.stat().st_mtime, reverse=True)
    for old in entries[CSS_CACHE_ENTRIES - 1:] + list(folder.parent.glob("bundle-*.partial")) + [folder]:
        shutil.rmtree(old, ignore_errors=True)
    partial = folder.with_name(folder.name + ".partial")
    partial.mkdir(parents=True)
    (partial / "screen.css").write_text(screen, encoding="utf-8")
    (partial / "print.css").write_text(printed, encoding="utf-8")
    partial.rename(folder)  # complete or absent: a build cut short leaves no half entry


_FONT_FACE = re.compile(r"@font-face\{[^}]*\}")
_FONT_URL = re.compile(r'url\("[^"]+\.woff2"\)\s*format\("woff2"\),\s*url\("([^"]+\.ttf)"\)\s*format\("truetype"\)')
_ICON_ESCAPE = re.compile(r"\\([eEfF][0-9a-fA-F]{3})\b")


def icon_codepoints(css: str) -> set[int]:
    r"""The private-use code points the CSS can show (``content:"\f002"``): the icons in use.

    Examples
    --------
    >>> sorted(hex(c) for c in icon_codepoints(r'.a:before{content:"\f002"}:root{--i:"\e521"}'))
    ['0xe521', '0xf002']
    """
    points = {int(m.group(1), 16) for m in _ICON_ESCAPE.finditer(css)}
    points |= {ord(c) for c in css if 0xE000 <= ord(c) <= 0xF8FF}
    return points


def subset_icon_fonts(css: str, static: Path) -> str:
    """Cut the theme's Font Awesome fonts (156 kB for the solid one) down to the icons the CSS uses.

    Each ``@font-face`` with a ``.woff2`` and a ``.ttf`` source gets a WOFF
    subset of the TrueType file (reading WOFF2 would need Brotli) holding
    only :func:`icon_codepoints` (a few kilobytes), and its ``src`` is that
    subset, inline as a ``data:`` URL: a font file of its own was one more
    request the first paint waited for, after the stylesheet (a header icon
    is on every first screen). Fonts that hold none of them are left as they are.
    """
    from fontTools import subset
    from fontTools.ttLib import TTFont

    # fontTools reports every subsetting step at INFO, some 60 lines per build, through whatever
    # handler the host set up: a preview whose output nobody reads then blocks on a full pipe.
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    wanted = icon_codepoints(css)

    def face(match: re.Match) -> str:
        rule = match.group(0)
        url = _FONT_URL.search(rule)
        if not url:
            return rule
        source = (static / url.group(1)).resolve()
        if not source.exists():
            return rule
        font = TTFont(source, recalcTimestamp=False)  # the same subset, byte for byte, every build
        present = wanted & set(font.getBestCmap())
        if not present:
            return rule
        options = subset.Options()
        options.flavor = "woff"
        options.layout_features = []
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted(present))
        subsetter.subset(font)
        font.flavor = "woff"
        woff = io.BytesIO()
        font.save(woff)
        font.close()
        data = base64.b64encode(woff.getvalue()).decode("ascii")
        return rule.replace(url.group(0), f'url("data:font/woff;base64,{data}") format("woff")')

    return _FONT_FACE.sub(face, css)


# --------------------------------------------------------------------------- theme script
#: The theme's load-time test for a scrollable box (pydata-sphinx-theme's
#: ``addTabStopsToScrollableElements``, as its bundled script spells it).
_THEME_TAB_STOP = re.compile(r"(\w+)\.tabIndex=\1\.scrollWidth>\1\.clientWidth\|\|"
                             r"\1\.scrollHeight>\1\.clientHeight\?0:-1")
THEME_SCRIPT = "_static/scripts/pydata-sphinx-theme.js"


def idle_tab_stops(script: str) -> str:
    """Route the theme's tab-stop measurement of every scrollable box to
    ``_static/lacoe-tabstops.js`` (Jupyter Book links every script in ``_static``,
    before the theme's), which does it in idle time a few boxes at a time.

    At load the theme measures every code block, output and table in one
    task, which forces the layout of each section ``content-visibility``
    skips (about half a second of a phone's main thread on the long pages).
    A theme whose script reads differently is left as it is.

    Examples
    --------
    >>> idle_tab_stops("forEach(e=>{e.tabIndex=e.scrollWidth>e.clientWidth||e.scrollHeight>e.clientHeight?0:-1})")
    'forEach(e=>{lacoeTabStop(e)})'
    >>> idle_tab_stops("other")
    'other'
    """
    return _THEME_TAB_STOP.sub(lambda m: f"lacoeTabStop({m.group(1)})", script)


def patch_theme_script(outdir: Path) -> bool:
    """Apply :func:`idle_tab_stops` to the theme's script in ``outdir``; True if it changed."""
    path = outdir / THEME_SCRIPT
    if not path.exists():
        return False
    text = path.read_text(encoding="utf-8")
    patched = idle_tab_stops(text)
    if patched != text:
        path.write_text(patched, encoding="utf-8")
    return patched != text


# --------------------------------------------------------------------------- wiring
class _State:
    def __init__(self):
        self.stylesheets: list[str] = []
        self.rendered = 0
        self.charts: dict[str, dict] | None = None


def _charts(app) -> dict[str, dict]:
    state = app._lacoe_web
    if state.charts is None:
        notebooks = [app.env.doc2path(doc) for doc in sorted(app.env.found_docs)]
        state.charts = chart_variants(p for p in notebooks if str(p).endswith(".ipynb"))
    return state.charts


def _wrap_renderer(app) -> None:
    if app.builder.name != "html":
        return
    app._lacoe_web = state = _State()
    templates = app.builder.templates
    render = templates.render

    def render_page(template, context):
        page = render(template, context)
        pagename = context.get("pagename", "")
        root = context["pathto"]("", 1) if "pathto" in context else ""
        root = "" if root in ("#", ".", "./") else root.rstrip("/") + "/"
        page = inline_documentation_options(page, Path(app.outdir))
        page = rewrite_assets(page, pagename, root, state.stylesheets)
        page = responsive_charts(page, _charts(app))
        page = collapse_whitespace(page)
        state.rendered += 1
        return page

    templates.render = render_page


def _finish(app, exception) -> None:
    if exception is not None or app.builder.name != "html":
        return
    outdir = Path(app.outdir)
    state = app._lacoe_web
    write_narrow_charts(outdir, _charts(app))
    patch_theme_script(outdir)
    if state.stylesheets or not (outdir / BUNDLE).exists():
        # The cache sits beside the output folder, so it is never published.
        write_bundle(outdir, state.stylesheets or ["styles/theme.css"], cache=outdir.parent / CSS_CACHE)


def math_assets_where_math_is(app, pagename, templatename, context, doctree) -> None:
    """Give the single-page build Sphinx's own rule for MathJax: on a page with math, or including one.

    Runs before ``sphinx.ext.mathjax`` decides for the page (a lower priority).
    Only the math extensions read the policy (mathjax, jsmath).
    """
    if app.builder.name == "singlehtml" and app.registry.html_assets_policy != "per_page":
        app.set_html_assets_policy("per_page")


def setup(app):
    app.connect("html-page-context", math_assets_where_math_is, priority=100)
    app.connect("doctree-resolved", drop_scoped_styles)
    app.connect("html-page-context", add_description)
    app.connect("builder-inited", _wrap_renderer)
    # After sphinx-external-toc has written the index redirect (priority 500).
    app.connect("build-finished", _finish, priority=600)
    app.connect("build-finished", fix_index_redirect, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
