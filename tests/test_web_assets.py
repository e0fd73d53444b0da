"""How sphinx_web rewrites a page's scripts (fast: no build, no browser; tests/browser checks the result)."""
from __future__ import annotations

import re

from lacoe_report.book.sphinx_web import LATE_TYPE, rewrite_assets

HEAD = ('<script src="../_static/doctools.js?v=1"></script>\n'
        '<script defer="defer" src="../_static/lacoe-trace.js?v=2"></script>\n'
        '<script defer data-sd-tabs-storage-prefix="sd-" src="../_static/design-tabs.js?v=3"></script>\n'
        '<script defer src="../_static/lacoe-late-scripts.js?v=4"></script>\n'
        '<script defer src="../_static/scripts/bootstrap.js?digest=5"></script>\n'
        '<script src="../_static/searchtools.js"></script>\n')


def scripts(page: str) -> dict[str, str]:
    """Each script's file name and how it is written: 'late', 'deferred' or 'plain'."""
    found = {}
    for tag in re.findall(r"<script\b[^>]*\bsrc=[^>]*>", page):
        src = re.search(r'\b(?:data-)?src="([^"?]+)', tag).group(1).rsplit("/", 1)[-1]
        found[src] = "late" if f'type="{LATE_TYPE}"' in tag else "deferred" if "defer" in tag else "plain"
    return found


def test_the_themes_scripts_are_late_and_the_books_own_deferred():
    page = rewrite_assets(HEAD + '<script type="application/json" class="lacoe-trace-data">{}</script>',
                          "chapters/finance", "../", [])
    assert scripts(page) == {"doctools.js": "late", "lacoe-trace.js": "deferred",
                             "lacoe-late-scripts.js": "deferred", "bootstrap.js": "late"}
    # A late script is a data block: no src, no defer (the HTML checker rejects either on one).
    late = re.search(r"<script [^>]*bootstrap[^>]*>", page).group(0)
    assert " src=" not in late and "defer" not in late


def test_a_script_for_markup_the_page_lacks_is_dropped_and_kept_where_it_is_there():
    plain = scripts(rewrite_assets(HEAD, "chapters/ledger", "../", []))
    assert "design-tabs.js" not in plain and "lacoe-trace.js" not in plain
    tabs = rewrite_assets(HEAD + '<div class="sd-tab-set docutils"></div>', "chapters/x", "../", [])
    assert scripts(tabs)["design-tabs.js"] == "deferred"  # it starts on DOMContentLoaded: never late
    assert 'data-sd-tabs-storage-prefix="sd-"' in tabs


def test_the_search_page_keeps_its_scripts_deferred():
    found = scripts(rewrite_assets(HEAD, "search", "", []))
    assert found["doctools.js"] == "deferred" and found["searchtools.js"] == "deferred"
    assert found["bootstrap.js"] == "deferred"


def test_the_icon_font_is_cut_to_the_icons_in_use_and_inlined_in_the_stylesheet(tmp_path):
    # A font file of its own was one more request the first paint waited for, after the stylesheet.
    import base64
    import io
    import shutil
    from pathlib import Path

    import pydata_sphinx_theme
    from fontTools.ttLib import TTFont

    from lacoe_report.book.sphinx_web import subset_icon_fonts

    theme_fonts = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static" / \
        "vendor" / "fontawesome" / "webfonts"
    fonts = tmp_path / "vendor" / "webfonts"
    fonts.mkdir(parents=True)
    shutil.copy(theme_fonts / "fa-solid-900.ttf", fonts)
    css = ('@font-face{font-family:x;src:url("vendor/webfonts/fa-solid-900.woff2") format("woff2"),'
           'url("vendor/webfonts/fa-solid-900.ttf") format("truetype")}.fa-search:before{content:"\\f002"}')
    out = subset_icon_fonts(css, tmp_path)
    data = re.search(r'url\("data:font/woff;base64,([A-Za-z0-9+/=]+)"\) format\("woff"\)', out)
    assert data and "fa-solid-900" not in out, out[:300]
    font = TTFont(io.BytesIO(base64.b64decode(data.group(1))))
    assert set(font.getBestCmap()) == {0xF002}
