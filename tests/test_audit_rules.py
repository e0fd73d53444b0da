"""Issue 19: the audit says only what the report says, and finds what an outside reviewer finds.

Synthetic tables (made-up figures, answers worked by hand) for the sentence
rules, the true-parts rule and each new detector (one case that fires, one that
stays quiet); then the engine on the report: ranking, one framing of the
training-participants question, and the API chapters publish from.
"""
import math

import pytest

from lacoe_report.core import audit as audit_pkg
from lacoe_report.core import formats
from lacoe_report.core.audit import SECOND_LOOK, wording
from lacoe_report.core.audit.kinds import hedged
from lacoe_report.core.audit.repeats import near_duplicate_chance

from test_audit import raised, table


# --------------------------------------------------------------------------
# Sentence rules
# --------------------------------------------------------------------------
def test_a_hedged_figure_keeps_its_hedge():
    f = table(dict(id="n", value=400, qualifier="over"))
    assert wording.problems("Every one of the 400 educators answered.", f, ["n"])
    assert wording.problems("All of the educators (over 400) answered.", f, ["n"]) == []
    # Printed bare somewhere too: the bare form is the report's as well.
    both = table(dict(id="n", value=400, qualifier="over"), dict(id="c", value=400, metric="n"))
    assert wording.problems("The callout says 400.", both, ["n", "c"]) == []


def test_a_change_of_a_percentage_is_in_points():
    assert wording.point_problems("It moves by 9.1% with each person.")
    assert wording.point_problems("It moves by 9.1 percentage points with each person.") == []
    # the writer the audit uses: 100 / 11 = 9.0909... points
    assert formats.points(100 / 11) == "9.1 percentage points"


def test_an_assumed_value_appears_only_as_an_assumption():
    f = table(dict(id="base", value=8318, period="2022-23", assumed="period", assumed_why="No year given."))
    assert wording.problems("Attendance was 8,318 in 2022-23.", f, ["base"])
    assert wording.problems("If 8,318 counts 2022-23, attendance grew.", f, ["base"]) == []
    assert wording.problems("The data reads 8,318 as 2022-23.", f, ["base"]) == []
    # The same year written for a figure whose period the report states is fine.
    stated = table(dict(id="base", value=8318, period="2022-23"))
    assert wording.problems("Attendance was 8,318 in 2022-23.", stated, ["base"]) == []


def test_an_assumed_hedge_is_marked_where_it_is_printed():
    f = table(dict(id="p", value=100, qualifier="more_than", assumed="qualifier", assumed_why="Read across a list."))
    assert hedged(f, "p") == "more than 100 (the hedge as the data reads it)"
    assert wording.problems("More than 100 parents came.", f, ["p"])


# --------------------------------------------------------------------------
# Sums of true parts only
# --------------------------------------------------------------------------
def test_part_whole_adds_only_parts_of_the_wholes_population():
    f = table(dict(id="w", value=9018, metric="participants", qualifier="over", population="educators school_staff"),
              dict(id="da", value=10603, part_of="participants", population="educators",
                   assumed="part_of", assumed_why="Not said."),
              dict(id="lit", value=6000, part_of="participants", population="educators", qualifier="more_than"),
              dict(id="parents", value=100, part_of="participants", population="parents"),
              dict(id="who", value=722, part_of="participants"),
              dict(id="old", value=125, part_of="participants", population="educators",
                   assumed="period", assumed_why="No year."))
    [r] = raised("part_whole", f)
    assert r.finding.verdict == SECOND_LOOK  # only "over" lets 10,603 fit in 9,018
    d = r.finding.details
    assert d["parts_total"] == 10603 + 6000  # parents, unknown attendees and the vague count left out
    assert set(d["left_out"]) == {"parents", "who", "old"}
    assert "parents, not educators or school staff" in d["left_out"]["parents"]
    text = r.finding.explanation
    assert text.startswith("The report does not say that") and "If they are not" in text
    assert wording.problems(text, f, r.inputs) == []


def test_part_whole_stays_quiet_when_the_true_parts_fit():
    f = table(dict(id="w", value=500, metric="m", population="educators"),
              dict(id="a", value=300, part_of="m", population="educators"),
              dict(id="b", value=900, part_of="m", population="parents"))  # not a part: no question
    assert raised("part_whole", f) == []


# --------------------------------------------------------------------------
# New detectors: one case that fires, one that stays quiet
# --------------------------------------------------------------------------
SHORT = dict(round_multiple=10, unit_groups=[["count", "percent"]])


def test_short_repeat_fires_in_one_section_across_topics():
    f = table(dict(id="agencies", value=74, topic="cyber"),
              dict(id="rate", value=74, unit="percent", topic="advocacy", as_written="74%"),
              dict(id="other", value=16, topic="x"))
    [r] = raised("short_repeat", f, **SHORT)
    assert set(r.inputs) == {"agencies", "rate"}
    # 3 eligible figures in one section: 3 pairs, each equal with odds 1 in 81.
    assert r.finding.details["expected_by_chance"] == pytest.approx(3 / 81)


def test_short_repeat_stays_quiet_across_sections_round_values_and_one_topic():
    f = table(dict(id="a", value=24, topic="x"), dict(id="b", value=24, topic="y", section="pillar_wellbeing"),
              dict(id="c", value=50, topic="x"), dict(id="d", value=50, topic="y"),
              dict(id="e", value=37, topic="z"), dict(id="g", value=37, topic="z"))
    assert raised("short_repeat", f, **SHORT) == []


def test_near_duplicate_fires_on_a_hair_or_swapped_digits():
    f = table(dict(id="emp", value=177000, topic="ease", as_written="177,000"),
              dict(id="warrants", value=175000, topic="payroll", as_written="175,000"),
              dict(id="court", value=1574, topic="court"), dict(id="soat", value=1547, topic="soat"))
    found = {frozenset(r.inputs): r for r in raised("near_duplicate", f, min_significant_digits=3,
                                                     max_relative_difference=0.015)}
    assert set(found) == {frozenset({"emp", "warrants"}), frozenset({"court", "soat"})}
    assert found[frozenset({"emp", "warrants"})].finding.details["difference"] == 2000
    assert found[frozenset({"court", "soat"})].finding.details["swapped"] is True
    # Two 6-digit and two 4-digit counts: one pair each, 2 * ln(1.015) / ln(10) each.
    expected = 2 * 2 * math.log(1.015) / math.log(10)
    assert near_duplicate_chance(f, "", dict(max_relative_difference=0.015)) == pytest.approx(expected)


def test_near_duplicate_stays_quiet_when_far_declared_or_one_topic():
    f = table(dict(id="a", value=465, topic="cs"), dict(id="b", value=467, topic="ccspp"),
              dict(id="c", value=175000, topic="x", as_written="175,000"),
              dict(id="d", value=190000, topic="y", as_written="190,000"),
              dict(id="e", value=341, topic="z"), dict(id="g", value=343, topic="z"))
    assert raised("near_duplicate", f, max_relative_difference=0.015, _declared=[["a", "b"]]) == []


def test_population_fires_on_another_sections_total_of_the_same_people():
    f = table(dict(id="ease", value=177000, metric="covered", population="employees", section="pillar_wellbeing"),
              dict(id="counseled", value=11102, part_of="covered", population="employees",
                   section="pillar_wellbeing"),
              dict(id="best", value=24078, population="employees"))
    [r] = raised("population", f)
    assert set(r.inputs) == {"best", "ease"}
    assert r.finding.details["ratio"] == pytest.approx(177000 / 24078)


def test_population_stays_quiet_for_parts_same_section_or_other_people():
    f = table(dict(id="ease", value=177000, metric="covered", population="employees", section="pillar_wellbeing"),
              dict(id="counseled", value=11102, part_of="covered", population="employees"),
              dict(id="same", value=24078, population="employees", section="pillar_wellbeing"),
              dict(id="kids", value=500, population="students"))
    assert raised("population", f) == []


def test_mixed_period_fires_on_different_or_unstated_periods():
    f = table(dict(id="a", value=1), dict(id="b", value=2, period="2024"),
              dict(id="c", value=3, section="schools", assumed="period", assumed_why="No year."))
    found = {r.id: r for r in raised("mixed_period", f, min_periods=2)}
    assert set(found) == {"mixed-period-achievements", "mixed-period-schools"}
    assert found["mixed-period-schools"].finding.details["unstated"] == ["c"]


def test_mixed_period_stays_quiet_on_one_period_a_baseline_or_an_exempt_section():
    f = table(dict(id="a", value=1), dict(id="before", value=8, metric="m", period="2022-23"),
              dict(id="after", value=9, metric="m"),
              dict(id="plan", value=5, period="2022-23 to 2024-25", section="strategic_plan"),
              dict(id="now", value=5, section="strategic_plan"))
    assert raised("mixed_period", f, min_periods=2, exempt_sections=["strategic_plan"]) == []


CLAIM = {"section": "achievements", "topic": "numeracy", "quote": "gains in numeracy rates",
         "evidence": ["numeracy", "math"]}


def test_uncovered_fires_on_a_topic_nothing_else_in_the_section_reports():
    f = table(dict(id="a", value=50, quote="We trained 50 teachers in literacy"))
    text = "We will make gains in numeracy rates. We trained 50 teachers in literacy."
    [r] = raised("uncovered", f, text, claims=[CLAIM])
    assert r.finding.details["topics"] == ["numeracy"]


def test_uncovered_stays_quiet_when_the_section_covers_the_topic():
    f = table(dict(id="a", value=50, quote="We trained 50 teachers in literacy"),
              dict(id="b", value=12, quote="math scores rose 12 points"))
    text = "We will make gains in numeracy rates. We trained 50 teachers in literacy. Then math scores rose 12 points."
    assert raised("uncovered", f, text, claims=[CLAIM]) == []
    with pytest.raises(ValueError, match="not found exactly once"):
        raised("uncovered", f, text, claims=[{**CLAIM, "quote": "not in the text"}])


def test_period_writes_an_assumed_or_uncertain_start_as_a_condition():
    f = table(dict(id="views", value=13000, qualifier="over", period="2023 to 2024",
                   assumed="period", assumed_why="Launched in 2023."))
    [r] = raised("period", f, report_period="2023-24")
    text = r.finding.explanation
    assert "may count" in text and "if its period is 2023 to 2024" in text
    assert wording.problems(text, f, r.inputs) == []


# --------------------------------------------------------------------------
# The engine on the report
# --------------------------------------------------------------------------
def test_every_new_class_is_raised_on_the_report():
    counts = audit_pkg.audit().detector_counts()
    for detector in ("short_repeat", "near_duplicate", "population", "mixed_period", "uncovered"):
        assert counts[detector] >= 1, detector


def test_arithmetic_ranks_above_missing_bases():
    frame = audit_pkg.audit().findings()
    second = frame[frame["verdict"] == SECOND_LOOK]
    natures = list(second["nature"])
    assert natures.index("missing_base") > max(i for i, n in enumerate(natures) if n == "arithmetic")
    ids = list(second["id"])
    assert ids.index("unanimous-wellbeing-conference-rated-excellent-or-good") > ids.index("part-whole-pd-participants")


def test_the_training_participants_question_has_one_framing():
    result = audit_pkg.audit()
    q = result.question("part-whole-pd-participants")
    assert q.verdict == SECOND_LOOK
    # It is conditional on the data's reading, and says so, with the reading among its assumptions.
    assert "If they are not, they are a different population" in q.explanation
    assert ("ach_da_attendance", "part_of") in {(a.figure, a.field) for a in q.assumptions}
    # Parents and students are not educators or staff: left out of the sum, with the reason.
    assert {"p3_immigrant_workshop_parents", "p3_immigrant_workshop_students"} <= set(q.finding.details["left_out"])
    assert q.answer.startswith("Worth a second look: The report does not say")


def test_no_audit_sentence_states_an_assumed_value_as_fact():
    result = audit_pkg.audit()
    frame = result.frame()
    for qid, row in frame.iterrows():
        assert wording.problems(row["explanation"], result.figures, row["inputs"]) == [], qid


def test_assumptions_are_listed_with_their_clause():
    frame = audit_pkg.assumptions()
    row = frame[(frame["figure"] == "ach_da_attendance_baseline") & (frame["field"] == "period")].iloc[0]
    assert row["value"] == "2022-23" and row["sentence"].startswith("if its period is 2022-23")
    with pytest.raises(KeyError):
        audit_pkg.assumption("ach_da_attendance", "period")  # the report states it: nothing assumed
