"""A pytest plugin that rebuilds the ledger from nbval's own re-execution.

nbval re-executes every chapter in a clean kernel and compares each cell's
outputs with the committed ones. The outputs it receives carry the ledger
records of :func:`lacoe_report.present.publish.publish` in their metadata, so this
plugin collects them on the way: ``make verify`` executes each chapter once
and gets both nbval's verdict and a fresh ledger.

Enable with ``-p lacoe_report.book.nbval_ledger --ledger-out DIR``; each pytest
process (xdist worker) writes ``DIR/<worker>.json``.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from ..present.publish import LEDGER_KEY


def pytest_addoption(parser):
    parser.addoption("--ledger-out", default=None,
                     help="folder for the ledger records collected from nbval's execution")


def pytest_configure(config):
    config._ledger_records = []


def pytest_runtest_makereport(item, call):
    if call.when != "call" or not hasattr(item, "test_outputs") or item.test_outputs is None:
        return
    chapter = Path(str(item.fspath)).stem
    cell = getattr(item, "cell_num", None)
    for position, output in enumerate(item.test_outputs):
        record = (output.get("metadata") or {}).get(LEDGER_KEY)
        if record:
            item.config._ledger_records.append(
                {**record, "chapter": chapter, "inputs": ";".join(record.get("inputs", [])),
                 "_cell": cell if cell is not None else 0, "_position": position})


def pytest_sessionfinish(session):
    folder = session.config.getoption("--ledger-out")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    (Path(folder) / f"{worker}.json").write_text(
        json.dumps(session.config._ledger_records), encoding="utf-8")
