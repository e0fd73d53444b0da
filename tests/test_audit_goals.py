"""Issue 32 item 5 B: the uncovered detector reads its candidate topics from each pillar's goals.

Expected values read off the report text by hand: five pillars, each opening with one
statement of goals; the topics named there that the rest of the pillar never mentions.
"""
from lacoe_report.core import audit as audit_pkg
from lacoe_report.core.audit import goals as G
from lacoe_report.core.audit.spec import load
from lacoe_report.core.paths import AUDIT_RELATIONS_YML
from lacoe_report.core.source_text import report_text

from test_audit import raised, table


def settings() -> dict:
    figures = audit_pkg.audit().figures
    return dict(load(AUDIT_RELATIONS_YML, figure_ids=set(figures.index)).detectors["uncovered"])


def test_each_pillar_states_its_goals_once():
    text = report_text()
    found = [text[a:b] for a, b in G.goal_sentences(text, settings())]
    assert [s.split(",")[0].split(" we will")[0][:20] for s in found] == [
        "We will improve stud", "We will support a ho", "Through strategic pa", "By focusing on acces",
        "To foster a culture "]
    assert all(s.endswith(".") for s in found)
    assert found[0].endswith("for justice-impacted youth.")


def test_the_report_raises_at_least_the_questions_of_the_hand_list():
    result = audit_pkg.audit()
    topics = {r.id: r.finding.details["topics"] for r in result.raised["uncovered"]}
    # The four sections the hand list raised, with the same topics ...
    assert topics["uncovered-pillar-student-outcomes"] == ["numeracy", "programs for justice-impacted youth"]
    assert topics["uncovered-pillar-wellbeing"] == ["student engagement and absenteeism"]
    assert topics["uncovered-pillar-community"] == ["the demographics of recruitment to the specialized high schools"]
    assert topics["uncovered-pillar-excellence"] == ["customer satisfaction"]
    # ... and one the goals give that no one listed: "accessibility" occurs nowhere else in the report.
    assert topics["uncovered-pillar-communication"] == ["focusing on accessibility"]
    assert "accessib" not in report_text().lower().replace("focusing on accessibility", "")


GOALS = {"goal_markers": ["we will"], "goal_starts": ["We will"], "topic_breaks": [r",\s*(?:and\s+)?", r"\s+by\s+"],
         "stop_words": ["improve", "making", "gains", "reducing", "outcomes"], "min_word_length": 5,
         "stem_length": 7}


def test_a_goal_topic_nothing_else_covers_is_raised_without_a_hand_list():
    f = table(dict(id="a", value=50, section="pillar_x", quote="trained 50 teachers in literacy"))
    text = ("Pillar X We will improve outcomes by making gains in literacy, reducing truancy. "
            "We trained 50 teachers in literacy.")
    [r] = raised("uncovered", f, text, **GOALS)
    # "literacy" occurs again in the section; "truancy" does not.
    assert r.id == "uncovered-pillar-x" and r.finding.details["topics"] == ["reducing truancy"]
    covered = text + " Truancy fell by 3 days."
    f2 = table(dict(id="a", value=50, section="pillar_x", quote="trained 50 teachers in literacy"),
               dict(id="b", value=3, section="pillar_x", quote="fell by 3 days"))
    assert raised("uncovered", f2, covered, **GOALS) == []


def test_a_hand_claim_inside_a_goal_topic_names_it_and_brings_its_words():
    f = table(dict(id="a", value=50, section="pillar_x", quote="trained 50 teachers in literacy"))
    text = "We will improve outcomes by making gains in literacy and numeracy. We trained 50 teachers in literacy."
    claim = {"section": "pillar_x", "topic": "numeracy", "quote": "gains in literacy and numeracy",
             "evidence": ["numeracy", "math"]}
    # Its own words would find "literacy" and call the topic covered; the claim asks about numeracy.
    [r] = raised("uncovered", f, text, **GOALS, claims=[claim])
    assert r.finding.details["topics"] == ["numeracy"]
