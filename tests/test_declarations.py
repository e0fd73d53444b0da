"""Each published number declared once: the declarations files, their checks and their evaluation."""
import csv
import json
import re

import pytest

from lacoe_report.core import declarations, formula
from lacoe_report.core.audit import VERDICTS
from lacoe_report.core.declarations import DeclarationError, evaluate, load_text
from lacoe_report.core.paths import FIGURES_CSV, REPORT_TEXT
from lacoe_report.book.toc import toc_chapters


def declared(text: str) -> list[dict]:
    return [evaluate(entry) for entry in load_text(text, "demo")]


def figure_row(figure_id: str) -> dict:
    with open(FIGURES_CSV, encoding="utf-8-sig", newline="") as handle:
        return next(row for row in csv.DictReader(handle) if row["id"] == figure_id)


# ---------------------------------------------------------------- what a declaration gives


def test_a_figure_as_stated_takes_its_unit_and_its_units_display():
    [record] = declared("numbers:\n  total: fin_budget_total\n")
    row = figure_row("fin_budget_total")
    assert record["unit"] == row["unit"] == "usd"
    assert record["value"] == float(row["value"]) and record["text"] == "$627,000,000"
    assert record["formula"] == "fin_budget_total" and record["inputs"] == ["fin_budget_total"]


def test_the_value_is_what_the_formula_evaluates_to_and_the_format_only_prints_it():
    [record] = declared("numbers:\n  share: {formula: fin_educational_amount / fin_budget_total * 100, "
                        "unit: percent, format: percent_1dp}\n")
    amount, total = (float(figure_row(i)["value"]) for i in ("fin_educational_amount", "fin_budget_total"))
    assert record["value"] == pytest.approx(amount / total * 100, rel=1e-12)
    assert record["text"] == "9.4%" and record["format"] == "percent_1dp"
    assert record["inputs"] == ["fin_educational_amount", "fin_budget_total"]


def test_lets_and_earlier_numbers_are_written_into_the_recorded_formula_so_it_stands_alone():
    records = declared("""
lets:
  amounts: [fin_admin_amount, fin_educational_amount]
  edu: fin_educational_amount / fin_budget_total * 100
numbers:
  n_amounts: count(id=amounts)
  both: {formula: sum(amounts), unit: usd}
  edu_share: {formula: edu, unit: percent}
  edu_rounded: {formula: round_half_up(edu_share), unit: percent}
""")
    by_key = {r["key"]: r for r in records}
    # a list inside count()'s keyword compares the CSV's text: the ids are quoted there, values elsewhere
    assert by_key["n_amounts"]["formula"] == "count(id=['fin_admin_amount', 'fin_educational_amount'])"
    assert by_key["n_amounts"]["value"] == 2
    assert by_key["both"]["formula"] == "sum([fin_admin_amount, fin_educational_amount])"
    assert by_key["edu_share"]["formula"] == "fin_educational_amount / fin_budget_total * 100"
    assert by_key["edu_rounded"]["formula"] == "round_half_up(fin_educational_amount / fin_budget_total * 100)"
    for record in records:  # what any evaluator of the language gets from the data alone
        assert formula.agrees(formula.evaluate(record["formula"]), record["value"])


def test_a_constants_rule_stays_words_even_when_it_names_a_let():
    [record] = declared("lets:\n  months: [fin_budget_total]\nnumbers:\n"
                        "  year: {formula: \"12  # months in a year\", unit: months}\n")
    assert record["formula"] == "12  # months in a year" and record["value"] == 12


def test_a_fact_takes_its_words_from_the_data_or_the_engine():
    records = {r["key"]: r for r in declared("""
numbers:
  period: period(schools_diplomas)
  undated_period: period(schools_students_total)
  assumed_period: period(fin_budget_total)
  quote: quote(p4_newsletter_open_rate)
  verdict: verdict('budget-share-educational')
  n_shares: questions(check='share')
""")}
    # "graduation outcomes in the 2023-24 school year": a period the report states prints as it is
    assert records["period"]["text"] == "2023-24"
    # the enrolment of LACOE's schools carries no date: its period is only the report's year, and says so
    assert records["undated_period"]["text"] == "2023-24 (the report's year: undated)"
    # a period the report does not state is printed as what it is, the data's reading
    assert "period" in figure_row("fin_budget_total")["assumed"].split()
    assert records["assumed_period"]["text"] == figure_row("fin_budget_total")["period"] + " (the data's reading)"
    assert records["quote"]["text"] == figure_row("p4_newsletter_open_rate")["quote"]
    assert records["quote"]["text"] in REPORT_TEXT.read_text(encoding="utf-8")
    # By hand: $59 million of $627 million is 9.41%; even at the rounding's edge, $59.5 million of
    # $626.5 million is 9.497%, below the 9.5% that rounds to the stated 10%: inconsistent.
    assert records["verdict"]["text"] == "inconsistent"
    assert records["verdict"]["unit"] == "text"
    assert set(records["verdict"]["inputs"]) == {"fin_educational_amount", "fin_budget_total",
                                                 "fin_educational_share"}
    # data/audit_relations.yml declares five relations of kind `share` (counted in the file): five questions
    assert records["n_shares"]["value"] == 5
    # a numeric fact is recorded as its value with the call as its rule: any evaluator reads a constant
    assert records["n_shares"]["formula"] == "5  # questions(check='share')"
    assert formula.evaluate(records["n_shares"]["formula"]) == 5


# ---------------------------------------------------------------- what a declaration may not be


@pytest.mark.parametrize("text, message", [
    ("numbers:\n  a: fin_budget_total\n  a: fin_admin_amount\n", "line 3: 'a' is declared twice (first on line 2)"),
    ("numbers:\n  a: fin_budget_total / 2\n", "line 2, a: a needs a unit"),
    ("numbers:\n  a: {formula: fin_budget_total, format: '{:,.0f}'}\n", "is not a named format"),
    ("numbers:\n  a: {formula: fin_budget_total, unit: furlongs}\n", "unit 'furlongs' is not one of"),
    ("numbers:\n  a: {formula: '12', unit: months}\n", "a constant says where it comes from after '#'"),
    ("numbers:\n  a: {formula: no_such_figure, unit: count}\n", "no_such_figure is not a figure id"),
    ("numbers:\n  a: {formula: __import__('os'), unit: count}\n", "line 2, a: __import__('os'): calls only"),
    ("numbers:\n  a: {formula: period(fin_budget_total) + 1, unit: count}\n", "a fact (period"),
    ("numbers:\n  a: period('fin_budget_total')\n", "period() takes a figure id (unquoted)"),
    ("numbers:\n  a: verdict('no-such-question')\n", "no audit question 'no-such-question'"),
    ("numbers:\n  a: {formula: fin_budget_total, colour: red}\n", "a declaration is a formula, or a mapping"),
    ("numbers:\n  Bad-Key: fin_budget_total\n", "a key is lower case letters"),
    ("numbers: [fin_budget_total]\n", "'lets' and 'numbers' are mappings"),
    ("numbers:\n  a: {formula: [oops\n  b: 1\n", "demo.numbers.yml, line 3"),
])
def test_a_bad_declaration_is_refused_with_the_file_line_and_key(text, message):
    with pytest.raises(DeclarationError) as caught:
        declared(text)
    assert message in str(caught.value) and str(caught.value).startswith("demo.numbers.yml")


# ---------------------------------------------------------------- the book's chapters


def prose_lines():
    """(chapter, line) of every markdown cell, caption and alt text of every chapter, glued numbers removed.

    A verdict named as a term (in *italics* or ‘single quotes’, as the audit chapter defines them) is removed too.
    """
    for path in toc_chapters():
        notebook = json.loads(path.read_text(encoding="utf-8"))
        for cell in notebook["cells"]:
            texts = ["".join(cell["source"])] if cell["cell_type"] == "markdown" else []
            figure = cell.get("metadata", {}).get("mystnb", {})
            texts += [figure.get("figure", {}).get("caption", ""), figure.get("image", {}).get("alt", "")]
            for text in texts:
                text = re.sub(r"\{glue:text\}`[^`]*`|\*[^*]+\*|‘[^’]+’", "", text)
                for line in text.splitlines():
                    yield path.stem, line


def test_every_chapter_that_pastes_numbers_declares_them_beside_it_and_nowhere_else():
    listed = {p.stem for p in toc_chapters()}
    assert set(declarations.chapters()) <= listed, "a declarations file without a chapter in _toc.yml"
    for path in toc_chapters():
        source = path.read_text(encoding="utf-8")
        if "{glue:text}" in source:
            assert declarations.path(path.stem).exists(), f"{path.name} pastes numbers it does not declare"
        code = "\n".join("".join(c["source"]) for c in json.loads(source)["cells"] if c["cell_type"] == "code")
        assert not re.search(r"\b(derive|constant|publish_figure)\(|publish\(\s*['\"][^'\"]+['\"]\s*,", code), \
            f"{path.name} publishes a number in code instead of declaring it"


def test_no_chapter_types_a_verdict_of_the_audit():
    # The engine's words, glued, are the verdicts; *italic* names a verdict as a term (the audit defines them).
    words = re.compile(r"\b(" + "|".join(sorted(map(re.escape, VERDICTS), key=len, reverse=True))
                       + r"|agrees?|agreement)\b", re.IGNORECASE)
    typed = [f"{chapter}: {line.strip()}" for chapter, line in prose_lines()
             if words.search(re.sub(r"`[^`]*`", "", line))]
    assert typed == [], "verdicts typed by hand (declare verdict('question-id') and glue it):\n" + "\n".join(typed)


def test_no_chapter_types_a_quote_of_the_report():
    report = " ".join(REPORT_TEXT.read_text(encoding="utf-8").split())
    typed = []
    for chapter, line in prose_lines():
        if line.lstrip().startswith(">") and re.search(r"\w", line.lstrip("> ").strip()):
            typed.append(f"{chapter}: {line.strip()}")  # a block quote is pasted from the data, whole
        for quoted in re.findall(r"[\"“]([^\"”]+)[\"”]", line):
            # a sentence of the report, not a term the prose discusses ("access to virtual mental health services")
            if len(quoted.split()) >= 8 and " ".join(quoted.split()) in report:
                typed.append(f"{chapter}: “{quoted}”")
    assert typed == [], "report quotes typed by hand (declare quote(figure_id) and glue it):\n" + "\n".join(typed)
