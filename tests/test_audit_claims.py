"""Issue 32 item 5: claims of rank, primacy or comparison found in the text, and money set against the budget.

The expected sets below were read off the report text by hand (every "largest",
"first", "only", "leader", "ranked", "top", "one of", "number one", "surpassing",
"record", "above" in it, each judged), not taken from the code's output.
"""
import pytest

from lacoe_report.core import audit as audit_pkg
from lacoe_report.core.audit import SECOND_LOOK, SpecError, load_text, wording
from lacoe_report.core.audit import claims as C
from lacoe_report.core.audit.spec import load
from lacoe_report.core.paths import AUDIT_RELATIONS_YML
from lacoe_report.core.source_text import report_text

from test_audit import raised, table


def settings(name: str) -> dict:
    figures = audit_pkg.audit().figures
    return dict(load(AUDIT_RELATIONS_YML, figure_ids=set(figures.index)).detectors[name])


# Every claim of rank, primacy or comparison the report makes, and what the audit should do with it.
REPORT_CLAIMS = {
    # at a glance: no source, no measure, no runner-up
    ("nation’s largest", "raised"),
    # achievements: the field is "the nation", the comparison and its source are not given
    ("the largest", "raised"),
    # achievements: membership of a set of stated size, nothing ranked by a measure
    ("is one of eight", "settled"),
    # achievements: "out of 105 organizations statewide" states the field, not the ranking body or date
    ("a prominent leader in", "field"),
    ("ranked 7th", "field"),
    # achievements: first among which county offices, by whose record?
    ("became the first", "raised"),
    # wellbeing: the industry standard is neither given nor sourced
    ("surpassing", "raised"),
    # community: the report's own past, nothing outside compared
    ("For the first", "own"),
    # community: "the leader in the state" with no measure or source
    ("the leader in", "raised"),
    # the report's own lists: its top 10 achievements, its website's top 10 pages
    ("top 10", "own"),
    # schools: source and year given ("for 2024, according to Niche rankings")
    ("number one", "sourced"),
}


def test_the_detector_finds_every_claim_the_report_makes():
    found = C.find(report_text(), settings("claims"))
    assert {(c.phrase, c.status) for c in found} == REPORT_CLAIMS
    assert len(found) == 12  # "top 10" twice
    rank = next(c for c in found if c.phrase == "ranked 7th")
    assert rank.field == "out of 105 organizations statewide"


def test_the_report_raises_one_question_per_unsettled_claim():
    result = audit_pkg.audit()
    got = {r.id for r in result.raised["claims"]}
    assert got == {"claim-primacy-nation-s-largest-regional-education-agency",
                   "claim-primacy-ach-community-schools-supported",  # "over 465 community schools" beside it
                   "claim-rank-ach-legislative-rank",  # "leader" and "ranked 7th": one sentence, one question
                   "claim-primacy-became-the-first-county-office",
                   "claim-comparison-p2-ease-utilization",  # the id chapters/pillar2_wellbeing cites
                   "claim-primacy-the-leader-in-the-state"}
    # The comparison is asked once: the growth detector no longer asks it.
    assert not any("comparison" in r.id for r in result.raised["growth"])
    rank = result.question("claim-rank-ach-legislative-rank")
    assert rank.verdict == SECOND_LOOK and "out of 105 organizations statewide" in rank.explanation
    assert "not who made the comparison" in rank.explanation
    assert result.question("claim-primacy-nation-s-largest-regional-education-agency").explanation.startswith(
        "In LACOE at a Glance,")


PARAMS = {"patterns": {"rank": ["ranked {n}", "top {n}"], "primacy": ["(?:became|is|was|for) the first",
                                                                      "(?:is|was|be|as) the only", "(?:a|the) leading",
                                                                      "(?:a|an|the) (?:\\w+ )?leader (?:in|among)",
                                                                      "record(?: high| number)"],
                       "membership": ["(?:is|was|as) one of {n}"], "comparison": ["surpass\\w*"]},
          "own": ["our top {n}", "for the first time"], "source": ["according to"],
          "field": ["out of {n}[^,.;]*", "one of {n}[^,.;]*"], "field_settles": ["membership"],
          "weights": {"primacy": 0.4}, "settle": {"primacy": "the list compared against"}}


def test_ordinary_uses_of_the_words_are_not_claims():
    text = ("First-generation students enrolled on the first day of school. Growth should cease only at death. "
            "LACOE is leading a statewide initiative for school leaders, recording 88,400 checkouts. "
            "125 educators completed one of five pathways in the first quarter of 2024.")
    assert C.find(text, PARAMS) == []


def test_a_claim_with_a_field_a_source_or_its_own_past():
    text = ("LACOE ranked 7th out of 105 agencies. It is the only agency that does it. "
            "It is one of eight centers in the state. It was number one, according to X. "
            "For the first time, students met. Our top 10 achievements follow.")
    got = [(c.kind, c.status) for c in C.find(text, {**PARAMS, "patterns": {**PARAMS["patterns"],
                                                                           "rank": ["ranked {n}", "top {n}",
                                                                                    "number one"]}})]
    assert got == [("rank", "field"), ("primacy", "raised"), ("membership", "settled"), ("rank", "sourced"),
                   ("primacy", "own"), ("rank", "own")]


def test_a_raised_claim_is_one_question_with_what_would_settle_it():
    text = "Our program served 1,234 students. It became the first program to do so, a record high."
    f = table(dict(id="kids", value=1234, quote="served 1,234 students", section="achievements"))
    [r] = raised("claims", f, text, **PARAMS)
    # No figure within 12 words of "became the first": the id comes from the claim's words.
    assert r.id == "claim-primacy-became-the-first-program-to"
    assert r.finding.details["claims"] == [["primacy", "became the first"], ["primacy", "record high"]]
    assert r.settle == "the list compared against" and r.strength == pytest.approx(0.4)
    assert r.finding.explanation.startswith("In the achievements, the report claims a primacy:")
    assert wording.problems(r.finding.explanation, f, r.inputs) == []


def test_the_claims_settings_are_checked_on_load():
    figures = audit_pkg.audit().figures
    good = AUDIT_RELATIONS_YML.read_text(encoding="utf-8")
    load_text(good, figure_ids=set(figures.index))
    bad = good.replace("own: ['our top {n}'", "own: ['our top ({n}'")
    with pytest.raises(SpecError, match=r"field 'detectors.claims.own': 'our top \(\{n\}' is not a regular"):
        load_text(bad, figure_ids=set(figures.index))
    bad = good.replace("not_own: [statewide, not a lacoe amount]", "not_own: statewide")
    with pytest.raises(SpecError, match="detectors.budget.not_own"):
        load_text(bad, figure_ids=set(figures.index))


# --------------------------------------------------------------------------
# Money stated outside the financial overview
# --------------------------------------------------------------------------
def test_money_outside_the_budget_section_is_one_question_and_statewide_money_is_quiet():
    f = table(dict(id="budget", value=627e6, unit="usd", metric="total", section="financial_overview",
                   as_written="$627 Million", assumed="period", assumed_why="No year."),
              dict(id="line", value=59e6, unit="usd", section="financial_overview", part_of="total"),
              dict(id="grant", value=5e6, unit="usd", as_written="$5 million", quote="a $5 million grant"),
              dict(id="state", value=250e6, unit="usd", as_written="$250 million",
                   quote="the statewide network, securing $250 million"),
              dict(id="gov", value=4.7e9, unit="usd", as_written="$4.7 billion", note="Not a LACOE amount."))
    text = "We won a $5 million grant. We backed the statewide network, securing $250 million. $627 Million."
    [r] = raised("budget", f, text, budget_metric="total", not_own=["statewide", "not a lacoe amount"])
    assert r.id == "money-against-budget" and r.inputs == ["budget", "grant"]
    assert r.finding.details["sums"] == {"grant": 5e6}
    assert "if its period is 2023-24 as the data reads it" in r.finding.explanation
    assert wording.problems(r.finding.explanation, f, r.inputs) == []


def test_the_report_sets_five_sums_against_its_budget():
    r = audit_pkg.audit().question("money-against-fin-budget-total")
    # Read off the report: $84M of grants, the $5M literacy grant, the $2.5M multilingual grant, the
    # $9M CCSPP funding and the foundation's $733,700; not the Governor's $4.7B nor the statewide $250M.
    assert set(r.finding.details["sums"].values()) == {84e6, 5e6, 2.5e6, 9e6, 733700}
    assert r.inputs[0] == "fin_budget_total"
