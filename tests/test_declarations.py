"""Each published number declared once: the declarations files, their checks and their evaluation."""
import csv
import json
import re

import pytest

from lacoe_report.core import data, declarations, formula
from lacoe_report.core.audit import VERDICTS
from lacoe_report.core.declarations import DeclarationError, evaluate, load_text
from lacoe_report.core.facts import FACTS
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


UNITS_LISTED = ("count, usd, percent, percent_change, rank, rating, years, months, square_miles, percent_points, "
                "ratio, per_unit, text")  # data/vocabulary.yml's units, in its order
NOT_A_FILE = "demo.numbers.yml: a declarations file has 'numbers' (and optionally 'lets') at the top"


@pytest.mark.parametrize("text, message", [
    # no numbers; a key besides lets and numbers; a list of declarations instead of a mapping
    ("lets:\n  a: [fin_budget_total]\n", NOT_A_FILE),
    ("numbers:\n  a: fin_budget_total\nnotes: why\n", NOT_A_FILE),
    ("- a: fin_budget_total\n", NOT_A_FILE),
    ("numbers:\n  a: fin_budget_total\n  a: fin_admin_amount\n", "demo.numbers.yml, line 3: 'a' is declared twice "
                                                                "(first on line 2)"),
    ("lets:\n  x: {a: 1}\nnumbers:\n  a: fin_budget_total\n",
     "demo.numbers.yml, line 2: let 'x' is an expression or a list of them"),
    ("lets:\n  x: true\nnumbers:\n  a: fin_budget_total\n",
     "demo.numbers.yml, line 2: let 'x' is an expression or a list of them"),
    # a name that is not text has no line recorded: the message says where it can
    ("lets:\n  1: {a: 1}\nnumbers:\n  a: fin_budget_total\n",
     "demo.numbers.yml, line ?: let 1 is an expression or a list of them"),
    ("numbers:\n  12: fin_budget_total\n", "demo.numbers.yml, line ?, 12: a key is lower case letters, digits and _"),
    ("lets:\n  a: fin_budget_total\nnumbers:\n  a: fin_budget_total\n",
     "demo.numbers.yml, line 4, a: a is also a let; give them different names"),
    ("numbers:\n  a:\n", "demo.numbers.yml, line 2, a: a declaration is a formula, or a mapping with formula "
                         "(and optionally unit, format)"),
    ("numbers:\n  a: {formula: 'fin_budget_total +', unit: usd}\n",
     "demo.numbers.yml, line 2, a: 'fin_budget_total +' is not a formula (invalid syntax)"),
    ("numbers:\n  a: fin_budget_total / 2\n",
     f"demo.numbers.yml, line 2, a: a needs a unit ({UNITS_LISTED}): only a figure id, count() or nunique() "
     "tells its own"),
    # a fact whose unit depends on what it reads (a setting may be a count, a share ...) needs one too
    ("numbers:\n  a: setting('hedges', 'round_multiple')\n",
     f"demo.numbers.yml, line 2, a: a needs a unit ({UNITS_LISTED}): only a figure id, count() or nunique() "
     "tells its own"),
    ("numbers:\n  a: {formula: fin_budget_total, unit: furlongs}\n",
     f"demo.numbers.yml, line 2, a: unit 'furlongs' is not one of {UNITS_LISTED}"),
    ("numbers:\n  a: {formula: '12', unit: months}\n", "demo.numbers.yml, line 2, a: a constant says where it comes "
                                                       "from after '#', in quotes: \"12  # months in a year\""),
    ("numbers:\n  a: {formula: p2_conference_educators, bare: 'yes'}\n",
     "demo.numbers.yml, line 2, a: bare is true or false"),
    ("numbers:\n  a: period()\n", "demo.numbers.yml, line 2, a: period() takes a figure id (unquoted) as argument 1"),
    ("numbers:\n  a: questions(check=len('x'))\n",
     "demo.numbers.yml, line 2, a: questions() takes figure ids and quoted words, not \"len('x')\""),
    ("lets:\n  a: b\n  b: a\nnumbers:\n  x: {formula: a, unit: count}\n",
     "demo.numbers.yml, line 5, x: the lets refer to each other in a circle, or nest more than 20 deep"),
    # By hand: 9,018 educators and school staff (ach_pd_participants) and 100 parents: two populations.
    ("numbers:\n  a: {formula: ach_pd_participants + p3_immigrant_workshop_parents, unit: count}\n",
     "demo.numbers.yml, line 2, a: a combines counts of different groups (educators and school_staff in 2023-24; "
     "parents in 2023-24): say under 'combines' what the result can and cannot mean (for example, that people may "
     "be counted twice)"),
    ("numbers:\n  a: {formula: fin_budget_total, combines: Nothing.}\n",
     "demo.numbers.yml, line 2, a: combines is for a number that adds or divides counts of people of different "
     "populations or periods, and this one does not"),
])
def test_a_refusal_says_the_whole_of_what_is_wrong(text, message):
    with pytest.raises(DeclarationError) as caught:
        load_text(text, "demo")
    assert str(caught.value) == message


def test_a_file_yaml_cannot_read_is_refused_with_yamls_reason():
    with pytest.raises(DeclarationError) as caught:  # a control character: no line, and no `problem`
        load_text("numbers:\n  a: \x07\n", "demo")
    assert str(caught.value).startswith("demo.numbers.yml: unacceptable character #x0007")


def test_a_fact_inside_a_formula_is_refused_naming_every_fact():
    with pytest.raises(DeclarationError) as caught:
        load_text("numbers:\n  a: {formula: period(fin_budget_total) + 1, unit: count}\n", "demo")
    # the facts in the order facts.py lists them
    assert str(caught.value).startswith("demo.numbers.yml, line 2, a: a fact (period, report_year, period_words, "
                                        "quote, label, as_written, verdict, ")
    assert str(caught.value).endswith(") stands alone in its declaration")


@pytest.mark.parametrize("text, message", [
    # A question id the audit does not have: its KeyError's words, not their repr.
    ("numbers:\n  a: verdict('no-such-question')\n",
     "demo.numbers.yml, line 2, a: no audit question 'no-such-question'"),
    ("numbers:\n  a: {formula: fin_budget_total, bare: true}\n",
     "demo.numbers.yml, line 2, a: bare: true is for a hedged number, and this one is exact"),
    # 10 times the largest float is infinite: no number to print
    ("numbers:\n  a: {formula: \"1e308 * 10  # past the largest float\", unit: count}\n",
     "demo.numbers.yml, line 2, a: the value is not a finite number (inf)"),
])
def test_a_declaration_that_cannot_be_evaluated_says_why(text, message):
    [entry] = load_text(text, "demo")
    with pytest.raises(DeclarationError) as caught:
        evaluate(entry)
    assert str(caught.value) == message


# ---------------------------------------------------------------- lets and earlier numbers


def test_a_let_of_one_figure_is_written_bare_and_a_longer_one_in_parentheses():
    records = {r["key"]: r for r in declared("""
lets:
  budget: fin_budget_total
  both: fin_admin_amount + fin_educational_amount
numbers:
  when: period(budget)
  twice: {formula: both * 2, unit: usd}
""")}
    assert records["when"]["formula"] == "period(fin_budget_total)"
    # By hand: ($147 million + $59 million) * 2 = $412 million; without the parentheses it would be
    # $147 million + $118 million.
    assert records["twice"]["formula"] == "(fin_admin_amount + fin_educational_amount) * 2"
    assert records["twice"]["value"] == 412_000_000 and records["twice"]["caveat"] == ""


def test_a_formula_that_is_one_let_is_that_let():
    [record] = declared("lets:\n  when: period(fin_budget_total)\nnumbers:\n  budget_period: when\n")
    # a fact call, not a formula: recorded as called, not as "(period(fin_budget_total))"
    assert record["formula"] == "period(fin_budget_total)"
    assert record["text"] == "2023-24 (the data's reading)"


def test_lets_naming_lets_are_substituted_until_only_figures_are_left():
    [share] = declared("lets:\n  budget: fin_budget_total\n  edu: fin_educational_amount / budget * 100\n"
                       "numbers:\n  share: {formula: 'round_half_up(edu, 1)', unit: percent}\n")
    assert share["formula"] == "round_half_up(fin_educational_amount / fin_budget_total * 100, 1)"
    assert share["value"] == 9.4  # 59 / 627 = 9.41%
    # Twenty lets deep, each naming the next: still resolved.
    chain = "".join(f"  l{i:02}: l{i + 1:02}\n" for i in range(1, 20)) + "  l20: fin_budget_total\n"
    [deep] = declared(f"lets:\n{chain}numbers:\n  a: l01\n")
    assert deep["formula"] == "fin_budget_total" and deep["value"] == 627_000_000


def test_a_constants_rule_is_left_out_where_it_is_substituted():
    # By hand: $627 million / 12 = $52.25 million a month.
    for text in ("lets:\n  months: \"12  # months in a year\"\nnumbers:\n"
                 "  monthly: {formula: fin_budget_total / months, unit: usd}\n",
                 "numbers:\n  months: {formula: \"12  # months in a year\", unit: months}\n"
                 "  monthly: {formula: fin_budget_total / months, unit: usd}\n"):
        monthly = declared(text)[-1]
        assert monthly["formula"] == "fin_budget_total / 12" and monthly["value"] == 52_250_000


def test_a_numeric_fact_declared_above_is_substituted_by_its_value():
    records = declared("numbers:\n  n_shares: questions(check='share')\n"
                       "  half: {formula: round_half_up(n_shares / 2), unit: count}\n")
    # five share relations (data/audit_relations.yml); 5 / 2 = 2.5, a half rounded up: 3
    assert records[1]["formula"] == "round_half_up(5 / 2)" and records[1]["value"] == 3


def test_only_a_keywords_equals_quotes_the_ids_of_a_list():
    [record] = declared("lets:\n  amounts: [fin_admin_amount, fin_educational_amount]\nnumbers:\n"
                        "  n: count(id= amounts)\n")
    assert record["formula"] == "count(id=['fin_admin_amount', 'fin_educational_amount'])" and record["value"] == 2


@pytest.mark.parametrize("operator", ["==", "!=", "<=", ">="])
def test_after_a_comparison_a_list_let_is_a_list_of_figures(operator):
    [entry] = load_text(f"lets:\n  amounts: [fin_admin_amount, fin_educational_amount]\nnumbers:\n"
                        f"  a: {{formula: 'fin_budget_total {operator} amounts', unit: count}}\n", "demo")
    assert entry.formula == f"fin_budget_total {operator} [fin_admin_amount, fin_educational_amount]"


def test_a_number_named_as_a_figure_means_the_figure_and_the_file_goes_on():
    entries = load_text("numbers:\n  fin_budget_total: fin_budget_total\n"
                        "  half: {formula: fin_budget_total / 2, unit: usd}\n", "demo")
    assert [(e.chapter, e.key) for e in entries] == [("demo", "fin_budget_total"), ("demo", "half")]
    assert evaluate(entries[1])["value"] == 313_500_000  # $627 million / 2


def test_count_and_nunique_tell_their_unit_and_a_fact_takes_lists():
    records = {r["key"]: r for r in declared("numbers:\n  sections: \"nunique('section')\"\n"
                                             "  n: \"questions(check=['share', 'sum'])\"\n")}
    # the CSV's rows are in 13 sections (`cut -d, -f2 | sort -u`); five shares and two sums are seven relations
    assert (records["sections"]["unit"], records["sections"]["value"]) == ("count", 13)
    assert records["n"]["value"] == 7


def test_a_number_declared_as_text_prints_without_a_hedge():
    # "over 400" educators: as a number it prints "over 400"; as text its words are the data's, unhedged
    [record] = declared("numbers:\n  a: {formula: p2_conference_educators, unit: text}\n")
    assert record["hedge"] == "" and record["text"] == record["value"] and "over" not in record["text"]


@pytest.mark.parametrize("number, expected", [
    (627_000_000.0, 627_000_000), (2.0**53 - 1, 9_007_199_254_740_991),
    # from 2**53 on, a float's integer part is no longer exact: it stays a float
    (2.0**53, 2.0**53), (1e16, 1e16), (1e20, 1e20), (0.5, 0.5),
])
def test_a_whole_number_is_an_int_while_a_float_holds_it_exactly(number, expected):
    plain = declarations._plain(number)
    assert plain == expected and type(plain) is type(expected)


# ---------------------------------------------------------------- a book's declarations files


def three_chapters(folder, monkeypatch):
    """A chapters folder of three declarations files; by hand: 4 numbers, 3 numeric, 1 text, 2 with inputs."""
    (folder / "alpha.numbers.yml").write_text("numbers:\n  total: fin_budget_total\n"
                                              "  when: period(fin_budget_total)\n", encoding="utf-8")
    (folder / "beta.numbers.yml").write_text("numbers:\n  months: {formula: \"12  # months\", unit: months}\n",
                                             encoding="utf-8")
    (folder / "gamma.numbers.yml").write_text("numbers:\n  weeks: {formula: \"52  # weeks\", unit: count}\n",
                                              encoding="utf-8")
    monkeypatch.setattr(declarations, "CHAPTERS_DIR", folder)


def test_a_chapters_declarations_are_read_from_its_file(tmp_path, monkeypatch):
    three_chapters(tmp_path, monkeypatch)
    assert declarations.chapters() == ["alpha", "beta", "gamma"]
    total, when = declarations.load("alpha")
    assert (total.chapter, total.key, when.key) == ("alpha", "total", "when")
    assert total.where == f"{tmp_path / 'alpha.numbers.yml'}, line 2, total"
    assert declarations.load("delta") == []


@pytest.mark.parametrize("which, expected", [
    ([], 4), (["numbers"], 4), (["numeric"], 3), (["text"], 1), (["with_inputs"], 2), (["chapters"], 3),
])
def test_declared_counts_the_books_declarations(tmp_path, monkeypatch, which, expected):
    three_chapters(tmp_path, monkeypatch)
    assert FACTS["declared"].call(*which) == expected


def test_declared_counts_only_what_it_names(tmp_path, monkeypatch):
    three_chapters(tmp_path, monkeypatch)
    with pytest.raises(ValueError) as caught:
        FACTS["declared"].call("pages")
    assert str(caught.value) == "declared() counts numbers, numeric, text, with_inputs or chapters, not 'pages'"


def test_an_edited_figures_file_is_read_again_by_the_declarations(tmp_path, monkeypatch):
    chapters = tmp_path / "chapters"
    chapters.mkdir()
    (chapters / "alpha.numbers.yml").write_text("numbers:\n  diplomas: schools_diplomas\n", encoding="utf-8")
    monkeypatch.setattr(declarations, "CHAPTERS_DIR", chapters)
    [before] = declarations.load("alpha")
    assert before.unit == "count"
    copy = tmp_path / "report_figures.csv"
    copy.write_text(FIGURES_CSV.read_text(encoding="utf-8").replace(
        "Students earning high school diplomas,410,count,", "Students earning high school diplomas,410,years,"),
        encoding="utf-8")
    for module in (declarations, data, formula):
        monkeypatch.setattr(module, "FIGURES_CSV", copy)
    [after] = declarations.load("alpha")
    assert after.unit == "years"


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


def test_a_chapter_evaluated_twice_gives_the_same_numbers():
    # The preview evaluates the declarations on every save: a fact that consumed its own arguments
    # (questions(distinct=...) popped 'distinct') counted every question's kind the second time.
    first = {r["key"]: r["value"] for r in declarations.records("audit")}
    second = {r["key"]: r["value"] for r in declarations.records("audit")}
    assert first == second
    # Nine check kinds in data/audit_relations.yml (`grep kind:` there, distinct): one per kind.
    assert second["audit_n_relation_kinds"] == 9


def test_a_number_may_name_a_numeric_fact_declared_above_alone_or_in_arithmetic():
    # Nine distinct check kinds among the relations (see the test above): copied, and doubled.
    text = ("numbers:\n  n: questions(source='relation', distinct='check')\n  m: n\n"
            "  twice: {formula: n * 2, unit: count}\n")
    records = {r["key"]: r for r in map(evaluate, load_text(text, "audit"))}
    assert (records["m"]["value"], records["m"]["unit"]) == (9, "count")
    assert (records["twice"]["value"], records["twice"]["formula"]) == (18, "9 * 2")


def test_a_fact_called_without_its_argument_is_refused_with_its_place():
    with pytest.raises(DeclarationError, match=r"^audit.numbers.yml, line 2, v: verdict\(\) is missing an argument$"):
        evaluate(load_text("numbers:\n  v: verdict()\n", "audit")[0])


def test_a_fact_called_with_arguments_it_does_not_take_is_refused_with_its_place():
    with pytest.raises(DeclarationError, match=r"^audit.numbers.yml, line 2, y: report_year\(\) takes other "
                                               r"arguments: too many positional arguments$"):
        load_text("numbers:\n  y: report_year('2023-24')\n", "audit")
    with pytest.raises(DeclarationError, match=r"questions\(\) takes other arguments: too many positional"):
        load_text("numbers:\n  q: questions('consistent')\n", "audit")
