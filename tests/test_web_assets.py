"""How sphinx_web decides a page's scripts and how the layout writes them (fast: no build, no browser;
tests/browser checks the result in a browser)."""
from __future__ import annotations

import re

from lacoe_report.book.sphinx_web import LATE_TYPE, script_kind, script_tag

SCRIPTS = ("doctools.js", "lacoe-trace.js", "design-tabs.js", "lacoe-late-scripts.js", "scripts/bootstrap.js",
           "searchtools.js", "scripts/fontawesome.js", "documentation_options.js")


def kinds(pagename: str, body: str = "") -> dict[str, str]:
    return {name: script_kind(name, pagename, body) for name in SCRIPTS}


def test_the_themes_scripts_are_late_and_the_books_own_deferred():
    found = kinds("chapters/finance", '<script type="application/json" class="lacoe-trace-data">{}</script>')
    assert found == {"doctools.js": "late", "lacoe-trace.js": "defer", "design-tabs.js": "drop",
                     "lacoe-late-scripts.js": "defer", "scripts/bootstrap.js": "late", "searchtools.js": "drop",
                     "scripts/fontawesome.js": "drop", "documentation_options.js": "inline"}
    # A late script is a data block: no src, no defer (the HTML checker rejects either on one).
    late = script_tag("late", "../_static/scripts/bootstrap.js?v=5", {"defer": "defer", "id": "b"})
    assert f'type="{LATE_TYPE}"' in late and 'data-src="../_static/scripts/bootstrap.js?v=5"' in late
    assert " src=" not in late and "defer" not in late and 'id="b"' in late


def test_a_script_for_markup_the_page_lacks_is_dropped_and_kept_where_it_is_there():
    plain = kinds("chapters/ledger")
    assert plain["design-tabs.js"] == "drop" and plain["lacoe-trace.js"] == "drop"
    tabs = kinds("chapters/x", '<div class="sd-tab-set docutils"></div>')
    assert tabs["design-tabs.js"] == "defer"  # it starts on DOMContentLoaded: never late
    tag = script_tag("defer", "../_static/design-tabs.js", {"data-sd-tabs-storage-prefix": "sd-"})
    assert tag == '<script defer src="../_static/design-tabs.js" data-sd-tabs-storage-prefix="sd-"></script>'


def test_the_search_page_keeps_its_scripts_as_sphinx_writes_them():
    # Its own template adds searchtools.js as a plain script that needs doctools.js already run.
    found = kinds("search")
    assert found["doctools.js"] == "plain" and found["searchtools.js"] == "plain"
    assert found["scripts/bootstrap.js"] == "plain" and found["scripts/fontawesome.js"] == "drop"


def test_the_icon_font_is_cut_to_the_icons_in_use_and_inlined_in_the_stylesheet(tmp_path):
    # A font file of its own was one more request the first paint waited for, after the stylesheet.
    import base64
    import io
    import shutil
    from pathlib import Path

    import pydata_sphinx_theme
    from fontTools.ttLib import TTFont

    from lacoe_report.book.css_bundle import subset_icon_fonts

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
