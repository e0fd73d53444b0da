"""Questions for LACOE: one list, each question once, every one on a page.

The fast tests read the data and the engine; the slow ones read the built
book: the published ``questions.csv`` against every chapter's "What the
report does not say" list, the appendix and the audit's raised findings.
"""
from __future__ import annotations

import csv
import html
import io
import re

import pytest
import yaml

from lacoe_report.core import question_list, questions as q
from lacoe_report.core.audit import RAISED, audit
from lacoe_report.core.paths import BUILD_DIR, PROJ_ROOT
from lacoe_report.book import rules


def _raised() -> list[str]:
    frame = audit().frame()
    return list(frame.index[frame["verdict"].isin(RAISED)])


def test_every_raised_finding_is_one_question_and_every_chapter_question_is_listed():
    frame = question_list.questions()
    linked = {x.audit: x.id for x in q.load() if x.audit}
    # Each raised finding once: under its own id, or under the one chapter question that asks it.
    assert sorted(frame["audit_id"][frame["audit_id"] != ""]) == sorted(_raised())
    for finding in _raised():
        assert (frame["audit_id"] == finding).sum() == 1, finding
        assert (linked.get(finding, finding)) in frame.index
    assert set(x.id for x in q.load()) <= set(frame.index)
    assert frame["id"].is_unique


def test_the_ranking_puts_raised_findings_first_in_the_audits_order():
    frame = question_list.questions()
    found = frame[frame["audit_id"] != ""]["audit_id"].tolist()
    assert found == _raised()  # the audit's frame is ranked: the same order
    assert (frame["verdict"] != "").tolist() == sorted((frame["verdict"] != "").tolist(), reverse=True)


def test_a_questions_figures_and_quotes_come_from_its_pasted_numbers():
    from lacoe_report.core import data, declarations
    row = question_list.questions().loc["schools-graduation-rate"]
    inputs = {r["key"]: r["inputs"] for r in declarations.records("schools")}
    assert row["figures"].split("; ") == list(dict.fromkeys(inputs["sch_diplomas"] + inputs["sch_total"]))
    figures = data.figures()
    assert row["quotes"].split(" | ") == list(dict.fromkeys(figures.loc[row["figures"].split("; "), "quote"]))
    assert "{glue" not in row["question"]


def _document():
    from lacoe_report.core.paths import DATA_DIR
    return yaml.safe_load((DATA_DIR / "questions.yml").read_text(encoding="utf-8"))


def _check(document):
    from lacoe_report.core import data, declarations, vocabulary
    from lacoe_report.core.audit import NATURES
    return q.check(document, sections=set(vocabulary.SECTIONS), natures=set(NATURES),
                   figure_ids=set(data.figures().index), asked=set(audit().frame().index),
                   declared={c: q._declared_keys(c) for c in declarations.chapters()})


@pytest.mark.parametrize("change, problem", [
    (lambda d: d["questions"].append(dict(d["questions"][0])), "the id is taken"),
    (lambda d: d["questions"][0].update(audit=d["questions"][3]["audit"]), "not both or neither"),
    (lambda d: d["questions"][1].update(nature=None, audit="no-such-question"), "not a question of the audit"),
    (lambda d: d["questions"][0].update(text="{glue:text}`no_such_key`"), "is not declared"),
    (lambda d: d["questions"][0].update(figures=["no_such_figure"]), "unknown figure"),
    (lambda d: d["questions"][0].update(section="appendix"), "unknown 'appendix'"),
    (lambda d: d["questions"][0].pop("settle"), "field 'settle': missing"),
])
def test_a_broken_question_is_refused_with_its_id_and_field(change, problem):
    document = _document()
    _check(document)  # as committed: valid
    change(document)
    with pytest.raises(q.QuestionsError, match=re.escape(problem)):
        _check(document)


def test_two_questions_repeating_one_finding_are_refused():
    document = _document()
    first = next(e for e in document["questions"] if e.get("audit"))
    document["questions"].append({**first, "id": "again"})
    with pytest.raises(q.QuestionsError, match="asked by more than one question"):
        _check(document)


def test_a_typed_number_in_a_question_breaks_its_chapters_rule(tmp_path):
    import shutil

    for name in ("_toc.yml", "chapters", "data"):
        copy = shutil.copytree if (PROJ_ROOT / name).is_dir() else shutil.copy
        copy(PROJ_ROOT / name, tmp_path / name)
    path = tmp_path / "data" / "questions.yml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document["questions"][0]["text"] = "About 40 of them."
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    found = [v for v in rules.check_sources(tmp_path) if v.rule == "typed-number"]
    assert [v.text for v in found] == ["About 40 of them."]
    assert document["questions"][0]["id"] in found[0].where


# --------------------------------------------------------------------------- the built book

def _page(name: str) -> str:
    return (BUILD_DIR / "html" / "chapters" / f"{name}.html").read_text(encoding="utf-8")


def _text(fragment: str) -> str:
    """Plain words, with Sphinx's typographic quotes made straight again."""
    words = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())
    return words.translate(str.maketrans("’‘“”", "''\"\""))


@pytest.fixture(scope="module")
def published(book_dir):
    found = sorted((book_dir / "_downloads").rglob("questions.csv"))
    assert len(found) == 1, "questions.csv is not published (or twice) under _build/html/_downloads"
    return list(csv.DictReader(io.StringIO(found[0].read_text(encoding="utf-8"))))


@pytest.mark.slow
def test_the_published_csv_holds_every_question_once_with_its_columns(published):
    assert list(published[0]) == q.COLUMNS
    ids = [row["id"] for row in published]
    assert len(ids) == len(set(ids))
    assert {row["audit_id"] for row in published if row["audit_id"]} == set(_raised())
    assert {x.id for x in q.load()} <= set(ids)
    for row in published:
        assert row["section"] and row["question"] and row["settle"], row["id"]


@pytest.mark.slow
def test_every_question_is_on_the_pages_and_every_listed_item_is_in_the_csv(published):
    appendix = _page("questions")
    anchors = re.findall(r'id="q-([a-z0-9-]+)"', appendix)
    assert sorted(anchors) == sorted(row["id"] for row in published)  # each once, none more
    by_chapter: dict[str, list[str]] = {}
    for row in published:
        if row["chapter"] != "audit":
            by_chapter.setdefault(row["chapter"], []).append(_text(row["title"]))
    for chapter, titles in by_chapter.items():
        page = _page(chapter)
        section = re.search(r'<section id="what-the-report-does-not-say">(.*?)</section>', page, re.S)
        assert section, f"{chapter}: no 'What the report does not say'"
        items = [_text(re.search(r"<strong>(.*?)</strong>", li, re.S).group(1))
                 for li in re.findall(r"<li>(.*?)</li>", section.group(1), re.S)]
        assert sorted(items) == sorted(titles), chapter


def test_the_counts_by_source_are_the_ranked_lists():
    # The front page counts questions without pasting their numbers; the appendix ranks them pasted.
    ranked = question_list.questions()["source"].value_counts().to_dict()
    assert {s: n for s, n in q.counts().items() if n} == ranked
    assert sum(q.counts().values()) == len(question_list.questions())
