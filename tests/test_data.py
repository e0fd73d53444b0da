"""The data: sourced, complete, and documented by its metadata."""
import csv
import hashlib

import pytest

from lacoe_report.core import coverage, data, metadata
from lacoe_report.core.paths import EXCLUDED_CSV, FIGURES_CSV, PROJ_ROOT, REPORT_TEXT
from lacoe_report.core.sourced import source_of
from lacoe_report.core.source_text import normalize, numeric_tokens, report_text

META = metadata.load()


def header(path):
    with path.open(encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle))


def test_raw_report_text_is_unchanged():
    recorded = {f["path"]: f["sha256"] for f in META["files"]}
    assert hashlib.sha256(REPORT_TEXT.read_bytes()).hexdigest() == recorded["data/raw/lacoe-annual-report-2023-24.txt"]


def test_every_data_file_matches_its_recorded_checksum_and_rows():
    # An intended edit is recorded with `make data-meta`; an unrecorded one fails here.
    assert metadata.current_records(META) == META["files"]


def test_metadata_documents_exactly_the_columns_of_each_file():
    assert [c["name"] for c in META["figures_columns"]] == header(FIGURES_CSV)
    assert [c["name"] for c in META["excluded_columns"]] == header(EXCLUDED_CSV)
    for column in META["figures_columns"] + META["excluded_columns"]:
        assert column["description"].strip(), column["name"]


def test_metadata_allowed_values_are_the_enforced_ones():
    assert metadata.synced(metadata.load()) == META, "run `make data-meta`"


def test_metadata_names_its_source():
    assert META["publisher"] == "Los Angeles County Office of Education"
    assert "lacoe.edu" in META["source_url"]
    assert META["licence"].strip()


def test_every_quote_is_in_the_report_once_and_holds_its_value():
    figures, excluded = data.figures(), data.excluded()
    assert coverage.unlocatable_rows(figures, "id") == []
    assert coverage.unlocatable_rows(excluded, "id") == []


def test_every_value_is_what_its_printed_form_says():
    assert coverage.misread_values(data.figures()) == []


def test_every_numeric_token_of_the_report_is_accounted_for():
    missing = coverage.unaccounted_tokens(data.figures(), data.excluded())
    assert missing == [], f"{len(missing)} numbers of the report are neither figures nor excluded"


def test_no_token_is_both_a_figure_and_excluded():
    assert coverage.doubly_accounted_tokens(data.figures(), data.excluded()) == []


def test_coverage_notices_a_dropped_figure():
    figures = data.figures()
    dropped = figures[figures.index != "fin_educational_amount"]
    missing = coverage.unaccounted_tokens(dropped, data.excluded())
    assert len(missing) == 1 and "'59'" in missing[0]


def test_a_metric_keeps_one_unit_everywhere_it_is_stated():
    units = data.figures().groupby("metric")["unit"].nunique()
    assert units.max() == 1, units[units > 1].index.tolist()


@pytest.mark.parametrize("written, expected", [
    ("$84 million", 84_000_000), ("28.9%", 28.9), ("7th", 7), ("4.7/5", 4.7), ("nine", 9),
    ("two million", 2_000_000), ("$2.5 Million", 2_500_000), ("50+", 50), ("$24 Billion", 24e9),
    ("90.9 percent", 90.9), ("$250,000,000", 250_000_000), ("20-year", 20),
])
def test_parse_as_written(written, expected):
    assert coverage.parse_as_written(written) == pytest.approx(expected)


def test_parse_as_written_refuses_text_without_a_number():
    with pytest.raises(ValueError):
        coverage.parse_as_written("several")


def test_normalize_joins_line_end_hyphens_and_folds_whitespace():
    assert normalize("the 2023-\n24 legislative\n  session") == "the 2023-24 legislative session"



def test_the_report_text_is_read_with_its_line_breaks_joined():
    # The three line-end hyphens of data/raw (lines 127, 323 and 775 of the report's text), checked by eye.
    text = report_text()
    assert "influencing 119 bills during the 2023-24 legislative session." in text
    assert "support sessions in 2023-24 for CCSPP grantees" in text
    assert "LACOE replaced its 20-year-old Uninterruptible Power Supply system with a" in text
    assert "\n" not in text and "  " not in text


def test_numeric_tokens_keep_grouping_commas_and_decimals():
    assert [t.text for t in numeric_tokens("from 8,318 to 10,603, rated 4.7/5.")] == ["8,318", "10,603", "4.7", "5"]


def test_budget_breakdown_computes_shares_from_dollars():
    budget = data.budget_breakdown()
    assert len(budget) == 4
    educational = budget.loc["Educational programs"]
    assert educational["computed_share_pct"] == pytest.approx(59 / 627 * 100)  # $59M of $627M
    assert educational["stated_share_pct"] == 10
    assert budget["amount_usd"].is_monotonic_decreasing
    # The figures carry their ids for a chart's data; the share computed here is no figure's.
    assert source_of(educational["amount_usd"]) == {"figure": "fin_educational_amount", "unit": "usd"}
    assert source_of(educational["stated_share_pct"]) == {"figure": "fin_educational_share", "unit": "percent"}
    assert source_of(educational["computed_share_pct"]) is None


def test_school_enrollments_shares_are_of_the_stated_total():
    schools = data.school_enrollments()
    assert schools.loc["Court Schools", "share_pct"] == pytest.approx(1574 / 2977 * 100)
    assert set(schools["id"]) <= set(data.figures().index)


def test_social_media_prefers_the_prose_statement_with_its_hedge():
    social = data.social_media()
    instagram = data.figure(social.loc["Instagram", "value_id"])
    assert instagram["presentation"] == "prose" and instagram["qualifier"] == "over"
    assert social.loc["Facebook", "growth_pct"] == 28.9


def test_filters_and_lookups_fail_loudly():
    with pytest.raises(KeyError):
        data.figure("no_such_figure")
    with pytest.raises(KeyError):
        data.figures(colour="red")
    with pytest.raises(KeyError):
        data.metric("no_such_metric")


def test_value_is_a_plain_python_number():
    # A Python int (whole) or float, not numpy's: a subclass that carries its figure id is one.
    whole, part = data.value("schools_diplomas"), data.value("p2_ease_utilization")
    assert isinstance(whole, int) and not isinstance(whole, float) and type(whole).__module__ != "numpy"
    assert isinstance(part, float) and type(part).__module__ != "numpy"
    assert source_of(whole) == {"figure": "schools_diplomas", "unit": data.figure("schools_diplomas")["unit"]}


def test_the_book_reads_nothing_outside_the_repository():
    assert REPORT_TEXT.is_relative_to(PROJ_ROOT)


def test_an_edited_data_file_is_read_again_in_the_same_kernel(tmp_path, monkeypatch):
    # An analyst edits the CSV and re-runs a cell: the loader must not serve the old values.
    import shutil

    copy = tmp_path / "report_figures.csv"
    shutil.copyfile(FIGURES_CSV, copy)
    monkeypatch.setattr(data, "FIGURES_CSV", copy)
    assert data.figure("fin_budget_total")["label"] == "LACOE budget"
    copy.write_text(copy.read_text(encoding="utf-8").replace(",LACOE budget,", ",LACOE's budget,"),
                    encoding="utf-8")
    assert data.figure("fin_budget_total")["label"] == "LACOE's budget"
