"""The audit's verdicts, a check's :class:`Finding`, and the :class:`Bounds` a hedged figure allows.

From agreement to doubt: ``consistent`` (the figures agree exactly, or the bound holds); ``consistent
within rounding`` (by no more than the printed rounding: "6.3%" is rounded to a tenth); ``inconsistent``
(by more than rounding or hedges can explain); ``worth a second look`` (nothing provably wrong, but a
careful reader would ask: a growth rate with no start, "over 9,018", a part that fits only under a loose
reading); ``not checkable`` (nothing stated to compare with).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field


CONSISTENT = "consistent"
WITHIN_ROUNDING = "consistent within rounding"
INCONSISTENT = "inconsistent"
SECOND_LOOK = "worth a second look"
NOT_CHECKABLE = "not checkable"
#: Every verdict, from agreement to doubt, in the order tables list them.
VERDICTS = (CONSISTENT, WITHIN_ROUNDING, INCONSISTENT, SECOND_LOOK, NOT_CHECKABLE)
#: Verdicts that raise a question for the reader.
RAISED = (INCONSISTENT, SECOND_LOOK)

#: How far below (or around) its value "nearly" or "approximately" is read to reach.
NEAR_TOLERANCE = 0.10


@dataclass(frozen=True)
class Finding:
    """The outcome of one check on plain numbers.

    Attributes
    ----------
    verdict : str
        One of :data:`VERDICTS`.
    computed, stated : float or None
        What the audit derives or compares against (a sum, a share, a whole), if anything; the figure
        as the report states it, or the limit a plausibility check compares with.
    explanation : str
        Plain words, generated from the numbers.
    details : dict
        The numbers behind the verdict, for chapters to publish instead of recomputing them.
    stated_text : str or None
        What the report states as a word ("grew"), or whose limit ``stated`` is.

    Examples
    --------
    >>> Finding(CONSISTENT, None, None, "Nothing to compare.")
    Traceback (most recent call last):
    ...
    ValueError: a consistent finding needs something stated and something computed; say 'not checkable'
    """

    verdict: str
    computed: float | None
    stated: float | None
    explanation: str
    details: dict = field(default_factory=dict, compare=False)
    stated_text: str | None = None

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"unknown verdict {self.verdict!r}; use one of {VERDICTS}")
        if not self.explanation.strip():
            raise ValueError(f"a {self.verdict!r} finding needs an explanation")
        nothing_stated = self.stated is None and not self.stated_text
        if self.verdict in (CONSISTENT, WITHIN_ROUNDING) and (self.computed is None or nothing_stated):
            raise ValueError(f"a {self.verdict} finding needs something stated and something computed; "
                             "say 'not checkable'")


@dataclass(frozen=True)
class Bounds:
    """The range a hedged or rounded figure allows for the true value.

    Attributes
    ----------
    lo, hi : float
        Ends of the range (``hi`` may be ``inf``).
    lo_open, hi_open : bool
        Whether an end is excluded ("over 60" excludes 60 itself).
    """

    lo: float
    hi: float
    lo_open: bool = False
    hi_open: bool = False

    def overlaps(self, other: "Bounds") -> bool:
        """Whether some value lies in both ranges.

        Examples
        --------
        >>> Bounds(465, math.inf, lo_open=True).overlaps(Bounds(466.5, 467.5))
        True
        >>> Bounds(60, math.inf, lo_open=True).overlaps(Bounds(0, 60))
        False
        """
        lo = max(self.lo, other.lo)
        lo_open = (self.lo == lo and self.lo_open) or (other.lo == lo and other.lo_open)
        hi = min(self.hi, other.hi)
        hi_open = (self.hi == hi and self.hi_open) or (other.hi == hi and other.hi_open)
        return lo < hi or (lo == hi and not lo_open and not hi_open)


def bounds(value: float, qualifier: str = "exact", step: float = 0.0) -> Bounds:
    """Return the range of true values a stated figure allows (``nearly``: :data:`NEAR_TOLERANCE` below).

    Examples
    --------
    >>> bounds(48, "exact", 1)
    Bounds(lo=47.5, hi=48.5, lo_open=False, hi_open=False)
    >>> bounds(400, "over")
    Bounds(lo=400.0, hi=inf, lo_open=True, hi_open=False)
    >>> bounds(2_000_000, "nearly").lo
    1800000.0
    """
    v = float(value)
    if qualifier == "exact":
        return Bounds(v - step / 2, v + step / 2)
    if qualifier in ("over", "more_than"):
        return Bounds(v, math.inf, lo_open=True)
    if qualifier == "at_least":
        return Bounds(v, math.inf)
    if qualifier == "nearly":
        return Bounds(v * (1 - NEAR_TOLERANCE), v, hi_open=True)
    if qualifier == "approximately":
        return Bounds(v * (1 - NEAR_TOLERANCE), v * (1 + NEAR_TOLERANCE))
    if qualifier == "up_to":
        return Bounds(0.0, v)
    raise ValueError(f"unknown qualifier {qualifier!r}")
