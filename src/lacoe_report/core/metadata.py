"""The data's metadata: ``data/report_figures.meta.yml`` and the Data Package made from it.

The YAML file, the one people edit, documents every column and records each data file's SHA-256 and
row count; its allowed values are copied from :mod:`lacoe_report.core.validation`. :func:`datapackage`
derives ``data/datapackage.json``, a Frictionless Data Package, from it. Run ``make data-meta`` after
an intended edit of a data file or of the YAML; the tests fail until you do.
"""
from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import yaml

from . import data, validation, vocabulary
from .errors import load_yaml, shape_problem
from .paths import DATA_DIR, FIGURES_META, PROJ_ROOT
from .safe_write import ChangedOnDisk, digest, fingerprint, write_if_unchanged

#: The Data Package, written next to the files it describes.
DATAPACKAGE = DATA_DIR / "datapackage.json"

_ALLOWED = {
    ("figures_columns", "section"): vocabulary.SECTIONS,
    ("figures_columns", "unit"): vocabulary.DATA_UNITS,
    ("figures_columns", "qualifier"): vocabulary.QUALIFIERS,
    ("figures_columns", "presentation"): vocabulary.PRESENTATIONS,
    ("excluded_columns", "reason"): validation.EXCLUSION_REASONS,
}


def load(path: Path = FIGURES_META) -> dict:
    """Return the metadata as a dictionary (:class:`~lacoe_report.core.errors.InputError` if it is no YAML mapping)."""
    return load_yaml(path)


def rows(path: Path) -> int:
    """Data rows of a CSV file (lines less the header), or lines of a text file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return len(lines) - 1 if path.suffix == ".csv" else len(lines)


def current_records(meta: dict) -> list[dict]:
    """The ``files`` entries as they should read for the files on disk now."""
    return [{"path": entry["path"], "sha256": digest((PROJ_ROOT / entry["path"]).read_bytes()),
             "rows": rows(PROJ_ROOT / entry["path"])} for entry in meta["files"]]


def synced(meta: dict) -> dict:
    """Return ``meta`` with allowed values from the rules and fresh file records."""
    for (group, name), allowed in _ALLOWED.items():
        for column in meta[group]:
            if column["name"] == name:
                column["allowed"] = list(allowed)
    for column in meta["figures_columns"]:
        if column["name"] == "topic":
            column["allowed"] = sorted(data.figures()["topic"].unique().tolist())
    meta["files"] = current_records(meta)
    return meta


def _constraints(column) -> dict:
    """Table Schema constraints read off a pandera column of :mod:`validation`."""
    out: dict = {}
    for check in column.checks:
        stats = check.statistics or {}
        if check.name == "str_matches":
            out["pattern"] = stats["pattern"].removeprefix("^").removesuffix("$")
        elif check.name == "isin":
            out["enum"] = list(stats["allowed_values"])
        # A rule that an empty cell passes (an optional column) does not make the field required.
        empty_allowed = check.name == "str_matches" and re.fullmatch(stats["pattern"], "") is not None
        if check.name in ("str_length", "str_matches", "isin") and not empty_allowed:
            out["required"] = True
    if column.unique:
        out["unique"] = True
    return out


def _fields(columns: list[dict], rules=None) -> list[dict]:
    """Table Schema fields from the YAML's column entries (and the enforced rules, if any)."""
    fields = []
    for column in columns:
        field = {"name": column["name"], "type": column["type"], "description": " ".join(column["description"].split())}
        if column.get("unit"):
            field["unit"] = column["unit"]
        constraints = _constraints(rules.columns[column["name"]]) if rules is not None else {}
        if column.get("allowed") and "enum" not in constraints:
            constraints["enum"] = list(column["allowed"])
        if column.get("required"):
            constraints["required"] = True
        if column["type"] == "number" and rules is not None:
            constraints["required"] = True  # validation requires a finite number
        if constraints:
            field["constraints"] = constraints
        fields.append(field)
    return fields


def datapackage(meta: dict) -> dict:
    """The Frictionless Data Package descriptor of the data files, derived from ``meta``.

    Parameters
    ----------
    meta : dict
        The metadata as :func:`synced` returns it.

    Returns
    -------
    dict
        ``data/datapackage.json``: a resource per file with its Table Schema,
        SHA-256 and size; the ledger's input ids are a foreign key to the figures.

    Examples
    --------
    >>> package = datapackage(synced(load()))
    >>> [r["name"] for r in package["resources"]][:2]
    ['report-figures', 'excluded-numbers']
    """
    records = {f["path"]: f for f in meta["files"]}

    def file_facts(path: str) -> dict:
        record = records[path]
        return {"hash": f"sha256:{record['sha256']}", "bytes": (PROJ_ROOT / path).stat().st_size}

    def table(name, path, title, columns, rules=None, primary=None, foreign=()):
        schema = {"fields": _fields(columns, rules), "missingValues": [""]}
        if primary:
            schema["primaryKey"] = primary
        if foreign:
            schema["foreignKeys"] = [{"fields": fields, "reference": {"resource": resource, "fields": ref}}
                                     for fields, resource, ref in foreign]
        resource = {"name": name, "path": path, "title": title, "profile": "tabular-data-resource",
                    "format": "csv", "mediatype": "text/csv", "encoding": "utf-8"}
        if f"data/{path}" in records:
            resource.update(file_facts(f"data/{path}"))
        resource["schema"] = schema
        return resource

    ledger = meta["ledger"]
    text_path = meta["source_document"]["path"]
    return {
        "profile": "data-package",
        "name": meta["package_name"],
        "title": meta["title"],
        "description": " ".join(meta["curation"].split()),
        "version": meta["package_version"],
        "licenses": [dict(item) for item in meta["licenses"]],
        "sources": [{"title": meta["source_citation"], "path": meta["source_url"]}],
        "contributors": [{"title": meta["publisher"], "role": "publisher"}],
        # Files the book publishes that are not resources here, each with why (the chart data, for one).
        "notListed": [{"path": item["path"], "why": " ".join(item["why"].split())}
                      for item in meta.get("not_listed", [])],
        "resources": [
            table("report-figures", "report_figures.csv", "Every figure of the report, as stated",
                  meta["figures_columns"], validation.FIGURES_SCHEMA, ["id"]),
            table("excluded-numbers", "raw/excluded_numbers.csv",
                  "Numbers of the report that are not figures, with the reason",
                  meta["excluded_columns"], validation.EXCLUDED_SCHEMA, ["id"]),
            table("ledger", ledger["path"], ledger["title"], ledger["columns"], primary=["chapter", "key"]),
            table("ledger-inputs", ledger["inputs_path"], ledger["inputs_title"], ledger["inputs_columns"],
                  primary=["chapter", "key", "figure_id"],
                  foreign=[(["figure_id"], "report-figures", ["id"]),
                           (["chapter", "key"], "ledger", ["chapter", "key"])]),
            table("questions", ledger["questions_path"], ledger["questions_title"], ledger["questions_columns"],
                  primary=["id"]),
            {"name": "report-text", "path": text_path.removeprefix("data/"),
             "title": "The report's text as extracted from the published PDF", "format": "txt",
             "mediatype": "text/plain", "encoding": "utf-8", **file_facts(text_path)},
        ],
    }


def datapackage_text(meta: dict) -> str:
    """``data/datapackage.json`` as written: stable key order, two-space indent, final newline."""
    return json.dumps(datapackage(meta), indent=2, ensure_ascii=False) + "\n"


def metadata_text(meta: dict) -> str:
    """``data/report_figures.meta.yml`` as written from ``meta``."""
    return yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100)


def record() -> tuple[list[str], list[Path]]:
    """Record the data files as they are now, as ``make data-meta`` does, writing only what changed.

    A save of the metadata or the Data Package made while this ran is kept, and
    :class:`~lacoe_report.core.safe_write.ChangedOnDisk` names it.

    Returns
    -------
    tuple of (list of str, list of Path)
        The data files whose SHA-256 or row count changed (as their ``files``
        entries name them), and the files rewritten (the metadata, the Data Package).
    """
    read = {path: fingerprint(path) for path in (FIGURES_META, DATAPACKAGE)}
    try:
        recorded = {entry["path"]: entry for entry in load().get("files", [])}
        meta = synced(load())
        edited = [entry["path"] for entry in meta["files"] if recorded.get(entry["path"]) != entry]
        texts = ((FIGURES_META, metadata_text(meta)), (DATAPACKAGE, datapackage_text(meta)))
    except (KeyError, TypeError, AttributeError) as err:  # parsed, but not the metadata's shape
        raise shape_problem(FIGURES_META, err) from None
    except FileNotFoundError as err:  # a file the metadata lists
        raise shape_problem(FIGURES_META, ValueError(f"it lists {err.filename}, which does not exist")) from None
    written, changed = [], []
    for path, text in texts:
        data = text.encode("utf-8")
        if digest(data) == read[path]:
            continue
        if write_if_unchanged(path, data, read[path]):
            written.append(path)
        else:
            changed.append(path)
    if changed:
        raise ChangedOnDisk(changed)
    return edited, written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m lacoe_report.core.metadata", description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true",
                        help="rewrite the metadata file in place and the Data Package from it")
    args = parser.parse_args(argv)
    if args.write:
        try:
            record()
        except ChangedOnDisk as err:
            raise SystemExit(f"{err}: run make data-meta again to record it") from None
        print(f"updated {FIGURES_META.relative_to(PROJ_ROOT)} and {DATAPACKAGE.relative_to(PROJ_ROOT)}")
    else:
        print(metadata_text(synced(load())))


if __name__ == "__main__":
    main()
