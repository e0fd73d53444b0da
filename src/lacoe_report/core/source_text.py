"""The report's raw text, normalised so that quotes can be found in it.

Extracted from the published PDF, its line breaks are layout and split words hyphenated at a line end
(``2023-`` / ``24``): :func:`normalize` folds both away, so a verbatim quote matches wherever they fall.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .paths import REPORT_TEXT

# A hyphen that ends a line joins the next line's first word ("2023-\n24").
_HYPHEN_BREAK = re.compile(r"-[ \t]*\n\s*")
_WHITESPACE = re.compile(r"\s+")
#: A numeric token: digits, optionally grouped with commas and with decimals.
NUMERIC_TOKEN = re.compile(r"\d[\d,]*(?:\.\d+)?")
#: The words of scale the report writes after a number ("$84 million"), and what each multiplies by.
SCALE_WORDS = {"thousand": 1e3, "million": 1e6, "billion": 1e9}


def normalize(text: str) -> str:
    """Fold layout whitespace so that quotes can be matched: hyphen breaks joined, runs of whitespace one space.

    >>> normalize("the 2023-\\n24 legislative   session ")
    'the 2023-24 legislative session'
    """
    return _WHITESPACE.sub(" ", _HYPHEN_BREAK.sub("-", text)).strip()


@lru_cache(maxsize=1)
def report_text() -> str:
    """Return the normalised text of the report shipped under ``data/raw``."""
    return normalize(REPORT_TEXT.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Token:
    """A numeric token of the normalised report text and where it stands."""

    text: str
    start: int
    end: int


def numeric_tokens(text: str) -> list[Token]:
    """List every numeric token of ``text`` with its character span.

    A trailing comma belongs to the sentence, not the number.

    Examples
    --------
    >>> [t.text for t in numeric_tokens("grew from 8,318 to 10,603. Rated 4.7/5")]
    ['8,318', '10,603', '4.7', '5']
    """
    tokens = []
    for match in NUMERIC_TOKEN.finditer(text):
        raw = match.group().rstrip(",")
        tokens.append(Token(raw, match.start(), match.start() + len(raw)))
    return tokens


def locate(quote: str, text: str | None = None) -> list[int]:
    """Return every start offset of ``quote`` (normalised) in the report text."""
    haystack = report_text() if text is None else text
    needle = normalize(quote)
    found, start = [], haystack.find(needle)
    while needle and start != -1:
        found.append(start)
        start = haystack.find(needle, start + 1)
    return found


def span_of(as_written: str, quote: str, text: str | None = None) -> tuple[int, int] | None:
    """Return the character span of ``as_written`` inside the one place ``quote`` stands.

    ``as_written`` must stand in the quote as a whole number: ``3`` is not
    found inside ``13,000``.

    Returns
    -------
    tuple of int or None
        Start and end offsets in the normalised report text; ``None`` when the
        quote is not found exactly once or does not contain the value as
        written.
    """
    starts = locate(quote, text)
    if len(starts) != 1:
        return None
    needle = normalize(quote)
    # A number must not be the tail or head of a longer number, a word
    # ("nine") not part of a longer word ("someone").
    before = r"(?<![\w])" if as_written[:1].isalpha() else r"(?<![\d.,])"
    after = r"(?![\w])" if as_written[-1:].isalpha() else r"(?![\d])"
    match = re.search(before + re.escape(as_written) + after, needle)
    if match is None:
        return None
    return starts[0] + match.start(), starts[0] + match.end()


# A sentence ends at . ! or ? before a capital, a digit, a quote or a bracket, but not inside
# initials ("L.A. County"); a bullet between spaces ends one too.
_SENTENCE = re.compile(r"(?<![A-Z]\.[A-Z]\.)(?<=[.!?])\s+(?=[A-Z0-9'\u2018\u201c\"(•])|\s•\s")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text``, the one splitter of the report and of the book.

    Examples
    --------
    >>> text = "One sentence. • A bullet. Another one."
    >>> [text[a:b] for a, b in sentence_spans(text)]
    ['One sentence.', '• A bullet.', 'Another one.']
    """
    spans, start = [], 0
    for m in _SENTENCE.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return spans


def sentences(text: str) -> list[str]:
    """The sentences of a text, as strings.

    Examples
    --------
    >>> sentences("One is 2. Two is 3.")
    ['One is 2.', 'Two is 3.']
    >>> sentences("Ed Buzz L.A. County was viewed. Then more.")
    ['Ed Buzz L.A. County was viewed.', 'Then more.']
    """
    text = text.strip()
    return [text[a:b] for a, b in sentence_spans(text) if a < b]
