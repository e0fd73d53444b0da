"""The audit engine: every check kind and detector on small synthetic tables, worked by hand.

Each table is a handful of made-up figures with a made-up report text, so the
expected answers below are arithmetic done by hand, not outputs of the code.
"""
import json

import pandas as pd
import pytest

from lacoe_report.core import audit as audit_pkg
from lacoe_report.core.audit import (CONSISTENT, INCONSISTENT, SECOND_LOOK, WITHIN_ROUNDING, Finding,
                                     SpecError, load_text)
from lacoe_report.core.audit.kinds import KINDS
from lacoe_report.core.audit.periods import period_span
from lacoe_report.core.audit.wholes import smallest_base

# Every column of data/report_figures.csv, as the audit receives them (validated: none missing, none empty).
DEFAULTS = dict(section="achievements", topic="t", unit="count", scale_max="", qualifier="exact",
                period="2023-24", period_words="", presentation="prose", part_of="", per="", note="",
                assumed="", assumed_why="", population="")


def table(*rows: dict) -> pd.DataFrame:
    """A figures table: each row needs id, value and (unless given) gets defaults."""
    out = []
    for r in rows:
        r = {**DEFAULTS, **r}
        r.setdefault("metric", r["id"])
        r.setdefault("label", r["id"].replace("_", " ").capitalize())
        r.setdefault("as_written", f"{r['value']:,}" if float(r["value"]).is_integer() else str(r["value"]))
        r.setdefault("quote", f"QUOTE {r['id']} {r['as_written']}")
        # A made-up figure's period is as stated unless the row assumes it.
        r.setdefault("period_basis", "assumed" if "period" in str(r.get("assumed", "")).split() else "stated")
        r["value"] = float(r["value"])
        out.append(r)
    return pd.DataFrame(out).set_index("id", drop=False)


def text_of(figures: pd.DataFrame) -> str:
    return " ".join(f"{q}." for q in figures["quote"])


def check(kind: str, figures: pd.DataFrame, text: str = "", **inputs) -> Finding:
    params = inputs.pop("params", {})
    return KINDS[kind].check(inputs, params, figures, text)


def raised(detector: str, figures: pd.DataFrame, text: str | None = None, **params) -> list:
    return audit_pkg.DETECTORS[detector](figures, text_of(figures) if text is None else text, params)


# --------------------------------------------------------------------------
# Check kinds
# --------------------------------------------------------------------------
def test_sum_agrees_drifts_within_rounding_or_fails():
    f = table(dict(id="a", value=10), dict(id="b", value=20), dict(id="t", value=30), dict(id="t2", value=40),
              dict(id="p1", value=33, unit="percent"), dict(id="p2", value=33, unit="percent"),
              dict(id="p3", value=33, unit="percent"))
    assert check("sum", f, parts=["a", "b"], total="t").verdict == CONSISTENT
    bad = check("sum", f, parts=["a", "b"], total="t2")
    assert bad.verdict == INCONSISTENT and bad.computed == 30 and bad.stated == 40
    assert "10 less than" in bad.explanation
    # 33 + 33 + 33 = 99: each whole percent may be off by half a point, 1.5 in all.
    assert check("shares_sum", f, parts=["p1", "p2", "p3"]).verdict == WITHIN_ROUNDING
    assert check("shares_sum", f, parts=["p1", "p2"]).verdict == INCONSISTENT


def test_share_finds_a_percentage_the_amounts_do_not_give():
    f = table(dict(id="part", value=59e6, unit="usd", as_written="$59 Million"),
              dict(id="big", value=303e6, unit="usd", as_written="$303 Million"),
              dict(id="whole", value=627e6, unit="usd", as_written="$627 Million"),
              dict(id="ten", value=10, unit="percent", as_written="10%"),
              dict(id="fortyeight", value=48, unit="percent", as_written="48%"))
    bad = check("share", f, part="part", whole="whole", stated="ten")
    # 59 / 627 = 9.41%; even 59.5 / 626.5 = 9.497% stays below 9.5%.
    assert bad.verdict == INCONSISTENT
    assert bad.details["rounded"] == 9 and round(bad.details["exact"], 2) == 9.41
    assert round(bad.details["highest"], 3) == 9.497
    # 9.5% of $627M is $59.565M: "at least $59.6 million" would be false, $59.57M is enough.
    assert "would need at least $59.5 million" in bad.explanation
    assert check("share", f, part="big", whole="whole", stated="fortyeight").verdict == WITHIN_ROUNDING


def test_growth_checks_the_direction_the_words_claim():
    f = table(dict(id="before", value=8318, period="2022-23"), dict(id="after", value=10603),
              dict(id="down", value=90))
    ok = check("growth", f, before="before", after="after")
    assert ok.verdict == CONSISTENT and round(ok.computed, 1) == 27.5 and ok.stated_text == "grew"
    f2 = table(dict(id="before", value=100, period="2022-23"), dict(id="after", value=90))
    assert check("growth", f2, before="before", after="after").verdict == INCONSISTENT


def test_same_quantity_is_a_second_look_whether_or_not_hedges_reconcile():
    f = table(dict(id="over465", value=465, qualifier="over"), dict(id="s467", value=467),
              dict(id="court", value=1574), dict(id="soat", value=1476), dict(id="again", value=1574))
    fit = check("same_quantity", f, a="over465", b="s467")
    assert fit.verdict == SECOND_LOOK and fit.details["reconcilable"] and fit.details["difference"] == 2
    apart = check("same_quantity", f, a="court", b="soat")
    assert apart.verdict == SECOND_LOOK and not apart.details["reconcilable"] and apart.details["difference"] == 98
    assert check("same_quantity", f, a="court", b="again").verdict == CONSISTENT


def test_listed_count_counts_the_items_named_in_the_text():
    f = table(dict(id="three", value=3), dict(id="four", value=4))
    text = "Pathways include Alpha, Beta and Gamma."
    assert check("listed_count", f, text, count="three", params={"items": ["Alpha", "Beta", "Gamma"]}).verdict \
        == CONSISTENT
    short = check("listed_count", f, text, count="four", params={"items": ["Alpha", "Beta", "Gamma"]})
    assert short.verdict == INCONSISTENT and short.computed == 3 and short.stated == 4
    with pytest.raises(ValueError, match="Delta"):
        check("listed_count", f, text, count="three", params={"items": ["Alpha", "Beta", "Delta"]})


def test_at_most_and_rating_scale():
    f = table(dict(id="uc", value=223), dict(id="diplomas", value=410), dict(id="over60", value=60, qualifier="over"),
              dict(id="sixty", value=60), dict(id="calls", value=340), dict(id="emails", value=560),
              dict(id="pre", value=1000, qualifier="more_than"),
              dict(id="r", value=4.7, unit="rating", scale_max="5"),
              dict(id="r6", value=6, unit="rating", scale_max="5"))
    assert check("at_most", f, part="uc", whole=["diplomas"]).verdict == CONSISTENT
    # "over 60" cannot fit in exactly 60.
    assert check("at_most", f, part="over60", whole=["sixty"]).verdict == INCONSISTENT
    # more than 1,000 pre-applications from 340 + 560 = 900 contacts.
    too_many = check("at_most", f, part="pre", whole=["calls", "emails"])
    assert too_many.verdict == INCONSISTENT and too_many.computed == 900
    assert check("rating_scale", f, rating="r").verdict == CONSISTENT
    assert check("rating_scale", f, rating="r6").verdict == INCONSISTENT


def test_per_unit_against_the_declared_limit():
    f = table(dict(id="warrants", value=175000), dict(id="staff", value=24078),
              dict(id="pay", value=262664))
    many = check("per_unit", f, amount=["warrants"], per=["staff"], params={"at_most": 2, "monthly": True})
    assert many.verdict == SECOND_LOOK and round(many.computed, 2) == 7.27  # 175,000 / 24,078
    # 262,664 payments over 12 months for 24,078 people: 0.91 a month each.
    ok = check("per_unit", f, amount=["pay"], per=["staff"], params={"months": 12, "at_most": 2})
    assert ok.verdict == CONSISTENT and round(ok.computed, 2) == 0.91
    # The limit is the analyst's: shown as such, never as what the report states.
    assert ok.stated_text == many.stated_text == "at most 2 (limit of the relations file)"
    assert "stated limits" not in ok.explanation


def test_a_consistent_verdict_needs_something_to_compare():
    with pytest.raises(ValueError, match="not checkable"):
        Finding(CONSISTENT, None, None, "Nothing stated.")


# --------------------------------------------------------------------------
# Detectors
# --------------------------------------------------------------------------
def clean_table() -> pd.DataFrame:
    """Figures with parts, percentages, hedges and restatements that all hold."""
    return table(
        dict(id="people", value=400, metric="people", topic="conference"),
        dict(id="people_callout", value=400, metric="people", topic="conference", presentation="callout"),
        dict(id="pct", value=98, unit="percent", part_of="people", topic="conference", as_written="98%"),
        dict(id="whole", value=9000, metric="participants", qualifier="over", topic="training"),
        dict(id="part", value=6000, part_of="participants", qualifier="more_than", section="schools",
             topic="literacy"),
        dict(id="sites", value=21, topic="adult"),
        dict(id="students", value=27000, qualifier="over", per="sites", topic="adult"),
        dict(id="seats", value=350, topic="seats"),
    )


def test_clean_data_raises_nothing():
    f = clean_table()
    for name in audit_pkg.DETECTORS:
        assert raised(name, f) == [], name


def test_granularity_finds_a_percentage_no_whole_number_gives():
    # 50% of 3 people: 1 is 33.3%, 2 is 66.7%.
    f = table(dict(id="n", value=3, metric="n"), dict(id="half", value=50, unit="percent", part_of="n"))
    found = raised("granularity", f)
    assert [r.finding.verdict for r in found] == [INCONSISTENT]
    # 33% of 3 is one person (33.3%): nothing to raise.
    assert raised("granularity", table(dict(id="n", value=3, metric="n"),
                                       dict(id="third", value=33, unit="percent", part_of="n"))) == []


def test_granularity_questions_unanimity_and_tiny_bases():
    f = table(dict(id="n", value=400, metric="n"), dict(id="all", value=100, unit="percent", part_of="n"),
              dict(id="rate", value=90.9, unit="percent", as_written="90.9 percent"))
    found = {r.id.split("-")[0]: r for r in raised("granularity", f, unanimous_min_base=20, small_base_max=20)}
    assert found["unanimous"].finding.verdict == SECOND_LOOK
    assert found["small"].finding.details["smallest_base"] == 11  # 10 of 11 = 90.909%
    assert smallest_base(87.8, 0.1) == 41  # 36 of 41 = 87.80%; no smaller group gives 87.75-87.85


def test_copy_error_finds_a_precise_figure_repeated_across_topics():
    f = table(dict(id="ai", value=722, topic="ai"), dict(id="gain", value=722, topic="adult_education"),
              dict(id="gain_callout", value=722, metric="gain", topic="adult_education", presentation="callout"),
              dict(id="same_topic_a", value=541, topic="x"), dict(id="same_topic_b", value=541, topic="x"),
              dict(id="short_a", value=24, topic="y"), dict(id="short_b", value=24, topic="z"))
    found = raised("copy_error", f, min_significant_digits=3)
    assert [r.id for r in found] == ["copy-722"]
    assert set(found[0].inputs) == {"ai", "gain", "gain_callout"}
    assert found[0].finding.details["metrics"] == ["ai", "gain"]


def test_part_larger_than_its_whole_in_another_section():
    f = table(dict(id="pd", value=9018, metric="participants", section="achievements"),
              dict(id="da", value=10603, part_of="participants", section="pillar_wellbeing"))
    found = raised("part_whole", f)
    assert len(found) == 1 and found[0].finding.verdict == INCONSISTENT
    assert "the wellbeing pillar" in found[0].finding.explanation
    hedged = table(dict(id="pd", value=9018, metric="participants", qualifier="over"),
                   dict(id="da", value=10603, part_of="participants", section="pillar_wellbeing"))
    assert raised("part_whole", hedged)[0].finding.verdict == SECOND_LOOK
    # Another period is another whole: nothing to compare.
    other_year = table(dict(id="pd", value=9018, metric="participants"),
                       dict(id="da", value=10603, part_of="participants", period="2022-23"))
    assert raised("part_whole", other_year) == []


def test_hedges_that_contradict_across_restatements():
    f = table(dict(id="a", value=500, metric="m", qualifier="nearly"),
              dict(id="b", value=500, metric="m", qualifier="over", section="closing"))
    found = raised("hedges", f)
    assert [r.id for r in found] == ["hedge-clash-m"] and found[0].finding.verdict == INCONSISTENT
    dropped = table(dict(id="prose", value=400, metric="m", qualifier="over"),
                    dict(id="callout", value=400, metric="m", presentation="callout"))
    assert [r.id for r in raised("hedges", dropped)] == ["hedge-dropped"]
    # "over 9,018" looks exact; "over 9,000" does not.
    exact_looking = table(dict(id="x", value=9018, qualifier="over"), dict(id="y", value=9000, qualifier="over"))
    assert [r.inputs for r in raised("hedges", exact_looking, round_multiple=10)] == [["x"]]


def test_restatement_with_different_values():
    f = table(dict(id="a", value=465, metric="m"), dict(id="b", value=467, metric="m", section="closing"))
    found = raised("restatement", f)
    assert len(found) == 1 and found[0].finding.verdict == INCONSISTENT
    assert found[0].finding.details["difference"] == 2


def test_per_unit_fewer_than_one_per_unit():
    f = table(dict(id="districts", value=80), dict(id="members", value=48, per="districts"))
    found = raised("per_unit", f)
    assert len(found) == 1 and found[0].finding.details["without"] == 32  # 80 - 48
    members = dict(id="members", value=80, per="districts")
    assert raised("per_unit", table(dict(id="districts", value=48), members)) == []


GROWTH_WORDS = {"claim_words": {"growth": ["growth", "grew", "increased"], "expansion": ["expanded"]},
                "claim_weights": {"growth": 0.5}, "window_words": 8}


def test_growth_without_a_base():
    f = table(dict(id="reach", value=65000, metric="reach", quote="to 65,000"),
              dict(id="rate", value=28.9, unit="percent_change", part_of="reach", as_written="28.9%",
                   quote="increased by 28.9%"),
              dict(id="cands", value=230, quote="attracting 230 in-person candidates"),
              dict(id="before", value=8318, metric="att", period="2022-23", quote="grew from 8,318"),
              dict(id="after", value=10603, metric="att", quote="to 10,603 educators"))
    text = ("Reach increased by 28.9% to 65,000. The fair saw significant growth, attracting 230 in-person "
            "candidates. Attendance grew from 8,318 to 10,603 educators.")
    found = {r.id: r for r in raised("growth", f, text, **GROWTH_WORDS)}
    assert set(found) == {"growth-rate", "claim-growth-cands"}
    # 65,000 / 1.289 = 50,427: the start the report never prints.
    assert round(found["growth-rate"].finding.details["implied_starts"]["rate"]) == 50427


# --------------------------------------------------------------------------
# The relations file
# --------------------------------------------------------------------------
def test_period_questions_a_count_over_earlier_years_among_the_years_results():
    f = table(dict(id="completers", value=125, period="2022-23 to 2023-24"),
              dict(id="baseline", value=8318, period="2022-23"),
              dict(id="job_fair", value=230, period="2024"),
              dict(id="this_year", value=10603),
              dict(id="views", value=13000, period="2023 to 2024", section="schools"),
              dict(id="plan", value=5, period="2022-23 to 2024-25", section="strategic_plan"),
              dict(id="next_year", value=4, period="2024-25", section="future_direction"),
              dict(id="forecast", value=3, period="2022-23 to 2023-24", section="future_direction"))
    settings = dict(report_period="2023-24", exempt_sections=["future_direction", "strategic_plan"])
    found = raised("period", f, **settings)
    # Counts that start before 2023-24 and run into it (a school year early; calendar 2023, which
    # starts in January), one question per section. A baseline wholly before, a calendar year
    # that starts inside it, and the exempt sections are not questioned.
    assert [r.inputs for r in found] == [["completers"], ["views"]]
    assert "2022-23 to 2023-24" in found[0].finding.explanation
    assert raised("period", f) == []  # no report year set: nothing to compare with
    assert raised("period", clean_table(), **settings) == []


def test_period_span_reads_school_and_calendar_years():
    assert period_span("2019-20") == (2019.5, 2020.5)
    assert period_span("2021 to 2023-24") == (2021.0, 2024.5)
    with pytest.raises(ValueError, match="not a period"):
        period_span("spring 2024")


GOOD = """\
relations:
  - id: lines-sum
    kind: sum
    description: Lines add up
    inputs: {parts: [a, b], total: t}
"""


def problems(text: str) -> list[str]:
    with pytest.raises(SpecError) as caught:
        load_text(text, figure_ids={"a", "b", "t"}, path="data/audit_relations.yml")
    return caught.value.problems


def test_a_good_file_loads():
    spec = load_text(GOOD, figure_ids={"a", "b", "t"})
    assert [(r.id, r.kind, r.inputs["total"], r.line) for r in spec.relations] == [("lines-sum", "sum", "t", 2)]


@pytest.mark.parametrize("edit, line, field, words", [
    (("kind: sum", "kind: total"), 3, "kind", "unknown kind 'total'"),
    (("total: t", "total: nope"), 5, "inputs.total", "unknown figure id 'nope'"),
    (("    description: Lines add up\n", ""), 2, "description", "missing"),
    (("total: t}", "total: t, extra: a}"), 5, "inputs.extra", "unknown role"),
    (("    inputs:", "    params: {ratio: 3}\n    inputs:"), 5, "params.ratio", "unknown parameter"),
])
def test_each_problem_names_file_line_and_field(edit, line, field, words):
    found = problems(GOOD.replace(*edit))
    assert len(found) == 1, found
    assert found[0].startswith(f"data/audit_relations.yml, line {line}, field '{field}':")
    assert words in found[0]


def test_duplicate_ids_name_the_first_line():
    found = problems(GOOD + GOOD.split("relations:\n")[1])
    assert found == ["data/audit_relations.yml, line 6, field 'id': duplicate id 'lines-sum' (first on line 2)"]


def test_broken_yaml_names_its_line():
    found = problems(GOOD + "  - id: [unclosed\n")
    assert len(found) == 1 and "line 7" in found[0] and "not valid YAML" in found[0]


# --------------------------------------------------------------------------
# The engine on the report
# --------------------------------------------------------------------------
def test_one_verdict_per_question_and_the_strongest_first():
    result = audit_pkg.audit()
    frame = result.frame()
    assert frame["id"].is_unique
    order = {INCONSISTENT: 0, SECOND_LOOK: 1}
    ranks = [order.get(v, 2) for v in frame["verdict"]]
    assert ranks == sorted(ranks)
    raised_frame = result.findings()
    assert set(raised_frame["verdict"]) <= {INCONSISTENT, SECOND_LOOK}
    assert int(result.detector_counts().sum()) + sum(
        r.finding.verdict in (INCONSISTENT, SECOND_LOOK) for r in result.relations) == len(raised_frame)


def test_the_report_problems_a_reviewer_checked_by_hand_are_found():
    result = audit_pkg.audit()
    found = set(result.findings()["id"])
    # $59M of $627M is 9.4%, printed as 10%; 722 is both AI attendees and GAIN placements;
    # DA alone had 10,603 attendees against "over 9,018" PD participants in all.
    assert {"budget-share-educational", "copy-722", "part-whole-pd-participants"} <= found
    assert result.get("budget-share-educational").verdict == INCONSISTENT
    assert result.get("budget-lines-sum").verdict == CONSISTENT
    # A part that passes its whole is a stronger doubt than growth rates that only lack a base.
    ranked = list(result.findings()["id"])
    assert ranked.index("part-whole-pd-participants") < ranked.index("growth-p4-facebook-reach-growth")


def test_make_audit_prints_json(capsys):
    from lacoe_report.core.audit.__main__ import main
    assert main(["--json"]) == 0
    printed = capsys.readouterr().out
    assert "NaN" not in printed  # strict JSON: a missing number is null
    out = json.loads(printed)
    assert set(out["detectors"]) == set(audit_pkg.DETECTORS)
    assert out["questions"] and all(q["verdict"] in (INCONSISTENT, SECOND_LOOK) for q in out["questions"])
