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

@pytest.fixture()
def phone_page(browser, book_url):
    context = browser.new_context(viewport=PHONE, service_workers="block")
    local_only(context, book_url, [])
    page = context.new_page()
    yield page
    context.close()


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


def test_every_box_that_scrolls_gets_a_tab_stop_from_the_themes_script(phone_page, book_url):
    # The theme's own addTabStopsToScrollableElements, run once its late script has loaded.
    phone_page.goto(f"{book_url}chapters/audit.html", wait_until="load")
    phone_page.wait_for_function("document.documentElement.dataset.lacoeScripts === 'done'", timeout=15000)
    found = phone_page.evaluate("""(selector) => {
      const boxes = [...document.querySelectorAll(selector)];
      const scrolls = boxes.filter((b) => b.scrollWidth > b.clientWidth || b.scrollHeight > b.clientHeight);
      return {scrolls: scrolls.length, withoutTabStop: scrolls.filter((b) => b.tabIndex !== 0).length};
    }""", SCROLL_BOXES)
    assert found["scrolls"] > 0, found  # a phone-wide audit page has tables wider than the screen
    assert found["withoutTabStop"] == 0, found


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
