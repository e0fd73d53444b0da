"""The data as a Frictionless Data Package: valid for the frictionless tool, and made from the metadata.

``frictionless`` is imported here only (its import is slow): chapters never load it.
"""
from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lacoe_report.core import metadata
from lacoe_report.core.paths import DATA_DIR, FIGURES_CSV, LEDGER_CSV

PACKAGE = DATA_DIR / "datapackage.json"


def rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def validate(descriptor: Path) -> dict:
    """``frictionless validate --json`` on a descriptor: the report as the command line gives it."""
    command = Path(sys.executable).with_name("frictionless")
    result = subprocess.run([str(command), "validate", "--json", str(descriptor)],
                            capture_output=True, text=True, cwd=descriptor.parent, timeout=300)
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def report() -> dict:
    return validate(PACKAGE)


def test_frictionless_validates_the_package(report):
    errors = [(task["name"], e["type"], e["message"][:160]) for task in report["tasks"] for e in task["errors"]]
    assert report["valid"], errors
    assert {t["name"] for t in report["tasks"]} == {"report-figures", "excluded-numbers", "ledger",
                                                    "ledger-inputs", "questions", "report-text"}


def test_the_package_is_generated_from_the_metadata():
    # One source: the YAML metadata; `make data-meta` writes the package from it.
    assert PACKAGE.read_text(encoding="utf-8") == metadata.datapackage_text(metadata.synced(metadata.load())), \
        "run `make data-meta`"


def test_schemas_carry_keys_types_and_the_enforced_constraints():
    package = json.loads(PACKAGE.read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in package["resources"]}
    figures = resources["report-figures"]["schema"]
    assert figures["primaryKey"] == ["id"]
    fields = {f["name"]: f for f in figures["fields"]}
    assert fields["value"]["type"] == "number"
    assert fields["id"]["constraints"]["unique"] is True
    assert "percent" in fields["unit"]["constraints"]["enum"]
    assert fields["period"]["constraints"]["pattern"]
    inputs = resources["ledger-inputs"]["schema"]["foreignKeys"]
    assert {"fields": ["figure_id"], "reference": {"resource": "report-figures", "fields": ["id"]}} in inputs
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert "lacoe.edu" in package["sources"][0]["path"]
    for name in ("report-figures", "excluded-numbers", "report-text"):
        assert resources[name]["hash"].startswith("sha256:")


def test_ledger_inputs_list_every_input_of_the_ledger():
    ledger = rows(LEDGER_CSV)
    expected = [(r["chapter"], r["key"], f) for r in ledger for f in r["inputs"].split(";") if f]
    links = [(r["chapter"], r["key"], r["figure_id"]) for r in rows(LEDGER_CSV.with_name("ledger_inputs.csv"))]
    assert links == expected
    assert len(links) > 100


def test_a_ledger_input_that_is_no_figure_fails_validation(tmp_path):
    """The foreign key is checked: an input naming no figure makes the package invalid."""
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy, symlinks=False, ignore=shutil.ignore_patterns("*.txt"))
    package = json.loads((copy / "datapackage.json").read_text(encoding="utf-8"))
    package["resources"] = [r for r in package["resources"] if r["name"] != "report-text"]
    (copy / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    links = copy / "ledger" / "ledger_inputs.csv"
    links.write_text(links.read_text(encoding="utf-8") + "glance,students_served,no_such_figure\n", encoding="utf-8")
    report = validate(copy / "datapackage.json")
    assert not report["valid"]
    types = {e["type"] for task in report["tasks"] for e in task["errors"]}
    assert "foreign-key" in types


def test_a_changed_data_file_fails_its_checksum(tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy, symlinks=False)
    figures = copy / FIGURES_CSV.name
    figures.write_text(figures.read_text(encoding="utf-8").replace("2000000", "2000001", 1), encoding="utf-8")
    report = validate(copy / "datapackage.json")
    assert not report["valid"]
    assert "hash-count" in {e["type"] for task in report["tasks"] for e in task["errors"]}


def test_metadata_documents_exactly_the_ledger_columns():
    meta = metadata.load()
    with LEDGER_CSV.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    with LEDGER_CSV.with_name("ledger_inputs.csv").open(encoding="utf-8", newline="") as handle:
        inputs_header = next(csv.reader(handle))
    assert [c["name"] for c in meta["ledger"]["columns"]] == header
    assert [c["name"] for c in meta["ledger"]["inputs_columns"]] == inputs_header
