"""A built site's pages, read once per build for the two post-build steps that read them all: the stylesheet
bundle (:mod:`.css_bundle`) wants the classes, ids and inline scripts, the published-files check
(:mod:`.published`) the tables' rows. A site is parsed again only when one of its pages changed.
"""
from __future__ import annotations

import functools
from html.parser import HTMLParser
from pathlib import Path

from ..core.paths import stamp


class Page(HTMLParser):
    """A page read by the standard library's HTML parser: its elements' classes and ids, its scripts, its rows' cells.

    >>> page = Page('<table id="t"><tr class="a b"><th>x</th><td>1 <b>2</b></td></tr></table><script>go()</script>')
    >>> sorted(page.names), page.rows, page.scripts
    (['a', 'b', 't'], [['x', '1 2']], ['go()'])
    """

    def __init__(self, html: str) -> None:
        super().__init__()
        self.names: set[str] = set()
        self.scripts: list[str] = []
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self._in_script = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs) -> None:
        for name, value in attrs:
            if name in ("class", "id") and value:
                self.names.update(value.split())
        self._in_script = tag == "script"
        if tag == "tr":
            self.rows.append([])
        elif tag in ("th", "td") and self.rows:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False
        if tag in ("th", "td") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)
        if self._cell is not None:
            self._cell.append(data)


def read(site: Path) -> dict[str, Page]:
    """Every ``.html`` page under ``site`` by its path there (``chapters/finance.html``), parsed once per version."""
    site = Path(site).resolve()
    return _read(site, tuple((page, stamp(page)) for page in sorted(site.rglob("*.html"))))


@functools.lru_cache(maxsize=1)
def _read(site: Path, stamps: tuple) -> dict[str, Page]:
    return {page.relative_to(site).as_posix(): Page(page.read_text(encoding="utf-8", errors="replace"))
            for page, _ in stamps}
