"""No page of the built book says more than the report: what a fact-checker reads for.

- The data marks each value the report does not state (``assumed`` in
  ``data/report_figures.csv``). On every built page, a sentence (or a table
  row) that prints such a figure's number together with its assumed value must
  say it is an assumption (the words of ``data/vocabulary.yml``: "if",
  "assumes", "reads ... as" ...).
- A hedged number is never shown bare: every pasted number prints the hedge its
  ledger row records, no hedge is doubled, and every table row of a hedged
  figure shows the hedge.
- An undated figure is never given a period as fact: its table row and its
  pasted period say the period is only the report's year.
- A sum or ratio across groups of people stands beside its declared caveat.

Reads ``_build/html`` (``make book`` brings it up to date), or the book named
by ``LACOE_BROWSER_BOOK``, like the browser tests.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from lacoe_report.core import data, declarations
from lacoe_report.core.audit import assumptions
from lacoe_report.core.audit.wording import _occurs, has_assumption_words
from lacoe_report.core.source_text import sentences
from lacoe_report.core.formats import number
from lacoe_report.core.paths import PROJ_ROOT
from lacoe_report.core.vocabulary import HEDGE_BOUNDS, HEDGE_CARRIERS, PERIOD_BASIS_LABELS, QUALIFIER_WORDS

pytestmark = pytest.mark.slow  # reads (and may build) the HTML book


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


# --------------------------------------------------------------------------- hedges, periods, groups

def ledger_rows() -> dict[tuple[str, str], dict]:
    """Every published number's ledger row, by (chapter, key)."""
    return {(row["chapter"], row["key"]): row.to_dict() for _, row in data.ledger().iterrows()}


def pasted_numbers(path: Path) -> list[tuple[str, str, str, str]]:
    """(chapter, key, text as shown, its block's text) for every pasted number on a page."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    found = []
    for link in soup.select('a.lacoe-trace[href*="#ledger-"]'):
        anchor = link["href"].split("#ledger-", 1)[1]
        block = link.find_parent(["p", "li", "figcaption", "td", "dd"]) or link.parent
        chapter, _, key = anchor.partition("-")
        found.append((chapter, key, " ".join(link.get_text(" ").split()), " ".join(block.get_text(" ").split())))
    return found


HEDGE_WORDS = sorted(HEDGE_BOUNDS, key=len, reverse=True)
DOUBLED = re.compile(r"\b(" + "|".join(map(re.escape, HEDGE_WORDS + ["roughly"])) + r")\s+("
                     + "|".join(map(re.escape, HEDGE_WORDS)) + r")\s+[\d$]", re.IGNORECASE)


def bare_hedges(page: Path, rows: dict) -> list[str]:
    """Pasted numbers whose ledger row has a hedge that neither the number nor its sentence shows."""
    problems = []
    for chapter, key, shown, block in pasted_numbers(page):
        row = rows.get((chapter, key))
        hedge = (row or {}).get("hedge") or ""
        if not hedge or shown.startswith(hedge + " "):
            continue
        sentence = next((s for s in sentences(block) if shown in s), block)
        if not any(re.search(rf"\b{re.escape(w)}\b", sentence.lower()) for w in HEDGE_CARRIERS):
            problems.append(f"{page.name}: {key} printed {shown!r}, its hedge {hedge!r} nowhere in: {sentence[:160]}")
    return problems


def test_the_scans_find_a_bare_hedge_and_a_doubled_one(tmp_path):
    page = tmp_path / "page.html"
    page.write_text('<main><p>The conference drew <a class="lacoe-trace" href="ledger.html#ledger-x-n">400</a> '
                    'educators. Over over 400 of them came.</p></main>', encoding="utf-8")
    assert bare_hedges(page, {("x", "n"): {"hedge": "over"}}) != []
    assert bare_hedges(page, {("x", "n"): {"hedge": ""}}) == []
    assert DOUBLED.search(page.read_text()).group(0) == "Over over 4"
    assert DOUBLED.search("at least 392 of the over 400 attendees") is None


def test_no_built_page_shows_a_hedged_number_bare(book_dir):
    rows = ledger_rows()
    problems, pasted = [], 0
    for page in sorted((book_dir / "chapters").glob("*.html")):
        problems += bare_hedges(page, rows)
        pasted += len(pasted_numbers(page))
        for statement in page_statements(page):
            if DOUBLED.search(statement):
                problems.append(f"{page.name}: a doubled hedge: {statement[:160]}")
    assert pasted > 500, f"only {pasted} pasted numbers found: the scan no longer reads the pages"
    assert not problems, "\n".join(problems)


def figure_rows_of(page: Path) -> list[tuple[str, str]]:
    """(figure id, row text) for each table row of a page that begins with a figure id, or that ends
    with one in a table of figures as stated (tables.trace_table: "Figure" ... "Id" in its header)."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    ids = set(data.figures().index)
    out = []
    for table in soup.find_all("table"):
        header = [" ".join(c.get_text(" ").split()) for c in table.find("tr").find_all(["th", "td"])] \
            if table.find("tr") else []
        last = bool(header) and header[0] == "Figure" and header[-1] == "Id"
        for row in table.find_all("tr"):
            cells = [" ".join(c.get_text(" ").split()) for c in row.find_all(["th", "td"])]
            if cells and cells[-1 if last else 0] in ids:
                out.append((cells[-1 if last else 0], " | ".join(cells)))
    return out


def test_every_table_row_of_a_hedged_or_undated_figure_says_so(book_dir):
    figures = data.figures()
    problems, seen = [], 0
    for page in sorted((book_dir / "chapters").glob("*.html")):
        for figure_id, row in figure_rows_of(page):
            if "Period" not in row and "(" not in row:
                continue  # a table of something else that names figures
            seen += 1
            hedge = QUALIFIER_WORDS[figures.at[figure_id, "qualifier"]]
            if hedge and hedge not in row:
                problems.append(f"{page.name}: {figure_id} ({hedge}) without its hedge: {row[:160]}")
            basis = figures.at[figure_id, "period_basis"]
            if basis != "stated" and PERIOD_BASIS_LABELS[basis] not in row.replace("’", "'"):
                problems.append(f"{page.name}: {figure_id} ({basis}) dated as if stated: {row[:160]}")
    assert seen >= len(figures), f"only {seen} table rows of figures found, fewer than the {len(figures)} figures"
    assert not problems, "\n".join(problems)


def test_no_pasted_period_of_an_undated_figure_reads_as_stated():
    figures = data.figures()
    checked = 0
    for (chapter, key), row in ledger_rows().items():
        call = re.fullmatch(r"period\((\w+)\)", row["formula"])
        if not call:
            continue
        checked += 1
        basis = figures.at[call.group(1), "period_basis"]
        label = PERIOD_BASIS_LABELS[basis]
        assert (basis == "stated") == (label not in row["text"]), f"{chapter}/{key}: {row['text']!r} ({basis})"
    assert checked >= 5


def test_every_combination_of_groups_stands_beside_its_caveat(book_dir):
    caveats = {(e.chapter, e.key): e.caveat for e in declarations.book_entries() if e.caveat}
    assert len(caveats) >= 5
    problems, uses = [], 0
    for page in sorted((book_dir / "chapters").glob("*.html")):
        for chapter, key, shown, block in pasted_numbers(page):
            caveat = caveats.get((chapter, key))
            if caveat is None or page.stem == "ledger":
                continue  # the ledger lists every number once, with its formula
            uses += 1
            if caveat not in block:
                problems.append(f"{page.name}: {key} = {shown!r} without its caveat: {block[:160]}")
    assert uses >= len(caveats), f"{uses} uses of {len(caveats)} combining numbers found on the pages"
    assert not problems, "\n".join(problems)


#: Words that say a period is only the report's year, not a date the report gives a figure.
UNDATED_WORDS = ("report's year", "report’s year", "undated", "no date", "not a date", "gives no")


def dated_as_fact(statements: list[str]) -> list[tuple[str, str]]:
    """(figure, statement) for each statement that prints an undated figure's number beside the report's year.

    A table row that names figure ids is checked only for those figures.
    """
    figures = data.figures()
    undated = figures.index[figures["period_basis"].eq("report_year")]
    ids = set(figures.index)
    found = []
    for figure_id in undated:
        year = str(figures.at[figure_id, "period"])
        forms = printed_forms(figure_id)
        for s in statements:
            named = {w for w in re.findall(r"[a-z0-9_]+", s) if w in ids}
            if named and figure_id not in named:
                continue
            if any(w in s for w in UNDATED_WORDS):
                continue
            if figure_id in named and _occurs(year, s) or any(_near(n, year, s) for n in forms):
                found.append((figure_id, s))
    return found


def _near(number: str, year: str, statement: str, within: int = 60) -> bool:
    """Whether ``number`` and ``year`` both stand in ``statement``, at most ``within`` characters apart."""
    # Not a part of a longer number, nor of a year ("24" in "2023-24").
    numbers = [m.start() for m in re.finditer(rf"(?<![\d,.-]){re.escape(number)}(?![\d,]|-\d)", statement)]
    years = [m.start() for m in re.finditer(re.escape(year), statement)]
    return any(abs(a - b) <= within for a in numbers for b in years)


def test_the_scan_finds_an_undated_figure_given_the_reports_year():
    # The report gives the EASE programme's 177,000 employees no date.
    found = [f for f, _ in dated_as_fact(["EASE covered 177,000 employees in 2023-24."])]
    assert sorted(found) == ["p2_ease_employees", "p2_ease_employees_callout"]  # the callout prints it too
    assert dated_as_fact(["EASE covers 177,000 employees (undated: the report's year, 2023-24)."]) == []


def test_no_built_page_gives_an_undated_figure_a_period_as_fact(book_dir):
    problems = []
    for page in sorted(book_dir.rglob("*.html")):
        if "_static" in page.parts or "_sources" in page.parts:
            continue
        for figure, statement in dated_as_fact(page_statements(page)):
            problems.append(f"{page.relative_to(book_dir)}: {figure}: {statement[:200]}")
    assert not problems, "\n".join(problems)


def chart_records(notebook: Path) -> list[str]:
    """The ``label: value`` lines every chart of an executed chapter records (``Chart.data``)."""
    lines = []
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        for output in cell.get("outputs", []):
            text = "".join(output.get("data", {}).get("text/plain", ""))
            if text.startswith("Chart ("):
                lines += text.splitlines()[1:]
    return lines


def bare_in_charts(chapter: str, lines: list[str], rows: dict) -> list[str]:
    """Chart labels that print a hedged number of the chapter without its hedge."""
    bare = {r["text"].removeprefix(r["hedge"] + " "): r["text"] for (c, _), r in rows.items()
            if c == chapter and r["hedge"] and r["text"].startswith(r["hedge"] + " ")}
    return [f"{chapter}: {line!r} (published as {bare[value]!r})"
            for line in lines for value in [line.rpartition(": ")[2].split(" (")[0]] if value in bare]


def test_the_chart_scan_finds_a_bare_label():
    rows = {("c", "n"): {"text": "over 400", "hedge": "over"}}
    assert bare_in_charts("c", ["Conference: 400"], rows) == ["c: 'Conference: 400' (published as 'over 400')"]
    assert bare_in_charts("c", ["Conference: over 400"], rows) == []
    assert len(bare_in_charts("c", ["Attendees: 400 (12%)"], rows)) == 1  # a share bar's label


def test_no_chart_labels_a_hedged_number_bare():
    rows = ledger_rows()
    problems, labelled = [], 0
    for notebook in sorted((PROJ_ROOT / "chapters").glob("*.ipynb")):
        lines = chart_records(notebook)
        labelled += len(lines)
        problems += bare_in_charts(notebook.stem, lines, rows)
    assert labelled > 100, f"only {labelled} chart labels found: the scan no longer reads the charts"
    assert not problems, "\n".join(problems)
