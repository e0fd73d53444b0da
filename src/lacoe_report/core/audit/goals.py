"""Topics a section names but never covers, found from its statement of goals.

Each pillar opens with its goals ("We will improve student outcomes by ..."). With the settings of
``detectors.uncovered`` (``data/audit_relations.yml``), a sentence with a ``goal_markers`` phrase states
the goals of the section whose figures follow it, split at ``topic_breaks`` into topics, each with its
evidence words (:func:`words_of`); an analyst's ``claims`` (section, topic, quote, evidence words)
replace the topics their quotes lie in, and are checked wherever they stand.

Examples
--------
>>> settings = {"goal_markers": ["we will"], "topic_breaks": [", ", " by "], "stop_words": ["improve"]}
>>> topics("We will improve outcomes by making gains in numeracy, reducing gaps.", settings)
['improve outcomes', 'making gains in numeracy', 'reducing gaps']
"""
from __future__ import annotations

import re

import pandas as pd

from ..source_text import locate, normalize, sentence_spans
from ..vocabulary import SECTION_WORDS
from .verdict import SECOND_LOOK, Finding
from .base import Raised, slug


def topics(sentence: str, params: dict) -> list[str]:
    """The candidate topics of one goal sentence: its parts between ``topic_breaks``, the marker dropped."""
    text = sentence.strip().rstrip(".")
    for marker in params.get("goal_markers", []):
        text = re.sub(rf"(?i)\b{re.escape(marker)}\b\s*", "", text)
    parts = re.split("|".join(f"(?:{b})" for b in params.get("topic_breaks", [])) or "$^", text)
    return [p.strip() for p in parts if p and p.strip()]


def goal_sentences(text: str, params: dict) -> list[tuple[int, int]]:
    """Spans of the goal statements: from the last ``goal_starts`` phrase before a marker to the next stop.

    Headings run into the text with no stop between them: a sentence break would start too early.

    Examples
    --------
    >>> text = "Pillar One Through partners, we will grow. 99 Organizations"
    >>> [text[a:b] for a, b in goal_sentences(text, {"goal_markers": ["we will"], "goal_starts": ["Through"]})]
    ['Through partners, we will grow.']
    """
    out = []
    for marker in params.get("goal_markers", []):
        for m in re.finditer(rf"(?i)\b{re.escape(marker)}\b", text):
            opens = [s.start() for g in params.get("goal_starts", [])
                     for s in re.finditer(rf"\b{re.escape(g)}\b", text[max(0, m.start() - 300):m.start() + 1])]
            a = max(0, m.start() - 300) + max(opens) if opens else m.start()
            stop = text.find(". ", m.end())
            out.append((a, len(text) if stop < 0 else stop + 1))
    return sorted(set(out))


def words_of(topic: str, params: dict) -> list[str]:
    """The words of a topic that would show it covered, as stems.

    Examples
    --------
    >>> words_of("reducing achievement gaps for targeted students", {"stop_words": ["reducing", "targeted"],
    ...                                                               "min_word_length": 5, "stem_length": 7})
    ['achieve', 'student']
    """
    stop = {w.lower() for w in params.get("stop_words", [])}
    shortest, stem = int(params.get("min_word_length", 5)), int(params.get("stem_length", 7))
    found = [w.lower() for w in re.findall(r"[A-Za-z][A-Za-z’'-]*", topic)]
    return list(dict.fromkeys(w[:stem] for w in found if len(w) >= shortest and w not in stop))


def _section_spans(figures: pd.DataFrame, text: str) -> tuple[dict[str, tuple[int, int]], list[tuple[int, str]]]:
    """Each section's span in the text (first to last quote), and where each figure's quote starts."""
    rows = []
    for section, quote in zip(figures["section"], figures["quote"]):
        hits = locate(str(quote), text)
        if len(hits) == 1:
            rows.append((str(section), hits[0], hits[0] + len(normalize(str(quote)))))
    found = pd.DataFrame(rows, columns=["section", "start", "end"]).groupby("section")
    spans = found.agg(start=("start", "min"), end=("end", "max"))
    return {s: (int(a), int(b)) for s, a, b in spans.itertuples()}, sorted((a, s) for s, a, _ in rows)


def _candidates(figures: pd.DataFrame, text: str, params: dict) -> list[dict]:
    """Topics from the goal sentences, each confirmed (named, with evidence) by a claim of the list in it, if any."""
    spans, starts = _section_spans(figures, text)
    listed = list(params.get("claims", []))
    quoted = {k: (locate(c["quote"], text) or [-1])[0] for k, c in enumerate(listed)}
    out, used = [], set()
    for a, b in goal_sentences(text, params):
        sentence = text[a:b]
        section = next((s for at, s in starts if at >= b), None)
        if section is None:
            continue
        for topic in topics(sentence, params):
            start = a + sentence.find(topic)
            own = [k for k, c in enumerate(listed)
                   if quoted[k] < start + len(topic) and start < quoted[k] + len(normalize(c["quote"]))]
            if own:  # the analyst's reading names the topic and brings its evidence words, once
                out.extend({**listed[k], "_at": quoted[k]} for k in own if k not in used)
                used.update(own)
            elif words := words_of(topic, params):
                out.append({"section": section, "topic": topic, "quote": topic, "evidence": words, "_at": start})
    for k, c in enumerate(listed):
        if k not in used:
            hits = locate(c["quote"], text)
            if len(hits) != 1:
                raise ValueError(f"claim quote not found exactly once in the report text: {c['quote']!r}")
            out.append({**c, "_at": hits[0]})
    for c in out:
        if c["section"] not in spans:
            raise ValueError(f"claim names a section with no figures: {c['section']!r}")
    return out


def uncovered(figures: pd.DataFrame, text: str, params: dict) -> list[Raised]:
    """Topics a section's goals (or the list of claims) name that nothing else in the section covers.

    The section runs from its first figure's quote (or the topic, if earlier)
    to its last figure's quote; a topic is covered when an evidence word
    occurs in that span outside the topic's own sentence, or in a label of
    the section's figures.
    """
    spans, _ = _section_spans(figures, text)
    in_sentences = sentence_spans(text)
    by_section: dict[str, list[dict]] = {}
    for claim in _candidates(figures, text, params):
        section, at = claim["section"], claim["_at"]
        lo, hi = spans[section]
        lo = min(lo, at)
        own = next(((a, b) for a, b in in_sentences if a <= at < b), (at, at + len(claim["quote"])))
        rest = (text[lo:own[0]] + " " + text[own[1]:hi]).lower()
        labels = " ".join(figures.loc[figures["section"] == section, "label"]).lower()
        words = [str(w).lower() for w in claim["evidence"]]
        if not any(w in rest or w in labels for w in words):
            by_section.setdefault(section, []).append(claim)
    out: list[Raised] = []
    for section, claims in by_section.items():
        where = SECTION_WORDS.get(section, section)
        ids = list(figures.index[figures["section"] == section][:1])
        listing = "; ".join(f"{c['topic']} (\u201c{c['quote']}\u201d)" if c["topic"] != c["quote"]
                            else f"\u201c{c['quote']}\u201d" for c in claims)
        many = len(claims) > 1
        out.append(Raised(
            f"uncovered-{slug(section)}", "uncovered",
            f"Topics {where} names but never covers", ids, "count",
            Finding(SECOND_LOOK, None, float(len(claims)),
                    f"The text of {where} names {len(claims)} topic{'s' if many else ''} that nothing else in "
                    f"the section reports on, with no figure and no further word: {listing}. A reader "
                    f"cannot tell what was done about {'them' if many else 'it'} in the year.",
                    {"topics": [c["topic"] for c in claims]}),
            "what was done, and measured, on each topic", 0.15 + 0.05 * min(len(claims), 3), nature="coverage"))
    return out
