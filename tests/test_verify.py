"""make verify's first paragraph: the figure that changed, and exactly the published numbers it moves."""
from lacoe_report.book import ledger, verify
from lacoe_report.core.paths import FIGURES_CSV


def test_an_edited_figure_is_named_with_every_number_it_moves_and_nothing_else(figures_file):
    before = verify._rows(FIGURES_CSV.read_text(encoding="utf-8-sig"))
    figures_file.set("ach_da_attendance", "value", "10630")
    after = verify._rows(figures_file.path.read_text(encoding="utf-8"))
    committed = ledger.read()
    paragraph = verify.what_changed(ledger.moved(committed, after), before, after)
    lines = paragraph.splitlines()
    assert lines[0].startswith("1 figure(s) of data/report_figures.csv changed")
    assert lines[1] == "  ach_da_attendance: value 10603 -> 10630"
    assert "    moves achievements/da_after: 10,603 -> 10,630" in lines
    moved = {line.split("moves ")[1].split(":")[0] for line in lines if "moves " in line}
    using = {f"{r.chapter}/{r.key}" for r in committed.itertuples()
             if "ach_da_attendance" in r.inputs.split(";")}
    assert moved <= using and "achievements/da_growth_abs" in moved
    assert not any("da_before" in line for line in lines)  # the baseline did not move


def test_nothing_changed_prints_nothing():
    rows = verify._rows(FIGURES_CSV.read_text(encoding="utf-8-sig"))
    assert verify.what_changed(ledger.moved(ledger.read(), rows), rows, rows) == ""
