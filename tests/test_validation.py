"""Every validation rule, fed a bad file: the load stops with one plain message.

The message must name the file, the line, the column and the bad value, and
say what was expected. Harmless variations (a byte-order mark, CRLF) load.
"""
import pytest

from lacoe_report.core import validation
from lacoe_report.core.validation import DataError


def load(path):
    return validation.validate(path, validation.FIGURES_SCHEMA, validation.FIGURE_ROW_RULES)


def problem(path) -> str:
    with pytest.raises(DataError) as caught:
        load(path)
    message = str(caught.value)
    assert "report_figures.csv" in message
    assert "Traceback" not in message and len(message.splitlines()) <= 3
    return message


def test_the_real_data_passes_every_rule():
    from lacoe_report.core.paths import FIGURES_CSV
    frame = load(FIGURES_CSV)
    assert frame["id"].is_unique and len(frame) > 0


@pytest.mark.parametrize("figure_id, column, bad, expected", [
    ("fin_budget_total", "value", "lots", "a number"),
    ("fin_budget_total", "value", "", "a number"),
    ("fin_budget_total", "value", "nan", "a finite number"),
    ("fin_budget_total", "value", "inf", "a finite number"),
    ("schools_diplomas", "value", "-410", "a whole count, 0 or more"),
    ("schools_diplomas", "value", "410.5", "a whole count, 0 or more"),
    ("fin_admin_share", "value", "140", "a percentage from 0 to 100"),
    ("p4_facebook_reach_growth", "value", "-128.9", "a change of -100% or more"),
    ("fin_admin_amount", "value", "-147000000", "a dollar amount, 0 or more"),
    ("ach_legislative_rank", "value", "0", "a whole rank of 1 or more"),
    ("p2_cultural_proficiency_rating", "value", "5.7", "a rating from 0 to its scale_max"),
    ("p2_cultural_proficiency_rating", "scale_max", "", "empty unless the unit is rating"),
    ("fin_budget_total", "scale_max", "5", "empty unless the unit is rating"),
    ("fin_budget_total", "section", "appendix", "one of letter"),
    ("fin_budget_total", "unit", "euros", "one of count"),
    ("fin_budget_total", "qualifier", "roughly", "one of exact"),
    ("fin_budget_total", "presentation", "footnote", "callout or prose"),
    ("fin_budget_total", "period", "last year", "a school year like 2023-24"),
    ("fin_budget_total", "metric", "Budget Total", "snake_case"),
    ("fin_budget_total", "label", "", "a non-empty text"),
    ("fin_budget_total", "quote", "a budget of one trillion dollars", "found exactly once in the report"),
    ("fin_budget_total", "as_written", "$628 Million", "a phrase inside the row's quote"),
    # The quote says "45.5%": a value that disagrees with the printed form never loads.
    ("p4_newsletter_open_rate", "value", "46.5", "the number its as_written prints"),
])
def test_each_cell_rule_names_line_column_value_and_expectation(figures_file, figure_id, column, bad, expected):
    line = figures_file.set(figure_id, column, bad)
    message = problem(figures_file.path)
    assert f"line {line}, column '{column}'" in message
    assert repr(bad) in message
    assert expected in message


def test_duplicate_id_names_both_lines(figures_file):
    header, rows = figures_file.rows()
    rows[5]["id"] = rows[4]["id"]
    figures_file.save(header, rows)
    message = problem(figures_file.path)
    assert "column 'id'" in message and "unique" in message
    assert "line 6," in message and "line 7," in message  # header is line 1


def test_missing_column(figures_file):
    header, rows = figures_file.rows()
    figures_file.save([h for h in header if h != "unit"], rows)
    assert "line 1: column 'unit' is missing" in problem(figures_file.path)


def test_renamed_column_is_missing_and_unknown(figures_file):
    header, rows = figures_file.rows()
    for row in rows:
        row["units"] = row.pop("unit")
    figures_file.save([("units" if h == "unit" else h) for h in header], rows)
    message = problem(figures_file.path)
    assert "column 'unit' is missing" in message and "column 'units' is not one" in message


def test_unknown_extra_column(figures_file):
    header, rows = figures_file.rows()
    figures_file.save(header + ["comment"], rows)
    assert "column 'comment' is not one this file may have" in problem(figures_file.path)


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="the file is missing"):
        load(tmp_path / "report_figures.csv")


def test_bytes_that_are_not_utf8_name_their_line(figures_file):
    text = figures_file.path.read_bytes()
    lines = text.split(b"\n")
    lines[9] = lines[9].replace(b"Students", b"Stud\xe9nts", 1) if b"Students" in lines[9] else lines[9] + b"\xff"
    figures_file.path.write_bytes(b"\n".join(lines))
    message = problem(figures_file.path)
    assert "line 10:" in message and "not UTF-8" in message


def test_truncated_file_is_caught_at_its_last_line(figures_file):
    text = figures_file.path.read_text(encoding="utf-8").rstrip("\n")
    last = len(text.splitlines())
    figures_file.path.write_text(text[: text.rfind(",", 0, len(text) - 30)], encoding="utf-8")
    message = problem(figures_file.path)
    assert f"line {last}:" in message and "fields where the header has" in message


def test_unterminated_quote(figures_file):
    text = figures_file.path.read_text(encoding="utf-8")
    figures_file.path.write_text(text + 'broken,"never closed\n', encoding="utf-8")
    assert "unterminated quote" in problem(figures_file.path) or "fields" in problem(figures_file.path)


def test_header_with_no_rows(figures_file):
    header, _ = figures_file.rows()
    figures_file.save(header, [])
    assert "the header has no rows" in problem(figures_file.path)


def test_empty_file(figures_file):
    figures_file.path.write_text("", encoding="utf-8")
    assert "the file is empty" in problem(figures_file.path)


def test_many_problems_are_summarised_not_listed(figures_file):
    header, rows = figures_file.rows()
    for row in rows[:10]:
        row["unit"] = "bananas"
    figures_file.save(header, rows)
    message = problem(figures_file.path)
    assert message.count("column 'unit'") == validation.MAX_LISTED
    assert "and 7 more problems" in message


def test_byte_order_mark_and_crlf_are_harmless(figures_file):
    from lacoe_report.core.paths import FIGURES_CSV
    reference = load(FIGURES_CSV)
    text = figures_file.path.read_text(encoding="utf-8")
    figures_file.path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    loaded = load(figures_file.path)
    assert loaded["id"].tolist() == reference["id"].tolist()
    assert loaded["value"].tolist() == reference["value"].tolist()


def test_excluded_numbers_file_has_its_own_rules(tmp_path):
    from lacoe_report.core.paths import EXCLUDED_CSV
    bad = tmp_path / "excluded_numbers.csv"
    import csv
    rows = list(csv.DictReader(EXCLUDED_CSV.open(encoding="utf-8", newline="")))
    rows[0]["reason"] = "boring"
    with bad.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(DataError) as caught:
        validation.validate(bad, validation.EXCLUDED_SCHEMA)
    assert "line 2, column 'reason': 'boring' is not one of school_year" in str(caught.value)
