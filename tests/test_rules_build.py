"""`make book` refuses a copy of the book that breaks a house rule (see book/rules.py).

Each rule is broken on its own scratch copy of the repository (a small book:
the intro and the finance chapter); `make book` must fail before publishing,
with one plain line naming the chapter, the cell and the offending text.
"""
import json
import re
from pathlib import Path

import pytest

from conftest import copy_repo, make

pytestmark = pytest.mark.slow  # a scratch copy and a build per rule: make test, not make check

SMALL_TOC = """format: jb-book
root: chapters/intro
parts:
  - caption: Money
    numbered: true
    chapters:
      - file: chapters/finance
  - caption: Appendices
    chapters:
      - file: chapters/questions
"""


@pytest.fixture
def small_book(tmp_path) -> Path:
    return copy_repo(tmp_path / "repo", SMALL_TOC)


def notebook(root: Path, name: str = "finance") -> tuple[Path, dict]:
    path = root / "chapters" / f"{name}.ipynb"
    return path, json.loads(path.read_text(encoding="utf-8"))


def save(path: Path, nb: dict) -> None:
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def cell_number(nb: dict, needle: str) -> int:
    return next(n for n, c in enumerate(nb["cells"], start=1) if needle in "".join(c["source"]))


def edit_cell(root: Path, needle: str, old: str, new: str) -> int:
    path, nb = notebook(root)
    number = cell_number(nb, needle)
    source = "".join(nb["cells"][number - 1]["source"])
    assert old in source
    nb["cells"][number - 1]["source"] = source.replace(old, new, 1)
    save(path, nb)
    return number


def refused(root: Path) -> str:
    """`make book` must fail, publish nothing and say why in plain lines."""
    result = make(root)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Traceback" not in output and "\x1b[" not in output, output
    assert not (root / "_build" / "html").exists()
    return output


def test_a_number_typed_in_prose_stops_the_build(small_book):
    cell = edit_cell(small_book, "## Where the budget goes", "The report splits", "The report's 4 lines split")
    out = refused(small_book)
    assert f"chapters/finance.ipynb, cell {cell}: a number typed by hand" in out
    assert "The report's 4 lines split" in out


def test_a_number_in_words_in_a_caption_stops_the_build(small_book):
    path, nb = notebook(small_book)
    number, cell = next((n, c) for n, c in enumerate(nb["cells"], start=1)
                        if c["metadata"].get("mystnb", {}).get("figure", {}).get("caption"))
    cell["metadata"]["mystnb"]["figure"]["caption"] += " Forty-six percent go to projects."
    save(path, nb)
    out = refused(small_book)
    assert f"chapters/finance.ipynb, cell {number} (caption): a number typed by hand" in out
    assert "Forty-six percent go to projects." in out  # the offending words, even in a long caption


def test_a_number_typed_in_alt_text_stops_the_build(small_book):
    path, nb = notebook(small_book)
    number, cell = next((n, c) for n, c in enumerate(nb["cells"], start=1)
                        if c["metadata"].get("mystnb", {}).get("image", {}).get("alt"))
    cell["metadata"]["mystnb"]["image"]["alt"] += " The largest is 48%."
    save(path, nb)
    out = refused(small_book)
    assert f"chapters/finance.ipynb, cell {number} (alt text): a number typed by hand" in out
    assert "The largest is 48%." in out


def test_a_notebook_missing_from_the_toc_stops_the_build(small_book):
    path, nb = notebook(small_book)
    save(path.with_name("draft.ipynb"), nb)
    assert "chapters/draft.ipynb: a notebook that _toc.yml does not list" in refused(small_book)


def test_a_chapter_without_its_download_link_stops_the_build(small_book):
    path, nb = notebook(small_book)
    nb["cells"] = [c for c in nb["cells"] if "{download}" not in "".join(c["source"])]
    save(path, nb)
    assert "chapters/finance.ipynb: no download link for its data" in refused(small_book)


def test_a_chapter_without_its_figure_table_stops_the_build(small_book):
    path, nb = notebook(small_book)
    for cell in nb["cells"]:  # every table of figures as stated becomes a plain frame
        cell["source"] = "".join(cell["source"]).replace("tables.trace_table(", "(")
    save(path, nb)
    assert "chapters/finance.ipynb: no table of the figures it uses" in refused(small_book)


@pytest.mark.parametrize("old, new, message", [
    # The printed form says "45.5%"; a value of 46.5 disagrees with it.
    ("Newsletter average open rate,45.5,", "Newsletter average open rate,46.5,",
     r"column 'value': '46\.5' is not the number its as_written prints"),
    # A quote the report does not contain: the data would misquote it.
    ("averaged a 45.5% open rate,", "averaged a 46.5% open rate,",
     r"column 'quote': 'averaged a 46\.5% open rate' is not a phrase found exactly once in the report"),
], ids=["value-vs-printed-form", "quote-vs-report"])
def test_bad_data_stops_the_build_with_its_line_and_column(small_book, old, new, message):
    csv = small_book / "data" / "report_figures.csv"
    text = csv.read_text(encoding="utf-8")
    assert old in text
    csv.write_text(text.replace(old, new), encoding="utf-8")
    out = refused(small_book)
    assert re.search(r"data/report_figures\.csv: line \d+, " + message, out), out


def test_a_missing_glue_key_stops_the_build_naming_chapter_cell_and_key(small_book):
    cell = edit_cell(small_book, "The {glue:text}`fin_n_lines` budget lines", "{glue:text}`fin_n_lines`",
                     "{glue:text}`fin_n_line`")
    out = refused(small_book)
    assert f"chapters/finance.ipynb, cell {cell}: a glued key the chapter does not declare" in out
    assert "fin_n_line` is not declared in chapters/finance.numbers.yml" in out


def test_a_declarations_file_without_its_chapter_stops_the_build(small_book):
    (small_book / "chapters" / "transport.numbers.yml").write_text("numbers:\n  t: count()\n", encoding="utf-8")
    out = refused(small_book)
    assert "chapters/transport.numbers.yml: a declarations file without its chapter [orphan-numbers]" in out


def test_a_declaration_that_cannot_be_evaluated_stops_the_build_naming_file_line_and_key(small_book):
    numbers = small_book / "chapters" / "finance.numbers.yml"
    text = numbers.read_text(encoding="utf-8")
    numbers.write_text(text + '  fin_bare: {formula: "42", unit: count}\n', encoding="utf-8")
    line = len(text.splitlines()) + 1
    out = refused(small_book)
    assert "A declared number could not be evaluated, nothing was built:" in out
    assert (f"chapters/finance.numbers.yml, line {line}, fin_bare: a constant says where it comes from "
            "after '#'") in out


def test_a_warning_sphinx_finds_later_names_chapter_and_cell_in_plain_words(small_book):
    # Past the house rules (a reference to a figure that does not exist), Sphinx's own
    # warning is shown as the rules show theirs: no colour codes, no JSON line numbers.
    cell = edit_cell(small_book, "## Where the budget goes", "The report splits",
                     "As {numref}`fig-finance-nosuch` shows, the report splits")
    out = refused(small_book)
    assert f"chapters/finance.ipynb, cell {cell}: WARNING: undefined label: 'fig-finance-nosuch'" in out, out
    assert not re.search(r"\.ipynb:\d+", out), out


def test_an_extension_that_cannot_be_imported_stops_the_build_in_sphinx_s_words(small_book):
    # The build imports the extensions early (while the kernel server starts): a name that does not
    # import must still reach Sphinx, which says what is wrong, not end in a traceback.
    config = small_book / "_config.yml"
    text = config.read_text(encoding="utf-8")
    assert "      - lacoe_report.book.sphinx_a11y\n" in text
    config.write_text(text.replace("      - lacoe_report.book.sphinx_a11y\n",
                                   "      - lacoe_report.book.sphinx_a11y\n      - no_such_extension\n"),
                      encoding="utf-8")
    out = refused(small_book)
    assert "no_such_extension" in out, out
