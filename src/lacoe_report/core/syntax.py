"""Python's parser, made strict: the one place a formula or a format spec is parsed.

Both :mod:`lacoe_report.core.formula` (formulas) and :mod:`lacoe_report.core.formats`
(named formats such as ``percent(digits=3)``) read Python expressions; this
module lets them share the parser without importing each other.
"""
from __future__ import annotations

import ast
import warnings


def python_expression(text: str) -> ast.Expression:
    r"""``ast.parse(text, mode="eval")``, refusing what Python only warns about.

    An invalid escape in a string (``'\d'``) is a warning in Python 3.11, shown
    or not by the warning filters of the moment (a later Python refuses it): here
    it is the ``SyntaxError`` each caller already reports in plain words.

    >>> python_expression(r"'a\\d'").body.value  # an escaped backslash is text
    'a\\d'
    >>> python_expression(r"'a\d'")
    Traceback (most recent call last):
    ...
    SyntaxError: invalid escape sequence '\d'
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error", (SyntaxWarning, DeprecationWarning))
        return ast.parse(text.strip(), mode="eval")
