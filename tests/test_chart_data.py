"""The data behind each chart (issue 34, item 4): every chart's data link returns a CSV whose values match the ledger.

The built pages are read like a reader's browser would follow them: each
chart (a figure a chapter names in ``mystnb.figure.name``) has a "Get the
data" link in its caption; the file it points to lists exactly what the chart
draws (the labels and texts of the chart's ``text/plain`` record, which nbval
holds to the committed outputs), and every value has a ledger key or a figure
id and equals that row of ``ledger/ledger.csv`` or ``data/report_figures.csv``,
unit and input figure ids included.

Reads ``_build/html`` (``make book`` brings it up to date), or the book named
by ``LACOE_BROWSER_BOOK``, like the browser tests.
"""
from __future__ import annotations

import ast
import csv
import io
import json
import math
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from lacoe_report.book import chart_data
from lacoe_report.core import data, formula
from lacoe_report.core.facts import FACTS
from lacoe_report.core.paths import FIGURES_CSV, LEDGER_CSV, PROJ_ROOT
from lacoe_report.core.sourced import source_of
from lacoe_report.present import plots
from lacoe_report.present.publish import Numbers

def counts_no_figure(formula_text: str) -> bool:
    """Whether a ledger formula is a count that reads no figure's value, so its row names no figure ids.

    A count of the figures' rows is a formula of ``count``/``nunique`` that names no
    figure id; a count of the audit's questions (or its detectors) is a numeric fact,
    which the ledger records as its value and then its call. A constant with its rule,
    or any arithmetic over figures, is not.

    >>> counts_no_figure("18  # questions(verdict='consistent')"), counts_no_figure("count(section='closing')")
    (True, True)
    >>> counts_no_figure("5  # pillars the plan lists"), counts_no_figure("10.0  # near_tolerance()")
    (False, False)
    >>> counts_no_figure("fin_budget_total / 2"), counts_no_figure("count(id='x') + fin_budget_total")
    (False, False)
    """
    value, _, rule = (part.strip() for part in formula_text.partition("#"))
    if rule:
        fact = FACTS.get(rule.split("(", 1)[0].strip())
        return (formula.NUMBER.fullmatch(value) is not None and fact is not None and fact.unit == "count"
                and not fact.figure_args and rule.endswith(")"))
    calls = {n.func.id for n in ast.walk(formula.parse(formula_text)) if isinstance(n, ast.Call)}
    return bool(calls) and calls <= {"count", "nunique"} and not formula.figure_ids(formula_text)


def chart_cells() -> dict[str, tuple[Path, list[tuple[str, str]]]]:
    """Per chart name: its notebook and the (label, text) lines of its ``text/plain`` record."""
    found = {}
    for path in sorted((PROJ_ROOT / "chapters").glob("*.ipynb")):
        if path.name.endswith(".nbconvert.ipynb"):
            continue
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            name = cell.get("metadata", {}).get("mystnb", {}).get("figure", {}).get("name")
            for output in cell.get("outputs", []):
                text = "".join(output.get("data", {}).get("text/plain", ""))
                if name and text.startswith("Chart ("):
                    found[name] = (path, [tuple(line.rsplit(": ", 1)) for line in text.splitlines()[1:]])
    return found


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def linked_csvs(book_dir) -> dict[str, list[dict]]:
    """Per chart: the rows of the CSV its caption's link points to, found from the built page."""
    found = {}
    for name, (notebook, _) in chart_cells().items():
        page = book_dir / "chapters" / f"{notebook.stem}.html"
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        figure = soup.find(id=name)
        assert figure is not None, f"{page.name} has no chart {name}"
        caption = figure.find("figcaption")
        links = caption.find_all("a", class_="lacoe-chart-data") if caption else []
        assert len(links) == 1, f"{name}: {len(links)} data links in its caption"
        assert "download" in links[0]["class"], f"{name}: the data link is not a download (the PDF attaches those)"
        target = (page.parent / links[0]["href"]).resolve()
        assert target.is_file(), f"{name}: its data link {links[0]['href']} leads to no file"
        assert target.parent == (book_dir / chart_data.FOLDER).resolve(), target
        found[name] = read_csv(target)
    return found


@pytest.mark.slow
def test_every_chart_links_a_csv_of_exactly_what_it_draws(linked_csvs):
    cells = chart_cells()
    assert len(linked_csvs) == len(cells) >= 30, sorted(linked_csvs)
    for name, rows in linked_csvs.items():
        drawn = [(" ".join(label.split()), text) for label, text in cells[name][1]]
        assert [(r["label"], r["text"]) for r in rows] == drawn, name
        assert {r["figure"] for r in rows} == {name}


@pytest.mark.slow
def test_every_chart_value_matches_the_ledger_or_the_figure_it_draws(linked_csvs):
    ledger = {(r["chapter"], r["key"]): r for r in read_csv(LEDGER_CSV)}
    figures = {r["id"]: r for r in read_csv(FIGURES_CSV)}
    checked = 0
    for name, rows in linked_csvs.items():
        for row in rows:
            where = f"{name}, {row['label']}"
            assert row["source"] in ("ledger", "report figure"), \
                f"{where}: drawn without a source (declare it in the chapter's numbers.yml and draw numbers[...])"
            if row["source"] == "ledger":
                entry = ledger[(row["chapter"], row["key"])]
                assert math.isclose(float(row["value"]), float(entry["value"]), rel_tol=1e-12), where
                assert (row["unit"], row["figure_ids"]) == (entry["unit"], entry["inputs"]), where
                # A number read from figures names them; one that names none is a count of the figures'
                # rows or of the audit's questions, as its formula in the ledger shows.
                assert row["figure_ids"] or (row["unit"] == "count" and counts_no_figure(entry["formula"])), \
                    f"{where}: a ledger number drawn without figure ids that is not a count of rows or questions"
            else:
                entry = figures[row["figure_ids"]]
                assert math.isclose(float(row["value"]), float(entry["value"]), rel_tol=1e-12), where
                assert row["unit"] == entry["unit"] and not row["key"], where
            checked += 1
    assert checked >= 60


def test_published_numbers_and_figures_travel_with_their_source():
    records = [{"key": "k", "value": 400, "hedge": "over", "unit": "count"},
               {"key": "r", "value": 6.25, "hedge": "", "unit": "percent"}]
    numbers = Numbers("c", records)
    chart = plots.ordered_bars(["A", "B", "C"], [numbers["k"], numbers["r"], data.value("fin_budget_total")])
    assert [(v["label"], v["value"], v.get("key"), v.get("figure"), v["unit"]) for v in chart.values] == [
        ("C", 627_000_000.0, None, "fin_budget_total", "usd"),
        ("A", 400.0, "k", None, "count"),
        ("B", 6.25, "r", None, "percent")]
    assert [v["text"] for v in chart.values] == ["627,000,000", "over 400", "6"]
    # A number computed from a published one is the chapter's own: it has no source.
    assert source_of(numbers["k"] * 2) is None and source_of(data.value("fin_budget_total") / 2) is None


def test_the_csv_names_ledger_inputs_and_says_when_a_value_has_no_source():
    rows = list(csv.DictReader(io.StringIO(chart_data.chart_csv(
        "fig-x", [{"label": "A", "text": "1", "value": 1.0, "key": "k", "chapter": "c", "unit": "count"},
                  {"label": "B", "text": "2.5", "value": 2.5, "figure": "f", "unit": "usd"},
                  {"label": "C", "text": "3", "value": 3.0}],
        {("c", "k"): "f;g"}).decode())))
    assert [(r["value"], r["source"], r["key"], r["figure_ids"], r["unit"]) for r in rows] == [
        ("1", "ledger", "k", "f;g", "count"), ("2.5", "report figure", "", "f", "usd"),
        ("3", "computed in the chapter, not a published number", "", "", "")]


def test_the_data_package_says_why_it_does_not_list_the_chart_files():
    package = json.loads((PROJ_ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    paths = [r["path"] for r in package["resources"]]
    assert not any(p.startswith(chart_data.FOLDER) for p in paths)
    why = {item["path"]: item["why"] for item in package["notListed"]}
    assert "ledger" in why[f"{chart_data.FOLDER}/*.csv"] and "figure id" in why[f"{chart_data.FOLDER}/*.csv"]
