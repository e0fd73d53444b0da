"""The ledger's formula language: small, documented, and re-evaluable from ``data/report_figures.csv`` alone.

A formula is a Python expression over figure ids (each stands for that row's ``value`` as a float)
and numeric literals, with ``+ - * / **``, unary minus, parentheses, comparisons (``== != < <= > >=``;
a true comparison counts 1 in a sum) and these functions only:

``round_half_up(x, digits=0)``
    ``x`` rounded to ``digits`` decimals, halves away from zero, as the book's formats print.
``round``, ``abs``, ``min``, ``max``, ``sum``
    Python's own (``sum`` and ``min``/``max`` also take a list ``[a, b]``).
``floor_to(x, step)`` / ``ceil_to(x, step)``
    ``x`` rounded down / up to a multiple of ``step`` (1e-9 steps of slack: ``floor_to(0.3 / 0.1, 1)``
    is 3): how a lower bound ("at least", "over") or an upper bound ("at most", "up to") is printed.
``count(column='value', ...)``
    The number of rows of ``report_figures.csv`` whose columns hold these values, compared as the
    CSV's text; a list value means any of.
``nunique('column', column='value', ...)``
    The number of distinct values of ``column`` among those rows.

Nothing else parses: no attribute, no subscript, no other name. A reviewer can re-check every
formula with a dozen lines of their own Python (the verify chapter shows them).

Examples
--------
>>> figure_ids("fin_educational_amount / fin_budget_total * 100")
['fin_educational_amount', 'fin_budget_total']
>>> evaluate("round_half_up(2 / 3 * 100, 1)"), evaluate("floor_to(84 / 54, 0.01)")
(66.7, 1.55)
>>> evaluate("count(section='financial_overview') == 11")
True
"""
from __future__ import annotations

import ast
import csv
import functools
import math
import operator
import re
import types
from collections.abc import Mapping

from .formats import round_half_up
from .syntax import python_expression
from .paths import FIGURES_CSV, shown, stamp

#: A value that is a number, as the CSV files write them.
NUMBER = re.compile(r"-?[\d.]+(e-?\d+)?")
#: A quoted string (group 1), or a name outside quotes that is not a keyword argument (group 2).
NAME = re.compile(r"('[^']*'|\"[^\"]*\")|(?<![\w.])([a-z][a-z0-9_]*)\b(?!\s*=[^=])")
#: Slack, in steps, of floor_to and ceil_to: a quotient a hair under a whole step is that step.
STEP_SLACK = 1e-9


def _steps(n: int, step: float) -> float:
    """``n`` steps, as the decimal it is: 24 steps of 0.1 is 2.4, not 2.4000000000000004."""
    per_unit = round(1 / step)
    return n / per_unit if step < 1 and math.isclose(1 / step, per_unit) else n * step


def floor_to(x: float, step: float) -> float:
    """``x`` rounded down to a multiple of ``step``: what "at least" may print.

    >>> floor_to(1285.7, 1), floor_to(1.5556, 0.01), floor_to(3.0, 1), floor_to(30.36, 0.1)
    (1285, 1.55, 3, 30.3)
    """
    return _steps(math.floor(x / step + STEP_SLACK), step)


def ceil_to(x: float, step: float) -> float:
    """``x`` rounded up to a multiple of ``step``: what "at most" may print.

    >>> ceil_to(833.3, 1), ceil_to(916.7, 1), ceil_to(3.0, 1), ceil_to(2.378, 0.1)
    (834, 917, 3, 2.4)
    """
    return _steps(math.ceil(x / step - STEP_SLACK), step)


@functools.lru_cache(maxsize=4)
def _read(path: str, _stamp: tuple) -> tuple[tuple[dict, ...], Mapping[str, float], Mapping[str, dict]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = tuple(csv.DictReader(handle))
    # Read-only: every formula of the book looks its figures' values up there, and every declaration its rows.
    return rows, types.MappingProxyType(figure_values(rows)), types.MappingProxyType({r["id"]: r for r in rows})


def figure_rows() -> tuple[dict, ...]:
    """The rows of ``data/report_figures.csv`` as text, as every evaluator reads them (cached until it changes)."""
    return _read(str(FIGURES_CSV), stamp(FIGURES_CSV))[0]


def figure_rows_by_id() -> Mapping[str, dict]:
    """:func:`figure_rows` by figure id (cached with them)."""
    return _read(str(FIGURES_CSV), stamp(FIGURES_CSV))[2]


def _matches(row: Mapping, where: Mapping) -> bool:
    return all(row.get(k) in [str(x) for x in v] if isinstance(v, (list, tuple, set)) else row.get(k) == str(v)
               for k, v in where.items())


def _count(table, **where) -> int:
    return sum(1 for row in table if _matches(row, where))


def _nunique(table, column: str, **where) -> int:
    return len({row.get(column) for row in table if _matches(row, where)})


#: The functions a formula may call.
FUNCTIONS = ("round_half_up", "round", "abs", "min", "max", "sum", "floor_to", "ceil_to", "count", "nunique")
_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
           ast.Pow: operator.pow}
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos}
_COMPARE = {ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
            ast.Gt: operator.gt, ast.GtE: operator.ge}
_DATA_FUNCTIONS = {"count", "nunique"}
#: The largest exponent a formula may raise a number to (the report needs squares at most).
_MAX_EXPONENT = 1000


class FormulaError(ValueError):
    """A formula outside the grammar, or naming a figure that does not exist."""


@functools.lru_cache(maxsize=4096)
def parse(expression: str) -> ast.Expression:
    """Parse ``expression`` and check that it uses only the grammar above.

    Each formula is parsed once: the tree is shared, so no caller changes it.

    >>> parse("__import__('os')")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    lacoe_report.core.formula.FormulaError: __import__('os'): calls only round_half_up, round, abs, ...
    """
    try:
        tree = python_expression(expression)
    except SyntaxError as error:
        raise FormulaError(f"{expression}: not an expression ({error.msg})") from None
    except ValueError as error:  # a null byte: Python 3.11 says so with a ValueError
        raise FormulaError(f"{expression}: not an expression ({error})") from None
    except (RecursionError, MemoryError):
        raise FormulaError(f"{expression}: nested too deeply") from None

    def check(node, data_args=False):
        if isinstance(node, ast.Constant):
            ok = isinstance(node.value, (int, float)) and not isinstance(node.value, bool)
            if not ok and not (data_args and isinstance(node.value, str)):
                raise FormulaError(f"{expression}: {node.value!r} is not a number (text only inside count/nunique)")
            return
        if isinstance(node, ast.Name):
            if node.id in FUNCTIONS:
                raise FormulaError(f"{expression}: {node.id} is a function; call it")
            return
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            return check(node.left), check(node.right)
        if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
            return check(node.operand)
        if isinstance(node, ast.Compare) and all(type(op) in _COMPARE for op in node.ops):
            return [check(n) for n in (node.left, *node.comparators)]
        if isinstance(node, (ast.List, ast.Tuple)):
            return [check(n, data_args) for n in node.elts]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS:
            data = node.func.id in _DATA_FUNCTIONS
            if node.keywords and not data:
                raise FormulaError(f"{expression}: only count and nunique take column='value' arguments")
            for arg in node.args:
                check(arg, data and node.func.id == "nunique" and arg is node.args[0])
            for keyword in node.keywords:
                if keyword.arg is None:
                    raise FormulaError(f"{expression}: no ** arguments")
                check(keyword.value, True)
            return
        raise FormulaError(f"{expression}: calls only {', '.join(FUNCTIONS)}"
                           if isinstance(node, ast.Call) else
                           f"{expression}: {type(node).__name__} is not part of the formula grammar")

    try:
        check(tree.body)
    except RecursionError:
        raise FormulaError(f"{expression}: nested too deeply") from None
    return tree


def parses(expression: str) -> bool:
    """Whether ``expression`` is inside the grammar (it may still name an unknown figure).

    >>> parses("a_b / 2"), parses("rows of the section")
    (True, False)
    """
    try:
        parse(expression)
    except FormulaError:
        return False
    return True


def figure_ids(expression: str) -> list[str]:
    """The figure ids ``expression`` names, in order of first appearance (keywords and strings are not ids).

    >>> figure_ids("count(section='schools') + a_b * a_b")
    ['a_b']
    """
    names = [n for n in ast.walk(parse(expression)) if isinstance(n, ast.Name) and n.id not in FUNCTIONS]
    # ast.walk is breadth first; order by position in the text instead.
    return list(dict.fromkeys(n.id for n in sorted(names, key=lambda n: (n.lineno, n.col_offset))))


def figure_values(table=None) -> Mapping[str, float]:
    """Every figure id of ``report_figures.csv`` (or of the rows ``table``) with a numeric value, as floats."""
    if table is None:
        return _read(str(FIGURES_CSV), stamp(FIGURES_CSV))[1]
    return {row["id"]: float(row["value"]) for row in table if NUMBER.fullmatch(row.get("value") or "")}


def evaluate(expression: str, table=None):
    """Evaluate ``expression`` over ``report_figures.csv`` (or the rows ``table``, dicts of text).

    Raises
    ------
    FormulaError
        When the expression leaves the grammar or names an unknown figure.
    """
    return evaluate_over(expression, figure_values(table), figure_rows() if table is None else table)


def evaluate_over(expression: str, values: Mapping[str, object], rows, functions: Mapping | None = None):
    """Evaluate ``expression`` with each figure id standing for ``values[id]``.

    The one evaluator of the grammar: :func:`evaluate` passes floats; :mod:`lacoe_report.core.bounds`
    passes intervals, and interval versions of the ``functions``. ``count`` and ``nunique`` count ``rows``.

    Raises
    ------
    FormulaError
        When the expression leaves the grammar or names an unknown figure.
    """
    tree = parse(expression)
    functions = {"round_half_up": round_half_up, "round": round, "abs": abs, "min": min, "max": max,
                 "sum": sum, "floor_to": floor_to, "ceil_to": ceil_to,
                 "count": functools.partial(_count, rows), "nunique": functools.partial(_nunique, rows),
                 **(functions or {})}

    def ev(node):
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            if node.id not in values:
                raise FormulaError(f"{expression}: {node.id} is not a figure id of {shown(FIGURES_CSV)} "
                                   "with a numeric value")
            return values[node.id]
        if isinstance(node, ast.BinOp):
            left, right = ev(node.left), ev(node.right)
            # An integer power would take hours to compute before it failed: refuse it first.
            if isinstance(node.op, ast.Pow) and abs(right) > _MAX_EXPONENT and abs(left) not in (0, 1):
                raise OverflowError
            return _BINARY[type(node.op)](left, right)
        if isinstance(node, ast.UnaryOp):
            return _UNARY[type(node.op)](ev(node.operand))
        if isinstance(node, ast.Compare):
            terms = [ev(n) for n in (node.left, *node.comparators)]
            return all(_COMPARE[type(op)](a, b) for op, a, b in zip(node.ops, terms, terms[1:]))
        if isinstance(node, (ast.List, ast.Tuple)):
            return [ev(n) for n in node.elts]
        if isinstance(node, ast.Call):
            return functions[node.func.id](*[ev(a) for a in node.args],
                                           **{k.arg: ev(k.value) for k in node.keywords})
        raise FormulaError(f"{expression}: cannot evaluate {type(node).__name__}")  # parse() prevents this

    # Arithmetic that fails (a zero divisor, a wrong count of arguments, a number too large) is a formula error.
    try:
        result = ev(tree.body)
    except FormulaError:
        raise
    except ZeroDivisionError:
        raise FormulaError(f"{expression}: cannot be computed (division by zero)") from None
    except OverflowError:
        raise FormulaError(f"{expression}: cannot be computed (a number too large)") from None
    except (ArithmeticError, TypeError, ValueError) as error:
        raise FormulaError(f"{expression}: cannot be computed ({error})") from None
    except RecursionError:
        raise FormulaError(f"{expression}: nested too deeply") from None
    if isinstance(result, complex):
        raise FormulaError(f"{expression}: cannot be computed (not a real number)")
    return result


def substituted(expression: str, table=None) -> str:
    """``expression`` with each figure id replaced by its value, as a reader re-checks it.

    >>> substituted("count(section='x') + 2")
    "count(section='x') + 2"
    """
    values = figure_values(table)

    def put(match):
        value = None if match.group(1) else values.get(match.group(2))  # a quoted word is no figure
        if value is None:
            return match.group(0)
        return f"{value:.0f}" if value.is_integer() else repr(value)

    return NAME.sub(put, expression)


def agrees(result, value) -> bool:
    """Whether a formula's ``result`` is the published ``value`` (relative and absolute tolerance 1e-9)."""
    return math.isclose(float(result), float(value), rel_tol=1e-9, abs_tol=1e-9)
