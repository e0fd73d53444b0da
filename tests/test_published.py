"""What the book publishes about its data files is true of the files published beside it.

An analyst's correction of a figure is recorded by the build (new SHA-256 and row
count in the metadata and the Data Package), and the build checks the staged
site before publishing it: a Data Package, metadata or data dictionary that
contradicts the downloads stops the build with the published book untouched.
"""
import csv
import hashlib
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import copy_repo, environment, make
from lacoe_report.book import published
from lacoe_report.book.html_pages import Page
from lacoe_report.core.paths import DATA_DIR, FIGURES_CSV

# The smallest book with the data dictionary (checksums from the metadata) and the downloads.
DOWNLOADS_TOC = """format: jb-book
root: chapters/intro
chapters:
  - file: chapters/data_dictionary
  - file: chapters/downloads
  - file: chapters/questions
"""

PUBLISHED = ("datapackage.json", "report_figures.meta.yml", "report_figures.csv")


def real_files() -> dict[str, bytes]:
    return {name: (DATA_DIR / name).read_bytes() for name in PUBLISHED} | {
        "excluded_numbers.csv": (DATA_DIR / "raw" / "excluded_numbers.csv").read_bytes()}


def test_the_committed_data_files_agree_with_what_is_stated_about_them():
    assert published.disagreements(real_files()) == []


def test_an_unrecorded_edit_is_named_by_each_file_that_states_its_checksum():
    files = real_files()
    files["report_figures.csv"] += b"extra_row,letter,reach,x,X,1,count,,,2023-24,prose,one,one,,,\n"
    problems = published.disagreements(files)
    # The package states the hash and the size; the metadata the hash and the rows.
    assert [p.split(" gives ")[0] for p in problems] == ["datapackage.json", "datapackage.json",
                                                         "report_figures.meta.yml", "report_figures.meta.yml"]
    assert all("report_figures.csv" in p for p in problems)
    new_hash = hashlib.sha256(files["report_figures.csv"]).hexdigest()
    assert f"the published file has {new_hash[:12]}" in problems[0]
    assert "165" in problems[3] and "164" in problems[3]  # one more row than recorded


def test_a_file_not_published_beside_the_package_is_not_contradicted():
    files = real_files()
    del files["report_figures.csv"]
    assert published.disagreements(files) == []


def test_the_data_dictionary_table_is_checked_against_the_downloads():
    data = b"id,x\n1,2\n"
    true_row = f"<tr><th>data/t.csv</th>\n      <td>{hashlib.sha256(data).hexdigest()}</td>\n      <td>1</td></tr>"
    assert published.disagreements({"t.csv": data}, {"page.html": Page(true_row).rows}) == []
    stale = true_row.replace("<td>1</td>", "<td>7</td>")
    assert published.disagreements({"t.csv": data}, {"page.html": Page(stale).rows}) == [
        "the data dictionary (page.html) gives t.csv 7 rows, the published file has 1"]


def test_the_built_data_dictionary_lists_every_data_file_with_its_checksum(book_dir):
    # The table the build checks is found in the page a reader sees: a parser that found no row
    # would let any checksum through.
    page = (book_dir / "chapters" / "data_dictionary.html").read_text(encoding="utf-8")
    listed = {path: (sha256, rows) for path, sha256, rows in published.dictionary_rows(Page(page).rows)}
    assert listed["data/report_figures.csv"] == (hashlib.sha256(FIGURES_CSV.read_bytes()).hexdigest(), 164)
    assert len(listed) == 3, listed


def test_a_staged_site_with_a_stale_package_is_refused(tmp_path):
    site = tmp_path / "site"
    for name, data in real_files().items():
        folder = site / "_downloads" / hashlib.md5(name.encode(), usedforsecurity=False).hexdigest()
        folder.mkdir(parents=True)
        (folder / name).write_bytes(data)
    assert published.site_disagreements(site) == []
    figures = next(site.rglob("report_figures.csv"))
    figures.write_bytes(figures.read_bytes().replace(b"two million", b"two millions", 1))
    message = published.report(published.site_disagreements(site), "The book was not published")
    assert message.startswith("The book was not published: ")
    assert "datapackage.json gives report_figures.csv the SHA-256" in message
    assert "make data-meta" in message


def published_files(site: Path) -> dict[str, Path]:
    return {p.name: p for p in (site / "_downloads").rglob("*") if p.is_file()}


@pytest.mark.slow  # builds a scratch book twice and runs the frictionless command
def test_a_corrected_figure_publishes_a_package_that_validates(tmp_path):
    root = copy_repo(tmp_path / "repo", DOWNLOADS_TOC)
    first = make(root)
    assert first.returncode == 0, first.stdout + first.stderr
    # A consistent correction that every check accepts: a row's free-text note.
    figures = root / "data" / "report_figures.csv"
    reader = csv.DictReader(io.StringIO(figures.read_text(encoding="utf-8"), newline=""))
    rows = list(reader)
    [row] = [r for r in rows if r["id"] == "letter_students_served"]
    row["note"] = "corrected by an analyst"
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=reader.fieldnames, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    figures.write_text(out.getvalue(), encoding="utf-8")
    report_text = root / "data" / "raw" / "lacoe-annual-report-2023-24.txt"
    report_text.write_text(report_text.read_text(encoding="utf-8") + "Corrected by an analyst.\n", encoding="utf-8")

    result = make(root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert ("recorded the new SHA-256 and row count of data/report_figures.csv, "
            "data/raw/lacoe-annual-report-2023-24.txt") in result.stdout
    new_hash = hashlib.sha256(figures.read_bytes()).hexdigest()
    meta = yaml.safe_load((root / "data" / "report_figures.meta.yml").read_text(encoding="utf-8"))
    assert {f["path"]: f["sha256"] for f in meta["files"]}["data/report_figures.csv"] == new_hash

    # The downloads, laid out as the package names them, validate as a reader would check them.
    site = root / "_build" / "html"
    files = published_files(site)
    package = json.loads(files["datapackage.json"].read_text(encoding="utf-8"))
    layout = tmp_path / "download"
    layout.mkdir()
    shutil.copy(files["datapackage.json"], layout)
    for resource in package["resources"]:
        (layout / resource["path"]).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(files[Path(resource["path"]).name], layout / resource["path"])
    command = Path(sys.executable).with_name("frictionless")
    check = subprocess.run([str(command), "validate", "--json", "datapackage.json"], cwd=layout,
                           capture_output=True, text=True, timeout=300, env=environment(root))
    report = json.loads(check.stdout)
    assert report["valid"], [e["message"][:160] for t in report["tasks"] for e in t["errors"]]
    # The data dictionary page shows the new checksum, not the recorded-before one.
    page = (site / "chapters" / "data_dictionary.html").read_text(encoding="utf-8")
    assert new_hash in page
    assert published.site_disagreements(site) == []
