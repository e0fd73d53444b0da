"""Numbers that remember where they come from: a ledger key or a report figure.

``numbers["key"]`` and ``data.value(id)`` carry their source, so a chart publishes the ledger key,
figure id and unit of what it draws. Such a number behaves exactly like the plain one; arithmetic on
it gives a plain number, which has no source.

>>> n = tag(400, {"key": "wb_interns", "chapter": "pillar2_wellbeing", "unit": "count"})
>>> n, f"{n:,}", n + 1, source_of(n)["key"], source_of(n + 1)
(400, '400', 401, 'wb_interns', None)
"""
from __future__ import annotations

from typing import Any

from .formats import Hedged

__all__ = ["SourcedInt", "SourcedFloat", "tag", "source_of"]


class SourcedInt(int):
    """An ``int`` with a :attr:`source` (a dict: ``key`` and ``chapter``, or ``figure``; and ``unit``)."""

    source: dict


class SourcedFloat(float):
    """A ``float`` with a :attr:`source`, like :class:`SourcedInt`."""

    source: dict


def tag(value: Any, source: dict) -> Any:
    """``value`` carrying ``source``; anything that is not a number is returned as it is.

    >>> tag("2023-24", {"key": "k"}), type(tag(2.5, {"key": "k"})).__name__, tag(True, {"key": "k"})
    ('2023-24', 'SourcedFloat', True)
    >>> tag(Hedged(400, "over"), {"figure": "p2_conference_educators"}).source
    {'figure': 'p2_conference_educators'}
    """
    if isinstance(value, Hedged):
        value.source = dict(source)  # a Hedged is made per lookup: tagging it changes no one else's
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    number = SourcedInt(value) if isinstance(value, int) else SourcedFloat(value)
    number.source = dict(source)
    return number


def source_of(value: Any) -> dict | None:
    """The source :func:`tag` gave ``value``, or ``None`` for a number without one.

    >>> source_of(3.0), source_of(tag(3, {"figure": "x", "unit": "count"}))
    (None, {'figure': 'x', 'unit': 'count'})
    """
    return getattr(value, "source", None)
