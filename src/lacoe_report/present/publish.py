"""Put computed numbers into a chapter's prose, and record each in the ledger.

A chapter calls :func:`publish` for every number its text states; the text
then pastes it with ``{glue:text}`key```. The formatted text, the exact value,
its unit, the format and the figures it comes from travel in the notebook
output's metadata, where :mod:`lacoe_report.book.ledger` collects them: every
number the book publishes can be traced back to the report's own figures.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable

from IPython.display import display

from ..core import data, declarations, formats
from ..core import formula as _formula
from ..core.vocabulary import UNITS

#: Metadata key under which each glued output carries its ledger record.
LEDGER_KEY = "lacoe_ledger"
# MyST-NB finds glued outputs by this metadata and hides ones with this prefix.
_SCRAPBOOK_PREFIX = "application/papermill.record/"


def _plain(value: int | float | str) -> int | float | str:
    """Return a plain Python number (numpy scalars break glue formatting)."""
    if isinstance(value, str):
        return value
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"cannot publish a non-finite number ({value!r})")
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


def format_value(value: int | float | str, fmt: str | Callable) -> str:
    """Format ``value`` with a formatter of :mod:`lacoe_report.core.formats` or a format string.

    A format string is read by :func:`lacoe_report.core.formats.pattern`, so
    its halves round up as every other number of the book does.

    Examples
    --------
    >>> format_value(84000000 / 54, "${:,.0f}")
    '$1,555,556'
    >>> format_value(48.325, "{:.1f}%"), format_value(62.5, "{:.0f}%")
    ('48.3%', '63%')
    """
    return fmt(value) if callable(fmt) else formats.pattern(fmt)(value)


def _record(key: str, value, fmt: str | Callable, unit: str, inputs: list[str], formula: str) -> None:
    if unit not in UNITS:
        raise ValueError(f"{key}: unit {unit!r} is not one of {', '.join(UNITS)}")
    plain = _plain(value)
    text = format_value(plain, fmt)
    record = {
        "key": key, "value": plain, "text": text, "unit": unit,
        "format": fmt if isinstance(fmt, str) else getattr(fmt, "__name__", "callable"),
        "inputs": inputs, "formula": formula,
    }
    display(
        # MyST-NB literal_evals the pasted text: "65,000" would become a tuple,
        # so paste the string's repr, which evaluates back to the text itself.
        {_SCRAPBOOK_PREFIX + "text/plain": repr(text)},
        raw=True,
        metadata={"scrapbook": {"name": key, "mime_prefix": _SCRAPBOOK_PREFIX}, LEDGER_KEY: record},
    )


def derive(key: str, formula_text: str, fmt: str | Callable = "{:,}", *, unit: str) -> None:
    """Evaluate ``formula_text`` over the data, glue the result under ``key`` and record it.

    The formula is what gets computed, so the ledger's formula is by
    construction the computation; its inputs are the figure ids it names.

    Parameters
    ----------
    key : str
        The name the chapter's text pastes with ``{glue:text}`key```; unique within the chapter.
    formula_text : str
        An expression of :mod:`lacoe_report.core.formula`, such as
        ``"p4_newsletter_subscribers * p4_newsletter_open_rate / 100"``.
    fmt : str or callable
        How the page shows it: a ``str.format`` pattern or a function of the value.
    unit : str
        One of :data:`lacoe_report.core.vocabulary.UNITS` (not ``text``).
    """
    if unit == "text":
        raise ValueError(f"{key}: a formula gives a number; publish text with publish(..., unit='text')")
    _record(key, _formula.evaluate(formula_text), fmt, unit, _formula.figure_ids(formula_text), formula_text.strip())


class Numbers(dict):
    """A chapter's published numbers, key -> value, shown as the table of what each one is."""

    def __init__(self, chapter: str, records: list[dict]):
        super().__init__((r["key"], r["value"]) for r in records)
        self.chapter, self.records = chapter, records

    def table(self):
        """Key, printed text and formula of each number, as a table."""
        import pandas as pd
        return pd.DataFrame([{"key": r["key"], "prints": r["text"], "formula": r["formula"]} for r in self.records],
                            columns=["key", "prints", "formula"]).set_index("key")

    def __repr__(self) -> str:
        return f"Numbers declared in {declarations.path(self.chapter).name}:\n{self.table().to_string()}"

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()


def publish(chapter: str, *legacy, **legacy_kw):
    """Glue every number ``chapters/<chapter>.numbers.yml`` declares, and return them.

    Each declaration (:mod:`lacoe_report.core.declarations`) is evaluated,
    printed in its unit's format and glued under its key, with its ledger
    record in the output's metadata; the chapter's text pastes it with
    ``{glue:text}`key```. The returned mapping gives each key's value to the
    chapter's tables and charts, and, ending a cell, shows the analyst what
    each number is: key, printed text, formula.
    """
    if legacy or legacy_kw:
        return _publish_value(chapter, *legacy, **legacy_kw)
    found = declarations.records(chapter)
    for record in found:
        _display(record)
    return Numbers(chapter, found)


def _display(record: dict) -> None:
    display(
        # MyST-NB literal_evals the pasted text: "65,000" would become a tuple,
        # so paste the string's repr, which evaluates back to the text itself.
        {_SCRAPBOOK_PREFIX + "text/plain": repr(record["text"])},
        raw=True,
        metadata={"scrapbook": {"name": record["key"], "mime_prefix": _SCRAPBOOK_PREFIX}, LEDGER_KEY: record},
    )


def _publish_value(key: str, value, fmt: str | Callable = "{:,}", *, unit: str, formula: str = "") -> None:
    """Glue a value the chapter computed itself, with the formula that must give it.

    For a number, ``formula`` is an expression of :mod:`lacoe_report.core.formula`
    that is evaluated here: when it does not give ``value`` (relative and
    absolute tolerance 1e-9), or is not in the language, the chapter fails, so
    the ledger cannot document a computation that did not happen. Prefer
    :func:`derive`, which computes the value from the formula itself.

    For ``unit="text"`` (a verdict word, a period, a label), ``formula`` is
    the rule in words; the figure ids it names are its inputs.

    A number given no formula at all is recorded without provenance, and the
    build refuses it by name (the ``provenance`` rule of
    :mod:`lacoe_report.book.rules`), so the message names chapter and key.

    Nothing is returned, so a ``publish`` call ending a cell prints nothing;
    use :func:`format_value` for the text itself.

    Raises
    ------
    ValueError
        When the formula disagrees with the value, or a text's rule is empty.
    """
    if unit == "text":
        if not str(formula).strip():
            raise ValueError(f"{key}: a text value needs its rule in formula=")
        ids = set(data.figures().index)
        named = [t for t in re.findall(r"[a-z][a-z0-9_]*", formula) if t in ids]
        _record(key, value, fmt, unit, list(dict.fromkeys(named)), formula.strip())
        return
    value = _plain(value)  # refuses NaN and infinities before anything else
    if not formula.strip():
        _record(key, value, fmt, unit, [], "")  # the build's provenance rule names it
        return
    result = _formula.evaluate(formula)
    if not _formula.agrees(result, value):
        raise ValueError(f"{key}: the formula {formula!r} gives {result!r}, the chapter computed {value!r}")
    _record(key, value, fmt, unit, _formula.figure_ids(formula), formula.strip())


def constant(key: str, value: int | float, fmt: str | Callable = "{:,}", *, unit: str, rule: str) -> None:
    """Publish a number that is not arithmetic over the report's figures, with where it comes from.

    A list the report prints without a figure (the strides its letter names),
    a count over another file (words of the report text) or a unit of
    measure: its formula is the number itself followed by ``# rule``, which
    every evaluator ignores, so the ledger says honestly that only the
    chapter's own code, re-executed by ``make verify``, re-checks it.

    >>> from lacoe_report.core import formula
    >>> formula.evaluate("12  # months in a year")
    12
    """
    if "\n" in rule or not rule.strip():
        raise ValueError(f"{key}: a constant needs a one-line rule")
    plain = _plain(value)
    publish(key, plain, fmt, unit=unit, formula=f"{plain!r}  # {rule.strip()}")


def publish_figure(key: str, figure_id: str, fmt: str | Callable = "{:,}", *, unit: str | None = None) -> None:
    """Publish one report figure as stated: its formula is its id."""
    derive(key, figure_id, fmt, unit=unit or data.figure(figure_id)["unit"])
