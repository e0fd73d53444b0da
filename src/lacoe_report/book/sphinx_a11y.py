"""A Sphinx extension fixing accessibility faults in the HTML of the book's tools.

MyST-NB labels the toggle of a hidden code cell ``aria-label="Toggle hidden
content"`` while it shows "Show code cell source", which fails WCAG 2.5.3
(axe rule ``label-content-name-mismatch``). This extension renders the toggle
without the label, so its accessible name is the visible text, and with
``<span>`` prompts where MyST-NB writes ``<p>`` (not allowed in ``<summary>``).
The theme's own buttons with the same fault are fixed in ``_templates/``.
"""
from __future__ import annotations

from html import escape

from myst_nb.sphinx_ import HideCodeCellNode


def visit_hide_cell_input(self, node: HideCodeCellNode) -> None:
    """Open the ``<details>`` of a hidden cell; its name is the visible prompt."""
    classes = " ".join(node["classes"])
    self.body.append(f'<details class="admonition hide {classes}">\n')
    self.body.append("<summary>\n")
    # Spans, not MyST-NB's paragraphs: <summary> allows phrasing content only
    # (the Nu HTML Checker counted 250 errors); _static/custom.css styles them.
    self.body.append(f'<span class="collapsed admonition-title">{escape(node["prompt_show"])}</span>\n')
    self.body.append(f'<span class="expanded admonition-title">{escape(node["prompt_hide"])}</span>\n')
    self.body.append("</summary>\n")


def depart_hide_cell_input(self, node: HideCodeCellNode) -> None:
    self.body.append("</details>\n")


def setup(app):
    app.setup_extension("myst_nb")
    app.add_node(HideCodeCellNode, override=True, html=(visit_hide_cell_input, depart_hide_cell_input))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
