"""The book's one stylesheet: the theme's CSS trimmed to what the pages use, fonts cut to the icons in use.

A post-build step on the ``html`` output folder: it reads the written pages
and scripts (never rewriting them) and writes :data:`BUNDLE` and
:data:`PRINT_BUNDLE`, which ``_templates/layout.html`` links instead of the
theme's dozen stylesheets (about 1 MB a page waited on).
"""
from __future__ import annotations

import base64
import io
import json
import logging
import os
import re
import shutil
from collections.abc import Iterator
from itertools import groupby, pairwise
from pathlib import Path
from urllib.parse import urlsplit

import fontTools
import tinycss2

from ..core.safe_write import digest
from . import html_pages

#: The one stylesheet pages link, written into ``_static`` at the end of the build.
BUNDLE = "_static/lacoe-book.css"
#: Its ``@media print`` rules, linked with ``media="print"``.
PRINT_BUNDLE = "_static/lacoe-book-print.css"
#: The folder, beside the output folder (so never published), that keeps the last bundles.
CSS_CACHE = ".lacoe-css-cache"
#: How many bundles it keeps (a few hundred kilobytes each).
CSS_CACHE_ENTRIES = 4
#: Scripts no page loads (the layout leaves out Font Awesome's SVG replacement: the icon font draws the icons).
DROPPED_SCRIPTS = ("scripts/fontawesome.js",)

#: Classes Bootstrap's script adds for the components the theme uses (tooltips,
#: the search dialog, collapsible navigation); its other components (carousel,
#: toast, popover ...) are not on any page, and neither is their CSS.
BOOTSTRAP_STATES = ("show", "showing", "hiding", "fade", "collapse", "collapsing", "active", "disabled",
                    "tooltip", "tooltip-inner", "tooltip-arrow", "bs-tooltip-auto", "bs-tooltip-top",
                    "bs-tooltip-bottom", "bs-tooltip-start", "bs-tooltip-end", "dropdown-menu",
                    "modal-open", "offcanvas", "offcanvas-backdrop", "modal-backdrop")
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
_CSS_IMPORT = re.compile(r"""@import\s+(?:url\()?\s*['"]([^'"]+)['"]\s*\)?\s*;""")
#: At-rules that hold rules: :func:`purge_css` trims inside them.
_GROUPING = ("media", "supports", "layer", "container")

def _is_comma(token) -> bool:
    return token.type == "literal" and token.value == ","


def _selectors(prelude) -> list[list]:
    """Split a rule's prelude at its top-level commas (``:is(a, b)`` stays whole)."""
    return [list(tokens) for comma, tokens in groupby(prelude, key=_is_comma) if not comma]


def _names_in(selector) -> Iterator[str]:
    """The classes and ids a selector names at top level.

    Classes inside functions (``:not(.x)``, ``:is(.x)``) are not named, so
    a rule is only ever dropped when it certainly cannot match.
    """
    for previous, token in pairwise([None, *selector]):
        dotted = token.type == "ident" and previous is not None and previous.type == "literal" and previous.value == "."
        if dotted or (token.type == "hash" and token.is_identifier):
            yield token.value


def purge_css(text: str, words: set[str]) -> str:
    """Keep the rules of ``text`` whose selectors can match a page; at-rules recurse.

    Examples
    --------
    >>> purge_css(".a{color:red}.b,.c{color:blue}@media print{.b{top:0}}", {"a", "c"})
    '.a{color:red}.c{color:blue}'
    """
    out = []
    for rule in tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True):
        if rule.type == "qualified-rule":
            kept = [tinycss2.serialize(sel).strip() for sel in _selectors(rule.prelude)
                    if all(name in words for name in _names_in(sel))]
            if kept:
                out.append(",".join(kept) + "{" + tinycss2.serialize(rule.content).strip() + "}")
        elif rule.type == "at-rule":
            if rule.lower_at_keyword in _GROUPING and rule.content is not None:
                inner = purge_css(tinycss2.serialize(rule.content), words)
                if inner:
                    out.append(f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude).rstrip()}{{{inner}}}")
            else:
                out.append(tinycss2.serialize([rule]).strip())
    return "".join(out)


def selector_names(text: str) -> set[str]:
    """Every class and id that :func:`purge_css` would look up for ``text``: the page words that matter.

    Examples
    --------
    >>> sorted(selector_names(".a .b,#c{color:red}@media print{.d:not(.e){top:0}}"))
    ['a', 'b', 'c', 'd']
    """
    names: set[str] = set()
    for rule in tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True):
        if rule.type == "qualified-rule":
            names.update(name for selector in _selectors(rule.prelude) for name in _names_in(selector))
        elif rule.type == "at-rule" and rule.lower_at_keyword in _GROUPING and rule.content is not None:
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
        return f'url("{Path(os.path.relpath(target, static)).as_posix()}{rest}")'

    return _CSS_URL.sub(rebase, text)


#: Every character that cannot be part of a class name or id becomes a space (:func:`words_of`).
_NOT_A_NAME = str.maketrans({c: " " for c in map(chr, range(128)) if not (c.isalnum() or c in "_-")})


def words_of(text: str) -> set[str]:
    """The runs of name characters in ``text`` (a script: its literals hold the classes it adds).

    Examples
    --------
    >>> sorted(words_of('el.classList.add("is-open"); x = 1'))
    ['1', 'add', 'classList', 'el', 'is-open', 'x']
    """
    return set(text.translate(_NOT_A_NAME).split())


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
        used = set(_VAR_USE.findall(css)) | {w for w in words_of(scripts) if w.startswith("--")}
        trimmed = _CUSTOM_PROPERTY.sub(lambda m: m.group(0) if m.group(1) in used else "", css)
        if trimmed == css:
            return css
        css = trimmed


def split_print(css: str) -> tuple[str, str]:
    """Move ``@media print`` blocks into a stylesheet of their own (linked with ``media="print"``)."""
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
    """This module's code and its libraries' versions: part of every cache key, so new code makes new bundles."""
    return Path(__file__).read_bytes() + f"\0{tinycss2.__version__}\0{fontTools.version}".encode("utf-8")


def write_bundle(outdir: Path, stylesheets: list[str], cache: Path) -> None:
    """Concatenate ``stylesheets`` (in page order), trim them to the words in use, write
    :data:`BUNDLE` and its print part :data:`PRINT_BUNDLE`.

    The result is kept in ``cache`` under a digest of everything it is made
    from (stylesheets, the pages' words a selector names, scripts, icon fonts,
    this code): a rebuild whose pages name the same selectors (a prose edit)
    writes the kept bundle, 0.16 s instead of 1.0 s.
    """
    static = (outdir / "_static").resolve()
    seen: set[Path] = set()
    css = "\n".join(_css_with_imports((static / name).resolve(), static, seen) for name in stylesheets)
    scripts = {p: p.read_text(encoding="utf-8", errors="replace") for p in sorted(static.rglob("*.js"))
               if p.name != "searchindex.js" and f"scripts/{p.name}" not in DROPPED_SCRIPTS}
    # The pages' classes and ids, and the words of every script (the classes it adds are in its literals);
    # Bootstrap's name every component's, so BOOTSTRAP_STATES names those of the components the theme uses.
    pages = html_pages.read(outdir).values()
    words = set(BOOTSTRAP_STATES).union(*(page.names for page in pages),
                                        *(words_of(text) for page in pages for text in page.scripts),
                                        *(words_of(text) for p, text in scripts.items() if p.name != "bootstrap.js"))
    script_text = "".join(scripts.values())
    version = _processing_version()
    parts = (css, "\n".join(sorted(words & _names(css, cache, version))), script_text)
    key = digest(version + b"\0" + b"".join(part.encode("utf-8") + b"\0" for part in parts)
                 + b"".join(font.relative_to(static).as_posix().encode("utf-8") + b"\0" + font.read_bytes()
                            for font in sorted(static.rglob("*.ttf"))))
    kept = cache / f"bundle-{key}"
    if (kept / "screen.css").exists():
        kept.touch()  # recently used: kept longest
        screen = (kept / "screen.css").read_text(encoding="utf-8")
        printed = (kept / "print.css").read_text(encoding="utf-8")
    else:
        screen, printed = split_print(drop_unused_properties(purge_css(css, words), script_text))
        screen = subset_icon_fonts(screen, static)
        _keep(kept, screen, printed)
    (outdir / BUNDLE).write_text(screen + "\n", encoding="utf-8")
    (outdir / PRINT_BUNDLE).write_text(printed + "\n", encoding="utf-8")


def _names(css: str, cache: Path, version: bytes) -> set[str]:
    """:func:`selector_names` of ``css``, kept in ``cache`` (a parse saved: 0.4 s)."""
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
    """Store one bundle in ``folder``, keeping the :data:`CSS_CACHE_ENTRIES` used last (an edit and its undo)."""
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

    Each ``@font-face`` with a ``.woff2`` and a ``.ttf`` source gets, inline
    as a ``data:`` URL (one request less before the first paint), a WOFF
    subset of the TrueType file (WOFF2 would need Brotli) holding only
    :func:`icon_codepoints`. Fonts that hold none of them are left as they are.
    """
    # Only when the bundle is not in the cache: fontTools' subsetter and TrueType reader take
    # 0.09 s to import, which a rebuild that reuses the cached bundle (a prose edit) never needs.
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
