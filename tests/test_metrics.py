"""Derived metrics: hand-worked values, edge cases and properties."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lacoe_report.core import metrics

finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)
positive = st.floats(min_value=1e-3, max_value=1e9, allow_nan=False, allow_infinity=False)


def test_share_hand_worked():
    # 59 of 627 = 0.094098... -> 9.41%
    assert metrics.share(59, 627) == pytest.approx(9.4099, abs=1e-4)
    assert metrics.share(1, 8) == 12.5


def test_share_of_zero_total_is_refused():
    with pytest.raises(ValueError, match="zero total"):
        metrics.share(1, 0)


def test_growth_hand_worked_and_negative():
    # (10,603 - 8,318) / 8,318 = 2,285 / 8,318 = 27.47%
    assert metrics.growth_rate(8318, 10603) == pytest.approx(27.4705, abs=1e-4)
    assert metrics.growth_rate(80, 60) == -25.0


def test_growth_from_zero_base_is_refused():
    with pytest.raises(ValueError, match="zero base"):
        metrics.growth_rate(0, 10)


def test_implied_baseline_hand_worked():
    # 186,000 / 1.302 = 142,857.14
    assert metrics.implied_baseline(186000, 30.2) == pytest.approx(142857.14, abs=0.01)
    # a fall of 20% to 80 started at 100
    assert metrics.implied_baseline(80, -20) == pytest.approx(100)


def test_implied_baseline_of_total_loss_is_refused():
    with pytest.raises(ValueError):
        metrics.implied_baseline(0, -100)


def test_rounding_check_exactly_half_a_step_counts_as_consistent():
    # 12.5% may be printed 12% (half to even) or 13% (half up): both consistent
    assert metrics.rounding_check(12, 12.5, 1).consistent
    assert metrics.rounding_check(13, 12.5, 1).consistent
    assert not metrics.rounding_check(14, 12.5, 1).consistent


def test_rounding_check_reports_the_gap():
    check = metrics.rounding_check(10, 59 / 627 * 100, 1)
    assert not check.consistent
    assert check.difference == pytest.approx(10 - 9.4099, abs=1e-4)
    assert check.rounded == 9


def test_the_rounded_value_rounds_halves_away_from_zero_as_the_book_prints():
    # 12.5 -> 13 and -12.5 -> -13 (formats.round_half_up), not 12 (to even) nor -12 (floor of x + 0.5)
    assert metrics.rounding_check(13, 12.5, 1).rounded == 13
    assert metrics.rounding_check(-13, -12.5, 1).rounded == -13


def test_rounding_check_with_decimal_steps_despite_float_error():
    # 0.1 + 0.2 is 0.30000000000000004: still 0.3 at one decimal
    assert metrics.rounding_check(0.3, 0.1 + 0.2, 0.1).consistent
    assert metrics.rounding_check(6.3, 11102 / 177000 * 100, 0.1).consistent


def test_rounding_step_must_be_positive():
    with pytest.raises(ValueError):
        metrics.rounding_check(1, 1, 0)


@pytest.mark.parametrize("written, step", [
    ("48%", 1.0), ("6.3%", 0.1), ("$2.5 Million", 100000.0), ("$84 million", 1e6),
    ("1.25 million", 10000.0), ("2,977", 1.0), ("$24 Billion", 1e9),
])
def test_step_of_reads_the_printed_precision(written, step):
    assert metrics.step_of(written) == pytest.approx(step)


@given(positive, st.floats(min_value=-99, max_value=1000, allow_nan=False))
def test_baseline_and_growth_are_inverse(after, growth):
    before = metrics.implied_baseline(after, growth)
    assert metrics.growth_rate(before, after) == pytest.approx(growth, rel=1e-9, abs=1e-7)


@given(finite, st.sampled_from([0.01, 0.1, 1.0, 1000.0, 1e6]))
def test_a_value_is_consistent_with_its_own_rounding(exact, step):
    stated = round(exact / step) * step
    assert metrics.rounding_check(stated, exact, step).consistent
