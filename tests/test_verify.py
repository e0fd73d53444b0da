"""make verify's first paragraph: the figure that changed, and exactly the published numbers it moves."""
import pandas as pd

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


def test_numbers_only_re_execution_moves_are_named_too(figures_file):
    # A verdict word names its figure as an input; a count the chapter computes in code names none.
    before = verify._rows(FIGURES_CSV.read_text(encoding="utf-8-sig"))
    figures_file.set("fin_educational_share", "value", "9")
    after = verify._rows(figures_file.path.read_text(encoding="utf-8"))
    committed = ledger.read()
    rows = committed.set_index(["chapter", "key"])
    word = rows.loc[("finance", "fin_edu_max_consistent")]
    count = rows.loc[("audit", "audit_n_inconsistent")]
    assert word["unit"] == "text" and "fin_educational_share" in word["inputs"].split(";")
    assert count["inputs"] == "" or pd.isna(count["inputs"])
    rerun = pd.DataFrame([
        {"chapter": "finance", "key": "fin_edu_max_consistent", "inputs": word["inputs"], "old": word["text"],
         "new": "then", "old_value": word["value"], "new_value": "then"},
        {"chapter": "audit", "key": "audit_n_inconsistent", "inputs": "", "old": count["text"],
         "new": "none", "old_value": count["value"], "new_value": 0}])
    lines = verify.what_changed(ledger.moved(committed, after), before, after, rerun).splitlines()
    own = lines.index(next(line for line in lines if not line.startswith("  ") and "name no changed figure" in line))
    figure = lines.index("  fin_educational_share: value 10 -> 9")
    assert f"    moves finance/fin_edu_max_consistent: {word['text']} -> then" in lines[figure:own]
    assert "    moves finance/fin_edu_stated: 10% -> 9%" in lines[figure:own]  # from its formula
    assert lines[own + 1:] == [f"    audit/audit_n_inconsistent: {count['text']} -> none"]
    # without the re-execution, only what the formulas show
    alone = verify.what_changed(ledger.moved(committed, after), before, after)
    assert "fin_edu_max_consistent" not in alone and "audit_n_inconsistent" not in alone


def test_nothing_changed_prints_nothing():
    rows = verify._rows(FIGURES_CSV.read_text(encoding="utf-8-sig"))
    assert verify.what_changed(ledger.moved(ledger.read(), rows), rows, rows) == ""
