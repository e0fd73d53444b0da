"""The one formats module: each formatter against numbers worked by hand."""
import pytest

from lacoe_report.core import formats


@pytest.mark.parametrize("fmt, value, expected", [
    (formats.count, 65000, "65,000"),
    (formats.count, -0.2, "0"),
    (formats.count, 2.5, "3"),  # half up, not to even
    (formats.usd_short, 303_400_000, "$303M"),
    (formats.usd_short, 2_500_000, "$2.5M"),
    (formats.usd_short, 5_000_000, "$5M"),
    (formats.usd_millions, 59_000_000, "$59 million"),
    (formats.usd_millions_1dp, 84e6 / 54, "$1.6 million"),
    (formats.usd_millions_2dp, 84e6 / 54, "$1.56 million"),
    (formats.usd_billions, 24e9, "$24 billion"),
    (formats.usd, 733_700, "$733,700"),
    (formats.in_words, 0, "zero"),
    (formats.in_words, 20, "twenty"),
    (formats.in_words, 4500, "4,500"),
    (formats.ordinal, 13, "13th"),
    (formats.ordinal, 101, "101st"),
])
def test_formatters(fmt, value, expected):
    assert fmt(value) == expected


def test_percent_takes_points_as_the_data_stores_them():
    # The trap the old fraction-based helper set: 45.5 in the data is 45.5%, not 4550%.
    assert formats.percent(45.5, 1) == "45.5%"
    assert formats.percent(48) == "48%"
    assert formats.percent(62.5) == "63%"
    assert formats.percent(0.1) == "<1%"
    assert formats.percent(0) == "0%"


def test_counted_names_itself_for_the_ledger():
    fmt = formats.counted("direct deposits")
    assert fmt(1200) == "1,200 direct deposits"
    assert fmt.__name__ == "count_of_direct_deposits"
    assert formats.plural("relation")(1) == "1 relation"
    assert formats.plural("relation")(2) == "2 relations"
