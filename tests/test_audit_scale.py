"""Issue 33, item 7: the audit holds on any valid data, at any size.

Question ids come from figure ids and values, so a valid table can give two
questions one id; the audit must still run, and keep the ids chapters cite.
"""
import pandas as pd
import pytest

from lacoe_report.core import audit as audit_pkg
from lacoe_report.core import data
from lacoe_report.core.audit.spec import load
from lacoe_report.core.paths import AUDIT_RELATIONS_YML
from lacoe_report.core.source_text import report_text

from test_audit import raised, table


def _run(figures: pd.DataFrame) -> audit_pkg.Audit:
    spec = load(AUDIT_RELATIONS_YML, figure_ids=set(figures.index))
    return audit_pkg.run(figures, report_text(), spec)


def _copies(figures: pd.DataFrame, n: int) -> pd.DataFrame:
    """The table n times; copy k's ids and metrics (and the metrics they point to) end in _k."""
    parts = [figures]
    for k in range(1, n):
        c = figures.copy()
        c.index = [f"{i}_{k}" for i in figures.index]
        c["id"] = c.index
        for column in ("metric", "part_of", "per"):
            c[column] = [f"{v}_{k}" if v else v for v in c[column].fillna("")]
        parts.append(c)
    return pd.concat(parts)


def test_a_third_figure_near_a_repeated_value_is_one_question():
    # 722 twice (two topics) and 725 (a third): 3 apart, 0.4% of 725, one pair of values.
    f = table(dict(id="ai", value=722, topic="ai"), dict(id="gain", value=722, topic="gain"),
              dict(id="x", value=725, topic="x"))
    [r] = raised("near_duplicate", f, min_significant_digits=3, max_relative_difference=0.015)
    assert r.id == "near-722-725" and r.inputs == ["ai", "x", "gain"]
    assert r.finding.details["difference"] == 3


def test_the_report_with_a_figure_near_722_audits():
    figures = data.figures()
    extra = figures.loc[["ach_ai_workshop_attendees"]].copy()
    extra.index = ["x_near_722"]
    extra[["id", "metric", "topic", "value", "as_written"]] = ["x_near_722", "x_near_722", "x", 725.0, "725"]
    result = _run(pd.concat([figures, extra]))
    near = [r for r in result.raised["near_duplicate"] if "x_near_722" in r.inputs]
    # 725 is within 1.5% of both 722s: one question for the pair of values, both 722s in it.
    assert [r.id for r in near] == ["near-722-725"]
    assert {"ach_ai_workshop_attendees", "p1_gain_job_placements_callout", "x_near_722"} <= set(near[0].inputs)


@pytest.mark.slow  # 2,624 figures, about 5 s: make test runs it, make check and each mutant of make mutation not
def test_the_audit_holds_on_the_table_copied_sixteen_times():
    figures = data.figures()
    big = _copies(figures, 16)
    assert len(big) == 16 * len(figures) and big.index.is_unique
    result = _run(big)
    ids = result.frame()["id"]
    assert ids.is_unique
    # Ids the chapters cite keep their names.
    cited = {"budget-share-educational", "part-whole-pd-participants", "copy-722",
             "claim-comparison-p2-ease-utilization", "near-177-000-175-000"}
    assert cited <= set(ids)
    # Each copy of the near pair 177,000 / 175,000 pairs with every copy of the other value:
    # one question, 32 figures.
    assert len(result.frame().at["near-177-000-175-000", "inputs"]) == 32
