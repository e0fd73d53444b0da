"""Interval arithmetic behind a derived number's hedge, each case worked out by hand.

A value is (low, stated, high): "over 400" is (400, 400, inf), "up to 50" (0, 50, 50).
"""

import pytest

from lacoe_report.core import bounds
from lacoe_report.core.bounds import INF, Interval

OVER_400 = Interval(400, 400, INF)
UP_TO_50 = Interval(0, 50, 50)


def ends(x: Interval) -> tuple:
    return (x.low, x.point, x.high)


def test_sums_and_differences():
    assert ends(OVER_400 + 100) == (500, 500, INF)
    assert ends(100 + OVER_400) == (500, 500, INF)
    assert ends(OVER_400 - 100) == (300, 300, INF)
    # 1,000 less "over 400" is at most 600, with no floor
    assert ends(1000 - OVER_400) == (-INF, 600, 600)
    assert ends(-UP_TO_50) == (-50, -50, 0)
    assert +UP_TO_50 is UP_TO_50
    assert ends(OVER_400 + UP_TO_50) == (400, 450, INF)


def test_products():
    assert ends(OVER_400 * 0.5) == (200, 200, INF)
    assert ends(0.5 * OVER_400) == (200, 200, INF)
    assert ends(OVER_400 * -1) == (-INF, -400, -400)
    # a floor times an exact zero is zero, not "inf times zero"
    assert ends(OVER_400 * 0) == (0, 0, 0)
    assert ends(UP_TO_50 * UP_TO_50) == (0, 2500, 2500)


def test_quotients():
    assert ends(OVER_400 / 8) == (50, 50, INF)
    # a number over a floor: at most the number over the floor, at least nothing
    assert ends(800 / OVER_400) == (0, 2, 2)
    # over "up to 50" (which may tend to zero): at least 20, no top
    assert ends(1000 / UP_TO_50) == (20, 20, INF)
    # a divisor that may change sign: no bound at all
    assert ends(OVER_400 / Interval(-1, 2, 3)) == (-INF, 200, INF)
    # a divisor that may only be negative, up to zero: no floor below
    assert ends(Interval(6, 6, 6) / Interval(-3, -3, 0)) == (-INF, -2, -2)
    assert (OVER_400 / 3).point == 400 / 3  # the stated value as plain division gives it


def test_powers():
    assert ends(OVER_400 ** 2) == (160000, 160000, INF)
    assert ends(Interval(-2, -2, -2) ** 3) == (-8, -8, -8)
    assert ends(Interval(-2, 1, 3) ** 2) == (-INF, 1, INF)
    assert ends(2 ** Interval(1, 3, 3)) == (-INF, 8, INF)  # a hedged exponent bounds nothing
    assert ends(Interval(4, 4, 9) ** 0.5) == (2, 2, 3)


def test_absolute_values():
    assert abs(OVER_400) is OVER_400
    assert ends(abs(Interval(-5, -3, -1))) == (1, 3, 5)
    assert ends(abs(Interval(-5, 1, 2))) == (0, 1, 5)


def test_comparisons_read_the_stated_values():
    x = Interval(1, 2, 3)
    assert x == 2 and x != 1 and x < 3 and x <= 2 and x > 1 and x >= 2 and not x >= 3
    assert float(x) == 2


def test_rounding_keeps_the_range_and_rounds_the_stated_value():
    functions = bounds.functions()
    assert ends(functions["floor_to"](Interval(30.36, 30.36, INF), 0.1)) == (30.36, 30.3, INF)
    assert ends(functions["ceil_to"](Interval(30.36, 30.36, INF), step=0.1)) == (30.36, 30.4, INF)
    assert ends(functions["round_half_up"](Interval(2.5, 2.5, 3), 0)) == (2.5, 3, 3)
    assert ends(functions["round"](Interval(1, 1.4, 2))) == (1, 1, 2)


def test_extremes_and_sums():
    functions = bounds.functions()
    assert ends(functions["min"](OVER_400, 500)) == (400, 400, 500)
    assert ends(functions["max"]([OVER_400, 500])) == (500, 500, INF)
    assert ends(functions["sum"]([OVER_400, UP_TO_50, 1])) == (401, 451, INF)
    assert ends(functions["sum"]([], 7)) == (7, 7, 7)


@pytest.mark.parametrize("qualifier, expected", [
    ("exact", (10, 10, 10)), ("over", (10, 10, INF)), ("more_than", (10, 10, INF)), ("at_least", (10, 10, INF)),
    ("up_to", (0, 10, 10)), ("nearly", (0, 10, 10)), ("approximately", (9.9, 10, 10.1)),
])
def test_each_qualifier_allows_its_range(qualifier, expected):
    assert ends(bounds.figure_interval(10, qualifier)) == pytest.approx(expected)


def test_a_negative_figure_up_to_has_no_floor():
    assert ends(bounds.figure_interval(-10, "up_to")) == (-INF, -10, -10)
    assert ends(bounds.figure_interval(-10, "approximately")) == pytest.approx((-10.1, -10, -9.9))


@pytest.mark.parametrize("span, printed, expected", [
    (Interval(5, 5, 5), 5.4, ""),          # exact inputs: the display's rounding is no hedge
    (Interval(392, 392, INF), 392, "lower"),
    (Interval(392, 392, INF), 391, "lower"),  # printed below the floor: still true as "at least"
    (Interval(392, 392, INF), 393, "none"),   # printed above the floor: "at least 393" could be false
    (Interval(0, 28, 27.8), 28, "upper"),
    (Interval(0, 28, 27.8), 27, "none"),
    (Interval(7, 8, 9), 8, "none"),
])
def test_the_direction_compares_the_range_with_the_printed_number(span, printed, expected):
    assert bounds.direction(span, printed) == expected


def test_a_text_without_a_number_carries_no_hedge():
    assert bounds.hedge("p2_conference_educators / 2", "a word") == ""


def test_a_table_of_its_own_is_read_not_the_books():
    table = [{"id": "a", "value": "10", "qualifier": "over"}, {"id": "b", "value": "4", "qualifier": "up_to"},
             {"id": "c", "value": "3", "qualifier": "exact", "assumed": "qualifier"}]
    assert ends(bounds.interval("a * 2", table)) == (20, 20, INF)
    assert ends(bounds.interval("a / b", table)) == (2.5, 2.5, INF)
    assert bounds.hedge("a", "10", table) == "over"
    assert bounds.hedge("a - b", "6", table) == "at least"
    assert bounds.hedge("c", "3", table) == ""
    assert bounds.hedge("b / 2", "2", table) == "at most"
