"""Put a chapter's declared numbers into its prose.

A chapter calls :func:`publish` once and its text pastes each declared number with ``{glue:text}`key```.
Only the printed text is glued: what each number is (value, unit, format, inputs) is the ledger,
which :mod:`lacoe_report.book.ledger` evaluates from the same declarations.
"""
from __future__ import annotations

import pandas as pd
from IPython.display import display

from ..core import declarations
from ..core.formats import Hedged
from ..core.sourced import tag
from ..core.vocabulary import CAVEAT_SUFFIX

# MyST-NB finds glued outputs by this metadata and hides ones with this prefix.
_SCRAPBOOK_PREFIX = "application/papermill.record/"


class Numbers(dict):
    """A chapter's published numbers, key -> value, shown as the table of what each one is."""

    def __init__(self, chapter: str, records: list[dict]):
        # A hedged number keeps its hedge, so a chart or table labelling it shows "over 400", never "400";
        # each number keeps its ledger key and unit, so a chart drawing it publishes them with its data.
        super().__init__((r["key"], tag(Hedged(r["value"], r["hedge"]) if r.get("hedge") else r["value"],
                                        {"key": r["key"], "chapter": chapter, "unit": r["unit"]}))
                         for r in records)
        self.chapter, self.records = chapter, records

    def table(self):
        """Key, printed text and formula of each number, as a table."""
        return pd.DataFrame([{"key": r["key"], "prints": r["text"], "formula": r["formula"]} for r in self.records],
                            columns=["key", "prints", "formula"]).set_index("key")

    def __repr__(self) -> str:
        return f"Numbers declared in {declarations.path(self.chapter).name}:\n{self.table().to_string()}"

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()


def publish(chapter: str) -> Numbers:
    """Glue every number ``chapters/<chapter>.numbers.yml`` declares, and return them.

    Each number is glued as its declaration prints it; one that combines groups of people
    (``combines``) also glues its caveat, as ``<key>_caveat``. The returned mapping gives each
    key's value to the chapter's tables and charts and, ending a cell, shows each key's text and formula.

    Raises
    ------
    lacoe_report.core.declarations.DeclarationError
        When a declaration cannot be read or evaluated (file, line and key named).
    """
    found = declarations.records(chapter)
    for record in found:
        glue(record)
        if record.get("caveat"):  # what a combination of groups can and cannot mean, pasted beside it
            glue({**record, "key": record["key"] + CAVEAT_SUFFIX, "text": record["caveat"]})
    return Numbers(chapter, found)


def glue(record: dict) -> None:
    """Display one ledger record's text as MyST-NB's glue output, pasted by ``{glue:text}`key```."""
    display(
        # MyST-NB literal_evals the pasted text: "65,000" would become a tuple,
        # so paste the string's repr, which evaluates back to the text itself.
        {_SCRAPBOOK_PREFIX + "text/plain": repr(record["text"])},
        raw=True,
        metadata={"scrapbook": {"name": record["key"], "mime_prefix": _SCRAPBOOK_PREFIX}},
    )
