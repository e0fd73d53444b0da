"""The front page leads with the findings: counts and the strongest findings on the first screen.

Opened in Chromium at a desktop's 1280x800 and a phone's 390x844. The verdict
counts it shows must be `make audit`'s (the audit's command line, run here as
`make audit` runs it), and its ranked findings must be links that reach their
evidence in the appendix "Questions for LACOE".
"""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from lacoe_report.core.paths import PROJ_ROOT

from .browser_support import local_only

pytestmark = pytest.mark.slow  # the built book in Chromium

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
FRONT = "chapters/intro.html"
# On the page: "... the audit asked 63 questions of the report's figures: 1 inconsistent, 40 worth a second look ..."
VERDICT_WORDS = ("inconsistent", "worth a second look", "consistent within rounding", "consistent")


@pytest.fixture(scope="module")
def audit_summary() -> dict:
    """What `make audit` prints, as JSON (`AUDIT_ARGS=--json`): questions per verdict."""
    result = subprocess.run([sys.executable, "-m", "lacoe_report.core.audit", "--json"], cwd=PROJ_ROOT,
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)["summary"]


def _first_screen(browser, book_url, viewport):
    context = browser.new_context(viewport=viewport)
    external: list[str] = []
    local_only(context, book_url, external)
    page = context.new_page()
    page.goto(book_url + FRONT)
    # Where each thing is, relative to the top of the page: the reader has not scrolled.
    found = page.evaluate("""() => {
      const box = (e) => {
        const r = e.getBoundingClientRect();
        return {top: r.top + scrollY, bottom: r.bottom + scrollY};
      };
      const article = document.querySelector('article');
      const counts = [...article.querySelectorAll('p')].find((p) => p.textContent.includes('The audit asked'));
      const findings = [...article.querySelectorAll('ol > li')].slice(0, 3).map((li) => {
        const a = [...li.querySelectorAll('a')].find((x) => x.textContent.trim() === 'The evidence');
        return {text: li.textContent.trim(), href: a ? a.href : null, ...box(li)};
      });
      return {counts: counts ? {text: counts.textContent.replace(/\\s+/g, ' '), ...box(counts)} : null,
              findings, height: innerHeight};
    }""")
    return context, page, found, external


def _counts(text: str) -> dict:
    """The verdict counts a sentence states: {"inconsistent": 1, ...} ("none" is zero)."""
    out = {}
    for verdict in VERDICT_WORDS:
        # "consistent" alone: not the end of "inconsistent", nor the start of "consistent within rounding"
        match = re.search(rf"(\d[\d,]*|none) (?<!in){re.escape(verdict)}(?! within)", text)
        if match:
            out[verdict] = 0 if match.group(1) == "none" else int(match.group(1).replace(",", ""))
    return out


def test_counts_are_parsed_as_the_page_words_them():
    text = "asked 63 questions: 1 inconsistent, 40 worth a second look, 4 consistent within rounding and 18 consistent."
    assert _counts(text) == {"inconsistent": 1, "worth a second look": 40, "consistent within rounding": 4,
                             "consistent": 18}


@pytest.mark.parametrize("viewport, screens", [(DESKTOP, 1), (PHONE, 2)], ids=["desktop-1280x800", "phone-390x844"])
def test_front_page_leads_with_the_audits_counts_and_findings(browser, book_url, audit_summary, viewport, screens):
    context, page, found, external = _first_screen(browser, book_url, viewport)
    try:
        assert found["counts"], "the front page does not state the audit's counts"
        shown = _counts(found["counts"]["text"])
        expected = {v: audit_summary[v] for v in VERDICT_WORDS}
        assert shown == expected, f"front page says {shown}, make audit says {expected}"
        limit = screens * viewport["height"]
        assert found["counts"]["bottom"] <= limit, f"the counts end at {found['counts']['bottom']} px, below {limit}"
        assert len(found["findings"]) == 3, found["findings"]
        for finding in found["findings"]:
            assert finding["bottom"] <= limit, \
                f"{finding['text'][:60]}... ends at {finding['bottom']} px, below {limit}"
            assert finding["href"] and "#q-" in finding["href"], finding
        # Each link reaches its evidence: the appendix has the target, and it says the finding's verdict.
        for finding in found["findings"]:
            page.goto(finding["href"])
            anchor = finding["href"].split("#", 1)[1]
            target = page.locator(f"[id='{anchor}']")
            assert target.count() == 1, f"no evidence at {finding['href']}"
            verdict = finding["text"].split(":", 1)[0].lower()
            evidence = page.evaluate(f"() => document.getElementById('{anchor}').parentElement.textContent")
            assert verdict in evidence.lower(), (verdict, evidence[:200])
        assert not external, external
    finally:
        context.close()
