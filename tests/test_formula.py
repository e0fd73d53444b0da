"""The ledger's formula language: what it accepts, what it refuses, and that publishing cannot lie about it."""
import math
import re

import pytest

from lacoe_report.core import formula
from lacoe_report.core.paths import CHAPTERS_DIR

TABLE = [
    {"id": "a_x", "value": "10", "section": "s1", "metric": "m1", "qualifier": "over"},
    {"id": "b_y", "value": "4", "section": "s1", "metric": "m2", "qualifier": "exact"},
    {"id": "c_z", "value": "2.5", "section": "s2", "metric": "m2", "qualifier": "exact"},
]


@pytest.mark.parametrize("expression, expected", [
    ("a_x / b_y", 2.5),
    ("(a_x + b_y) * c_z - 1", 34.0),
    ("b_y ** 2", 16.0),
    ("-c_z", -2.5),
    ("round_half_up(c_z)", 3.0),
    ("round_half_up(0.125, 2)", 0.13),
    ("round(c_z)", 2),
    ("abs(b_y - a_x)", 6.0),
    ("min(a_x, b_y)", 4.0),
    ("max([a_x, b_y, c_z])", 10.0),
    ("sum([a_x, b_y])", 14.0),
    ("floor_to(a_x / 3, 0.1)", 3.3000000000000003),
    ("ceil_to(a_x / 3, 0.1)", 3.4000000000000004),
    ("count()", 3),
    ("count(section='s1')", 2),
    ("count(section='s1', metric='m2')", 1),
    ("count(metric=['m1', 'm2'], section='s2')", 1),
    ("nunique('metric')", 2),
    ("nunique('section', metric='m2')", 2),
    ("sum([a_x > b_y, b_y > a_x, c_z == 2.5])", 2),
    ("12  # months in a year", 12),
])
def test_the_documented_grammar(expression, expected):
    assert formula.evaluate(expression, TABLE) == pytest.approx(expected)


@pytest.mark.parametrize("expression", [
    "__import__('os')", "a_x.real", "[a_x][0]", "lambda: 1", "a_x if b_y else c_z", "open('x')",
    "count", "'text'", "a_x // b_y", "a_x % b_y", "round(a_x, ndigits=1)", "count(**{'id': 'a_x'})",
    "not a_x", "a_x and b_y", "[x for x in [1]]", "a_x = 1",
])
def test_anything_else_is_refused(expression):
    with pytest.raises(formula.FormulaError):
        formula.evaluate(expression, TABLE)


def test_an_unknown_figure_is_named():
    with pytest.raises(formula.FormulaError, match="no_such_figure"):
        formula.evaluate("no_such_figure + 1", TABLE)


def test_counts_compare_the_csv_text():
    # "10" is not "10.0": count() compares what the file says, as an outside reviewer's code would
    assert formula.evaluate("count(value='10')", TABLE) == 1
    assert formula.evaluate("count(value='10.0')", TABLE) == 0
    assert formula.evaluate("count(value=10)", TABLE) == 1


def test_figure_ids_are_the_names_in_order_not_keywords_strings_or_comments():
    assert formula.figure_ids("b_y + count(section='a_x') * a_x + b_y  # c_z") == ["b_y", "a_x"]


def test_substituted_shows_the_values_a_reviewer_plugs_in():
    assert formula.substituted("a_x / (b_y + c_z) + count(metric='a_x')", TABLE) == \
        "10 / (4 + 2.5) + count(metric='a_x')"


@pytest.mark.parametrize("x, step", [(1285.7142857, 1), (916.6666, 1), (1.5555555e6, 1e4), (9.4972, 0.001),
                                     (3.0, 1), (0.3 / 0.1, 1), (26.74, 0.1)])
def test_floor_and_ceil_bracket_the_value_at_their_step(x, step):
    low, high = formula.floor_to(x, step), formula.ceil_to(x, step)
    assert low <= x + 1e-9 * step and high >= x - 1e-9 * step
    assert high - low == pytest.approx(0 if math.isclose(x / step, round(x / step)) else step)


def reviewer_evaluator():
    """The few lines of Python the verify chapter gives a reviewer, taken from the chapter itself."""
    text = (CHAPTERS_DIR / "verify.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks, "chapters/verify.md shows no python block for reviewers"
    namespace = {}
    exec(blocks[0], namespace)  # noqa: S102 - the chapter's own published code
    return namespace


def test_the_verify_chapter_code_agrees_with_the_project_evaluator_on_every_ledger_row():
    from lacoe_report.book import ledger

    namespace = reviewer_evaluator()
    rows = [r for _, r in ledger.read().iterrows()
            if ledger.is_numeric(r)]
    assert len(rows) > 300
    for row in rows:
        theirs = namespace["recheck"](row["formula"])
        ours = formula.evaluate(row["formula"])
        assert math.isclose(float(theirs), float(ours), rel_tol=1e-12, abs_tol=1e-12), (row["key"], theirs, ours)


def test_an_edited_figures_file_is_read_again_in_the_same_process(tmp_path, monkeypatch):
    # A kernel or the preview evaluates formulas for hours: a saved edit must reach the next evaluation.
    import os
    import shutil

    from lacoe_report.core.paths import FIGURES_CSV

    copy = tmp_path / "report_figures.csv"
    shutil.copy2(FIGURES_CSV, copy)
    monkeypatch.setattr(formula, "FIGURES_CSV", copy)
    before = formula.evaluate("fin_budget_total")
    text = copy.read_text(encoding="utf-8-sig")
    row = next(line for line in text.splitlines() if line.startswith("fin_budget_total,"))
    edited = row.replace(f",{before:.0f},", f",{before + 7:.0f},", 1)
    assert edited != row
    copy.write_text(text.replace(row, edited), encoding="utf-8")
    os.utime(copy, ns=(1, 1))  # even a write within the same clock tick shows (size or inode may not change)
    assert formula.evaluate("fin_budget_total") == before + 7
    assert formula.figure_values()["fin_budget_total"] == before + 7
