"""Every chapter is committed executed, fresh, clean and written to the house rules."""
import re

import nbformat
import pytest

from lacoe_report.book import chapters, inputs, ledger
from lacoe_report.book.toc import toc_chapters
from lacoe_report.core.paths import LEDGER_CSV, TOC_FILE

NOTEBOOKS = toc_chapters()
PILLARS = [p for p in NOTEBOOKS if p.stem.startswith("pillar")]


def read(path):
    return nbformat.read(path, as_version=4)


def figure_cells(notebook):
    return [c for c in notebook.cells if c.cell_type == "code" and any(
        "image/png" in o.get("data", {}) for o in c.get("outputs", []))]


def test_the_toc_lists_every_part_of_the_report():
    stems = {p.stem for p in NOTEBOOKS}
    assert {"glance", "achievements", "schools", "finance", "future", "audit", "data_dictionary"} <= stems
    assert len(PILLARS) == 5
    assert "intro" in TOC_FILE.read_text()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_chapter_is_committed_with_outputs(path):
    # Code cells that have source but no outputs and no count.
    missing = [n for n, cell in enumerate(read(path).cells, start=1)
               if cell.cell_type == "code" and cell.source.strip() and cell.execution_count is None]
    assert missing == [], \
        f"{path.name} has code cells that were never executed: run `make book` and commit it"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_chapter_prints_no_warning_or_error(path):
    # A warning is a defect of the chapter (a chart whose layout collapsed ...), and its text names
    # the folder it ran in, so the committed output would differ on any other machine.
    streams = [("".join(o.get("text", "")))[:200] for cell in read(path).cells if cell.cell_type == "code"
               for o in cell.get("outputs", []) if o.get("output_type") == "stream" and o.get("name") == "stderr"]
    assert streams == [], f"{path.name} writes to stderr: {streams}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_chapter_outputs_are_fresh(path):
    notebook = read(path)
    assert chapters.recorded_fingerprint(notebook) == chapters.fingerprint(notebook, path=path), \
        f"{path.name} was executed with other data, code or pins: run `make book` and commit it"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_chapter_metadata_is_clean(path):
    notebook = read(path)
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    stamped = [number for number, cell in enumerate(notebook.cells, start=1)
               if "execution" in cell.metadata or "ExecuteTime" in cell.metadata]
    # A plain message, not a dump of the cell's metadata dict.
    assert stamped == [], (f"chapters/{path.name}, cells {', '.join(map(str, stamped))}: execution timestamps "
                           "(left by JupyterLab or `nbconvert --execute`); run `make book`, which strips them")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_chapter_has_one_title(path):
    notebook = read(path)
    titles = [line for c in notebook.cells if c.cell_type == "markdown"
              for line in c.source.splitlines() if line.startswith("# ")]
    assert len(titles) == 1
    assert notebook.cells[0].cell_type == "markdown" and notebook.cells[0].source.startswith("# ")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_chapters_read_data_only_through_the_package(path):
    for cell in read(path).cells:
        if cell.cell_type == "code":
            assert "../data" not in cell.source and "read_csv(" not in cell.source
            assert "pyplot" not in cell.source and "set_title" not in cell.source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_chapters_import_only_the_analysis_layers(path):
    # The freshness fingerprint covers core/ and present/ only: a chapter must not import book/.
    layers = {i.pattern for i in inputs.INPUTS if i.base == "package" and inputs.CHAPTERS in i.shapes
              and (inputs.PACKAGE_DIR / i.pattern).is_dir()}
    assert layers == {"core", "present"}
    for cell in read(path).cells:
        if cell.cell_type == "code":
            imported = set(re.findall(r"lacoe_report\.(\w+)", cell.source))
            imported |= {"(top level)" for _ in re.findall(r"from lacoe_report import", cell.source)}
            assert imported <= layers, (path.name, imported)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_figure_is_named_captioned_and_described(path):
    for cell in figure_cells(read(path)):
        meta = cell.metadata.get("mystnb", {})
        figure, image = meta.get("figure", {}), meta.get("image", {})
        assert figure.get("name", "").startswith("fig-"), cell.source[:60]
        assert len(figure.get("caption", "")) > 20, figure.get("name")
        assert len(image.get("alt", "")) > 20, figure.get("name")


def test_figure_names_are_unique_across_the_book():
    names = [c.metadata["mystnb"]["figure"]["name"] for p in NOTEBOOKS for c in figure_cells(read(p))]
    assert len(names) == len(set(names))


def test_the_book_has_enough_figures():
    counts = {p.stem: len(figure_cells(read(p))) for p in NOTEBOOKS}
    assert sum(counts.values()) >= 14, counts
    assert all(counts[p.stem] >= 2 for p in PILLARS), counts


def test_committed_ledger_matches_the_chapters():
    diff = ledger.differences(ledger.read(LEDGER_CSV), ledger.collect(NOTEBOOKS))
    assert diff.empty, f"ledger out of date (run `make book`):\n{diff.to_string(index=False)}"


def test_every_ledger_input_is_a_figure_of_the_data():
    from lacoe_report.core import data
    ids = set(data.figures().index)
    entries = ledger.read(LEDGER_CSV)
    used = {i for cell in entries["inputs"] for i in cell.split(";") if i}
    assert used <= ids, used - ids


def test_no_helper_is_defined_in_two_chapters():
    # A helper two chapters need belongs in the package (core/ or present/), written once.
    defined = {}
    for path in NOTEBOOKS:
        for cell in read(path).cells:
            if cell.cell_type == "code":
                for name in re.findall(r"^def (\w+)\(", cell.source, re.M):
                    defined.setdefault(name, set()).add(path.stem)
    assert {name: sorted(where) for name, where in defined.items() if len(where) > 1} == {}
