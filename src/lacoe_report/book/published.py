"""Do the published checksums and row counts describe the bytes published beside them?

The Data Package (``datapackage.json``), the metadata (``report_figures.meta.yml``)
and the data dictionary's table of files each state a SHA-256 (and a size or a
row count) for the data files, as a reader's ``frictionless validate`` checks
them. The build checks them on what it is about to publish (the staged site,
the PDF's attachments), matching each file by its name.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import yaml

from ..core.safe_write import digest
from . import html_pages

_HEX = frozenset("0123456789abcdef")


def dictionary_rows(rows: list[list[str]]) -> list[tuple[str, str, int]]:
    """The data dictionary's table of files among a page's table rows: (path, SHA-256, rows) per row.

    >>> dictionary_rows(html_pages.Page("<tr><th>data/a.csv</th><td>" + "ab" * 32 + "</td><td>3</td></tr>").rows)
    [('data/a.csv', 'abababababababababababababababababababababababababababababababab', 3)]
    >>> dictionary_rows([["id", "figure", "3"]])
    []
    """
    return [(path, sha256, int(count)) for path, sha256, count in (r for r in rows if len(r) == 3)
            if len(sha256) == 64 and set(sha256) <= _HEX and count.isdigit()]


def count_rows(name: str, data: bytes) -> int:
    """Rows as the metadata counts them: data lines of a CSV (less the header), lines of a text.

    >>> count_rows("a.csv", b"id,x\\n1,2\\n3,4\\n"), count_rows("a.txt", b"one\\ntwo\\n")
    (2, 2)
    """
    lines = data.decode("utf-8").splitlines()
    return len(lines) - 1 if name.endswith(".csv") else len(lines)


def _stated(files: Mapping[str, bytes], name: str, where: str, sha256: str | None,
            size: int | None = None, rows: int | None = None) -> list[str]:
    """What is wrong with one statement about the file called ``name`` (nothing if it is true)."""
    data = files.get(name)
    if data is None:
        return []  # not published beside it: nothing to contradict
    problems = []
    actual = digest(data)
    if sha256 is not None and sha256 != actual:
        problems.append(f"{where} gives {name} the SHA-256 {sha256[:12]}..., the published file has {actual[:12]}...")
    if size is not None and size != len(data):
        problems.append(f"{where} gives {name} {size} bytes, the published file has {len(data)}")
    if rows is not None and rows != count_rows(name, data):
        problems.append(f"{where} gives {name} {rows} rows, the published file has {count_rows(name, data)}")
    return problems


def disagreements(files: Mapping[str, bytes], tables: Mapping[str, list[list[str]]] | None = None) -> list[str]:
    """Every checksum, size or row count stated among ``files`` that their bytes contradict.

    Parameters
    ----------
    files : mapping of str to bytes
        The published files by name (``datapackage.json``, ``report_figures.csv`` ...).
    tables : mapping of str to list of list of str
        Pages that may hold the data dictionary's table of files: the cell texts of their table rows
        (:attr:`.html_pages.Page.rows`) by page name.

    Returns
    -------
    list of str
        One plain sentence per disagreement; empty when everything stated is true.

    Examples
    --------
    >>> data = b"id\\n1\\n"
    >>> package = {"resources": [{"path": "raw/x.csv", "hash": "sha256:" + "0" * 64, "bytes": 5}]}
    >>> disagreements({"x.csv": data, "datapackage.json": json.dumps(package).encode()})
    ['datapackage.json gives x.csv the SHA-256 000000000000..., the published file has 7cde7fb64fd8...']
    """
    problems: list[str] = []
    if "datapackage.json" in files:
        try:
            package = json.loads(files["datapackage.json"])
        except ValueError as err:
            return [f"datapackage.json is not valid JSON: {err}"]
        for resource in package.get("resources", []):
            recorded = resource.get("hash", "")
            problems += _stated(files, Path(resource.get("path", "")).name, "datapackage.json",
                                recorded.removeprefix("sha256:") if recorded else None, resource.get("bytes"))
    meta_name = next((name for name in files if name.endswith(".meta.yml")), None)
    if meta_name:
        try:
            meta = yaml.safe_load(files[meta_name]) or {}
        except yaml.YAMLError as err:
            return problems + [f"{meta_name} is not valid YAML: {err}"]
        for record in meta.get("files", []):
            problems += _stated(files, Path(record["path"]).name, meta_name, record.get("sha256"),
                                rows=record.get("rows"))
    for page, rows_of_page in (tables or {}).items():
        for path, sha256, rows in dictionary_rows(rows_of_page):
            problems += _stated(files, Path(path).name, f"the data dictionary ({page})", sha256, rows=rows)
    return problems


def site_disagreements(site: Path) -> list[str]:
    """:func:`disagreements` for a built site: its downloads and the pages that list the files."""
    files = {path.name: path.read_bytes() for path in sorted((site / "_downloads").rglob("*")) if path.is_file()}
    return disagreements(files, {name: page.rows for name, page in html_pages.read(site).items()})


def report(problems: list[str], what: str) -> str:
    """The build's message: what was refused, and one line per disagreement."""
    return (f"{what}: what it states about the data files disagrees with the files published beside it.\n  "
            + "\n  ".join(problems)
            + "\nRun `make data-meta` to record the data files as they are, then build again.")
