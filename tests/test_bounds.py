"""Every bound the book prints ("at least", "over", "at most" ...) is true of the exact value behind it."""
import ast
import json
import re

import pytest

from lacoe_report.book import ledger
from lacoe_report.book.toc import toc_chapters
from lacoe_report.core import formula
from lacoe_report.core.formats import printed_value
from lacoe_report.core.vocabulary import HEDGE_BOUNDS, LOWER_BOUNDS, QUALIFIER_BOUNDS, QUALIFIER_WORDS

#: The words that make a printed number a bound, from the vocabulary, plus the
#: prose forms the vocabulary does not hold as qualifiers of data.
LOWER = sorted({QUALIFIER_WORDS[q] for q in LOWER_BOUNDS})
UPPER = sorted({QUALIFIER_WORDS[q] for q, bound in QUALIFIER_BOUNDS.items() if bound == "upper"} | {"at most", "below"})
# "add up to" is a sum, not a bound. A sentence may start with the bound ("Over 250 students").
BOUND = re.compile(r"(?<!add )(?<!adds )\b(" + "|".join(map(re.escape, LOWER + UPPER)) +
                   r")\s+\{glue:text\}`(\w+)`", re.IGNORECASE)


def prose(notebook_path):
    """The markdown and the figure captions of a chapter, whitespace folded."""
    notebook = json.loads(notebook_path.read_text(encoding="utf-8"))
    parts = ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown"]
    parts += [c.get("metadata", {}).get("mystnb", {}).get("figure", {}).get("caption", "")
              for c in notebook["cells"]]
    return re.sub(r"\s+", " ", "\n".join(parts))


# A bound named after the number, in the same clause: "30.3 per training, a lower bound",
# "2.4 times as many (at most, ...)".
# ("at most {glue:text}`other`" bounds the next number, not this one.)
TRAILING = re.compile(r"\{glue:text\}`(\w+)`[^{.;:]{0,80}?\b(a lower bound|an upper bound|at least|at most)\b"
                      r"(?!\s+\{glue:text\})", re.IGNORECASE)


def printed_bounds():
    """(chapter, key, direction) for every number printed right after a bound word, or named one after it."""
    found = set()
    for path in toc_chapters():
        if path.suffix != ".ipynb":
            continue
        text = prose(path)
        for words, key in BOUND.findall(text):
            found.add((path.stem, key, "lower" if words.lower() in LOWER else "upper"))
        for key, words in TRAILING.findall(text):
            found.add((path.stem, key, "lower" if words.lower() in ("a lower bound", "at least") else "upper"))
    return sorted(found)


def ledger_bounds(rows):
    """(chapter, key, direction) for every published number whose hedge is a bound ("over", "at least" ...).

    The hedge is part of the number's printed text (``core/bounds.py``); "about" bounds nothing.
    """
    words = {w: bound for w, bound in HEDGE_BOUNDS.items() if bound != "none"}
    return sorted((c, k, words[r["hedge"]]) for (c, k), r in rows.items() if r["hedge"] in words)


def exact_value(row):
    """The unrounded value: the inside of a top-level floor_to/ceil_to, else the value itself."""
    body = ast.parse(row["formula"], mode="eval").body
    if isinstance(body, ast.Call) and getattr(body.func, "id", "") in ("floor_to", "ceil_to"):
        return formula.evaluate(ast.unparse(body.args[0])), body.func.id
    return float(row["value"]), None


ROWS = {(r["chapter"], r["key"]): r for _, r in ledger.read().iterrows()}
# A number's text is what is bounded: a pasted text (an as_written, a quote) bounds no value.
BOUNDS = sorted({b for b in printed_bounds() + ledger_bounds(ROWS) if ROWS[b[:2]]["unit"] != "text"})


def test_the_chapters_print_bounds():
    assert len(BOUNDS) >= 40, BOUNDS


def test_a_bound_named_after_its_number_is_found():
    text = ("That is {glue:text}`avg` per event on average, a lower bound. It drew {glue:text}`ratio` "
            "times as many (at most, since ...). Of {glue:text}`n` people; at least half came. "
            "At {glue:text}`a` sites, at least {glue:text}`b` students each.")
    assert TRAILING.findall(text) == [("avg", "a lower bound"), ("ratio", "at most")]


def test_a_bound_that_starts_a_sentence_is_found():
    found = BOUND.findall('"Over {glue:text}`a_b` took part. More than {glue:text}`c` came; '
                          'they add up to {glue:text}`d`.')
    assert found == [("Over", "a_b"), ("More than", "c")]


@pytest.mark.parametrize("chapter, key, direction", BOUNDS, ids=[f"{c}/{k}" for c, k, _ in BOUNDS])
def test_a_printed_bound_is_true_of_the_exact_value(chapter, key, direction):
    row = ROWS[(chapter, key)]
    exact, rounding = exact_value(row)
    printed = printed_value(row["text"])
    slack = 1e-9 * max(1.0, abs(exact))
    if direction == "lower":
        assert printed <= exact + slack, f"{row['text']!r} is a lower bound but the exact value is {exact!r}"
        assert rounding != "ceil_to", "a lower bound rounded up"
    else:
        assert printed >= exact - slack, f"{row['text']!r} is an upper bound but the exact value is {exact!r}"
        assert rounding != "floor_to", "an upper bound rounded down"
