"""Click to trace: every glued number is a link to its ledger row that opens its derivation on the page."""
from __future__ import annotations

import csv
import re
from html.parser import HTMLParser

import pytest

from lacoe_report.book import ledger
from lacoe_report.book.trace import anchor
from lacoe_report.core.paths import FIGURES_CSV

from .browser_support import local_only

DESKTOP = {"width": 1280, "height": 900}


class Glued(HTMLParser):
    """Pasted numbers of a page (``span.pasted-text``), each with the trace link around it, if any."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, dict]] = []
        self.pasted: list[str | None] = []  # the enclosing trace link's href, or None
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        classes = (attrs.get("class") or "").split()
        # A caveat pasted beside a number that combines groups is words, not a number of the ledger.
        if tag == "span" and "pasted-text" in classes and "lacoe-caveat" not in classes:
            link = next((a for t, a in reversed(self.stack)
                         if t == "a" and "lacoe-trace" in (a.get("class") or "").split()), None)
            self.pasted.append(link["href"] if link else None)
        if tag not in ("br", "wbr", "img", "meta", "link", "input", "hr", "col"):
            self.stack.append((tag, attrs))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break


def parse(path):
    parser = Glued()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def pages(book_dir):
    return {p.stem: parse(p) for p in sorted((book_dir / "chapters").glob("*.html"))}


def test_every_glued_number_of_a_chapter_is_a_link_to_its_ledger_row(pages):
    committed = ledger.read()
    chapters = set(committed["chapter"])
    total = sum(len(p.pasted) for name, p in pages.items() if name in chapters)
    plain = [name for name, p in pages.items() if name in chapters for href in p.pasted if href is None]
    assert total > 500, total
    assert plain == [], f"{len(plain)} of {total} glued numbers are not links: {sorted(set(plain))}"
    targets = {href.split("#")[1] for name, p in pages.items() if name in chapters for href in p.pasted}
    missing = targets - pages["ledger"].ids
    assert not missing, sorted(missing)[:5]
    # (on the ledger page itself, its own numbers link to their rows there)
    assert all(href.startswith("#ledger-ledger-" if name == "ledger" else "ledger.html#ledger-")
               for name, p in pages.items() if name in chapters for href in p.pasted), \
        "without JavaScript a glued number must still lead to its ledger row"


def test_the_ledger_appendix_has_one_anchor_per_number_and_shows_every_row(pages, book_dir):
    committed = ledger.read()
    ids = pages["ledger"].ids
    missing = [f"{c}/{k}" for c, k in zip(committed["chapter"], committed["key"]) if anchor(c, k) not in ids]
    assert missing == [], missing[:5]
    html = (book_dir / "chapters" / "ledger.html").read_text(encoding="utf-8")
    assert "rows ×" not in html and "rows x" not in html, "a table of the appendix is truncated"
    # each row links back to where its number is used
    used = re.findall(r'href="(\w+\.html#use-[^"]+)"', html)
    assert len(used) >= len(committed) * 0.9, len(used)


def test_clicking_a_number_shows_its_derivation_with_the_report_quotes(browser, book_url):
    with open(FIGURES_CSV, encoding="utf-8-sig") as handle:
        figures = {r["id"]: r for r in csv.DictReader(handle)}
    context = browser.new_context(viewport=DESKTOP)
    external: list[str] = []
    local_only(context, book_url, external)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    try:
        page.goto(book_url + "chapters/finance.html")
        link = page.locator("a.lacoe-trace", has_text="9.4%").first
        assert link.get_attribute("aria-expanded") == "false"
        link.click()
        panel = page.locator("#" + link.get_attribute("aria-controls"))
        assert panel.is_visible() and link.get_attribute("aria-expanded") == "true"
        text = re.sub(r"\s+", " ", panel.inner_text())
        for figure_id in ("fin_educational_amount", "fin_budget_total"):
            row = figures[figure_id]
            assert row["as_written"] in text and row["quote"] in text and figure_id in text
        assert "fin_educational_amount / fin_budget_total * 100" in text
        assert "59000000 / 627000000 * 100" in text
        exact = float(figures["fin_educational_amount"]["value"]) / float(figures["fin_budget_total"]["value"]) * 100
        assert repr(exact)[:8] in text, f"the unrounded result {exact!r} is not shown"
        assert page.url.endswith("finance.html"), "with JavaScript the click stays on the page"
        # keyboard: Escape closes and gives focus back; Enter opens and moves focus into the panel
        page.keyboard.press("Escape")
        assert not panel.is_visible()
        assert page.evaluate("document.activeElement.classList.contains('lacoe-trace')")
        page.keyboard.press("Enter")
        assert panel.is_visible()
        assert page.evaluate("document.activeElement.classList.contains('lacoe-trace-panel')")
        assert not errors and not external, (errors, external)
    finally:
        context.close()


def test_a_number_is_reached_with_tab_and_opened_with_enter(browser, book_url):
    context = browser.new_context(viewport=DESKTOP)
    local_only(context, book_url, [])
    page = context.new_page()
    try:
        page.goto(book_url + "chapters/finance.html")
        # focus whatever precedes "9.4%" in the tab order, then Tab onto the number
        page.evaluate("""() => {
            const focusable = [...document.querySelectorAll('a[href], button, [tabindex]')]
                .filter((e) => e.tabIndex >= 0 && e.offsetParent !== null);
            const number = focusable.find((e) => e.classList.contains('lacoe-trace')
                                                 && e.textContent.trim() === '9.4%');
            focusable[focusable.indexOf(number) - 1].focus();
        }""")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent.trim()") == "9.4%"
        page.keyboard.press("Enter")
        panel = page.locator(".lacoe-trace-panel")
        assert panel.count() == 1 and panel.is_visible() and page.url.endswith("finance.html")
    finally:
        context.close()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_an_open_derivation_passes_axe(browser, book_url, axe_source, theme):
    context = browser.new_context(viewport=DESKTOP)
    local_only(context, book_url, [])
    page = context.new_page()
    try:
        page.goto(book_url + "chapters/finance.html")
        page.evaluate(f"document.documentElement.dataset.theme = '{theme}'")
        link = page.locator("a.lacoe-trace", has_text="9.4%").first
        link.click()
        assert page.locator("#" + link.get_attribute("aria-controls")).is_visible()
        page.add_script_tag(content=axe_source)
        violations = page.evaluate(
            "async (panel) => (await axe.run(panel, {resultTypes: ['violations']})).violations"
            ".filter((v) => ['serious', 'critical'].includes(v.impact))"
            ".map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(', '))",
            "#" + link.get_attribute("aria-controls"))
        assert violations == [], violations
    finally:
        context.close()


def test_without_javascript_a_number_leads_to_its_ledger_row(browser, book_url):
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    local_only(context, book_url, [])
    page = context.new_page()
    try:
        page.goto(book_url + "chapters/finance.html")
        page.locator("a.lacoe-trace", has_text="9.4%").first.click()
        page.wait_for_url("**/ledger.html#ledger-finance-fin_edu_computed")
        assert page.locator("#ledger-finance-fin_edu_computed").is_visible()
    finally:
        context.close()
