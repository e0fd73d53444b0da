"""How the book writes numbers: the one module chapters, tables, charts and the audit format with.

Every formatter is a plain function of the value, named for what it prints (``format: usd_millions``
in a declaration, and in the ledger). Percentages are *percentage points*, as the data stores them
(``45.5`` prints ``45.5%``). Halves round up (``62.5`` -> ``63%``), not to even as ``round`` does.
"""
from __future__ import annotations

import ast
import functools
import math
import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from .syntax import python_expression

#: Small counts as prose writes them.
NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
                "nineteen", "twenty")


def round_half_up(value: float, digits: int = 0) -> float:
    """Round ``value`` to ``digits`` decimals, halves away from zero.

    Examples
    --------
    >>> round_half_up(62.5), round_half_up(0.125, 2), round_half_up(-2.5)
    (63.0, 0.13, -3.0)
    """
    return float(Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def _no_negative_zero(x: float) -> float:
    # A value that rounds to zero prints as "0", never "-0".
    return 0.0 if x == 0 else x


#: The one replacement field of a format string, and the decimals its spec asks for.
_FIELD = re.compile(r"\{(?::(?P<spec>[^{}]*))?\}")
_FIXED = re.compile(r"\.(?P<digits>\d+)f$")


def pattern(text: str) -> Callable[[float], str]:
    """A format string such as ``"{:.1f}%"`` as a formatter whose halves round up, unlike :meth:`str.format`.

    Examples
    --------
    >>> pattern("{:.0f}%")(62.5), "{:.0f}%".format(62.5)
    ('63%', '62%')
    >>> pattern("${:,.0f}")(1234.5), pattern("{:,}")(186000), pattern("{:.1f}")(-0.04)
    ('$1,235', '186,000', '0.0')
    >>> pattern("{}")("2023-24"), pattern(",.2f")(0.125)
    ('2023-24', '0.13')
    """
    if "{" not in text:  # a bare spec, as charts accept: ",.0f"
        text = "{:" + text + "}"
    field = _FIELD.search(text)
    fixed = _FIXED.search(field.group("spec") or "") if field else None

    def formatted(value: float) -> str:
        if fixed and isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            value = _no_negative_zero(round_half_up(value, int(fixed.group("digits"))))
        return text.format(value)

    formatted.__name__ = text  # the ledger records the pattern it was given
    return formatted


def in_words(n: int) -> str:
    """A small count as a word, a larger one in digits.

    >>> in_words(6), in_words(12), in_words(21), in_words(1500)
    ('six', 'twelve', '21', '1,500')
    """
    n = int(n)
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else f"{n:,}"


def ordinal(n: int) -> str:
    """``7`` -> ``'7th'``.

    >>> ordinal(1), ordinal(2), ordinal(3), ordinal(11), ordinal(22)
    ('1st', '2nd', '3rd', '11th', '22nd')
    """
    n = int(n)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def count(value: float) -> str:
    """A count with thousands separators, rounded half up to a whole number.

    >>> count(186000), count(1234.5), count(-0.2)
    ('186,000', '1,235', '0')
    """
    return f"{_no_negative_zero(round_half_up(value)):,.0f}"


def count_or_none(n: int) -> str:
    """``0`` reads as "none" in prose.

    >>> count_or_none(0), count_or_none(1200)
    ('none', '1,200')
    """
    return "none" if n == 0 else count(n)


def counted(noun: str) -> Callable[[float], str]:
    """A formatter that writes a count with its noun: ``counted("students")(2977)`` -> ``'2,977 students'``.

    >>> counted("payroll warrants")(175000)
    '175,000 payroll warrants'
    """
    def fmt(value: float) -> str:
        return f"{count(value)} {noun}"
    fmt.__name__ = f"count_of_{noun.replace(' ', '_')}"
    return fmt


def plural(noun: str) -> Callable[[float], str]:
    """Like :func:`counted`, with the noun singular for one: ``'1 relation'``, ``'4 relations'``.

    >>> plural("relation")(1), plural("relation")(4)
    ('1 relation', '4 relations')
    """
    def fmt(value: float) -> str:
        return f"{count(value)} {noun}" + ("" if value == 1 else "s")
    fmt.__name__ = f"count_of_{noun.replace(' ', '_')}s"
    return fmt


def usd(value: float) -> str:
    """Whole dollars: ``'$733,700'``.

    >>> usd(733700), usd(1555555.6)
    ('$733,700', '$1,555,556')
    """
    # Decided on the rounded value: a loss that rounds to nothing prints "$0", never "-$0".
    return f"${count(value)}" if round_half_up(value) >= 0 else f"-${count(-value)}"


def _scaled(value: float, scale: float, word: str, digits: int, trim: bool, prefix: str = "$") -> str:
    scaled = float(value) / scale
    text = f"{abs(round_half_up(scaled, digits)):,.{digits}f}"
    text = re.sub(r"\.0+$", "", text) if trim else text  # all-zero decimals dropped: '59.0' -> '59'
    sign = "-" if scaled < 0 and text.strip("0.") else ""
    return f"{sign}{prefix}{text}{word}"


def usd_millions(value: float) -> str:
    """Dollars in whole millions: ``'$627 million'``.

    >>> usd_millions(627e6), usd_millions(59.4e6)
    ('$627 million', '$59 million')
    """
    return _scaled(value, 1e6, " million", 0, False)


def usd_millions_1dp(value: float) -> str:
    """Dollars in millions with one decimal, none when it is zero: ``'$1.6 million'``, ``'$5 million'``.

    >>> usd_millions_1dp(1.5556e6), usd_millions_1dp(5e6)
    ('$1.6 million', '$5 million')
    """
    return _scaled(value, 1e6, " million", 1, True)


def usd_millions_2dp(value: float) -> str:
    """Dollars in millions with two decimals: ``'$1.56 million'``.

    >>> usd_millions_2dp(1.5556e6)
    '$1.56 million'
    """
    return _scaled(value, 1e6, " million", 2, False)


def usd_billions(value: float) -> str:
    """Dollars in whole billions: ``'$24 billion'``.

    >>> usd_billions(24e9)
    '$24 billion'
    """
    return _scaled(value, 1e9, " billion", 0, False)


def usd_billions_1dp(value: float) -> str:
    """Dollars in billions with one decimal: ``'$1.5 billion'``.

    >>> usd_billions_1dp(1.5e9), usd_billions_1dp(2e9)
    ('$1.5 billion', '$2.0 billion')
    """
    return _scaled(value, 1e9, " billion", 1, False)


def millions_1dp(value: float) -> str:
    """A count in millions with one decimal, none when it is zero: ``'2.5 million'``.

    >>> millions_1dp(2.5e6), millions_1dp(3e6)
    ('2.5 million', '3 million')
    """
    return _scaled(value, 1e6, " million", 1, True, prefix="")


def usd_short(value: float) -> str:
    """Dollars as a chart label: ``'$303M'``, ``'$2.5M'``, ``'$0.45M'``.

    The larger the amount, the fewer its decimals (none from ten million).

    >>> usd_short(303_400_000), usd_short(2_540_000), usd_short(450_000), usd_short(-12e6)
    ('$303M', '$2.5M', '$0.45M', '-$12M')
    """
    m = float(value) / 1e6
    digits = 0 if abs(m) >= 10 else 1 if abs(m) >= 1 else 2
    return _scaled(value, 1e6, "M", digits, True)


def usd_short_1dp(value: float) -> str:
    """Dollars in millions with one decimal, as a short label: ``'$59.6M'``.

    >>> usd_short_1dp(59.565e6)
    '$59.6M'
    """
    return _scaled(value, 1e6, "M", 1, False)


def percent(points: float, digits: int = 0) -> str:
    """Percentage points as a percentage, rounded half up: ``48.49`` -> ``'48%'``.

    A non-zero value that would round to zero prints as ``<1%`` (at the
    precision asked for), so a small share never reads as nothing.

    >>> percent(48.49), percent(48.49, 1), percent(62.5), percent(0.1), percent(0)
    ('48%', '48.5%', '63%', '<1%', '0%')
    """
    pct = float(points)
    smallest = 10.0**-digits
    if 0 < abs(pct) < smallest / 2:
        return f"{'>-' if pct < 0 else '<'}{smallest:.{digits}f}%"
    return f"{_no_negative_zero(round_half_up(pct, digits)):.{digits}f}%"


def percent_1dp(points: float) -> str:
    """Percentage points with one decimal: ``'9.4%'``.

    >>> percent_1dp(9.40989)
    '9.4%'
    """
    return percent(points, 1)


def number(value: float | None, unit: str = "count", digits: int | None = None) -> str:
    """Write a number the way an explanation reads it, by its unit.

    Parameters
    ----------
    value : float or None
        ``None`` or NaN gives an em dash.
    unit : str
        A unit of :mod:`lacoe_report.core.vocabulary`: ``usd`` reads as
        "$59 million", ``percent`` as "9.4%", ``rank`` as "7th".
    digits : int, optional
        Decimals for percentages and non-whole counts (default one).

    Examples
    --------
    >>> number(59e6, "usd"), number(59.565e6, "usd"), number(24e9, "usd")
    ('$59 million', '$59.6 million', '$24 billion')
    >>> number(733_700, "usd"), number(9.4098, "percent"), number(10, "percent", 0)
    ('$733,700', '9.4%', '10%')
    >>> number(10603), number(50426.7), number(7, "rank"), number(None)
    ('10,603', '50,427', '7th', '—')
    >>> number(2_000_000), number(1_250_000), number(100, "percent")
    ('2 million', '1.25 million', '100%')

    Halves round up, as everywhere in this module (:func:`round_half_up`):

    >>> number(2.25e6, "usd"), number(12.25, "percent"), number(0.25), number(2_500.5), number(2.5, "rank")
    ('$2.3 million', '12.3%', '0.3', '2,501', '3rd')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    v = float(value)
    if unit == "usd" and abs(v) >= 1e9:
        return _scaled(v, 1e9, " billion", 1, True)
    if unit == "usd" and abs(v) >= 1e6:
        return usd_millions_1dp(v)
    if unit == "usd":
        return f"{'-' if v < 0 else ''}${decimal(abs(v), 0)}"
    if unit in ("percent", "percent_change", "percent_points"):
        d = (0 if v.is_integer() else 1) if digits is None else digits
        return f"{decimal(v, d)}%"
    if unit == "rank":
        return ordinal(int(round_half_up(v)))
    if unit == "rating":
        return f"{v:g}"
    if unit in ("years", "months"):
        return f"{v:g} {unit}"
    if unit == "square_miles":
        return f"{decimal(v, 0)} square miles"
    if digits is not None:
        return decimal(v, digits)
    if abs(v) >= 1e6 and v % 1e4 == 0:
        return f"{v / 1e6:g} million"
    return decimal(v, 0 if abs(v) >= 1000 or v.is_integer() else 1)


def decimal(value: float, digits: int = 1) -> str:
    """A number with ``digits`` decimals and thousands separators, halves rounded up.

    >>> decimal(30.36), decimal(1555.55, 2), decimal(7.35, 0), decimal(-0.04)
    ('30.4', '1,555.55', '7', '0.0')
    """
    return f"{_no_negative_zero(round_half_up(value, digits)):,.{digits}f}"


def points(value: float, digits: int = 1) -> str:
    """A difference of percentages, in words: ``'9.1 percentage points'``.

    >>> points(9.06), points(-0.6, 2), points(1, 0)
    ('9.1 percentage points', '-0.60 percentage points', '1 percentage point')
    """
    text = decimal(value, digits)
    return f"{text} percentage point" + ("" if text == "1" else "s")


def text(value) -> str:
    """A word, a period or a label as it is: ``'2023-24'``.

    >>> text("2023-24")
    '2023-24'
    """
    return str(value)


def signed(value: float, digits: int = 2, suffix: str = "") -> str:
    """A difference with its sign always shown: ``'+0.59'``, ``'-0.33'``, ``'0.00'``; a growth rate ``'+28.9%'``.

    >>> signed(0.5901), signed(-0.325), signed(0.001), signed(3, 0), signed(28.94, 1, "%")
    ('+0.59', '-0.33', '0.00', '+3', '+28.9%')
    """
    text = decimal(value, digits)
    return (text if text.startswith("-") or not text.strip("0.") else "+" + text) + suffix


def worded(value: float, before: str = "", after: str = "") -> str:
    """A small count in words (:func:`in_words`) between words: ``'six-year'``, ``'number one'``.

    >>> worded(6, after="-year"), worded(1, before="number "), named("worded(after='-year')")(6)
    ('six-year', 'number one', 'six-year')
    """
    return f"{before}{in_words(value)}{after}"


#: Formats that take a word and return a formatter (``counted('students')``).
_FACTORIES = ("counted", "plural")
#: The formats a declaration or the vocabulary may name (``formats.named``).
NAMED = ("count", "count_or_none", "in_words", "ordinal", "decimal", "points", "text", "usd", "usd_millions",
         "usd_millions_1dp", "usd_millions_2dp", "usd_billions", "usd_billions_1dp", "millions_1dp",
         "usd_short", "usd_short_1dp", "percent", "percent_1dp", "signed", *_FACTORIES, "worded")


def named(spec: str) -> Callable:
    """The formatter a declaration names: a name of :data:`NAMED`, with literal arguments if it takes any.

    A formatter made with arguments has ``spec`` as its ``__name__``, which the ledger records.

    Examples
    --------
    >>> named("usd_millions")(627e6), named("decimal(digits=2)")(0.125), named("counted('students')")(2977)
    ('$627 million', '0.13', '2,977 students')
    >>> named("percent(digits=3)")(9.41689)
    '9.417%'
    >>> named("decimal(2)")
    Traceback (most recent call last):
    ...
    ValueError: 'decimal(2)' is not a named format (count, count_or_none, in_words, ...)
    >>> named("{:.1f}%")
    Traceback (most recent call last):
    ...
    ValueError: '{:.1f}%' is not a named format (count, count_or_none, in_words, ...)
    """
    def refuse():
        return ValueError(f"{spec!r} is not a named format ({', '.join(NAMED[:3])}, ...)")

    try:
        node = python_expression(str(spec)).body
        call = isinstance(node, ast.Call)
        name = (node.func if call else node).id
        args = [ast.literal_eval(a) for a in node.args] if call else []
        kwargs = {k.arg: ast.literal_eval(k.value) for k in node.keywords} if call else {}
    except (SyntaxError, AttributeError, ValueError):  # not a name, nor a name called with literals
        raise refuse() from None
    factory = name in _FACTORIES
    # A factory is called with its word; any other format's one positional argument is the value.
    if name not in NAMED or (factory and not call) or (args and not factory):
        raise refuse()
    function = globals()[name]
    if not call:
        return function
    formatter = function(*args, **kwargs) if factory else functools.partial(function, **kwargs)
    formatter.__name__ = str(spec).strip()
    return formatter


def formatter(spec: str | Callable) -> Callable:
    """Any format the book accepts, as a function: a callable, a named format, or a pattern.

    >>> formatter("percent_1dp")(9.41), formatter("{:,.0f}")(1234.5), formatter(in_words)(3)
    ('9.4%', '1,235', 'three')
    """
    if callable(spec):
        return spec
    try:
        return named(spec)
    except ValueError:
        return pattern(spec)


#: The scale words a format may print after a number, and what each multiplies by.
_SCALE_WORDS = {"million": 1e6, "billion": 1e9, "M": 1e6, "B": 1e9}
_PRINTED = re.compile(r"(?P<sign>[-+])?\$?(?P<digits>\d[\d,]*(?:\.\d+)?)\s*(?P<scale>million|billion|M|B)?")


def printed_value(text: str) -> float | None:
    """The number a formatted text shows, as the reader reads it (None for a text with no number).

    Percentages read in points, as the data stores them; a count in words reads as its number.

    >>> printed_value("$1.6 million"), printed_value("98%"), printed_value("7th"), printed_value("six")
    (1600000.0, 98.0, 7.0, 6.0)
    >>> printed_value("-0.60 percentage points"), printed_value("$303M"), printed_value("2023-24 (the report's year)")
    (-0.6, 303000000.0, None)
    """
    words = str(text).strip()
    if words in NUMBER_WORDS:
        return float(NUMBER_WORDS.index(words))
    if re.search(r"\d{4}-\d{2}", words):  # a school year or a period: a name, not a quantity
        return None
    match = _PRINTED.search(words)
    if match is None:
        return None
    value = float(match["digits"].replace(",", "")) * _SCALE_WORDS.get(match["scale"] or "", 1.0)
    return -value if match["sign"] == "-" else value


def hedged(text: str, words: str) -> str:
    """``text`` with the hedge ``words`` before it: how a hedged number is always shown.

    >>> hedged("400", "over"), hedged("$627 million", "")
    ('over 400', '$627 million')
    """
    return f"{words} {text}" if words else text


class Hedged(float):
    """A published number that carries the words of its hedge, so a chart's label can show them.

    Arithmetic on it gives a plain float: a number computed from it has its own
    hedge, which only :mod:`lacoe_report.core.bounds` can work out.

    >>> n = Hedged(400, "over")
    >>> n.hedge, n + 0, hedged(count(n), n.hedge)
    ('over', 400.0, 'over 400')
    """

    def __new__(cls, value: float, hedge: str = ""):
        number = super().__new__(cls, value)
        number.hedge = hedge
        return number

    def __repr__(self) -> str:
        return hedged(float.__repr__(self), self.hedge)
