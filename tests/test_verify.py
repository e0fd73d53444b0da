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


def test_a_figure_whose_value_is_unchanged_is_not_credited_with_the_numbers_another_moved(figures_file):
    # The report's sentence "grew from 8,318 to 10,603 educators" is the quote of two figures:
    # printing 10,630 edits both quotes, but only the second figure's value.
    before = verify._rows(FIGURES_CSV.read_text(encoding="utf-8-sig"))
    quote = next(r["quote"] for r in before if r["id"] == "ach_da_attendance")
    edited = quote.replace("10,603", "10,630")
    figures_file.set("ach_da_attendance", "value", "10630")
    figures_file.set("ach_da_attendance", "as_written", "10,630")
    figures_file.set("ach_da_attendance", "quote", edited)
    figures_file.set("ach_da_attendance_baseline", "quote", edited)
    after = verify._rows(figures_file.path.read_text(encoding="utf-8"))
    lines = verify.what_changed(ledger.moved(ledger.read(), after), before, after).splitlines()
    baseline = lines.index(next(line for line in lines if line.startswith("  ach_da_attendance_baseline:")))
    assert lines[baseline + 1] == "    its value is unchanged: no published number moves through it"
    edited_figure = lines.index(next(line for line in lines if line.startswith("  ach_da_attendance:")))
    assert "    moves achievements/da_growth_pct: 27.5% -> 27.8%" in lines[edited_figure:]
    assert sum("moves achievements/da_growth_pct" in line for line in lines) == 1


def test_nothing_changed_prints_nothing():
    rows = verify._rows(FIGURES_CSV.read_text(encoding="utf-8-sig"))
    assert verify.what_changed(ledger.moved(ledger.read(), rows), rows, rows) == ""
