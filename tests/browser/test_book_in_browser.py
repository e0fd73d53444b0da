"""The built book in a real browser: every page, offline, accessible, readable on a phone.

One session fixture (``crawl``) loads every page of ``_build/html`` in
headless Chromium, at a desktop size and then narrowed to a 390 px phone
width, and records what a reader's browser sees: console errors, failed and
external requests, images, links, element ids, axe-core violations and the
page width. The tests below assert on that record; the figures go to
``_build/browser-report.json`` and the end of the pytest output.
"""
from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from lacoe_report.book.toc import toc_documents

from .browser_support import AXE_JS, REPORT_JSON, local_only

pytestmark = pytest.mark.slow  # the built book in Chromium: make test, not make check

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SERIOUS = ("serious", "critical")
#: A word the search must find (the communication chapter's platform) and one it must not.
SEARCH_WORD = "Instagram"
NONSENSE_WORD = "qzxvwplonk"

# Runs in the page once it has loaded: waits for images, gathers what the
# tests check and, on the desktop visit, runs axe-core.
COLLECT_JS = """async (runAxe) => {
  // Charts below the first screen load lazily: load them all to check them.
  document.querySelectorAll('img[loading="lazy"]').forEach((img) => { img.loading = 'eager'; });
  // A resize makes <picture> choose again, when the browser gets round to it
  // (later under load): wait until each image shows the source its media
  // queries pick, and has loaded it, so no request is still in flight when
  // the crawl moves on (a navigation would abort it) or measures the chart.
  const wanted = (img) => {
    const sources = img.parentElement.tagName === 'PICTURE' ? [...img.parentElement.querySelectorAll('source')] : [];
    const source = sources.find((s) => !s.media || matchMedia(s.media).matches);
    return new URL((source ? source.getAttribute('srcset') : img.getAttribute('src')), location.href).href;
  };
  const settled = (img) => img.complete && (!img.currentSrc || img.currentSrc === wanted(img));
  const deadline = performance.now() + 10000;
  while (![...document.images].every(settled) && performance.now() < deadline) {
    await new Promise((done) => setTimeout(done, 25));
  }
  const record = {
    url: location.href,
    title: document.title,
    ids: [...document.querySelectorAll('[id]')].map((e) => e.id)
      .concat([...document.querySelectorAll('a[name]')].map((a) => a.name)),
    links: [...document.querySelectorAll('a[href]')].map((a) => a.href),
    images: [...document.images].map((img) => ({
      src: img.getAttribute('src'), naturalWidth: img.naturalWidth, alt: img.getAttribute('alt')})),
    // Charts: the smallest text of the variant the browser chose (its size in
    // the PNG's pixels, data-text-px) scaled to the width the page shows it at.
    charts: [...document.querySelectorAll('img[data-text-px]')].map((img) => {
      const chosen = [...(img.parentElement.tagName === 'PICTURE' ? img.parentElement.querySelectorAll('source') : [])]
        .find((s) => new URL(s.getAttribute('srcset'), location.href).href === img.currentSrc) || img;
      return {src: img.currentSrc.split('/').pop(), shownWidth: img.getBoundingClientRect().width,
              naturalWidth: img.naturalWidth, textPx: parseFloat(chosen.dataset.textPx),
              renderedTextPx: parseFloat(chosen.dataset.textPx) * img.getBoundingClientRect().width / img.naturalWidth};
    }),
    scrollWidth: (() => {
      // Sections off screen skip layout (content-visibility: auto in custom.css):
      // lay every one out, so that a too wide element anywhere counts.
      const style = document.createElement('style');
      style.textContent = '* { content-visibility: visible !important; }';
      document.head.append(style);
      return document.documentElement.scrollWidth;
    })(),
    innerWidth: window.innerWidth,
    wide: [],
    axe: null,
  };
  if (record.scrollWidth > record.innerWidth + 1) {
    // Name the widest culprits: elements reaching past the window, not inside a scrolling box.
    const clipped = (el) => { for (let a = el.parentElement; a; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible'
          && a.getBoundingClientRect().right <= innerWidth + 1) return true; }
      return false; };
    record.wide = [...document.body.querySelectorAll('*')]
      .filter((el) => el.getBoundingClientRect().right > innerWidth + 1 && !clipped(el))
      .slice(0, 5).map((el) => `${el.tagName.toLowerCase()}.${el.className.baseVal ?? el.className}`
        + ` (right edge ${Math.round(el.getBoundingClientRect().right)} px)`);
  }
  if (runAxe) {
    const result = await axe.run(document, {resultTypes: ['violations']});
    record.axe = result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => ({target: n.target.join(' '), html: n.html.slice(0, 200)}))}));
  }
  return record;
}"""


@dataclass
class Visit:
    """One page: what the browser logged and fetched, and what the page held."""

    path: str
    requests: int = 0
    console_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    #: The page at the desktop size, with the axe-core violations.
    record: dict = field(default_factory=dict)
    #: The same page narrowed to the phone width.
    phone: dict = field(default_factory=dict)


@dataclass
class Crawl:
    root: Path
    base: str
    pages: list[str]
    redirects: dict[str, str]
    visits: list[Visit]
    aborted: list[str]
    seconds: float


def _redirect_target(html_file: Path) -> str | None:
    """The target of a ``<meta http-equiv="refresh">`` page (the book's index.html)."""
    match = re.search(r'http-equiv="refresh"\s+content="\d+;\s*url=([^"]+)"', html_file.read_text(encoding="utf-8"),
                      re.IGNORECASE)
    return match.group(1) if match else None


class _Recorder:
    """Page listeners that log into whichever visit is current."""

    def __init__(self, page, base: str):
        self.base = base
        self.visit: Visit | None = None
        page.on("request", self.on_request)
        page.on("requestfailed", self.on_failed)
        page.on("response", self.on_response)
        page.on("console", self.on_console)
        page.on("pageerror", lambda error: self.visit.console_errors.append(f"uncaught: {error}"))
        page.on("websocket", lambda socket: self.visit.external.append(socket.url))

    def on_request(self, request):
        self.visit.requests += 1
        if not request.url.startswith((self.base, "data:", "blob:", "about:")):
            self.visit.external.append(request.url)

    def on_failed(self, request):
        if request.url.startswith(self.base):  # external ones are aborted on purpose and counted apart
            self.visit.failed.append(f"{request.url} ({request.failure})")

    def on_response(self, response):
        if response.status >= 400:
            self.visit.failed.append(f"{response.url} (HTTP {response.status})")

    def on_console(self, message):
        if message.type == "error":
            self.visit.console_errors.append(f"{message.text} [{message.location.get('url', '')}]")


def _visit_all(context, base: str, paths: list[str]) -> list[Visit]:
    """Visit ``paths`` one after the other in one tab.

    Each page is loaded at the desktop size, recorded and checked with
    axe-core, then narrowed to the phone width and measured again: one load
    serves both viewports. (Several tabs at once were slower: background tabs
    get throttled timers, and axe-core runs on timers.)
    """
    page = context.new_page()
    recorder = _Recorder(page, base)
    visits: list[Visit] = []
    for path in paths:
        # Widening the window on the page just measured at the phone width would make its <picture>s
        # fetch their desktop sources again, requests the next navigation then aborts: the window is
        # widened on a blank page (the page's own late requests still count against it).
        page.goto("about:blank")
        recorder.visit = visit = Visit(path)
        page.set_viewport_size(DESKTOP)
        page.goto(base + path, wait_until="load")
        # The theme's scripts load after the load event (_static/lacoe-late-scripts.js); the theme
        # then gives scrollable regions their tab stops.
        page.wait_for_function("document.documentElement.dataset.lacoeScripts === 'done'", timeout=10000)
        page.add_script_tag(content=f"window.__lacoeCollect = {COLLECT_JS};")
        visit.record = page.evaluate("() => window.__lacoeCollect(true)")
        page.set_viewport_size(PHONE)
        visit.phone = page.evaluate("() => window.__lacoeCollect(false)")
        visits.append(visit)
    recorder.visit = Visit("(after the last page)")
    page.close()
    visits[-1].console_errors += recorder.visit.console_errors  # late errors still count
    visits[-1].failed += recorder.visit.failed
    return visits


@pytest.fixture(scope="session")
def crawl(browser, book_dir, book_url, axe_source) -> Crawl:
    """Every page of the book, visited at desktop and phone widths."""
    started = time.perf_counter()
    html_files = sorted(p.relative_to(book_dir).as_posix() for p in book_dir.rglob("*.html")
                        if not any(part.startswith("_") for part in p.relative_to(book_dir).parts))
    redirects = {p: t for p in html_files if (t := _redirect_target(book_dir / p))}
    pages = [p for p in html_files if p not in redirects]
    aborted: list[str] = []
    context = browser.new_context(viewport=DESKTOP, service_workers="block")
    local_only(context, book_url, aborted)
    # axe-core in every document from its start: each page parses it, rather than receiving its
    # half megabyte over Playwright's connection after loading (2 s of the crawl's 15 s).
    context.add_init_script(script=axe_source)
    try:
        visits = _visit_all(context, book_url, pages)
    finally:
        context.close()
    result = Crawl(book_dir, book_url, pages, redirects, visits, aborted, time.perf_counter() - started)
    _write_report(result)
    return result


# --------------------------------------------------------------------------- checks

def _serious(visit: Visit) -> list[dict]:
    return [v for v in visit.record["axe"] or [] if v["impact"] in SERIOUS]


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and (name == "id" or (tag == "a" and name == "name")):
                self.ids.add(value)


def broken_links(crawl: Crawl) -> list[str]:
    """Same-origin links whose file or ``#anchor`` does not exist, as 'page -> href: why'."""
    ids = {v.path: set(v.record["ids"]) for v in crawl.visits}
    parsed: dict[str, set[str]] = {}
    broken = []
    for visit in crawl.visits:
        for href in sorted(set(visit.record["links"])):
            if not href.startswith(crawl.base):
                continue  # another site (not fetched) or mailto:/javascript:
            parts = urlsplit(href)
            target = unquote(parts.path)[1:] or "index.html"
            if target.endswith("/"):
                target += "index.html"
            file = crawl.root / target
            if not file.is_file():
                broken.append(f"{visit.path} -> {href}: no such file")
                continue
            fragment = unquote(parts.fragment)
            if not fragment or not target.endswith(".html"):
                continue
            if target in crawl.redirects:
                broken.append(f"{visit.path} -> {href}: #{fragment} on a redirect page")
                continue
            if target not in ids:
                if target not in parsed:
                    parser = _Ids()
                    parser.feed(file.read_text(encoding="utf-8"))
                    parsed[target] = parser.ids
                ids[target] = parsed[target]
            if fragment not in ids[target]:
                broken.append(f"{visit.path} -> {href}: no element with id {fragment!r}")
    return broken


_GENERIC_ALT = re.compile(r"^(image|img|picture|photo|figure|fig\.?|chart|graph|plot|png|icon|logo|untitled)"
                          r"\s*\d*$", re.IGNORECASE)
_FILE_NAME = re.compile(r"(^|/)[\w.-]+\.(png|jpe?g|gif|svg|webp|pdf)$", re.IGNORECASE)


def alt_problem(alt: str | None, src: str) -> str | None:
    """Why an ``alt`` text does not describe an image, or None when it does.

    >>> alt_problem("Bars of enrolment by programme, Court Schools largest", "a.png")
    >>> alt_problem("chart.png", "chart.png")
    'alt is a file name'
    >>> alt_problem("Image", "x.png")
    'alt is a generic word'
    """
    text = (alt or "").strip()
    if not text:
        return "no alt text"
    if _FILE_NAME.search(text) or text == src.rsplit("/", 1)[-1]:
        return "alt is a file name"
    if _GENERIC_ALT.match(text):
        return "alt is a generic word"
    if text.startswith("<") and text.endswith(">"):
        return "alt is a Python repr, not a description"
    return None


def image_problems(crawl: Crawl) -> list[str]:
    problems = []
    for visit in crawl.visits:
        for image in visit.record["images"]:
            if image["naturalWidth"] <= 0:
                problems.append(f"{visit.path}: {image['src']} did not load")
            if why := alt_problem(image["alt"], image["src"] or ""):
                problems.append(f"{visit.path}: {image['src']}: {why} ({image['alt']!r})")
    return problems


def figures(crawl: Crawl) -> dict:
    """The numbers for the closing note (also in ``_build/browser-report.json``)."""
    return {
        "pages_visited": len(crawl.pages),
        "redirect_pages": len(crawl.redirects),
        "requests": sum(v.requests for v in crawl.visits),
        "failed_requests": sum(len(v.failed) for v in crawl.visits),
        "external_requests": len(set(crawl.aborted) | {u for v in crawl.visits for u in v.external}),
        "console_errors": sum(len(v.console_errors) for v in crawl.visits),
        "images": sum(len(v.record["images"]) for v in crawl.visits),
        "image_problems": len(image_problems(crawl)),
        "internal_links_checked": sum(len({h for h in v.record["links"] if h.startswith(crawl.base)})
                                      for v in crawl.visits),
        "broken_links": len(broken_links(crawl)),
        "phone_pages_wider_than_390px": sum(v.phone["scrollWidth"] > v.phone["innerWidth"] + 1
                                            for v in crawl.visits),
        "charts": sum(len(v.phone["charts"]) for v in crawl.visits),
        "smallest_chart_text_px_at_390": round(min((c["renderedTextPx"] for v in crawl.visits
                                                    for c in v.phone["charts"]), default=0), 1),
        "smallest_chart_text_px_desktop": round(min((c["renderedTextPx"] for v in crawl.visits
                                                     for c in v.record["charts"]), default=0), 1),
        "axe_serious_critical_violations": sum(len(_serious(v)) for v in crawl.visits),
        "axe_serious_critical_nodes": sum(len(x["nodes"]) for v in crawl.visits for x in _serious(v)),
        "axe_minor_moderate_violations": sum(len(v.record["axe"]) - len(_serious(v)) for v in crawl.visits),
        "seconds": round(crawl.seconds, 1),
    }


def _write_report(crawl: Crawl) -> None:
    report = {
        "figures": figures(crawl),
        "axe_core": AXE_JS.read_text(encoding="utf-8")[:200].split("\n", 1)[0].strip("/*! "),
        "book": str(crawl.root),
        "redirects": crawl.redirects,
        "external_requests": sorted(set(crawl.aborted)),
        "broken_links": broken_links(crawl),
        "image_problems": image_problems(crawl),
        "pages": [{
            "path": v.path, "requests": v.requests,
            "console_errors": v.console_errors, "failed_requests": v.failed, "external_requests": v.external,
            "images": len(v.record["images"]),
            "phone_scroll_width": v.phone["scrollWidth"], "phone_inner_width": v.phone["innerWidth"],
            "axe_violations": [{"id": x["id"], "impact": x["impact"], "nodes": len(x["nodes"])}
                               for x in v.record["axe"] or []],
        } for v in crawl.visits],
    }
    REPORT_JSON.parent.mkdir(parents=True, exist_ok=True)
    REPORT_JSON.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")


def _listing(lines: list[str], limit: int = 30) -> str:
    shown = lines[:limit] + ([f"... and {len(lines) - limit} more"] if len(lines) > limit else [])
    return "\n  " + "\n  ".join(shown)


# --------------------------------------------------------------------------- tests

def test_every_chapter_is_a_page(crawl):
    listed = toc_documents()
    assert len(listed) > 1
    missing = [name for name in listed if f"{name}.html" not in crawl.pages]
    assert not missing, f"chapters in _toc.yml without a page: {missing}"
    assert "search.html" in crawl.pages


def test_index_redirects_to_the_first_page(browser, crawl):
    assert "index.html" in crawl.redirects, "index.html should forward to the book's first page"
    context = browser.new_context(viewport=DESKTOP)
    external: list[str] = []
    local_only(context, crawl.base, external)
    page = context.new_page()
    try:
        page.goto(crawl.base)
        page.wait_for_url("**/" + crawl.redirects["index.html"])
        assert page.get_by_role("heading", level=1).first.is_visible()
        assert not external, external
    finally:
        context.close()


def test_no_console_errors(crawl):
    errors = [f"{v.path}: {e}" for v in crawl.visits for e in v.console_errors]
    assert not errors, f"{len(errors)} console errors:" + _listing(errors)


def test_no_failed_requests(crawl):
    failed = [f"{v.path}: {f}" for v in crawl.visits for f in v.failed]
    assert not failed, f"{len(failed)} failed requests:" + _listing(failed)


def test_no_requests_leave_the_machine(crawl):
    """The book works offline and tells no other host who reads it."""
    seen = {url: visit.path for visit in crawl.visits for url in visit.external}
    external = sorted(f"{url} (from {seen[url]})" if url in seen else url for url in set(crawl.aborted) | set(seen))
    assert not external, f"{len(external)} requests to other hosts (CDN assets? see _config.yml):" + _listing(external)


def test_images_load_and_are_described(crawl):
    problems = image_problems(crawl)
    assert not problems, f"{len(problems)} image problems:" + _listing(problems)


def test_internal_links_resolve(crawl):
    broken = broken_links(crawl)
    assert not broken, f"{len(broken)} broken internal links:" + _listing(broken)


def test_no_horizontal_scroll_on_a_phone(crawl):
    wide = [f"{v.path}: {v.phone['scrollWidth']} px wide in a {v.phone['innerWidth']} px window; "
            f"{'; '.join(v.phone['wide']) or 'no single culprit'}"
            for v in crawl.visits if v.phone["scrollWidth"] > v.phone["innerWidth"] + 1]
    assert not wide, (f"{len(wide)} pages scroll sideways at {PHONE['width']} px (make the wide element "
                      "scroll in its own box, in _static/custom.css):" + _listing(wide))


#: The smallest chart text a phone must show, in CSS px (the issue's floor).
MIN_CHART_TEXT_PX = 10


def small_chart_text(crawl: Crawl) -> list[str]:
    """Charts whose smallest text renders below :data:`MIN_CHART_TEXT_PX` at the phone width."""
    return [f"{v.path}: {c['src']} text {c['renderedTextPx']:.1f} px (shown {c['shownWidth']:.0f} px wide)"
            for v in crawl.visits for c in v.phone["charts"] if c["renderedTextPx"] < MIN_CHART_TEXT_PX]


def test_chart_text_is_legible_on_a_phone(crawl):
    charts = [c for v in crawl.visits for c in v.phone["charts"]]
    assert len(charts) >= 10, "the chapters' charts were not found (img[data-text-px])"
    assert all(c["naturalWidth"] > 0 for c in charts)
    small = small_chart_text(crawl)
    assert not small, (f"{len(small)} charts with text under {MIN_CHART_TEXT_PX} px at {PHONE['width']} px:"
                       + _listing(small))


def test_phones_get_the_narrow_charts_and_desktops_the_wide(crawl):
    phone = [c["src"] for v in crawl.visits for c in v.phone["charts"]]
    desktop = [c["src"] for v in crawl.visits for c in v.record["charts"]]
    assert phone and all(src.endswith("-narrow.png") for src in phone), phone[:5]
    assert desktop and not any(src.endswith("-narrow.png") for src in desktop), desktop[:5]


def test_axe_finds_no_serious_or_critical_violations(crawl):
    found = [f"{v.path}: {x['impact']} {x['id']} ({x['help']}) at " + ", ".join(n["target"] for n in x["nodes"][:4])
             + (f" and {len(x['nodes']) - 4} more" if len(x["nodes"]) > 4 else "")
             for v in crawl.visits for x in _serious(v)]
    assert not found, f"{len(found)} serious or critical accessibility violations:" + _listing(found)


def test_search_finds_a_word_in_the_book(browser, crawl):
    context = browser.new_context(viewport=DESKTOP)
    aborted: list[str] = []
    local_only(context, crawl.base, aborted)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    try:
        counts = {}
        for word in (SEARCH_WORD, NONSENSE_WORD):
            page.goto(f"{crawl.base}search.html?q={word}")
            # Sphinx's search fills the summary line once it has finished.
            page.wait_for_function("() => document.querySelector('#search-results .search-summary')"
                                   "?.textContent.trim()", timeout=15_000)
            counts[word] = page.locator("#search-results ul.search > li").count()
            if word == SEARCH_WORD:
                hits = page.locator("#search-results ul.search > li a").evaluate_all("(as) => as.map((a) => a.href)")
                assert any("/chapters/" in href for href in hits), f"no chapter among the hits: {hits}"
        assert counts[SEARCH_WORD] > 0, f"searching for {SEARCH_WORD!r} found nothing"
        assert counts[NONSENSE_WORD] == 0, f"searching for {NONSENSE_WORD!r} found {counts[NONSENSE_WORD]} pages"
        assert not errors and not aborted, (errors, aborted)
    finally:
        context.close()
