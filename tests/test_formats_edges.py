"""How the book writes numbers at the edges: negatives, thresholds, units, and the teens of ordinals.

Each expected string is how a reader expects the number printed, written by hand.
"""
import pytest

from lacoe_report.core import formats, metrics


@pytest.mark.parametrize("n, text", [
    (10, "10th"), (11, "11th"), (12, "12th"), (13, "13th"), (20, "20th"), (21, "21st"), (23, "23rd"),
    (100, "100th"), (101, "101st"), (111, "111th"), (112, "112th"), (120, "120th"), (121, "121st"),
])
def test_ordinals_through_the_teens(n, text):
    assert formats.ordinal(n) == text
    assert formats.number(n, "rank") == text


@pytest.mark.parametrize("value, text", [
    (-733700, "-$733,700"), (0, "$0"), (0.4, "$0"), (-0.4, "$0"), (999.5, "$1,000"), (-2.5, "-$3"),
])
def test_dollars_below_zero_and_at_it(value, text):
    assert formats.usd(value) == text


@pytest.mark.parametrize("formatter, value, text", [
    (formats.usd_millions, -59.4e6, "-$59 million"),
    (formats.usd_millions, 0.4e6, "$0 million"),
    (formats.usd_millions, -0.4e6, "$0 million"),  # rounds to nothing: no sign
    (formats.usd_millions, 5e6, "$5 million"),
    (formats.usd_millions, 2.5e6, "$3 million"),  # half up, not to even
    (formats.usd_millions_2dp, 5e6, "$5.00 million"),
    (formats.usd_millions_2dp, -1.5556e6, "-$1.56 million"),
    (formats.usd_millions_1dp, 1.25e6, "$1.3 million"),
    (formats.usd_billions, 2e9, "$2 billion"),
    (formats.usd_billions, 2.5e9, "$3 billion"),
    (formats.usd_billions_1dp, 2.25e9, "$2.3 billion"),
    (formats.millions_1dp, 2.05e6, "2.1 million"),
    (formats.usd_short_1dp, 5e6, "$5.0M"),
    (formats.usd_short_1dp, 5.05e6, "$5.1M"),
])
def test_scaled_dollars(formatter, value, text):
    assert formatter(value) == text


@pytest.mark.parametrize("value, text", [
    (10e6, "$10M"), (10.5e6, "$11M"), (9.96e6, "$10M"), (9.94e6, "$9.9M"),
    (1e6, "$1M"), (1.05e6, "$1.1M"), (0.995e6, "$1M"), (0.994e6, "$0.99M"), (0.45e6, "$0.45M"),
])
def test_chart_labels_keep_enough_digits(value, text):
    # Ten million and above: whole millions; one to ten: one decimal; below one: two.
    assert formats.usd_short(value) == text


@pytest.mark.parametrize("points, digits, text", [
    (0.4, 0, "<1%"), (0.5, 0, "1%"), (-0.4, 0, ">-1%"), (-0.5, 0, "-1%"), (0.04, 1, "<0.1%"),
    (0.05, 1, "0.1%"), (-0.04, 1, ">-0.1%"), (0.047, 1, "<0.1%"), (0.004, 2, "<0.01%"), (-0.2, 0, ">-1%"),
    (99.5, 0, "100%"),
])
def test_small_percentages_never_read_as_nothing(points, digits, text):
    assert formats.percent(points, digits) == text


@pytest.mark.parametrize("value, unit, digits, text", [
    (-59e6, "usd", None, "-$59 million"),
    (-24e9, "usd", None, "-$24 billion"),
    (1e9, "usd", None, "$1 billion"),
    (999_999_999, "usd", None, "$1,000 million"),
    (1e6, "usd", None, "$1 million"),
    (-5, "usd", None, "-$5"),
    (0, "usd", None, "$0"),
    (0.4, "usd", None, "$0"),
    (1.05e9, "usd", None, "$1.1 billion"),
    (1.05e6, "usd", None, "$1.1 million"),
    (4.75, "rating", None, "4.75"),  # a rating prints as stated, never rounded to one decimal
    (28.9, "percent_change", None, "28.9%"),
    (-3, "percent_points", None, "-3%"),
    (2.25, "percent_points", 2, "2.25%"),
    (4.7, "rating", None, "4.7"),
    (5.0, "rating", None, "5"),
    (3, "years", None, "3 years"),
    (18, "months", None, "18 months"),
    (4083.4, "square_miles", None, "4,083 square miles"),
    (1_000_000, "count", None, "1 million"),
    (2_500_000, "count", None, "2.5 million"),
    (1_005_000, "count", None, "1,005,000"),  # not a round number of ten-thousands
    (999_000, "count", None, "999,000"),
    (1000.4, "count", None, "1,000"),
    (999.4, "count", None, "999.4"),
    (-999.4, "count", None, "-999.4"),
    (0.75, "count", 2, "0.75"),
])
def test_number_by_unit(value, unit, digits, text):
    assert formats.number(value, unit, digits) == text


def test_number_reads_a_count_by_default():
    assert formats.number(1234) == "1,234"
    assert formats.number(float("nan"), "usd") == "—"


def test_a_plural_formatter_names_itself_for_the_ledger():
    fmt = formats.plural("school site")
    assert fmt.__name__ == "count_of_school_sites"
    assert (fmt(1), fmt(2)) == ("1 school site", "2 school sites")


def test_a_pattern_without_fixed_decimals_is_left_to_str_format():
    # No ".Nf" in the spec: the value is formatted as given, never rounded first.
    assert formats.pattern("{:,}")(1234.5) == "1,234.5"
    assert formats.pattern("{:g}")(2.5) == "2.5"


@pytest.mark.parametrize("value, digits, rounded", [
    (2.5, 0, 3.0), (3.5, 0, 4.0), (1.005, 2, 1.01), (0.5, 0, 1.0), (-0.5, 0, -1.0), (7.45, 1, 7.5),
    (123.456, 1, 123.5), (5, 0, 5.0),
])
def test_round_half_up(value, digits, rounded):
    assert formats.round_half_up(value, digits) == rounded


# -- metrics: the edges of the rounding check and the printed precision ----------------------------------

@pytest.mark.parametrize("as_written, step", [
    ("722", 1.0), ("16,500", 1.0), ("4.7", 0.1), ("28.9%", 0.1), ("0.45", 0.01),
    ("$1.6 million", 1e5), ("2 million", 1e6), ("$24 billion", 1e9), ("1.25 billion", 1e7),
    ("3 thousand", 1e3), ("six", 1.0), ("two million", 1.0),  # spelled out: whole
])
def test_step_of_reads_the_printed_precision(as_written, step):
    assert metrics.step_of(as_written) == step  # exact: a step is a power of ten times the scale


@pytest.mark.parametrize("stated, exact, step, consistent", [
    (63, 62.5, 1, True),     # exactly half a step away: rounding can give it
    (63, 62.49, 1, False),   # a hair more than half a step
    (9.4, 9.35, 0.1, True),
    (9.4, 9.449, 0.1, True),
    (9.4, 9.46, 0.1, False),
])
def test_rounding_check_at_half_a_step(stated, exact, step, consistent):
    check = metrics.rounding_check(stated, exact, step)
    assert check.consistent is consistent
    assert check.stated == float(stated) and check.exact == float(exact) and check.step == float(step)


@pytest.mark.parametrize("call, words", [
    (lambda: metrics.share(1, 0), "zero total"),
    (lambda: metrics.growth_rate(0, 5), "zero base"),
    (lambda: metrics.rounding_check(1, 1, 0), "step must be positive"),
    (lambda: metrics.implied_baseline(100, -100), "no positive baseline"),
])
def test_undefined_metrics_say_why(call, words):
    with pytest.raises(ValueError, match=words):
        call()
