"""A number's hedge travels with it: the direction of a derived bound, worked out by hand.

Each expected hedge below is reasoned from the report's words, not read off the code:
"over 400" is 400 or more, "nearly 10,000" is 10,000 or less, "approximately" either way.
"""
import pytest

from lacoe_report.core import bounds, declarations, formats
from lacoe_report.core.declarations import DeclarationError, load_text
from lacoe_report.present import plots


@pytest.mark.parametrize("formula, printed, expected", [
    # 98% of over 400 attendees: 392 or more.
    ("p2_conference_educators * p2_conference_better_equipped / 100", "392", "at least"),
    # 467 funded sites less over 465 schools: 2 or fewer.
    ("p1_ccspp_sites_callout - ach_community_schools_supported", "2", "at most"),
    # 11,102 counselled employees per over 400 educators: 27.8 or fewer, printed 28 (rounded up) is still a ceiling.
    ("p2_ease_counseling_employees / p2_conference_educators", "28", "at most"),
    # over 400 educators from more than 50 districts: either count may be larger, so either way.
    ("p2_conference_educators / p2_conference_districts_orgs", "8", "about"),
    # nearly 10,000 subscribers times a 45.5% open rate: 4,550 or fewer.
    ("p4_newsletter_subscribers * p4_newsletter_open_rate / 100", "4,550", "at most"),
    # approximately 416,000 households: a share per household moves either way.
    ("p5_broadband_funding / p5_digital_divide_households", "$601", "about"),
    # a floor rounded down stays a floor (30.36 or more, printed 30.3) ...
    ("floor_to(ach_pd_participants / ach_pd_trainings, 0.1)", "30.3", "at least"),
    # ... but rounded up it is not one: 30.4 may be more than the truth (30.36).
    ("ceil_to(ach_pd_participants / ach_pd_trainings, 0.1)", "30.4", "about"),
    # exact figures carry no hedge, whatever the display's rounding.
    ("fin_educational_amount / fin_budget_total * 100", "9.4%", ""),
    # $2.5 million over "over 50" sessions: the sessions only make the share per session smaller.
    ("p1_multilingual_grant / p1_multilingual_sessions", "$50,000", "at most"),
])
def test_a_derived_number_carries_the_direction_of_its_bound(formula, printed, expected):
    assert bounds.hedge(formula, printed) == expected


def test_a_figure_alone_keeps_its_own_words_unless_the_data_supplies_them():
    assert bounds.hedge("p2_conference_educators", "400") == "over"
    assert bounds.hedge("glance_students_served", "2 million") == "nearly"
    # "More than 250 educators, 100 parents and 50 newcomer students": the hedge is printed once.
    assert bounds.hedge("p3_immigrant_workshop_parents", "100") == ""


def test_a_declared_number_prints_its_hedge():
    [alone, share] = [declarations.evaluate(e) for e in load_text(
        "numbers:\n  a: p2_conference_educators\n"
        "  b: {formula: p2_conference_educators * p2_conference_better_equipped / 100, unit: count}", "x")]
    assert (alone["text"], alone["hedge"]) == ("over 400", "over")
    assert (share["text"], share["hedge"]) == ("at least 392", "at least")


def test_bare_is_for_a_hedged_number_only():
    [bare] = [declarations.evaluate(e) for e in load_text(
        "numbers:\n  a: {formula: p2_conference_educators, bare: true}", "x")]
    assert (bare["text"], bare["hedge"]) == ("400", "over")
    [exact] = load_text("numbers:\n  a: {formula: fin_budget_total, bare: true}", "x")
    with pytest.raises(DeclarationError, match="bare: true is for a hedged number"):
        declarations.evaluate(exact)


def test_a_combination_of_groups_needs_its_caveat():
    sum_text = "p3_immigrant_workshop_educators + p3_immigrant_workshop_parents"
    with pytest.raises(DeclarationError, match="combines counts of different groups"):
        load_text(f"numbers:\n  a: {{formula: {sum_text}, unit: count}}", "x")
    [entry] = load_text(f"numbers:\n  a: {{formula: {sum_text}, unit: count, combines: May count a parent twice.}}",
                        "x")
    assert declarations.evaluate(entry)["caveat"] == "May count a parent twice."
    # the same quantity at two dates is a change, not a mix; one group is no combination at all
    assert declarations.combined_groups("ach_da_attendance - ach_da_attendance_baseline") == []
    with pytest.raises(DeclarationError, match="combines is for a number that"):
        load_text("numbers:\n  a: {formula: p2_ease_counseling_employees / p2_ease_employees, unit: ratio, "
                  "combines: Nothing.}", "x")


def test_a_chart_labels_a_hedged_value_with_its_hedge():
    chart = plots.ordered_bars(["Conference", "Training"], [formats.Hedged(400, "over"), 297])
    assert chart.data == [("Conference", "over 400"), ("Training", "297")]


