"""No page of the built book states an assumed value as the report's.

The data marks each value the report does not state (``assumed`` in
``data/report_figures.csv``). On every built page, a sentence (or a table
row) that prints such a figure's number together with its assumed value must
say it is an assumption (the words of ``data/vocabulary.yml``: "if",
"assumes", "reads ... as" ...).

Reads ``_build/html`` (``make book`` brings it up to date), or the book named
by ``LACOE_BROWSER_BOOK``, like the browser tests.
"""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from lacoe_report.core import data
from lacoe_report.core.audit import assumptions
from lacoe_report.core.audit.wording import _occurs, has_assumption_words, sentences
from lacoe_report.core.formats import number
from lacoe_report.core.paths import BUILD_DIR, PROJ_ROOT

pytestmark = pytest.mark.slow  # reads (and may build) the HTML book


@pytest.fixture(scope="module")
def book_dir() -> Path:
    given = os.environ.get("LACOE_BROWSER_BOOK")
    if given:
        return Path(given).resolve()
    result = subprocess.run(["make", "--no-print-directory", "book"], cwd=PROJ_ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        pytest.fail(f"the book did not build:\n{result.stdout}{result.stderr}", pytrace=False)
    return BUILD_DIR / "html"


def page_statements(path: Path) -> list[str]:
    """The sentences of a page's prose, and its table rows, as plain text."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    main = soup.find("main") or soup
    out: list[str] = []
    for row in main.find_all("tr"):
        out.append(" ".join(row.get_text(" ").split()))
        row.decompose()
    for block in main.find_all(["p", "li", "figcaption", "dd"]):
        out.extend(sentences(" ".join(block.get_text(" ").split())))
    return out


def printed_forms(figure_id: str) -> set[str]:
    """How a figure's number can be printed: as the book formats it and as the report writes it."""
    row = data.figures().loc[figure_id]
    forms = {number(float(row["value"]), str(row["unit"])), str(row["as_written"])}
    return {x for x in forms if sum(c.isdigit() for c in x) >= 2}


def assumed_as_fact(statements: list[str]) -> list[tuple[str, str, str]]:
    """(figure, assumed value, statement) for each statement that prints both as fact.

    A table row that names figure ids is checked only for those figures (a row
    of one figure says nothing of another with the same digits).
    """
    ids = set(data.figures().index)
    found = []
    for a in assumptions().itertuples():
        if a.field not in ("period", "qualifier"):
            continue  # part_of, per and unit are readings of relations, not printed values
        forms = printed_forms(a.figure)
        for s in statements:
            named = {w for w in re.findall(r"[a-z0-9_]+", s) if w in ids}
            if named and a.figure not in named:
                continue
            if a.field == "qualifier":  # the hedge with its number, as one phrase, about this figure
                label = [w for w in re.findall(r"[A-Za-z]{6,}", str(data.figures().at[a.figure, "label"]))]
                about = a.figure in named or any(w.lower() in s.lower() for w in label)
                shown = about and (any(_occurs(f"{a.value} {n}", s) for n in forms) or
                                   (a.figure in named and _occurs(a.value, s)))
            else:
                values = {a.value, a.value.partition(" to ")[0]}
                shown = (a.figure in named or any(_occurs(n, s) for n in forms)) and \
                    any(_occurs(v, s) for v in values if v)
            if shown and not has_assumption_words(s):
                found.append((a.figure, a.value, s))
    return found


def test_the_scan_finds_an_assumed_value_stated_as_fact():
    # The data reads 8,318 as the count of 2022-23; the report does not say so.
    bad = ["Attendance was 8,318 in 2022-23."]
    good = ["If 8,318 counts 2022-23, attendance grew by 2,285.", "The report gives 8,318 and no year."]
    assert [(f, v) for f, v, _ in assumed_as_fact(bad)] == [("ach_da_attendance_baseline", "2022-23")]
    assert assumed_as_fact(good) == []


def test_no_built_page_states_an_assumed_value_as_the_reports(book_dir):
    problems = []
    for page in sorted(book_dir.rglob("*.html")):
        if "_static" in page.parts or "_sources" in page.parts:
            continue
        for figure, value, statement in assumed_as_fact(page_statements(page)):
            problems.append(f"{page.relative_to(book_dir)}: {figure} assumed {value!r}: {statement[:200]}")
    assert not problems, "\n".join(problems)
