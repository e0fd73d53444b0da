"""What each detector tells the reader, field by field, on small tables worked by hand.

``test_audit.py`` checks that each detector raises the right question; these
tests check what the audit chapter then prints about it: the question, the
figures it names, the numbers in the explanation (each worked out by hand in
a comment), what would settle it, and the strength that ranks it among
findings of the same verdict. Defaults of the settings (``params``) are
checked at their edges, as the relations file may leave them out.
"""
from fractions import Fraction

import pytest

from lacoe_report.core.audit import CONSISTENT, INCONSISTENT, NOT_CHECKABLE, SECOND_LOOK, WITHIN_ROUNDING
from test_audit import GROWTH_WORDS, check, raised, table


def fields(r) -> dict:
    """The parts of a raised question the audit chapter shows, explanation aside."""
    return {"id": r.id, "detector": r.detector, "description": r.description, "inputs": list(r.inputs),
            "unit": r.unit, "verdict": r.finding.verdict, "computed": r.finding.computed,
            "stated": r.finding.stated, "settle": r.settle, "strength": pytest.approx(r.strength)}


# -- granularity ------------------------------------------------------------------------------------------

def test_granularity_a_percentage_of_an_exact_head_count():
    # 50% of exactly 3 people: 1 of 3 is 33.3%, 2 of 3 is 66.7%: no whole number gives 50%.
    f = table(dict(id="n", value=3, metric="n", label="People asked"),
              dict(id="half", value=50, unit="percent", part_of="n", label="Share who agreed", as_written="50%"))
    [r] = raised("granularity", f)
    got = fields(r)
    assert got.pop("computed") is not None and got.pop("stated") is not None
    assert got == {"id": "granularity-half", "detector": "granularity",
                   "description": "Share who agreed: a whole number of the people asked?",
                   "inputs": ["half", "n"], "unit": "percent", "verdict": INCONSISTENT,
                   "settle": "the number of people who answered, and how many gave each answer",
                   "strength": pytest.approx(0.9)}
    assert r.finding.details == {"percent": 50.0, "base": 3.0, "step": 1.0}


def test_granularity_a_hedged_head_count_is_a_second_look():
    # "about 3 people": the count may not be exactly 3, so a second look, weaker.
    f = table(dict(id="n", value=3, metric="n", qualifier="approximately"),
              dict(id="half", value=50, unit="percent", part_of="n", as_written="50%"))
    [r] = raised("granularity", f)
    assert (r.finding.verdict, r.strength) == (SECOND_LOOK, pytest.approx(0.6))


def test_granularity_looks_only_at_the_base_of_the_same_period():
    f = table(dict(id="n", value=3, metric="n", period="2022-23"),
              dict(id="half", value=50, unit="percent", part_of="n", as_written="50%"))
    assert raised("granularity", f) == []


@pytest.mark.parametrize("base, raised_", [(20, True), (19, False)])
def test_unanimity_is_questioned_from_twenty_people_by_default(base, raised_):
    f = table(dict(id="n", value=base, metric="n", label="Parents surveyed"),
              dict(id="all", value=100, unit="percent", part_of="n", label="Satisfied", as_written="100%"))
    found = raised("granularity", f)
    assert bool(found) is raised_
    if raised_:
        [r] = found
        assert fields(r) == {"id": "unanimous-all", "detector": "granularity",
                             "description": f"Satisfied: unanimous among {base}?", "inputs": ["all", "n"],
                             "unit": "percent", "verdict": SECOND_LOOK, "computed": float(base),
                             "stated": 100.0, "settle": "the number who answered the question",
                             "strength": pytest.approx(0.45)}
        assert r.finding.details == {"percent": 100.0, "base": float(base)}


def test_no_one_at_all_is_unanimity_too():
    f = table(dict(id="n", value=40, metric="n"), dict(id="none", value=0, unit="percent", part_of="n",
                                                       as_written="0%"))
    assert [r.id for r in raised("granularity", f)] == ["unanimous-none"]
    # 1% of 40 people is 0.4 of a person: a whole-number question, not unanimity.
    one = table(dict(id="n", value=40, metric="n"), dict(id="one", value=1, unit="percent", part_of="n",
                                                         as_written="1%"))
    assert [r.id for r in raised("granularity", one)] == ["granularity-one"]


def brute_smallest_base(pct: str, step: str) -> int:
    """The fewest people n with some k of them in [pct - step/2, pct + step/2] percent, exactly."""
    lo, hi = Fraction(pct) - Fraction(step) / 2, Fraction(pct) + Fraction(step) / 2
    return next(n for n in range(1, 1001) if any(lo <= Fraction(100 * k, n) <= hi for k in range(n + 1)))


def test_a_precise_percentage_of_a_tiny_group():
    # 90.9% fits 10 of 11 = 90.909...%: a group of 11, each person worth 9.1 points.
    assert brute_smallest_base("90.9", "0.1") == 11
    f = table(dict(id="rate", value=90.9, unit="percent", as_written="90.9%", label="Completion rate"))
    [r] = raised("granularity", f)
    assert fields(r) == {"id": "small-base-rate", "detector": "granularity",
                         "description": "Completion rate: how many people is it a percentage of?",
                         "inputs": ["rate"], "unit": "percent", "verdict": SECOND_LOOK, "computed": 11.0,
                         "stated": 90.9, "settle": "the number of people the rate is computed over",
                         "strength": pytest.approx(0.3)}
    assert r.finding.details == {"percent": 90.9, "smallest_base": 11, "of_smallest": 10}
    assert r.finding.explanation == (
        "The report prints 90.9% without the number of people it is a percentage of. Its precision fits a "
        "group as small as 11: 10 of 11 is 90.91%. A rate that precise over so few people moves by 9.1 "
        "percentage points with each person.")  # a change of a percentage is written in points


@pytest.mark.parametrize("pct, small", [("55.0", True), ("52.6", True), ("50.5", False)])
def test_a_tiny_group_is_at_most_twenty_people_by_default(pct, small):
    # 55.0% is 11 of 20; 52.6% is 10 of 19 (52.63%); 50.5% needs 101 people (51 of 101 = 50.50%).
    base = brute_smallest_base(pct, "0.1")
    assert (base <= 20) is small
    f = table(dict(id="rate", value=float(pct), unit="percent", as_written=f"{pct}%"))
    found = raised("granularity", f)
    assert [r.finding.details["smallest_base"] for r in found] == ([base] if small else [])


def test_a_whole_percentage_without_a_base_is_not_questioned():
    # 50% printed whole fits 1 of 2: every whole percentage fits some small group, so it says nothing.
    assert raised("granularity", table(dict(id="rate", value=50, unit="percent", as_written="50%"))) == []


# -- copy errors ----------------------------------------------------------------------------------------

def test_a_copied_figure_is_described_with_the_odds_of_chance():
    # 722 in two topics, among 26 other counts 101..128 (110 and 120 have two significant digits: not precise).
    others = [dict(id=f"o{v}", value=v, topic=f"t{v}") for v in range(101, 129) if v % 10]
    f = table(dict(id="ai", value=722, topic="ai", label="AI course enrolments"),
              dict(id="gain", value=722, topic="adult", label="Adult learners"), *others)
    [r] = raised("copy_error", f)
    # Worked by hand: 28 precise 3-digit counts make 28 * 27 / 2 = 378 pairs; two of the 900 3-digit
    # values match with odds 1 in 900, so chance gives 378 / 900 = 0.42 matching pairs.
    # Strength: 0.6 + 0.05 per figure (2 -> 0.1) + 0.05 per digit over the minimum (0) - 0.1 * 0.42 = 0.658.
    assert fields(r) == {"id": "copy-722", "detector": "copy_error",
                         "description": "The same 722 for 2 unrelated quantities", "inputs": ["ai", "gain"],
                         "unit": "count", "verdict": SECOND_LOOK, "computed": 2.0, "stated": 722.0,
                         "settle": "each figure's source record", "strength": pytest.approx(0.658)}
    assert r.finding.details == {"value": 722.0, "metrics": ["ai", "gain"], "peers": 28, "digits": 3,
                                 "expected_by_chance": pytest.approx(0.42)}
    assert r.finding.explanation.startswith(
        "The report prints 722 for 2 quantities that have nothing to do with each other: "
        "722 (AI course enrolments, the prose of the achievements); 722 (adult learners, the prose of the "
        "achievements). A figure with 3 significant digits repeated across topics")
    assert "among the report's 28 distinct 3-digit figures in this unit, about 0.42 pairs" in r.finding.explanation


def test_copy_errors_need_three_significant_digits_by_default():
    # 720 carries two significant digits: a round number repeats by itself.
    f = table(dict(id="a", value=720, topic="x"), dict(id="b", value=720, topic="y"))
    assert raised("copy_error", f) == []
    assert [r.id for r in raised("copy_error", f, min_significant_digits=2)] == ["copy-720"]


# -- parts and wholes -----------------------------------------------------------------------------------

def test_a_part_larger_than_its_whole_names_both_places():
    f = table(dict(id="pd", value=9018, metric="participants", label="Participants"),
              dict(id="da", value=10603, part_of="participants", section="pillar_wellbeing",
                   label="Attendees"))
    [r] = raised("part_whole", f)
    # ratio 10,603 / 9,018 = 1.1758; strength 0.5 + 0.3 * 0.1758 + 0.15 * 0.1758 + 0.2 (inconsistent)
    ratio = 10603 / 9018
    assert fields(r) == {"id": "part-whole-participants", "detector": "part_whole",
                         "description": "Parts stated across the report against the participants",
                         "inputs": ["pd", "da"], "unit": "count", "verdict": INCONSISTENT,
                         "computed": 9018.0, "stated": 10603.0,
                         "settle": "what the whole counts, and whether each part is included in it",
                         "strength": pytest.approx(0.5 + 0.45 * (ratio - 1) + 0.2)}
    # nothing left out, and the part is the data's own reading of the whole, not an assumption
    assert r.finding.details == {"whole": 9018.0, "parts_total": 10603.0, "largest_part": 10603.0,
                                 "parts": {"da": 10603.0}, "left_out": {}, "conditional": False}
    assert r.finding.explanation.endswith(
        " The whole is stated in the prose of the achievements, the part in the prose of the wellbeing pillar.")


def test_parts_in_the_same_place_and_their_total():
    f = table(dict(id="w", value=100, metric="w", label="Whole"),
              dict(id="p1", value=120, part_of="w", label="First part"),
              dict(id="p2", value=30, part_of="w", label="Second part"))
    [r] = raised("part_whole", f)
    assert r.inputs == ["w", "p1", "p2"]
    assert r.finding.details["parts_total"] == 150.0 and r.finding.details["largest_part"] == 120.0
    assert " Both are stated in the prose of the achievements." in r.finding.explanation
    assert r.finding.explanation.endswith(
        " Together the 2 parts come to 150: 120 first part (the prose of the achievements), "
        "30 second part (the prose of the achievements).")
    # ratio 1.2, total / whole 1.5: 0.5 + 0.3 * 0.2 + 0.15 * 0.5 + 0.2
    assert r.strength == pytest.approx(0.5 + 0.06 + 0.075 + 0.2)


def test_the_worst_part_is_reported_and_the_strength_is_capped():
    f = table(dict(id="w", value=10, metric="w"), dict(id="small", value=11, part_of="w"),
              dict(id="big", value=40, part_of="w"))
    [r] = raised("part_whole", f)
    assert r.finding.stated == 40.0  # the largest part
    assert "40" in r.finding.explanation.split(".")[0]
    assert r.strength == 1.0  # 0.5 + 0.3 + 0.15 + 0.2, capped


def test_a_part_in_another_unit_is_not_compared():
    f = table(dict(id="w", value=10, metric="w"), dict(id="p", value=50, part_of="w", unit="percent",
                                                       as_written="50%"))
    assert raised("part_whole", f) == []


# -- hedges ---------------------------------------------------------------------------------------------

def test_a_hedge_clash_names_both_hedges_and_places():
    f = table(dict(id="a", value=500, metric="m", qualifier="nearly", label="Volunteers"),
              dict(id="b", value=500, metric="m", qualifier="over", section="closing"))
    [r] = raised("hedges", f)
    assert fields(r) == {"id": "hedge-clash-m", "detector": "hedges",
                         "description": "Volunteers: hedges that cannot both hold", "inputs": ["a", "b"],
                         "unit": "count", "verdict": INCONSISTENT, "computed": 500.0, "stated": 500.0,
                         "settle": "the exact figure", "strength": pytest.approx(0.8)}
    assert r.finding.explanation == (
        "The report says nearly 500 in the prose of the achievements and over 500 in the prose of the closing "
        "page: no value is both, so one hedge is wrong.")
    # "nearly 500" is 499 or below in whole people; "over 500" is 501 or more.
    assert r.finding.details["ranges"]["b"][0] == 501


def test_a_dropped_hedge_lists_each_pair():
    f = table(dict(id="prose", value=400, metric="m", qualifier="over"),
              dict(id="callout", value=400, metric="m", presentation="callout"))
    [r] = raised("hedges", f)
    assert fields(r) == {"id": "hedge-dropped", "detector": "hedges",
                         "description": "Figures stated flat in one place and hedged in another",
                         "inputs": ["callout", "prose"], "unit": "count", "verdict": SECOND_LOOK,
                         "computed": 1.0, "stated": None, "settle": "the exact counts behind the rounded figures",
                         "strength": pytest.approx(0.35)}
    assert r.finding.details == {"pairs": [["callout", "prose"]], "count": 1}
    assert r.finding.explanation.startswith(
        "1 figures are printed bare in one place and hedged in another: 400 in the callout of the achievements "
        "but over 400 in the prose of the achievements.")


@pytest.mark.parametrize("value, questioned", [(9018, True), (9000, False), (7, False), (15, True)])
def test_a_hedge_on_an_exact_looking_count(value, questioned):
    # Not a multiple of ten (the default) and at least ten: "over 9,018" looks exact.
    f = table(dict(id="x", value=value, qualifier="over", label="Educators"))
    found = raised("hedges", f)
    assert bool(found) is questioned
    if questioned:
        [r] = found
        got = fields(r)
        assert got.pop("strength") == pytest.approx(0.45 + 0.05 * min(len(str(value)) - 2, 2))
        assert got == {"id": "hedge-exact-x", "detector": "hedges",
                       "description": "Educators: an exact-looking count with a hedge", "inputs": ["x"],
                       "unit": "count", "verdict": SECOND_LOOK, "computed": None, "stated": float(value),
                       "settle": "the exact count"}
        assert r.finding.details == {"value": float(value), "qualifier": "over"}


def test_an_exact_looking_count_is_questioned_once_per_metric():
    f = table(dict(id="a", value=9018, metric="m", qualifier="over"),
              dict(id="b", value=9018, metric="m", qualifier="over", presentation="callout"))
    assert [r.id for r in raised("hedges", f)] == ["hedge-exact-m"]


# -- restatements, per unit -------------------------------------------------------------------------------

def test_a_restatement_names_its_places():
    f = table(dict(id="a", value=465, metric="m", label="Graduates"),
              dict(id="b", value=467, metric="m", section="closing"))
    [r] = raised("restatement", f)
    got = fields(r)
    assert {k: got[k] for k in ("id", "detector", "description", "inputs", "unit", "settle", "strength")} == {
        "id": "restated-m", "detector": "restatement", "description": "Graduates: one quantity, different values",
        "inputs": ["a", "b"], "unit": "count", "settle": "which value is right", "strength": pytest.approx(0.9)}


def test_a_restatement_within_the_hedges_is_a_weaker_second_look():
    f = table(dict(id="a", value=465, metric="m", qualifier="nearly"), dict(id="b", value=460, metric="m"))
    [r] = raised("restatement", f)
    assert r.finding.verdict != INCONSISTENT and r.strength == pytest.approx(0.6)


def test_fewer_than_one_per_unit_in_words_and_numbers():
    f = table(dict(id="districts", value=80, label="Districts"),
              dict(id="members", value=48, per="districts", label="Board members"))
    [r] = raised("per_unit", f)
    # 48 / 80 = 0.6 per district; 32 districts without one; strength 0.3 + 0.3 * 0.4
    assert fields(r) == {"id": "per-unit-members", "detector": "per_unit",
                         "description": "Board members: fewer than one per unit of the districts",
                         "inputs": ["members", "districts"], "unit": "per_unit", "verdict": SECOND_LOOK,
                         "computed": pytest.approx(0.6), "stated": 1.0,
                         "settle": "how the count is spread over the units", "strength": pytest.approx(0.42)}
    assert r.finding.explanation == (
        "The report relates 48 board members to 80 districts: 0.60 for each of the districts, so at least 32 "
        "of the districts have none of their own.")
    # Exactly one each is enough.
    assert raised("per_unit", table(dict(id="d", value=80), dict(id="m", value=80, per="d"))) == []


# -- growth -----------------------------------------------------------------------------------------------

def test_a_growth_rate_without_its_start():
    f = table(dict(id="reach", value=65000, metric="reach", quote="to 65,000", label="Reach"),
              dict(id="rate", value=28.9, unit="percent_change", part_of="reach", as_written="28.9%",
                   quote="increased by 28.9%", label="Reach growth"))
    text = "Reach increased by 28.9% to 65,000."
    [r] = raised("growth", f, text, **GROWTH_WORDS)
    assert fields(r) == {"id": "growth-rate", "detector": "growth",
                         "description": "Growth rates without a starting value: Reach growth", "inputs": ["rate"],
                         "unit": "percent_change", "verdict": SECOND_LOOK, "computed": None, "stated": 28.9,
                         "settle": "the previous year's values", "strength": pytest.approx(0.5)}
    # 65,000 / 1.289 = 50,426.7
    assert r.finding.explanation == (
        "The report gives 1 rate of growth in one sentence: 28.9% (reach growth) to 65,000, which implies a "
        "start of about 50,427 that the report never prints. Without the earlier values none can be checked "
        "from the report.")
    assert r.finding.details["rates"] == {"rate": 28.9}


def test_a_growth_rate_without_start_or_end():
    f = table(dict(id="rate", value=12, unit="percent_change", as_written="12%", quote="grew 12%",
                   label="Growth"),
              dict(id="rate2", value=5, unit="percent_change", as_written="5%", quote="and 5%",
                   label="Other growth"))
    [r] = raised("growth", f, "Visits grew 12% and 5% this year.", **GROWTH_WORDS)
    assert r.inputs == ["rate", "rate2"] and r.strength == pytest.approx(0.55)
    assert r.finding.explanation.startswith(
        "The report gives 2 rates of growth in one sentence: 12.0% (growth) with neither the start nor the "
        "end value; 5.0% (other growth) with neither")
    assert r.finding.details["implied_starts"] == {}


def test_growth_claimed_in_words_next_to_a_figure():
    f = table(dict(id="cands", value=230, quote="attracting 230 in-person candidates", label="Candidates"))
    text = "The fair saw significant growth, attracting 230 in-person candidates."
    [r] = raised("growth", f, text, **GROWTH_WORDS)
    assert fields(r) == {"id": "claim-growth-cands", "detector": "growth",
                         "description": "Growth claimed without a base: Candidates", "inputs": ["cands"],
                         "unit": "count", "verdict": SECOND_LOOK, "computed": None, "stated": 1.0,
                         "settle": "the earlier figure or the standard compared with",
                         "strength": pytest.approx(0.5)}  # the claim's weight in GROWTH_WORDS
    assert r.finding.explanation == (
        "1 sentence claims growth next to a figure but gives no earlier value or standard to compare with: "
        "'growth' with 230 candidates. The claim cannot be checked from the report.")
    assert r.finding.details == {"claims": [["growth", ["cands"]]], "claim": "growth"}


def test_claims_in_two_sentences_and_the_default_weight():
    f = table(dict(id="a", value=230, quote="attracting 230 people", label="People"),
              dict(id="b", value=41, quote="to 41 sites", label="Sites"))
    text = "The programme expanded, attracting 230 people. It expanded again to 41 sites."
    [r] = raised("growth", f, text, claim_words={"expansion": ["expanded"]})
    assert r.id == "claim-expansion-a" and r.inputs == ["a", "b"]
    assert r.description == "An expansion claimed without a base (2 sentences)"
    assert r.strength == pytest.approx(0.3)  # no weight given for the kind
    assert r.finding.explanation.startswith("2 sentences claim an expansion next to a figure but give no")
    assert r.finding.explanation.endswith("The claims cannot be checked from the report.")


def test_a_claim_word_too_far_from_the_figure_is_not_a_claim():
    f = table(dict(id="a", value=230, quote="attracting 230 people"))
    text = "Growth was one of many words in a very long sentence before it ended attracting 230 people."
    # "Growth" is the sentence's first word, 230 its sixteenth: 15 words apart; the window is 8 by default.
    assert raised("growth", f, text, claim_words=GROWTH_WORDS["claim_words"]) == []
    assert raised("growth", f, text, **{**GROWTH_WORDS, "window_words": 14}) == []
    assert [r.id for r in raised("growth", f, text, **{**GROWTH_WORDS, "window_words": 15})] == ["claim-growth-a"]


# -- periods ----------------------------------------------------------------------------------------------

def test_a_count_from_before_the_year_among_its_results():
    f = table(dict(id="since", value=5000, period="2021-22 to 2023-24", label="Families served"),
              dict(id="year", value=300))
    [r] = raised("period", f, report_period="2023-24")
    assert fields(r) == {"id": "period-since", "detector": "period",
                         "description": "A count that may run from before 2023-24, in the achievements",
                         "inputs": ["since"], "unit": "count", "verdict": SECOND_LOOK, "computed": None,
                         "stated": 1.0, "settle": "the counts for 2023-24 alone, and when each count began",
                         "strength": pytest.approx(0.3)}
    assert r.finding.explanation == (
        # the period is the report's own (not assumed), so the sentence may say it starts before the year
        "1 figure in the achievements counts over a period that starts before 2023-24: 5,000 families served, "
        "over 2021-22 to 2023-24. Printed among the results of 2023-24, it reads as that year's; the report does "
        "not say how much of it falls in 2023-24.")
    assert r.finding.details == {"figures": {"since": "2021-22 to 2023-24"}, "report_period": "2023-24",
                                 "certain": 1}


def test_counts_from_before_the_year_in_an_exempt_section_or_without_a_year():
    f = table(dict(id="a", value=5000, period="2021-22 to 2023-24"),
              dict(id="b", value=70, period="2022-23 to 2023-24"))
    [r] = raised("period", f, report_period="2023-24")
    assert r.description == "Counts that may run from before 2023-24, in the achievements" and r.inputs == ["a", "b"]
    assert "2 figures in the achievements count over" in r.finding.explanation
    assert "they read as that year's" in r.finding.explanation and "how much of each" in r.finding.explanation
    assert raised("period", f, report_period="2023-24", exempt_sections=["achievements"]) == []
    assert raised("period", f) == []  # no report year given: nothing to compare with
    # A period wholly before the year is a baseline, not a cumulative count.
    assert raised("period", table(dict(id="c", value=1, period="2022-23")), report_period="2023-24") == []


# -- the per_unit check kind ------------------------------------------------------------------------------

def test_per_unit_kind_words_and_limits():
    f = table(dict(id="meals", value=1200, label="Meals"), dict(id="sites", value=40, label="Sites"))
    # 1,200 meals for 40 sites is 30 each.
    high = check("per_unit", f, amount=["meals"], per=["sites"], params={"at_most": 25})
    assert (high.verdict, high.computed, high.stated) == (SECOND_LOOK, 30.0, 25.0)
    assert high.explanation == (
        "1,200 meals for 40 sites is 30.0 for each of the sites, more than the 25.0 the relations file allows "
        "for one scope: the two figures must cover different people or things, and the report does not say "
        "which.")
    assert high.details == {"per_unit": 30.0, "amount": 1200.0, "units": 40.0, "months": 1.0}
    low = check("per_unit", f, amount=["meals"], per=["sites"], params={"at_least": 31})
    assert (low.verdict, low.stated) == (SECOND_LOOK, 31.0)
    assert low.explanation == ("1,200 meals for 40 sites is 30.0 for each of the sites, fewer than 31.0: "
                               "some units have none.")
    assert low.stated_text == "at least 31 (limit of the relations file)"
    within = check("per_unit", f, amount=["meals"], per=["sites"], params={"at_least": 30, "at_most": 30})
    assert (within.verdict, within.stated) == (CONSISTENT, 30.0)
    assert within.stated_text == "at least 30 and at most 30 (limit of the relations file)"
    assert within.explanation.endswith("within the limits the relations file sets (at least 30 and at most 30).")
    only_floor = check("per_unit", f, amount=["meals"], per=["sites"], params={"at_least": 2})
    assert (only_floor.verdict, only_floor.stated) == (CONSISTENT, 2.0)
    bare = check("per_unit", f, amount=["meals"], per=["sites"])
    assert (bare.verdict, bare.stated) == (NOT_CHECKABLE, None)
    assert bare.explanation == ("1,200 meals for 40 sites is 30.0 for each of the sites; "
                                "no limit is given to compare with.")


def test_per_unit_kind_over_months_and_several_figures():
    f = table(dict(id="a", value=600, label="Calls"), dict(id="b", value=600, label="Emails"),
              dict(id="s", value=10, qualifier="over", label="Staff"))
    # (600 + 600) / 10 / 12 = 10 a month.
    r = check("per_unit", f, amount=["a", "b"], per=["s"], params={"months": 12})
    assert r.computed == 10.0 and r.details["months"] == 12.0
    assert r.explanation.startswith("600 calls and 600 emails over 12 months for over 10 staff is 10.0 a month "
                                    "for each of the staff")
    monthly = check("per_unit", f, amount=["a"], per=["s"], params={"monthly": True})
    assert monthly.explanation.startswith("600 calls for over 10 staff is 60.0 a month for each of the staff")


# -- the check kinds' words -------------------------------------------------------------------------------

def test_at_most_names_the_part_and_the_wholes_added_up():
    f = table(dict(id="pre", value=1000, qualifier="more_than", label="Pre-applications"),
              dict(id="calls", value=340, label="Calls"), dict(id="emails", value=560, label="Emails"))
    r = check("at_most", f, part="pre", whole=["calls", "emails"])
    # more than 1,000 from 340 + 560 = 900: at least 100 too many.
    assert (r.verdict, r.computed, r.stated) == (INCONSISTENT, 900.0, 1000.0)
    assert r.explanation == ("The part, pre-applications (more than 1,000), is larger than the whole, calls plus "
                             "emails (900), by 100.")


def test_at_most_reads_the_hedges_of_several_wholes():
    # "over 340" plus an exact 560 is at least 900: a part of 950 may fit, so only a second look.
    f = table(dict(id="part", value=950, label="Part"), dict(id="a", value=340, qualifier="over", label="A"),
              dict(id="b", value=560, label="B"))
    assert check("at_most", f, part="part", whole=["a", "b"]).verdict == SECOND_LOOK
    # "nearly 340" plus an exact 560: no lower bound the sum can pass, so 950 cannot fit.
    g = table(dict(id="part", value=950), dict(id="a", value=340, qualifier="nearly"), dict(id="b", value=560))
    assert check("at_most", g, part="part", whole=["a", "b"]).verdict == INCONSISTENT
    # Two wholes with the same hedge keep it: "over 340" plus "over 560" is over 900.
    h = table(dict(id="part", value=950), dict(id="a", value=340, qualifier="over"),
              dict(id="b", value=560, qualifier="over"))
    assert "(over 900)" in check("at_most", h, part="part", whole=["a", "b"]).explanation


def test_at_most_gives_the_part_as_a_share_unless_told_not_to():
    f = table(dict(id="uc", value=223, label="UC-ready graduates"), dict(id="d", value=410, label="Diplomas"))
    # 223 / 410 = 54.39%
    assert check("at_most", f, part="uc", whole=["d"]).explanation == (
        "The part, UC-ready graduates (223), is 54.4% of the whole, diplomas (410).")
    assert check("at_most", f, part="uc", whole=["d"], params={"ratio": False}).explanation == (
        "UC-ready graduates (223) stays within diplomas (410).")


def test_a_rating_within_its_scale_in_words():
    f = table(dict(id="r", value=4.7, unit="rating", scale_max="5", as_written="4.7"),
              dict(id="r6", value=6, unit="rating", scale_max="5"))
    ok = check("rating_scale", f, rating="r")
    assert (ok.verdict, ok.computed, ok.stated) == (CONSISTENT, 5.0, 4.7)
    assert ok.explanation == "The rating (4.7) stays within the top of its scale (5)."
    too_high = check("rating_scale", f, rating="r6")
    assert too_high.explanation == ("The part, the rating (6), is larger than the whole, the top of its scale (5), "
                                    "by 1.")


def test_same_quantity_in_words():
    f = table(dict(id="a", value=400, qualifier="over", label="Educators"),
              dict(id="b", value=410, section="closing", label="Teachers"),
              dict(id="c", value=300, label="Staff"), dict(id="d", value=400, label="People"))
    fits = check("same_quantity", f, a="a", b="b")
    assert (fits.verdict, fits.computed, fits.stated) == (SECOND_LOOK, 410.0, 400.0)
    assert fits.details == {"difference": 10.0, "reconcilable": True, "a": 400.0, "b": 410.0}
    assert fits.explanation.startswith(
        "The report states over 400 educators in the prose of the achievements and 410 teachers in the prose of "
        "the closing page: 10 apart. If they count the same things, both can be true")
    apart = check("same_quantity", f, a="b", b="c")
    assert apart.details["reconcilable"] is False
    assert apart.explanation.endswith(
        "110 apart. No reading of the hedges makes them equal: if they count the same things, at most one is "
        "right; the report does not say whether they do.")
    same = check("same_quantity", f, a="a", b="d")
    assert (same.verdict, same.explanation, same.details) == (CONSISTENT, "Both are 400.", {"difference": 0.0})


def test_same_quantity_reads_each_figures_precision():
    # "$1.6 million" covers $1.55-1.65 million: $1,555,556 fits it, so the two can be one amount.
    f = table(dict(id="a", value=1.6e6, unit="usd", as_written="$1.6 million"),
              dict(id="b", value=1555556, unit="usd", as_written="$1,555,556"))
    assert check("same_quantity", f, a="a", b="b").details["reconcilable"] is True
    assert check("same_quantity", f, a="b", b="a").details["reconcilable"] is True
    assert "$44,444 apart" in check("same_quantity", f, a="a", b="b").explanation


def test_growth_kind_reads_the_stated_rate_at_its_precision():
    # 50,427 to 65,000 is +28.898%: the report's "28.9%" and "29%" agree once rounded.
    f = table(dict(id="before", value=50427), dict(id="after", value=65000),
              dict(id="rate", value=28.9, unit="percent_change", as_written="28.9%"),
              dict(id="rough", value=29, unit="percent_change", as_written="29%"))
    assert check("growth", f, before="before", after="after", stated="rate").verdict == WITHIN_ROUNDING
    assert check("growth", f, before="before", after="after", stated="rough").verdict == WITHIN_ROUNDING
    # Without a stated rate there is nothing to compare: the growth is computed, not checked.
    computed = check("growth", f, before="before", after="after")
    assert computed.stated is None and round(computed.computed, 1) == 28.9
    # A fall where the words claim a rise.
    assert check("growth", f, before="after", after="before", stated="rate").verdict == INCONSISTENT
    assert check("growth", f, before="after", after="before", params={"direction": "down"}).verdict != INCONSISTENT


def test_share_kind_names_what_the_percentage_is():
    f = table(dict(id="part", value=59.4e6, unit="usd", as_written="$59.4 million"),
              dict(id="whole", value=627e6, unit="usd", as_written="$627 million"),
              dict(id="pct", value=9.5, unit="percent", as_written="9.5%"))
    # 59.4 / 627 = 9.47%: the printed 9.5% agrees.
    r = check("share", f, part="part", whole="whole", stated="pct", params={"what": "administration's share"})
    assert r.verdict == WITHIN_ROUNDING and round(r.computed, 2) == 9.47
    assert r.explanation == ("$59.4 million of $627 million is 9.47%, which rounds to the stated 9.5% at "
                             "one-decimal precision.")
    # A percentage the amounts cannot give is named by what it is said to be.
    g = table(dict(id="part", value=59.4e6, unit="usd", as_written="$59.4 million"),
              dict(id="whole", value=627e6, unit="usd", as_written="$627 million"),
              dict(id="pct", value=12, unit="percent", as_written="12%"))
    wrong = check("share", g, part="part", whole="whole", stated="pct", params={"what": "administration's share"})
    assert wrong.verdict == INCONSISTENT and "administration's share" in wrong.explanation
    assert "administration's share" not in check("share", g, part="part", whole="whole", stated="pct").explanation
