"""What every detector shares: the record of a raised question and its id.

Sentences are split by :func:`lacoe_report.core.source_text.sentence_spans`.

Examples
--------
>>> slug("Over 465 schools")
'over-465-schools'
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .verdict import Finding


@dataclass(frozen=True)
class Raised:
    """One question a detector raises.

    Attributes
    ----------
    id : str
        Stable, readable id (``part-whole-pd-participants``).
    detector : str
        The detector's name.
    description : str
        The question, in one line.
    inputs : list of str
        The figure ids involved.
    unit : str
        Unit of the finding's computed and stated values.
    finding : Finding
        Verdict, numbers, explanation and details.
    settle : str
        What would settle the question.
    strength : float
        From 0 to 1: how strongly the numbers point at a problem; ranks
        findings of the same verdict and nature.
    extra : dict
        Anything else a caller needs (the check kind of a relation).
    nature : str
        What kind of problem it is: ``arithmetic`` (numbers that cannot all
        hold), ``population``, ``period``, ``wording``, ``coverage`` or
        ``missing_base`` (a figure the report gives without the base it
        needs). The relations file's ``ranking`` orders them.
    """

    id: str
    detector: str
    description: str
    inputs: list[str]
    unit: str
    finding: Finding
    settle: str
    strength: float = 0.5
    extra: dict = field(default_factory=dict, compare=False)
    nature: str = "arithmetic"


def slug(text: str) -> str:
    """A readable id part: lower-case words and digits joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")
