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


@pytest.mark.parametrize("text, value, expected", [
    ("{:.0f}%", 62.5, "63%"),          # str.format would print 62%
    ("${:,.0f}", 2_500.5, "$2,501"),
    ("{:.1f}", 0.25, "0.3"),           # str.format: 0.2
    ("{:,.0f}", -0.4, "0"),            # never "-0"
    ("{:,}", 186_000, "186,000"),
    ("{}", "2023-24", "2023-24"),
    (",.0f", 1_234.5, "1,235"),        # the bare spec charts accept
])
def test_a_format_string_rounds_as_the_formats_module_does(text, value, expected):
    assert formats.pattern(text)(value) == expected


def test_tables_and_charts_read_named_formats_and_format_strings_through_the_formats_module():
    import pandas as pd

    from lacoe_report.present import tables
    from lacoe_report.present.chart import label_formatter

    assert tables.number_table(pd.DataFrame({"share": [62.5]}), {"share": "percent"})["share"].tolist() == ["63%"]
    assert label_formatter("decimal(digits=2)")(0.125) == "0.13"
    assert tables.number_table(pd.DataFrame({"share": [62.5]}), {"share": "{:.0f}%"})["share"].tolist() == ["63%"]
    assert label_formatter("{:.0f}%")(62.5) == "63%"
    assert label_formatter(",.0f")(2.5) == "3"


@pytest.mark.parametrize("spec", ["{:.1f}%", "decimal(2)", "percent(digits=", "os.system('x')", "counted"])
def test_a_declaration_may_name_only_a_named_format(spec):
    with pytest.raises(ValueError, match="is not a named format"):
        formats.named(spec)


def test_every_units_display_is_a_named_format_that_prints_a_value_of_that_unit():
    from lacoe_report.core.vocabulary import DISPLAY
    examples = {"count": (186000, "186,000"), "usd": (733700, "$733,700"), "percent": (62.5, "63%"),
                "percent_change": (28.94, "28.9%"), "rank": (7, "7th"), "percent_points": (0.5901, "0.59"),
                "ratio": (38.277, "38.3"), "per_unit": (10.909, "10.9"), "text": ("2023-24", "2023-24")}
    for unit, (value, printed) in examples.items():
        assert formats.named(DISPLAY[unit])(value) == printed, unit


@pytest.mark.parametrize("value, unit, digits, audit_text, chapter_format, chapter_text", [
    # Each a half at the last printed digit, worked by hand: every one rounds up.
    (2.25e6, "usd", None, "$2.3 million", "usd_millions_1dp", "$2.3 million"),
    (12.25, "percent", 1, "12.3%", "percent_1dp", "12.3%"),
    (2_500.5, "count", None, "2,501", "count", "2,501"),
    (30.25, "count", 1, "30.3", "decimal", "30.3"),
])
def test_the_audit_and_the_chapters_round_halves_the_same_way(value, unit, digits, audit_text, chapter_format,
                                                              chapter_text):
    # formats.number writes the audit's sentences, the named formats the chapters' numbers: one rule for halves.
    assert formats.number(value, unit, digits) == audit_text
    assert formats.named(chapter_format)(value) == chapter_text
