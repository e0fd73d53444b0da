"""The ledger: the declarations evaluated, glued outputs carry only their text, differences named one by one."""
import nbformat
import pandas as pd
import pytest
from myst_nb.core.variables import format_plain_text
from nbclient import NotebookClient

from lacoe_report.book import ledger
from lacoe_report.core import declarations
from lacoe_report.core.paths import CHAPTERS_DIR


def entry(chapter, key, text, value, **extra):
    row = {"chapter": chapter, "key": key, "text": text, "hedge": "", "value": value, "unit": "count",
           "format": "{:,}", "inputs": "a;b", "formula": "a + b"}
    row.update(extra)
    return row


def frame(*rows):
    return pd.DataFrame(list(rows), columns=ledger.COLUMNS)


def test_identical_ledgers_have_no_differences():
    one = frame(entry("finance", "total", "627", 627), entry("schools", "sum", "2,977", 2977))
    assert ledger.differences(one, one.copy()).empty


def test_a_changed_number_is_named_with_both_texts():
    before = frame(entry("finance", "total", "627", 627), entry("schools", "sum", "2,977", 2977))
    after = frame(entry("finance", "total", "628", 628), entry("schools", "sum", "2,977", 2977))
    diff = ledger.differences(before, after)
    assert diff.to_dict("records") == [
        {"key": "total", "chapter": "finance", "committed": "627", "new": "628", "change": "text, value changed"}]


def test_a_changed_formula_counts_even_when_the_text_is_the_same():
    before = frame(entry("finance", "total", "627", 627))
    after = frame(entry("finance", "total", "627", 627, formula="a + b + c"))
    assert ledger.differences(before, after)["change"].tolist() == ["formula changed"]


def test_added_and_removed_numbers():
    before = frame(entry("finance", "old", "1", 1))
    after = frame(entry("finance", "new", "2", 2))
    diff = ledger.differences(before, after).set_index("key")
    assert diff.loc["old", "new"] == "(absent)" and diff.loc["old", "change"] == "removed"
    assert diff.loc["new", "committed"] == "(absent)" and diff.loc["new", "change"] == "added"


def test_same_key_in_two_chapters_is_two_numbers():
    before = frame(entry("finance", "total", "1", 1), entry("schools", "total", "2", 2))
    after = frame(entry("finance", "total", "1", 1), entry("schools", "total", "3", 3))
    assert ledger.differences(before, after)["chapter"].tolist() == ["schools"]


def test_write_reports_whether_the_file_changed(tmp_path):
    path = tmp_path / "ledger.csv"
    one = frame(entry("finance", "total", "627", 627))
    assert ledger.write(one, path) is True
    assert ledger.write(one, path) is False
    assert ledger.read(path)["text"].tolist() == ["627"]


@pytest.mark.parametrize("text", ["65,000", "1,250,000", "2.90", "2023-24", "$601", "is"])
def test_pasted_text_survives_myst_formatting(text):
    # MyST-NB literal_evals glued text: "65,000" must not turn into (65, 0)
    assert format_plain_text(repr(text), "") == text


@pytest.fixture(scope="module")
def executed_notebook(tmp_path_factory):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(
        "from lacoe_report.present.publish import publish\n"
        "numbers = publish('finance')\n"
        "numbers")]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(notebook, kernel_name="python3", resources={"metadata": {"path": str(CHAPTERS_DIR)}}).execute()
    path = tmp_path_factory.mktemp("nb") / "demo.ipynb"
    nbformat.write(notebook, path)
    return path


@pytest.mark.slow  # executes a notebook in a kernel
def test_publish_glues_every_declared_number_as_text_for_myst_and_records_it(executed_notebook):
    outputs = nbformat.read(executed_notebook, as_version=4).cells[0].outputs
    glued = {o["metadata"]["scrapbook"]["name"]: o for o in outputs if "scrapbook" in o.get("metadata", {})}
    assert list(glued) == [e.key for e in declarations.load("finance")]
    total = glued["fin_total"]
    # the budget total, printed in whole millions as its declaration asks; the text MyST pastes
    assert format_plain_text(total["data"]["application/papermill.record/text/plain"], "") == "$627 million"
    # only the text rides in the notebook: the record is the ledger's, not a second copy in the output
    assert set(total["metadata"]) == {"scrapbook"}
    # the cell's own output shows the analyst each key, what it prints and its formula
    shown = outputs[-1]["data"]["text/plain"]
    assert shown.startswith("Numbers declared in finance.numbers.yml:") and "fin_edu_computed" in shown


def test_collect_evaluates_each_chapters_declarations_in_their_order():
    collected = ledger.collect([CHAPTERS_DIR / "finance.ipynb", CHAPTERS_DIR / "schools.ipynb"])
    finance = collected[collected["chapter"] == "finance"]
    assert finance["key"].tolist() == [e.key for e in declarations.load("finance")]
    assert collected["chapter"].unique().tolist() == ["finance", "schools"]
    total = finance.set_index("key").loc["fin_total"]
    assert total["value"] == 627_000_000 and total["inputs"] == "fin_budget_total" and total["unit"] == "usd"


def test_every_numeric_ledger_row_re_evaluates_from_the_data_alone():
    committed = ledger.read()
    numeric = [r for _, r in committed.iterrows()
               if ledger.is_numeric(r)]
    assert len(numeric) > 300
    assert ledger.recheck(committed) == []


def test_recheck_names_a_row_whose_formula_does_not_give_its_value():
    rows = frame(entry("finance", "ok", "84", 84, formula="ach_grant_funding / 1000000"),
                 entry("finance", "wrong", "85", 85, formula="ach_grant_funding / 1000000"),
                 entry("finance", "words", "3", 3, formula="three lines"),
                 entry("finance", "verdict", "agree", "agree", unit="text", formula="a rule"))
    failures = ledger.recheck(rows)
    assert [f.split(":")[0] for f in failures] == ["finance/wrong", "finance/words"]
    assert "gives 84.0, the ledger says 85" in failures[0]


def test_moved_lists_the_numbers_a_changed_figure_moves_with_old_and_new_text(figures_file):
    rows = frame(entry("finance", "funding", "$84 million", 84e6, format="usd_millions",
                       inputs="ach_grant_funding", formula="ach_grant_funding"),
                 entry("finance", "grants", "54", 54, inputs="ach_competitive_grants",
                       formula="ach_competitive_grants"))
    figures_file.set("ach_grant_funding", "value", "85000000")
    import csv
    with open(figures_file.path, encoding="utf-8") as handle:
        table = list(csv.DictReader(handle))
    moved = ledger.moved(rows, table)
    assert moved[["key", "old", "new"]].values.tolist() == [["funding", "$84 million", "$85 million"]]
