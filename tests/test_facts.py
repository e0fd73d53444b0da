"""The facts a declaration may state, each checked against a value worked out by hand.

The expected values come from the data files (``data/report_figures.csv``,
``data/audit_relations.yml``, ``data/questions.yml``, ``data/vocabulary.yml``)
or from the report's text, counted or read there, never from the facts themselves.
"""
import csv

import pytest

from lacoe_report.core import data, facts
from lacoe_report.core.audit import audit
from lacoe_report.core.facts import FACTS
from lacoe_report.core.paths import FIGURES_CSV


def call(name: str, *args, **kwargs):
    """The value of the fact ``name(*args, **kwargs)``, as a declaration calling it gets it."""
    return FACTS[name].call(*args, **kwargs)


def figure_row(figure_id: str) -> dict:
    with open(FIGURES_CSV, encoding="utf-8-sig", newline="") as handle:
        return next(row for row in csv.DictReader(handle) if row["id"] == figure_id)


# ---------------------------------------------------------------- facts about one figure

# Each value as the CSV row writes it (read there by hand).
COLUMNS = [
    ("quote", "p4_newsletter_open_rate", "averaged a 45.5% open rate"),
    ("label", "schools_diplomas", "Students earning high school diplomas"),
    ("as_written", "fin_budget_total", "$627 Million"),
    ("period_words", "schools_diplomas", "graduation outcomes in the 2023-24 school year"),
]


@pytest.mark.parametrize("column, figure, expected", COLUMNS)
def test_a_figures_column_is_its_text_in_the_data(column, figure, expected):
    assert call(column, figure) == expected
    # The reader FACTS holds was made once, at import; a reader made now reads the same.
    assert facts._column(column)(figure) == expected


def test_a_column_the_data_supplies_and_the_report_does_not_state_says_so(monkeypatch):
    # No column these facts print is assumable today (data/vocabulary.yml: period, qualifier, part_of,
    # per, unit). Were a label the data's reading, its fact would say so, and the other columns would not.
    row = data.figure("fin_budget_total").copy()
    row["assumed"] = "period label"
    monkeypatch.setattr(data, "figure", lambda figure_id: row)
    assert facts._column("label")("fin_budget_total") == "LACOE budget (the data's reading)"
    assert facts._column("as_written")("fin_budget_total") == "$627 Million"


def test_an_assumed_value_is_stated_as_the_assumption_it_is():
    # ach_da_attendance_baseline: period 2022-23, assumed, with the reason in assumed_why.
    sentence = call("assumption", "ach_da_attendance_baseline", "period")
    assert sentence.startswith("if its period is 2022-23")
    assert figure_row("ach_da_attendance_baseline")["assumed_why"] in sentence


def test_restated_metrics_counts_the_metrics_the_report_states_more_than_once():
    # `cut -d, -f4 data/report_figures.csv | sort | uniq -d | wc -l`: 24 metrics have two rows or more.
    assert call("restated_metrics") == 24


# ---------------------------------------------------------------- facts about the audit


def test_questions_counts_the_relations_by_source_and_check():
    # data/audit_relations.yml declares 26 relations of nine kinds (counted in the file): sum 2,
    # shares_sum 1, share 5, growth 1, same_quantity 2, listed_count 6, at_most 6, rating_scale 1, per_unit 2.
    assert call("questions", source="relation") == 26
    assert call("questions", source="relation", distinct="check") == 9
    assert call("questions", check=["share", "sum"]) == 5 + 2
    # The five shares rest on twelve figures: four budget amounts and their four stated shares, the
    # budget total all four divide by, and EASE's counselled employees, covered employees and rate.
    assert call("questions", check="share", distinct="inputs") == 4 + 4 + 1 + 3


def test_questions_counts_by_verdict():
    # The five shares by hand: 303/627 = 48.3% (stated 48), 147/627 = 23.4% (23), 118/627 = 18.8% (19),
    # 11,102/177,000 = 6.27% (6.3) each round to the stated share; 59/627 = 9.41% rounds to 9, not 10.
    assert call("questions", check="share", verdict="inconsistent") == 1
    assert call("questions", check="share", verdict="consistent within rounding") == 4
    assert call("questions", check="share", verdict=["inconsistent", "consistent within rounding"]) == 5


@pytest.mark.parametrize("kwargs, message", [
    ({"colour": "red"}, "questions() filters by verdict, source or check, not 'colour'"),
    ({"distinct": "colour"}, "questions(distinct=...) counts a column of the audit, not 'colour'"),
])
def test_questions_refuses_what_the_audit_has_no_column_for(kwargs, message):
    with pytest.raises(ValueError) as caught:
        call("questions", **kwargs)
    assert str(caught.value) == message


def test_a_question_answers_in_the_audits_words():
    # 59/627 = 9.41%: the one inconsistent share (above), answered with its verdict first.
    for answer in (call("answer", "budget-share-educational"),
                   facts._question_text("answer")("budget-share-educational")):
        assert answer.startswith("Inconsistent: ") and "$59 million of $627 million is 9.4%" in answer
    explanation = facts._question_text("explanation")("budget-share-educational")
    assert "$59 million of $627 million is 9.4%" in explanation and not explanation.startswith("Inconsistent")


def test_a_questions_detail_is_one_of_its_numbers():
    # The report states 10%; the amounts give 59 / 627 * 100 = 9.40989...%.
    assert call("detail", "budget-share-educational", "stated") == 10
    assert call("detail", "budget-share-educational", "exact") == pytest.approx(9.40989, abs=1e-5)
    with pytest.raises(ValueError) as caught:
        call("detail", "budget-share-educational", "colour")
    message = str(caught.value)
    assert message.startswith("audit question 'budget-share-educational' has no detail 'colour' (it has ")
    listed = message.removeprefix("audit question 'budget-share-educational' has no detail 'colour' (it has ")
    assert {"stated", "exact"} <= set(listed.rstrip(")").split(", "))


def test_named_figures_names_each_figure_once_by_its_label():
    # copy-722: 722 AI workshop attendees and 722 GAIN job placements, the second printed twice
    # (callout and prose): one name per metric, the label's first letter lowered unless an acronym.
    assert call("named_figures", "copy-722") == "AI workshop attendees and GAIN job placements"
    # near-177-000-175-000: 177,000 employees covered by EASE (callout) and 175,000 payroll warrants.
    assert call("named_figures", "near-177-000-175-000") == \
        "employees covered by EASE and monthly payroll warrants for school staff"


def test_a_finding_is_named_by_its_rank():
    findings = audit().findings()  # the raised questions, in the audit's ranking
    first = call("finding", 1)
    # The only inconsistent question (the shares above; detectors raise second looks) ranks first.
    assert first.startswith("Inconsistent: ") and "$59 million of $627 million is 9.4%" in first
    assert set(FACTS["finding"].inputs(1)) == {"fin_educational_amount", "fin_budget_total",
                                                     "fin_educational_share"}
    n = len(findings)
    assert call("finding", 2) == audit().question(findings.index[1]).answer
    assert call("finding", n) == audit().question(findings.index[-1]).answer
    for rank in (0, n + 1):
        with pytest.raises(ValueError) as caught:
            call("finding", rank)
        assert str(caught.value) == f"finding({rank}): the audit raises {n} findings"


def test_a_setting_is_read_from_the_relations_file():
    # data/audit_relations.yml: copy_error.min_significant_digits 3, hedges.round_multiple 10.
    assert call("setting", "copy_error", "min_significant_digits") == 3
    assert call("setting", "hedges", "round_multiple") == 10
    for detector in ("part_whole", "no_such_detector"):  # a detector without settings; no detector at all
        with pytest.raises(ValueError) as caught:
            call("setting", detector, "round_multiple")
        assert str(caught.value) == f"data/audit_relations.yml has no setting detectors.{detector}.round_multiple"


def test_near_tolerance_is_how_far_below_nearly_reaches_in_percent():
    # The audit reads "nearly 2 million" as 1.8 million up to 2 million (audit/verdict.py): 10% below.
    assert call("near_tolerance") == pytest.approx(10)


# ---------------------------------------------------------------- facts about the words of the report


def test_section_words_are_the_vocabularys():
    assert call("section_words", "financial_overview") == "the financial overview"
    with pytest.raises(ValueError) as caught:
        call("section_words", "appendix")
    # data/vocabulary.yml lists the sections in the report's order
    assert str(caught.value).startswith("'appendix' is not a section of data/vocabulary.yml "
                                        "(letter, at_a_glance, achievements, strategic_plan, ")


@pytest.mark.parametrize("first, last, expected", [
    # The district's exit from review (report lines 113-115): "district" is also inside the first words,
    # so the passage runs to the next "district" after them.
    ("The district exited review", "district",
     "The district exited review for Community Relations and Governance in 2021 and met the criteria in "
     "Personnel Management and Pupil Achievement this past year. The district"),
    # "supporting Inglewood" is in the letter (line 14) and again in the achievements (line 110): the first.
    ("supporting Inglewood", "progress", "supporting Inglewood Unified School District’s progress"),
    # "LACOE" is printed before these words and many times after: the passage ends at the next one.
    ("The district is working", "LACOE",
     "The district is working to sustain scores in Pupil Achievement and Personnel Management this year "
     "which will allow those two additional areas to exit review. The remaining areas that need to meet "
     "exit criteria include financial and facilities management which the district expects to meet soon. "
     "Legislative Advocacy Emerging as a prominent leader in educational policy, LACOE"),
    # No first words: the passage opens the report.
    ("", "A Message", "A Message"),
])
def test_a_passage_runs_from_its_first_words_to_the_next_last_words(first, last, expected):
    assert call("passage", first, last) == expected


@pytest.mark.parametrize("first, last, message", [
    ("The district exited reviews", "2021", "passage(): 'The district exited reviews' is not in the report text"),
    ("The district exited review", "A Message",
     "passage(): 'A Message' does not follow 'The district exited review' in the report text"),
])
def test_a_passage_the_report_does_not_print_is_refused(first, last, message):
    with pytest.raises(ValueError) as caught:
        call("passage", first, last)
    assert str(caught.value) == message


def test_lacoe_questions_counts_the_questions_by_where_they_come_from():
    # data/questions.yml asks 63 questions; 12 of them name an audit question the audit raises, and are
    # listed once, with it. Every other raised finding is a question of the audit alone.
    raised = len(audit().findings())
    assert call("lacoe_questions", source="chapter") == 63 - 12
    assert call("lacoe_questions", source="audit and chapter") == 12
    assert call("lacoe_questions", source="audit") == raised - 12
    assert call("lacoe_questions", source=["audit", "chapter"]) == raised - 12 + 63 - 12
    assert call("lacoe_questions") == raised + 63 - 12
    with pytest.raises(ValueError) as caught:
        call("lacoe_questions", chapter="finance")
    assert str(caught.value) == "lacoe_questions() filters by source, not 'chapter'"
