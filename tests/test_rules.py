"""The house rules hold on the committed book, and the typed-number rule reads prose as it should.

tests/test_rules_build.py breaks each rule on a scratch copy and watches `make book` refuse it.
"""
import pytest

from lacoe_report.book import rules


def test_the_committed_book_keeps_every_rule():
    assert [str(v) for v in rules.check_sources()] == []


@pytest.mark.parametrize("text, typed", [
    ("Over {glue:text}`n_students` students.", False),
    ("In 2023-24, under Pillar 3, the report says so.", False),
    ("1. **Checks the data.** Ordered lists number themselves.", False),
    ("Rounded to the nearest million, or per hundred contacts.", False),
    ("The budget is $627 million.", True),
    ("Forty-six percent of them.", True),
    ("A million students.", True),
    ("| Line | 48% |", True),
    ("# Ten achievements", True),
    ("> a quote the report never printed, with 12 in it", True),
])
def test_typed_numbers_are_found_in_digits_and_words(text, typed):
    assert bool(list(rules.typed_numbers(text, "x"))) is typed


def test_a_verbatim_quote_of_the_report_may_carry_its_numbers():
    assert list(rules.typed_numbers("> averaged a 45.5% open rate", "x")) == []


def test_the_authoring_guide_documents_every_rule():
    import nbformat

    from lacoe_report.core.paths import CHAPTERS_DIR

    guide = nbformat.read(CHAPTERS_DIR / "authoring.ipynb", as_version=4)
    text = "\n".join(c.source for c in guide.cells if c.cell_type == "markdown")
    assert [rule for rule in rules.RULES if f"**{rule}**" not in text] == []


def test_the_authoring_guide_shows_every_chart_helper_drawing_a_captioned_chart():
    import inspect

    import nbformat

    from lacoe_report.core.paths import CHAPTERS_DIR
    from lacoe_report.present import plots

    helpers = [name for name, helper in vars(plots).items() if inspect.isfunction(helper)
               and helper.__module__ == plots.__name__ and not name.startswith("_")
               and inspect.signature(helper).return_annotation in ("Chart", plots.Chart)]
    assert len(helpers) >= 5  # ordered_bars, share_bar, dumbbell, stated_vs_computed, paired_bars
    guide = nbformat.read(CHAPTERS_DIR / "authoring.ipynb", as_version=4)
    shown = {name for cell in guide.cells if cell.cell_type == "code"
             and cell.metadata.get("mystnb", {}).get("figure", {}).get("caption")
             and cell.metadata.get("mystnb", {}).get("image", {}).get("alt")
             and any("image/png" in output.get("data", {}) for output in cell.outputs)
             for name in helpers if f"plots.{name}(" in cell.source}
    assert sorted(set(helpers) - shown) == []
