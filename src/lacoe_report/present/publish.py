"""Put computed numbers into a chapter's prose, and record each in the ledger.

A chapter calls :func:`publish` for every number its text states; the text
then pastes it with ``{glue:text}`key```. The formatted text, the exact value,
its unit, the format and the figures it comes from travel in the notebook
output's metadata, where :mod:`lacoe_report.book.ledger` collects them: every
number the book publishes can be traced back to the report's own figures.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from IPython.display import display

from ..core import data
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
    """Format ``value`` with a format string or a callable.

    Examples
    --------
    >>> format_value(84000000 / 54, "${:,.0f}")
    '$1,555,556'
    >>> format_value(48.325, "{:.1f}%")
    '48.3%'
    """
    return fmt(value) if callable(fmt) else fmt.format(value)


def publish(key: str, value, fmt: str | Callable = "{:,}", *, unit: str,
            inputs: Sequence[str] = (), formula: str = "") -> None:
    """Glue ``value`` under ``key`` for the prose and record it for the ledger.

    Parameters
    ----------
    key : str
        The name the chapter's text pastes with ``{glue:text}`key```;
        unique within the chapter.
    value : number or str
        The computed value; converted to a plain Python number.
    fmt : str or callable
        How the page shows it: a ``str.format`` pattern such as ``"{:,.1f}%"``
        or a function of the value.
    unit : str
        One of :data:`lacoe_report.core.vocabulary.UNITS`.
    inputs : sequence of str
        The ids of the report figures it is computed from; each must exist.
    formula : str
        How it is computed from ``inputs``, in plain notation.

    Nothing is returned, so a ``publish`` call ending a cell prints nothing;
    use :func:`format_value` for the text itself.
    """
    if unit not in UNITS:
        raise ValueError(f"unit {unit!r} is not one of {', '.join(UNITS)}")
    for figure_id in inputs:
        data.figure(figure_id)  # fails loudly on a typo
    plain = _plain(value)
    text = format_value(plain, fmt)
    record = {
        "key": key, "value": plain, "text": text, "unit": unit,
        "format": fmt if isinstance(fmt, str) else getattr(fmt, "__name__", "callable"),
        "inputs": list(inputs), "formula": formula,
    }
    display(
        # MyST-NB literal_evals the pasted text: "65,000" would become a tuple,
        # so paste the string's repr, which evaluates back to the text itself.
        {_SCRAPBOOK_PREFIX + "text/plain": repr(text)},
        raw=True,
        metadata={"scrapbook": {"name": key, "mime_prefix": _SCRAPBOOK_PREFIX}, LEDGER_KEY: record},
    )


def publish_figure(key: str, figure_id: str, fmt: str | Callable = "{:,}", *, unit: str | None = None) -> None:
    """Publish one report figure as stated, with the figure as its only input."""
    row = data.figure(figure_id)
    unit = unit or row["unit"]
    publish(key, data.value(figure_id), fmt, unit=unit, inputs=[figure_id], formula=figure_id)
