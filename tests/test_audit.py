"""Tests for ``lacoe_report.core.audit``: each check's logic on hand-made numbers, then the real audit.

Expected values are worked out by hand in the comments, never copied from
running the code.
"""
import math

import pandas as pd
import pytest

from lacoe_report.core import audit, data
from lacoe_report.core.audit import (
    BOUND,
    CONSISTENT,
    INCONSISTENT,
    KINDS,
    RESTATEMENT,
    SECOND_LOOK,
    STATED_DIFFERENTLY,
    VERDICTS,
    WITHIN_ROUNDING,
    Bounds,
    Finding,
    Relation,
    assess_at_most,
    assess_extreme_rate,
    assess_growth,
    assess_hedge,
    assess_implied_baseline,
    assess_listed_count,
    assess_related,
    assess_representation,
    assess_restatement,
    assess_share,
    assess_sum,
    assess_whole_count,
    bounds,
    fmt_number,
    looks_exact,
    second_look,
    summary,
)


# --------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------
def test_verdict_constants_are_the_agreed_words():
    assert VERDICTS == ("consistent", "consistent within rounding", "inconsistent",
                        "stated differently", "worth a second look")


def test_finding_rejects_unknown_verdict_and_missing_explanation():
    with pytest.raises(ValueError, match="unknown verdict"):
        Finding("fine", 1.0, 1.0, "x")
    with pytest.raises(ValueError, match="needs an explanation"):
        Finding(INCONSISTENT, 1.0, 2.0, "  ")
    # A consistent finding may go without words.
    assert Finding(CONSISTENT, 1.0, 1.0, "").verdict == CONSISTENT


def test_relation_rejects_unknown_kind():
    with pytest.raises(ValueError, match="unknown kind"):
        Relation("x", "guess", "d", [], None, None, CONSISTENT, "")


# --------------------------------------------------------------------------
# Bounds and words
# --------------------------------------------------------------------------
def test_bounds_per_qualifier():
    # exact 48 printed to whole units: 47.5 to 48.5.
    assert bounds(48, "exact", 1) == Bounds(47.5, 48.5)
    # over 400: anything above 400, 400 itself excluded.
    assert bounds(400, "over") == Bounds(400.0, math.inf, lo_open=True)
    assert bounds(50, "at_least") == Bounds(50.0, math.inf)
    # nearly 2,000: from 10% below (1,800) up to, not including, 2,000.
    assert bounds(2000, "nearly") == Bounds(1800.0, 2000.0, hi_open=True)
    assert bounds(6, "up_to") == Bounds(0.0, 6.0)
    with pytest.raises(ValueError):
        bounds(1, "roughly")


def test_bounds_overlap_respects_open_ends():
    # "over 60" and "exactly 60" share no value.
    assert not Bounds(60, math.inf, lo_open=True).overlaps(Bounds(60, 60))
    # "at least 60" and "exactly 60" share 60.
    assert Bounds(60, math.inf).overlaps(Bounds(60, 60))
    # "over 465" and 467 (466.5 to 467.5) overlap.
    assert Bounds(465, math.inf, lo_open=True).overlaps(Bounds(466.5, 467.5))


def test_fmt_number_reads_like_the_report():
    assert fmt_number(627e6, "usd") == "$627 million"
    assert fmt_number(24e9, "usd") == "$24 billion"
    assert fmt_number(733_700, "usd") == "$733,700"
    assert fmt_number(9.40989, "percent") == "9.4%"
    assert fmt_number(10, "percent") == "10%"
    assert fmt_number(6.2723, "percent", 2) == "6.27%"
    assert fmt_number(2977) == "2,977"
    assert fmt_number(2_000_000) == "2 million"
    assert fmt_number(7, "rank") == "7th"
    assert fmt_number(float("nan")) == "—"


# --------------------------------------------------------------------------
# Sums
# --------------------------------------------------------------------------
def test_sum_exact_is_consistent():
    # 1 + 2 + 3 = 6.
    f = assess_sum([1, 2, 3], 6)
    assert (f.verdict, f.computed, f.stated) == (CONSISTENT, 6.0, 6.0)


def test_sum_within_rounding():
    # 33 + 33 + 33 = 99, one short of 100; three parts rounded to 1 can drift 3 x 0.5 = 1.5.
    f = assess_sum([33, 33, 33], 100, part_steps=[1, 1, 1])
    assert f.verdict == WITHIN_ROUNDING
    assert "1 less" in f.explanation and "1.5" in f.explanation


def test_sum_exactly_at_the_rounding_limit_is_within_rounding():
    # 1 + 1 = 2 against 3: a gap of 1; two parts rounded to 1 drift at most 0.5 + 0.5 = 1.
    assert assess_sum([1, 1], 3, part_steps=[1, 1]).verdict == WITHIN_ROUNDING
    # 3.5 is 1.5 away: beyond the 1 that rounding allows.
    assert assess_sum([1, 1], 3.5, part_steps=[1, 1]).verdict == INCONSISTENT


def test_sum_inconsistent_explains_the_gap():
    # 10 + 20 = 30, 10 less than 40; exact figures allow no gap.
    f = assess_sum([10, 20], 40)
    assert f.verdict == INCONSISTENT
    assert "30" in f.explanation and "10 less" in f.explanation and "printed exactly" in f.explanation


def test_sum_input_errors():
    with pytest.raises(ValueError):
        assess_sum([], 0)
    with pytest.raises(ValueError):
        assess_sum([1, 2], 3, part_steps=[1])


# --------------------------------------------------------------------------
# Shares and rates
# --------------------------------------------------------------------------
def test_share_exact_is_consistent():
    # 1 of 4 is exactly 25%.
    f = assess_share(1, 4, 25, unit="count")
    assert f.verdict == CONSISTENT and f.computed == 25.0


def test_share_rounding():
    # 303 of 627 = 48.33%, which rounds to 48.
    f = assess_share(303e6, 627e6, 48)
    assert f.verdict == WITHIN_ROUNDING
    assert "48.3%" in f.explanation and "48%" in f.explanation


def test_share_exactly_half_a_step_away_is_within_rounding():
    # 1 of 8 = 12.5%: half a whole percent from both 12 and 13.
    assert assess_share(1, 8, 13, unit="count").verdict == WITHIN_ROUNDING
    assert assess_share(1, 8, 12, unit="count").verdict == WITHIN_ROUNDING
    # 14 is 1.5 points away.
    assert assess_share(1, 8, 14, unit="count").verdict == INCONSISTENT


def test_share_too_high_names_the_amount_needed():
    # 59 of 627 = 9.41%, rounds to 9. A 10% share needs 9.5% of 627 = 59.565 -> $59.6 million.
    # Even with $59.5M of $626.5M (the rounding extremes) the share is 9.497% < 9.5%.
    f = assess_share(59e6, 627e6, 10, part_step=1e6, whole_step=1e6)
    assert f.verdict == INCONSISTENT
    for words in ("whole-percent precision", "9.4%", "rounds to 9%", "stated 10%",
                  "at least $59.6 million", "below 9.5%"):
        assert words in f.explanation


def test_share_too_low_names_the_ceiling():
    # 59 of 500 = 11.8%, stated 10%: at most 10.5% of 500 = 52.5 -> at most 52.
    f = assess_share(59, 500, 10, unit="count")
    assert f.verdict == INCONSISTENT
    assert "11.8%" in f.explanation and "at most 52" in f.explanation


def test_share_rescued_by_the_rounding_of_the_amounts():
    # 9 of 100 = 9%, not 10%; but a part rounded to 1 may be 9.5, and 9.5 of 100 = 9.5%, which rounds to 10.
    f = assess_share(9, 100, 10, part_step=1, unit="count")
    assert f.verdict == WITHIN_ROUNDING
    assert "rounded to" in f.explanation


def test_share_of_zero_whole_is_undefined():
    with pytest.raises(ValueError):
        assess_share(1, 0, 10)


def test_rate_at_one_decimal():
    # 11,102 / 177,000 = 0.062723 -> 6.27%, which rounds to 6.3 at one decimal.
    f = assess_share(11_102, 177_000, 6.3, stated_step=0.1, unit="count", what="rate")
    assert f.verdict == WITHIN_ROUNDING
    assert "6.27%" in f.explanation and "one-decimal precision" in f.explanation
    # 6.4 is 0.13 away, more than half of 0.1.
    g = assess_share(11_102, 177_000, 6.4, stated_step=0.1, unit="count", what="rate")
    assert g.verdict == INCONSISTENT and "rate would need" in g.explanation


# --------------------------------------------------------------------------
# Percentages of a count
# --------------------------------------------------------------------------
def test_whole_count_cases():
    # 98% of 400 = 392 people exactly.
    assert assess_whole_count(98, 400).verdict == CONSISTENT
    # 33% of 3 = 0.99 people; 1 of 3 = 33.3%, which rounds to 33.
    f = assess_whole_count(33, 3)
    assert f.verdict == WITHIN_ROUNDING and math.isclose(f.computed, 100 / 3)
    # 50% of 3: 1 of 3 = 33.3%, 2 of 3 = 66.7%; nothing rounds to 50.
    g = assess_whole_count(50, 3)
    assert g.verdict == INCONSISTENT
    assert "33.3%" in g.explanation and "66.7%" in g.explanation


def test_whole_count_notes_a_hedged_base_and_rejects_no_people():
    # over 400: the base may be larger; the note says so.
    assert "base may differ" in assess_whole_count(98, 400, count_qualifier="over").explanation
    with pytest.raises(ValueError):
        assess_whole_count(50, 0)


# --------------------------------------------------------------------------
# Growth
# --------------------------------------------------------------------------
def test_growth_without_stated_rate_checks_direction():
    # (10,603 - 8,318) / 8,318 = 2,285 / 8,318 = 27.47%.
    f = assess_growth(8318, 10603)
    assert f.verdict == CONSISTENT and f.stated is None
    assert math.isclose(f.computed, 2285 / 8318 * 100)
    # "grew" from 100 to 90 is a fall of 10%.
    g = assess_growth(100, 90)
    assert g.verdict == INCONSISTENT and "fell" in g.explanation
    # no change is not growth.
    assert assess_growth(100, 100).verdict == INCONSISTENT


def test_growth_against_a_stated_rate():
    # 100 -> 128.94 is 28.94%, which rounds to 28.9.
    assert assess_growth(100, 128.94, 28.9).verdict == WITHIN_ROUNDING
    # 100 -> 125 is exactly 25%.
    assert assess_growth(100, 125, 25).verdict == CONSISTENT
    # 100 -> 125 stated as 30%: 30% growth from 100 ends at 130.
    f = assess_growth(100, 125, 30)
    assert f.verdict == INCONSISTENT and "130" in f.explanation
    with pytest.raises(ValueError):
        assess_growth(0, 10)


def test_implied_baseline_is_a_second_look():
    # 65,000 / 1.289 = 50,426.7 -> about 50,427.
    f = assess_implied_baseline(65000, 28.9)
    assert f.verdict == SECOND_LOOK and "50,427" in f.explanation
    # 186,000 / 1.302 = 142,857.1; an end value "over" 186,000 means a start over 142,857.
    g = assess_implied_baseline(186000, 30.2, after_qualifier="over")
    assert "over 142,857" in g.explanation


# --------------------------------------------------------------------------
# Restatements and related figures
# --------------------------------------------------------------------------
def test_restatement_same_value():
    assert assess_restatement([80, 80, 80], ["exact"] * 3, ["a", "b", "c"]).verdict == CONSISTENT


def test_restatement_same_value_different_hedge_is_consistent_with_a_note():
    f = assess_restatement([6000, 6000], ["more_than", "exact"], ["the prose", "the callout"])
    assert f.verdict == CONSISTENT
    assert "different hedges" in f.explanation and "more than 6,000" in f.explanation


def test_restatement_different_values():
    # over 465 and 467: 2 apart; 467 is over 465, so the hedges reconcile them.
    f = assess_restatement([465, 467], ["over", "exact"], ["a", "b"])
    assert f.verdict == STATED_DIFFERENTLY
    assert (f.stated, f.computed) == (465.0, 467.0)
    assert "difference of 2" in f.explanation and "both statements be true" in f.explanation
    # 400 and 500, both exact: 100 apart and irreconcilable.
    g = assess_restatement([400, 500], ["exact", "exact"], ["a", "b"])
    assert g.verdict == STATED_DIFFERENTLY and "cannot reconcile" in g.explanation


def test_restatement_needs_two_statements():
    with pytest.raises(ValueError):
        assess_restatement([1], ["exact"], ["a"])


def test_related_figures():
    # 1,574 - 1,476 = 98; 98 / 1,574 = 6.2%.
    f = assess_related(1574, 1476, a_name="court students", b_name="SOAT enrollments")
    assert f.verdict == SECOND_LOOK and "98 fewer" in f.explanation and "6.2%" in f.explanation
    assert assess_related(5, 5, a_name="a", b_name="b").verdict == CONSISTENT


# --------------------------------------------------------------------------
# Listed counts
# --------------------------------------------------------------------------
def test_listed_count():
    assert assess_listed_count(3, ["a", "b", "c"]).verdict == CONSISTENT
    f = assess_listed_count(4, ["a", "b", "c"])
    assert (f.verdict, f.computed, f.stated) == (INCONSISTENT, 3.0, 4.0)
    with pytest.raises(ValueError, match="distinct"):
        assess_listed_count(2, ["a", "A"])


def test_listed_items_must_be_in_the_report():
    with pytest.raises(ValueError, match="not found"):
        audit.check_listed_count("plan_pillars", ["A pillar the report never names"])


# --------------------------------------------------------------------------
# Subsets and bounds
# --------------------------------------------------------------------------
def test_subset_fits():
    # 223 of 410 = 54.4%.
    f = assess_at_most(223, 410)
    assert f.verdict == CONSISTENT and "54.4%" in f.explanation


def test_subset_equal_to_whole_is_consistent():
    f = assess_at_most(410, 410)
    assert f.verdict == CONSISTENT and "equals" in f.explanation


def test_subset_too_large():
    # 411 of 410: 1 too many.
    f = assess_at_most(411, 410)
    assert f.verdict == INCONSISTENT and "by 1" in f.explanation
    # "over 60" cannot fit in exactly 60.
    assert assess_at_most(60, 60, part_qualifier="over").verdict == INCONSISTENT
    # "at least 60" can.
    assert assess_at_most(60, 60, part_qualifier="at_least").verdict == CONSISTENT


def test_subset_that_only_fits_through_a_hedge():
    # 500 against "over 400": possible only if the whole is at least 500.
    f = assess_at_most(500, 400, whole_qualifier="over")
    assert f.verdict == SECOND_LOOK and "at least 500" in f.explanation


def test_subset_of_a_zero_whole():
    # Nothing of nothing fits; one of nothing does not.
    assert assess_at_most(0, 0).verdict == CONSISTENT
    assert assess_at_most(1, 0).verdict == INCONSISTENT


def test_bound_without_ratio():
    f = assess_at_most(7, 105, unit="rank", whole_unit="count", ratio=False,
                       part_name="the rank", whole_name="the organizations ranked")
    assert f.verdict == CONSISTENT and "stays within" in f.explanation and "%" not in f.explanation


# --------------------------------------------------------------------------
# Plausibility
# --------------------------------------------------------------------------
def test_representation():
    # 48 students for 80 districts leaves at least 80 - 48 = 32 districts without one.
    f = assess_representation(48, 80, members_name="students", units_name="districts")
    assert f.verdict == SECOND_LOOK and "at least 32 districts" in f.explanation
    assert assess_representation(80, 80, members_name="students", units_name="districts").verdict == CONSISTENT


def test_extreme_rates():
    assert assess_extreme_rate(100, 400).verdict == SECOND_LOOK
    assert assess_extreme_rate(0, 400).verdict == SECOND_LOOK
    assert assess_extreme_rate(98, 400).verdict == CONSISTENT


def test_hedged_exact_looking_numbers():
    # 9,018 is not a multiple of 10; 9,000 is; a bare 9,018 has no hedge.
    assert looks_exact(9018, "over") and not looks_exact(9000, "over") and not looks_exact(9018, "exact")
    # Below 10 nothing looks "too exact".
    assert not looks_exact(6, "up_to")
    f = assess_hedge(51, "over")
    assert f.verdict == SECOND_LOOK and "not a multiple of 10" in f.explanation
    assert assess_hedge(2000, "nearly").verdict == CONSISTENT
    assert "nearly" in assess_hedge(1999, "nearly").explanation


def test_second_look_needs_a_reason():
    assert second_look("Two scopes.").verdict == SECOND_LOOK
    with pytest.raises(ValueError):
        second_look("")


def test_summary_lists_every_verdict():
    frame = pd.DataFrame({"verdict": [CONSISTENT, SECOND_LOOK, SECOND_LOOK]})
    counts = summary(frame)
    assert list(counts.index) == list(VERDICTS)
    assert counts.to_dict() == {CONSISTENT: 1, WITHIN_ROUNDING: 0, INCONSISTENT: 0,
                                STATED_DIFFERENTLY: 0, SECOND_LOOK: 2}
    with pytest.raises(ValueError):
        summary(pd.DataFrame({"verdict": ["maybe"]}))


# --------------------------------------------------------------------------
# Wrappers read the data by id
# --------------------------------------------------------------------------
def test_check_sum_uses_the_data(monkeypatch):
    real = data.value

    def fake(figure_id):
        # Shrink the stated budget by $10 million: the lines then overshoot by $10 million.
        return real(figure_id) - 10_000_000 if figure_id == "fin_budget_total" else real(figure_id)

    monkeypatch.setattr(data, "value", fake)
    rel = audit.check_sum([a for a, _ in audit.BUDGET_LINES], "fin_budget_total")
    # Four parts and a total rounded to $1 million drift at most 5 x $0.5 million = $2.5 million.
    assert rel.verdict == INCONSISTENT
    assert "$10 million more" in rel.explanation


def test_check_share_wrapper_records_inputs():
    rel = audit.check_share("fin_admin_amount", "fin_budget_total", "fin_admin_share")
    assert rel.inputs == ["fin_admin_amount", "fin_budget_total", "fin_admin_share"]
    assert rel.unit == "percent"


# --------------------------------------------------------------------------
# The real audit
# --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def frame():
    return audit.run_audit()


def test_audit_shape(frame):
    assert list(frame.columns) == audit.COLUMNS
    assert frame.index.is_unique
    assert len(frame) >= 30
    assert set(frame["verdict"]) <= set(VERDICTS)
    assert set(frame["kind"]) <= set(KINDS)
    assert summary(frame).sum() == len(frame)


def test_every_input_is_a_figure(frame):
    ids = set(data.figures().index)
    for rid, inputs in frame["inputs"].items():
        assert inputs, rid
        assert set(inputs) <= ids, rid


def test_every_non_consistent_verdict_is_explained(frame):
    flagged = frame[frame["verdict"] != CONSISTENT]
    assert not flagged.empty
    assert flagged["explanation"].str.strip().str.len().gt(0).all()


def test_budget_checks(frame):
    # 303 + 147 + 118 + 59 = 627 and 48 + 23 + 19 + 10 = 100.
    assert frame.loc["budget-lines-sum", "verdict"] == CONSISTENT
    assert frame.loc["budget-shares-sum", "verdict"] == CONSISTENT
    # 59 / 627 = 9.4%, printed as 10%.
    assert frame.loc["budget-share-educational", "verdict"] == INCONSISTENT
    # 303/627 = 48.3, 147/627 = 23.4, 118/627 = 18.8: each rounds to its stated share.
    for line in ("specially-funded", "admin", "contracted"):
        assert frame.loc[f"budget-share-{line}", "verdict"] == WITHIN_ROUNDING


def test_school_enrollment_adds_up(frame):
    # 506 + 554 + 343 + 1,574 = 2,977.
    assert frame.loc["school-enrollment-sum", "verdict"] == CONSISTENT
    assert frame.loc["school-enrollment-sum", "computed"] == 2977


def test_ease_rate_within_rounding(frame):
    assert frame.loc["ease-utilization-rate", "verdict"] == WITHIN_ROUNDING


def test_every_restated_metric_is_checked(frame):
    figures = data.figures()
    sizes = figures.groupby(["metric", "period"]).size()
    restated = {m for (m, _), n in sizes.items() if n > 1}
    checked = {rid.removeprefix("restated-").replace("-", "_") for rid in frame.index if rid.startswith("restated-")}
    assert checked == restated
    # None of them differs in value in this report.
    assert (frame.loc[[f"restated-{m.replace('_', '-')}" for m in restated], "verdict"] == CONSISTENT).all()


def test_known_findings(frame):
    # "over 465" community schools against the 467 CCSPP-funded sites.
    assert frame.loc["community-schools-465-vs-467", "verdict"] == STATED_DIFFERENTLY
    assert frame.loc["community-schools-465-vs-467", "kind"] == RESTATEMENT
    # 48 students "representing" 80 districts.
    assert frame.loc["advisory-council-representation", "verdict"] == SECOND_LOOK
    # hedged counts that are not multiples of ten: over 465, over 9,018, over 51.
    hedged = {tuple(i) for i in frame.loc[frame.index.str.startswith("hedge-"), "inputs"]}
    assert hedged == {("ach_community_schools_supported",), ("ach_pd_participants",),
                      ("p1_rtac_learning_opportunities",)}
    # Growth without a start value is never called consistent.
    assert frame.loc["facebook-reach-growth", "verdict"] == SECOND_LOOK
    assert frame.loc["da-attendance-growth", "verdict"] == CONSISTENT


def test_bounds_kind_present(frame):
    assert (frame["kind"] == BOUND).sum() >= 3


def test_readable_table(frame):
    table = audit.readable(frame)
    assert list(table.columns) == ["Kind", "What is checked", "Inputs", "Computed", "Stated", "Verdict"]
    assert table.loc["budget-share-educational", "Stated"] == "10%"
    assert table.loc["budget-share-educational", "Computed"] == "9.4%"
