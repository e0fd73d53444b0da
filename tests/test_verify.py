"""make verify's first paragraph: the figure that changed, and exactly the published numbers it moves."""
import subprocess
import sys

import pandas as pd
import pytest

from conftest import copy_repo, environment

from lacoe_report.book import ledger, verify
from lacoe_report.core.paths import FIGURES_CSV, PROJ_ROOT


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


def test_verdict_words_and_audit_counts_move_with_the_declarations_too():
    # A verdict word names its question's figures as inputs; a count of the audit's questions names none.
    committed = ledger.read()
    rows = committed.set_index(["chapter", "key"])
    word, count = rows.loc[("finance", "fin_edu_verdict")], rows.loc[("audit", "audit_n_inconsistent")]
    assert word["unit"] == "text" and "fin_educational_share" in word["inputs"].split(";")
    assert count["inputs"] == "" or pd.isna(count["inputs"])
    fresh = committed.copy()
    fresh.loc[(fresh["chapter"] == "finance") & (fresh["key"] == "fin_edu_verdict"), ["text", "value"]] = \
        "consistent within rounding"
    fresh.loc[(fresh["chapter"] == "audit") & (fresh["key"] == "audit_n_inconsistent"), ["text", "value"]] = \
        ["none", "0"]
    before = verify._rows(FIGURES_CSV.read_text(encoding="utf-8-sig"))
    after = [dict(r, value="9") if r["id"] == "fin_educational_share" else r for r in before]
    lines = verify.what_changed(verify.moved_numbers(committed, fresh), before, after).splitlines()
    own = lines.index(next(line for line in lines if not line.startswith("  ") and "name no changed figure" in line))
    figure = lines.index("  fin_educational_share: value 10 -> 9")
    assert (f"    moves finance/fin_edu_verdict: {word['text']} -> consistent within rounding"
            in lines[figure:own])
    assert lines[own + 1:] == [f"    audit/audit_n_inconsistent: {count['text']} -> none"]


@pytest.mark.slow  # a scratch copy of the repository, evaluated in its own process
def test_a_consistent_correction_is_named_with_every_number_it_moves_before_any_chapter_runs(tmp_path):
    root = copy_repo(tmp_path / "repo")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "x", "--allow-empty"],
                   cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "as published"],
                   cwd=root, check=True)
    # The correction an analyst makes: the report text, and the figure's value, printed form and quote.
    raw = root / "data" / "raw" / "lacoe-annual-report-2023-24.txt"
    raw.write_text(raw.read_text(encoding="utf-8").replace("to 10,603", "to 10,630"), encoding="utf-8")
    csv_path = root / "data" / "report_figures.csv"
    text = csv_path.read_text(encoding="utf-8")
    csv_path.write_text(text.replace("10603,count,,exact,", "10630,count,,exact,").replace(
        'prose,"10,603"', 'prose,"10,630"').replace("8,318 to 10,603", "8,318 to 10,630"), encoding="utf-8")
    code = "from lacoe_report.book import verify; print(verify.first_paragraph())"
    result = subprocess.run([sys.executable, "-c", code],
                            cwd=root, env=environment(root), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert "  ach_da_attendance: value 10603 -> 10630, as_written 10,603 -> 10,630, quote grew from 8,318 to " \
           "10,603 educators -> grew from 8,318 to 10,630 educators" in lines
    assert "    moves achievements/da_after: 10,603 -> 10,630" in lines
    committed = ledger.read()
    using = {f"{r.chapter}/{r.key}" for r in committed.itertuples() if "ach_da_attendance" in r.inputs.split(";")}
    moved = {line.split("moves ")[1].split(":")[0] for line in lines if line.strip().startswith("moves ")}
    assert "achievements/da_growth_pct" in moved and moved <= using


def test_nothing_changed_prints_nothing():
    rows = verify._rows(FIGURES_CSV.read_text(encoding="utf-8-sig"))
    assert verify.what_changed(ledger.moved(ledger.read(), rows), rows, rows) == ""


@pytest.mark.slow  # starts kernels
def test_nbval_runs_each_chapter_once_and_reports_an_output_that_differs(tmp_path):
    import re

    import nbformat

    from lacoe_report.book import verify

    def notebook(name, printed):
        cell = nbformat.v4.new_code_cell("40 + 2", execution_count=1, outputs=[nbformat.v4.new_output(
            "execute_result", {"text/plain": printed}, execution_count=1)])
        path = tmp_path / f"{name}.ipynb"
        nbformat.write(nbformat.v4.new_notebook(cells=[cell, cell.copy()]), path)
        return path

    chapters = [notebook("good", "42"), notebook("tampered", "43"), notebook("also_good", "42")]
    # As make verify runs it, in its own pytest process.
    result = subprocess.run([sys.executable, "-m", "pytest", *verify.nbval_args(chapters, workers=2)],
                            cwd=PROJ_ROOT, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    assert result.returncode == 1
    report = result.stdout + result.stderr
    counts = {kind: sum(int(n) for n in re.findall(rf"(\d+) {kind}", report))
              for kind in ("passed", "failed", "skipped")}
    # six cells in all, each run once: the two of the tampered chapter fail, the four of the others pass
    assert counts == {"passed": 4, "failed": 2, "skipped": 0}, report[-6000:]  # the report says why
    assert "Cell outputs differ" in report  # nbval's words, once or more (pytest shows more under CI=true)
