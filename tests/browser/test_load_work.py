"""What a page makes a phone do at load, checked in Chromium (Lighthouse measured the cost in
``benchmarks/lighthouse.md``; these tests check the behaviour behind it, never a time)."""
from __future__ import annotations

import pytest

from .browser_support import local_only

pytestmark = pytest.mark.slow

PHONE = {"width": 390, "height": 844}
#: The boxes the theme gives a tab stop when they scroll (pydata-sphinx-theme's selector).
SCROLL_BOXES = "pre, .nboutput > .output_area, .cell_output > .output, .jp-RenderedHTMLCommon, " \
               ".pst-scrollable-table-container"

# Before any script of the page: remember every element whose scroll or client size is read.
RECORD_MEASURES = """
window.__lacoeMeasured = new Set();
for (const name of ['scrollWidth', 'scrollHeight', 'clientWidth', 'clientHeight']) {
  const own = Object.getOwnPropertyDescriptor(Element.prototype, name);
  Object.defineProperty(Element.prototype, name, {configurable: true, get() {
    window.__lacoeMeasured.add(this);
    return own.get.call(this);
  }});
}
"""


@pytest.fixture()
def phone_page(browser, book_url):
    context = browser.new_context(viewport=PHONE, service_workers="block")
    local_only(context, book_url, [])
    context.add_init_script(RECORD_MEASURES)
    page = context.new_page()
    yield page
    context.close()


def _tab_stops_done(page):
    page.wait_for_function("document.documentElement.dataset.lacoeTabstops === 'done'", timeout=15000)


def test_the_themes_scripts_load_after_the_page_and_still_work(phone_page, book_url):
    # Deferred, they were fetched beside the page and its stylesheet, and the first screen of a slow
    # phone waited for their bytes; the book's own trace script still comes at once.
    phone_page.goto(f"{book_url}chapters/finance.html", wait_until="load")
    phone_page.wait_for_function("document.documentElement.dataset.lacoeScripts === 'done'", timeout=15000)
    load, started = phone_page.evaluate("""() => [performance.getEntriesByType('navigation')[0].loadEventStart,
      Object.fromEntries(performance.getEntriesByType('resource').filter((r) => r.initiatorType === 'script')
        .map((r) => [new URL(r.name).pathname.split('/').pop(), r.startTime]))]""")
    for late in ("bootstrap.js", "pydata-sphinx-theme.js", "copybutton.js", "togglebutton.js"):
        assert started[late] >= load, (late, started[late], load)
    assert started["lacoe-trace.js"] < load
    assert "design-tabs.js" not in started  # no page has sphinx-design tabs
    # The theme works once they have run: the colour mode button, the copy buttons.
    before = phone_page.evaluate("document.documentElement.dataset.mode")
    phone_page.evaluate("document.querySelector('.theme-switch-button').click()")
    assert phone_page.evaluate("document.documentElement.dataset.mode") != before
    assert phone_page.locator("button.copybtn").count() > 0


@pytest.mark.parametrize("chapter", ["audit", "pillar4_communication"])
def test_tab_stops_measure_no_box_in_a_section_the_browser_skips(phone_page, book_url, chapter):
    # Reading a box's scrollWidth lays out the whole section content-visibility skips: one
    # 20-50 ms task per box on a phone, most of these pages' Total Blocking Time.
    phone_page.goto(f"{book_url}chapters/{chapter}.html", wait_until="load")
    _tab_stops_done(phone_page)
    found = phone_page.evaluate("""(selector) => {
      const boxes = [...document.querySelectorAll(selector)];
      const skipped = boxes.filter((b) => !b.checkVisibility({contentVisibilityAuto: true}));
      return {boxes: boxes.length, skipped: skipped.length,
              measuredSkipped: skipped.filter((b) => window.__lacoeMeasured.has(b)).length,
              skippedWithoutTabStop: skipped.filter((b) => b.tabIndex !== 0).length,
              onScreenUnmeasured: boxes.filter((b) => {
                const r = b.getBoundingClientRect();
                return b.checkVisibility() && r.bottom > 0 && r.top < innerHeight && !window.__lacoeMeasured.has(b);
              }).length};
    }""", SCROLL_BOXES)
    assert found["skipped"] > 0, f"{chapter}: no box below the first screen, nothing to check: {found}"
    assert found["measuredSkipped"] == 0, found
    # Not measured yet (off screen, or in a closed code toggle): each keeps a tab stop, in case it scrolls.
    assert found["skippedWithoutTabStop"] == 0, found
    assert found["onScreenUnmeasured"] == 0, found  # the boxes on screen are measured


def test_a_box_gets_its_measured_tab_stop_once_it_is_on_screen(phone_page, book_url):
    phone_page.goto(f"{book_url}chapters/audit.html", wait_until="load")
    _tab_stops_done(phone_page)
    last = f"[...document.querySelectorAll({SCROLL_BOXES!r})].at(-1)"
    assert phone_page.evaluate(f"{last}.tabIndex") == 0
    phone_page.evaluate(f"{last}.scrollIntoView()")
    phone_page.wait_for_function(f"window.__lacoeMeasured.has({last})", timeout=15000)
    _tab_stops_done(phone_page)
    scrolls, tab_index = phone_page.evaluate(
        f"[{last}.scrollWidth > {last}.clientWidth || {last}.scrollHeight > {last}.clientHeight, {last}.tabIndex]")
    assert tab_index == (0 if scrolls else -1)


@pytest.mark.parametrize("button, dialog", [("primary-toggle", "pst-primary-sidebar-modal"),
                                            ("secondary-toggle", "pst-secondary-sidebar-modal")])
def test_on_a_phone_the_visible_sidebar_buttons_open_the_navigation(phone_page, book_url, button, dialog):
    # The theme wires the first button of each class in the page; when that was a hidden copy in
    # the header, the buttons a phone shows did nothing (_templates/sections/header.html).
    phone_page.goto(f"{book_url}chapters/finance.html", wait_until="load")
    phone_page.wait_for_function("document.documentElement.dataset.lacoeScripts === 'done'", timeout=15000)
    visible = phone_page.locator(f"button.{button}:visible")
    assert visible.count() == 1
    visible.click()
    phone_page.wait_for_function(f"document.getElementById('{dialog}').open", timeout=5000)
    links = phone_page.locator(f"#{dialog} a:visible")
    assert links.count() > 3, f"the {button} dialog opened with {links.count()} links"
