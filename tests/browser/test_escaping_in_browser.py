"""Markup in the data reaches the reader as text, never as HTML.

A throwaway one-page book (the project's own ``_config.yml``, theme overrides
and CSS) shows ``trace_table`` of a figure whose label is a ``<script>`` and
whose quote holds ``<b>``, and pastes a published number whose text is
``<b>bold</b>``. It is executed with nbclient, built with Jupyter Book and
opened in Chromium: the markup must show literally, no script may run and no
``<b>`` element may come from it.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from lacoe_report.core.paths import PROJ_ROOT

from .browser_support import local_only, serve

pytestmark = pytest.mark.slow  # builds and opens pages in Chromium: make test, not make check

LABEL = "<script>alert(1)</script>"
QUOTE = "a <b>bold</b> claim"
GLUED = "<b>bold</b>"

SETUP = f"""\
import pandas as pd
from lacoe_report.present.publish import glue
from lacoe_report.present.tables import trace_table

frame = pd.DataFrame({{
    "label": [{LABEL!r}], "as_written": ["<i>7</i>"], "qualifier": ["exact"],
    "period": ["2023-24"], "period_basis": ["report_year"], "presentation": ["text"], "quote": [{QUOTE!r}],
}}, index=pd.Index(["x_markup"], name="id"))
"""


def _notebook() -> nbformat.NotebookNode:
    hidden = {"tags": ["remove-input"]}  # only outputs on the page, not the code that makes them
    return nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Markup in the data"),
        nbformat.v4.new_code_cell(SETUP, metadata=hidden),
        nbformat.v4.new_code_cell("trace_table(frame)", metadata=hidden),
        nbformat.v4.new_code_cell(f'glue({{"key": "markup", "value": 7, "text": {GLUED!r}, "unit": "count", '
                                  f'"format": "count", "inputs": [], "formula": "7  # a test"}})', metadata=hidden),
        nbformat.v4.new_markdown_cell("Glued: {glue:text}`markup`."),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})


@pytest.fixture(scope="module")
def markup_book(tmp_path_factory) -> Path:
    """Build the one-page book; return its HTML folder."""
    from nbclient import NotebookClient

    root = tmp_path_factory.mktemp("markup-book")
    shutil.copy(PROJ_ROOT / "_config.yml", root / "_config.yml")
    for folder in ("_static", "_templates"):
        if (PROJ_ROOT / folder).is_dir():
            shutil.copytree(PROJ_ROOT / folder, root / folder)
    (root / "_toc.yml").write_text("format: jb-book\nroot: markup\n", encoding="utf-8")
    notebook = _notebook()
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(root)}}).execute(stderr=subprocess.DEVNULL)
    nbformat.write(notebook, root / "markup.ipynb")
    result = subprocess.run(
        [str(Path(sys.executable).parent / "jupyter-book"), "build", str(root), "-n", "-W", "--keep-going", "-q"],
        capture_output=True, text=True, cwd=root)
    assert result.returncode == 0, f"the markup book did not build:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
    return root / "_build" / "html"


def test_markup_in_labels_quotes_and_glued_text_shows_as_text(browser, markup_book):
    source = (markup_book / "markup.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in source
    assert LABEL not in source and GLUED not in source

    with serve(markup_book) as base:
        context = browser.new_context()
        external: list[str] = []
        local_only(context, base, external)
        context.add_init_script("window.__alerts = []; window.alert = (m) => window.__alerts.push(String(m));")
        page = context.new_page()
        dialogs, errors = [], []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.on("console", lambda message: message.type == "error" and errors.append(message.text))
        page.on("pageerror", lambda error: errors.append(str(error)))
        try:
            page.goto(base + "markup.html")
            article = page.locator("article")
            # The label heads its row (tables.trace_table): a row header, shown as text.
            assert page.get_by_role("rowheader", name=LABEL, exact=True).is_visible(), "the label is not shown as text"
            text = article.inner_text()
            assert f"“{QUOTE}”" in text, "the quote is not shown as text"
            assert f"Glued: {GLUED}." in text, "the glued text is not shown as text"
            assert "<i>7</i>" in text
            assert page.evaluate("() => window.__alerts") == [] and dialogs == [], "a script from the data ran"
            assert article.locator("script").evaluate_all(
                "(scripts) => scripts.filter((s) => s.textContent.includes('alert(1)')).length") == 0
            assert article.locator("b, i").count() == 0, "markup from the data became elements"
            assert not errors and not external, (errors, external)
        finally:
            context.close()
