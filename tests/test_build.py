"""The ``make`` path end to end, on a scratch copy of the repository.

Bad data never publishes (the previous book stays exactly as it was), an edited
figure re-executes the chapters that read it and reaches the HTML, and a
rebuild with nothing changed executes nothing.
"""
import hashlib
import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from conftest import command, make, make_variable
from lacoe_report.book import inputs, ledger
from lacoe_report.core.paths import PROJ_ROOT


def tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


# `scratch` (tests/conftest.py): a two-page copy of the repository, built once per
# session, given back to each test exactly as built.


def set_value(root: Path, figure_id: str, value: str) -> None:
    path = root / "data" / "report_figures.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for number, line in enumerate(lines):
        if line.startswith(figure_id + ","):
            cells = line.split(",")
            cells[5] = value  # id,section,topic,metric,label,value,...
            lines[number] = ",".join(cells)
    path.write_text("".join(lines), encoding="utf-8")


@pytest.mark.slow  # builds a scratch book
def test_bad_data_stops_the_build_and_keeps_the_published_book(scratch):
    published = scratch / "_build" / "html"
    before = tree_digest(published)
    original = (scratch / "data" / "report_figures.csv").read_text(encoding="utf-8")
    try:
        set_value(scratch, "fin_admin_share", "140")
        result = make(scratch)
    finally:
        (scratch / "data" / "report_figures.csv").write_text(original, encoding="utf-8")
    output = (result.stdout + result.stderr).strip()
    assert result.returncode != 0
    assert "Traceback" not in output
    assert re.search(r"data/report_figures\.csv: line \d+, column 'value': '140' is not a percentage", output)
    assert len([line for line in output.splitlines() if not line.startswith("make")]) <= 3, output
    assert tree_digest(published) == before


def correct_the_report(root: Path, old: str, new: str) -> None:
    """A corrected edition of the report: its text, and the figure's printed form, quote and value."""
    text = root / "data" / "raw" / "lacoe-annual-report-2023-24.txt"
    text.write_text(text.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    figures = root / "data" / "report_figures.csv"
    figures.write_text(figures.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


@pytest.mark.slow  # builds a scratch book
def test_an_edited_figure_reaches_the_html_and_only_stale_chapters_run(scratch):
    old_ledger = ledger.read(scratch / "ledger" / "ledger.csv")
    # A value must agree with its printed form and quote, so the edit is a corrected report.
    correct_the_report(scratch, "$59 Million", "$61 Million")
    set_value(scratch, "fin_educational_amount", "61000000")
    result = make(scratch)
    assert result.returncode == 0, result.stdout + result.stderr
    # Every notebook of this book reads the figures: finance, and the front page and questions,
    # which count and rank the audit's findings.
    assert "executing 3 of 3 chapters: intro, finance, questions" in result.stdout
    new_ledger = ledger.read(scratch / "ledger" / "ledger.csv")
    moved = ledger.differences(old_ledger, new_ledger)
    # The finance chapter's numbers move, and the counts of the front page and the questions (this share was a finding).
    assert not moved.empty and set(moved["chapter"]) == {"finance", "intro", "questions"}
    for chapter, text in zip(moved["chapter"], moved["new"]):
        page = (scratch / "_build" / "html" / "chapters" / f"{chapter}.html").read_text(encoding="utf-8")
        assert text in page or text.replace("&", "&amp;") in page, (chapter, text)


@pytest.mark.slow  # builds a scratch book
def test_tool_caches_in_the_project_do_not_stop_the_build(scratch):
    # `pytest` run by hand leaves .pytest_cache/README.md, which Sphinx read as a page outside the toc.
    for cache in (".pytest_cache", ".hypothesis"):
        (scratch / cache).mkdir(exist_ok=True)
        (scratch / cache / "README.md").write_text("# a tool's cache\n", encoding="utf-8")
    intro = scratch / "chapters" / "intro.ipynb"
    original = intro.read_text(encoding="utf-8")
    try:
        notebook = nbformat.reads(original, as_version=4)
        notebook.cells[-1].source += "\n\nOne more sentence."
        nbformat.write(notebook, intro)
        result = make(scratch)
    finally:
        intro.write_text(original, encoding="utf-8")
    assert result.returncode == 0, result.stdout + result.stderr
    assert make(scratch).returncode == 0


@pytest.mark.slow  # builds a scratch book
def test_a_rebuild_with_nothing_changed_executes_nothing(scratch):
    index = scratch / "_build" / "html" / "index.html"
    stamp = index.stat().st_mtime_ns
    result = make(scratch)
    assert result.returncode == 0
    assert "executing" not in result.stdout
    newer = [str(p.relative_to(scratch)) for p in scratch.rglob("*")
             if p.is_file() and p.stat().st_mtime_ns > stamp and "_build" not in p.parts]
    assert index.stat().st_mtime_ns == stamp, f"rebuilt; newer than the book: {newer}"


@pytest.mark.slow  # builds a scratch book
def test_the_build_step_itself_executes_nothing_when_fresh(scratch):
    result = command(scratch, "lacoe_report.book.build", "execute")
    assert result.returncode == 0 and "none executed" in result.stdout


@pytest.mark.slow  # builds a scratch book
def test_the_ledger_is_written_again_when_deleted_or_when_a_declaration_changes(scratch):
    # The build skips evaluating the ledger when its inputs are unchanged: never when they are not.
    ledger_csv = scratch / "ledger" / "ledger.csv"
    as_built = ledger_csv.read_text(encoding="utf-8")
    ledger_csv.unlink()

    def execute():
        result = command(scratch, "lacoe_report.book.build", "execute")
        assert result.returncode == 0, result.stdout + result.stderr

    execute()
    assert ledger_csv.read_text(encoding="utf-8") == as_built
    numbers = scratch / "chapters" / "finance.numbers.yml"
    numbers.write_text(numbers.read_text(encoding="utf-8") + "  probe_budget_again: fin_budget_total\n",
                       encoding="utf-8")
    execute()
    rows = ledger.read(ledger_csv)
    assert list(rows.loc[rows["key"] == "probe_budget_again", "inputs"]) == ["fin_budget_total"]


def test_a_change_to_the_package_makes_chapters_stale(tmp_path):
    package = tmp_path / "lacoe_report"
    shutil.copytree(inputs.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    before = inputs.fingerprint(inputs.CHAPTERS, package=package)
    # The book machinery is not a chapter input: editing it leaves outputs fresh.
    with (package / "book" / "build.py").open("a", encoding="utf-8") as handle:
        handle.write("\n# an edit\n")
    assert inputs.fingerprint(inputs.CHAPTERS, package=package) == before
    # The layers chapters compute with are, file by file, including new files.
    for layer_file in ("core/metrics.py", "present/lacoe.mplstyle", "present/new_helper.py"):
        with (package / layer_file).open("a", encoding="utf-8") as handle:
            handle.write("\n# an edit\n")
        assert inputs.fingerprint(inputs.CHAPTERS, package=package) != before, layer_file
        before = inputs.fingerprint(inputs.CHAPTERS, package=package)


def small_book(root: Path) -> tuple[Path, Path]:
    """A project folder and a package folder holding one file for every entry of inputs.INPUTS."""
    project, package = root / "project", root / "package"
    for entry in inputs.INPUTS:
        base = project if entry.base == "project" else package
        name = entry.pattern.replace("*", "x")
        path = base / name / "file.txt" if "." not in Path(name).name else base / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{entry.pattern}\n", encoding="utf-8")
    return project, package


@pytest.mark.parametrize("entry", inputs.INPUTS, ids=lambda e: f"{e.base}:{e.pattern}")
def test_each_input_reaches_exactly_the_fingerprints_it_shapes(tmp_path, entry):
    # One list for every fingerprint: an edit to an input changes the book's and each one it shapes, and no other.
    project, package = small_book(tmp_path)
    roles = (None, inputs.CHAPTERS, inputs.LEDGER, inputs.PAGES, inputs.CONFIG)
    before = {role: inputs.fingerprint(role, project, package) for role in roles}
    base = project if entry.base == "project" else package
    edited = next(path for _, path in inputs.files(None, project, package)
                  if path.read_text(encoding="utf-8") == f"{entry.pattern}\n"
                  and path.is_relative_to(base))
    edited.write_text("an edit\n", encoding="utf-8")
    changed = {role for role in roles if inputs.fingerprint(role, project, package) != before[role]}
    inside_book_code = {inputs.PAGES} if entry.pattern.startswith("book/") else set()  # book/ledger.py
    assert changed == {None, *entry.shapes, *inside_book_code}


def test_the_builds_fingerprints_read_the_one_list(tmp_path):
    project, package = small_book(tmp_path)
    assert inputs.fingerprint(None, project, package) != inputs.fingerprint(inputs.PAGES, project, package)


@pytest.mark.parametrize("figure_id, column_index, bad, expected", [
    ("schools_diplomas", 5, "four hundred", "column 'value': 'four hundred' is not a number"),
    ("fin_admin_share", 5, "140", "column 'value': '140' is not a percentage from 0 to 100"),
    ("fin_admin_share", 0, "fin_budget_total", "column 'id': 'fin_budget_total' is not unique"),
])
@pytest.mark.slow  # a command per case
def test_check_data_prints_one_short_paragraph(tmp_path, figure_id, column_index, bad, expected):
    shutil.copytree(PROJ_ROOT / "data", tmp_path / "data")
    path = tmp_path / "data" / "report_figures.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    line_number = next(n for n, line in enumerate(lines, start=1) if line.startswith(figure_id + ","))
    cells = lines[line_number - 1].split(",")
    cells[column_index] = bad
    lines[line_number - 1] = ",".join(cells)
    path.write_text("".join(lines), encoding="utf-8")
    result = command(tmp_path, "lacoe_report.book.build", "check-data")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "data/report_figures.csv: line " in result.stderr
    assert f"line {line_number}, {expected}" in result.stderr


@pytest.mark.slow  # a command
def test_check_data_names_a_missing_column(tmp_path):
    shutil.copytree(PROJ_ROOT / "data", tmp_path / "data")
    path = tmp_path / "data" / "report_figures.csv"
    text = path.read_text(encoding="utf-8").replace(",qualifier,", ",hedge,", 1)
    path.write_text(text, encoding="utf-8")
    result = command(tmp_path, "lacoe_report.book.build", "check-data")
    assert result.returncode != 0
    assert "line 1: column 'qualifier' is missing from the header" in result.stderr


@pytest.mark.slow  # builds a scratch book
def test_the_build_strips_timestamps_an_editor_left_in_a_chapter(scratch):
    # JupyterLab or `nbconvert --execute --inplace` record execution times per cell.
    path = scratch / "chapters" / "finance.ipynb"
    notebook = json.loads(path.read_text(encoding="utf-8"))
    notebook["cells"][1]["metadata"]["execution"] = {"iopub.status.busy": "2026-12-02T01:00:00.000Z"}
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    result = make(scratch)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "executing" not in result.stdout  # metadata is not code: the outputs stay fresh
    assert "execution" not in json.loads(path.read_text(encoding="utf-8"))["cells"][1]["metadata"]


def pages_stamp(project: Path, package: Path) -> str:
    return inputs.fingerprint(inputs.PAGES, project, package)


def test_an_edited_sphinx_extension_changes_the_stamp_that_rebuilds_every_page(tmp_path):
    project, package = tmp_path / "project", tmp_path / "package"
    project.mkdir()
    shutil.copytree(inputs.PACKAGE_DIR / "book", package / "book", ignore=shutil.ignore_patterns("__pycache__"))
    before = pages_stamp(project, package)
    (package / "book" / "sphinx_web.py").write_text((package / "book" / "sphinx_web.py").read_text() + "\n# an edit\n")
    assert pages_stamp(project, package) != before
    (package / "book" / "trace" / "new.css").write_text("a { color: red }")  # a new static file counts too
    assert pages_stamp(project, package) != before


def test_an_edited_script_in_the_books_static_folder_changes_the_stamp(tmp_path):
    # With no page out of date Sphinx copies no static file: without this an edited
    # _static/lacoe-late-scripts.js stayed unpublished.
    project, package = small_book(tmp_path)
    script = project / "_static" / "lacoe-tabstops.js"
    script.write_text("var a = 1;\n")
    before = pages_stamp(project, package)
    assert pages_stamp(project, package) == before
    script.write_text("var a = 2;\n")
    assert pages_stamp(project, package) != before


def test_a_deleted_template_override_changes_the_stamp(tmp_path):
    # Sphinx re-writes pages only when a template is newer than them: deleting an override
    # (_templates/sections/header.html) left every page drawn by it.
    project, package = small_book(tmp_path)
    override = project / "_templates" / "sections" / "header.html"
    override.parent.mkdir(parents=True)
    override.write_text("<div></div>\n")
    before = pages_stamp(project, package)
    override.unlink()
    assert pages_stamp(project, package) != before


def test_make_test_leaves_nbconverts_side_files_out_of_nbval(tmp_path):
    # `jupyter nbconvert --execute chapters/finance.ipynb` writes finance.nbconvert.ipynb beside it.
    (tmp_path / "chapters").mkdir()
    for name in ("finance.ipynb", "finance.nbconvert.ipynb"):
        (tmp_path / "chapters" / name).write_text("{}", encoding="utf-8")
    # The notebooks `make test` hands to nbval, as make computes them in that folder.
    assert make_variable("CHAPTER_NOTEBOOKS", cwd=tmp_path).split() == ["chapters/finance.ipynb"]
    assert "$(CHAPTER_NOTEBOOKS)" in (PROJ_ROOT / "Makefile").read_text(encoding="utf-8").split("\ntest:")[1]
