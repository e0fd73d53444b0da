"""The one vocabulary of units, qualifiers, sections and presentations (``data/vocabulary.yml``).

Validation, tables, the audit and :func:`lacoe_report.present.publish.publish`
all read their allowed values and their words from here, so "exact" or
"usd" means one thing everywhere.

Examples
--------
>>> "usd" in DATA_UNITS and "ratio" in UNITS and "ratio" not in DATA_UNITS
True
>>> DISPLAY["count"], DISPLAY["percent_change"]
('count', 'percent_1dp')
>>> QUALIFIER_WORDS["over"], QUALIFIER_LABELS["exact"], LOWER_BOUNDS
('over', 'as stated', ('over', 'more_than', 'at_least'))
"""
from __future__ import annotations

from . import formats
from .errors import InputError, load_yaml, shape_problem
from .paths import VOCABULARY_YML, shown


def _load() -> dict:
    vocabulary = load_yaml(VOCABULARY_YML)
    try:
        for part, fields in (("units", {"in_data", "means", "display"}), ("qualifiers", {"words", "label", "bound"})):
            for name, entry in vocabulary[part].items():
                if not isinstance(entry, dict) or set(entry) != fields:
                    raise InputError(f"{shown(VOCABULARY_YML)}: {part}.{name} needs exactly the fields "
                                     f"{', '.join(sorted(fields))}")
        for name, entry in vocabulary["units"].items():
            try:
                formats.named(entry["display"])
            except ValueError as error:
                raise InputError(f"{shown(VOCABULARY_YML)}: units.{name}.display: {error}") from None
        bounds = {entry["bound"] for entry in vocabulary["qualifiers"].values()}
        dict(vocabulary["sections"]), list(vocabulary["presentations"]), list(vocabulary["number_names"])
        if set(vocabulary["period_bases"]) != {"stated", "report_year", "assumed"} or not all(
                isinstance(label, str) for label in vocabulary["period_bases"].values()):
            raise InputError(f"{shown(VOCABULARY_YML)}: period_bases names stated, report_year and assumed, "
                             "each with its label")
        str(vocabulary["report_year"])
        if set(vocabulary["derived_bounds"]) != {"lower", "upper", "none"}:
            raise InputError(f"{shown(VOCABULARY_YML)}: derived_bounds names the words of a lower, "
                             "an upper and no bound (lower, upper, none)")
    except InputError:
        raise
    except (KeyError, TypeError, AttributeError, ValueError) as err:  # YAML, but not the vocabulary's shape
        raise shape_problem(VOCABULARY_YML, err) from None
    if not bounds <= {"lower", "upper", "none"}:
        raise InputError(f"{shown(VOCABULARY_YML)}: a qualifier's bound is lower, upper or none")
    return vocabulary


_VOCABULARY = _load()

#: Every unit a published number may carry.
UNITS = tuple(_VOCABULARY["units"])
#: How a published number of each unit prints unless its declaration names another format.
DISPLAY = {u: entry["display"] for u, entry in _VOCABULARY["units"].items()}
#: The units a figure of the data may carry.
DATA_UNITS = tuple(u for u, entry in _VOCABULARY["units"].items() if entry["in_data"])
#: What each unit means, for the data dictionary.
UNIT_MEANINGS = {u: entry["means"] for u, entry in _VOCABULARY["units"].items()}
QUALIFIERS = tuple(_VOCABULARY["qualifiers"])
#: How a qualifier reads before a number in a sentence ("" for exact).
QUALIFIER_WORDS = {q: entry["words"] for q, entry in _VOCABULARY["qualifiers"].items()}
#: How a qualifier reads in a table column ("as stated" for exact).
QUALIFIER_LABELS = {q: entry["label"] for q, entry in _VOCABULARY["qualifiers"].items()}
#: Qualifiers that make a figure a floor: the true value is at least this.
LOWER_BOUNDS = tuple(q for q, entry in _VOCABULARY["qualifiers"].items() if entry["bound"] == "lower")
#: The school year the report covers: the period of a figure that gives none.
REPORT_YEAR = str(_VOCABULARY["report_year"])
#: How a figure's period is known (column ``period_basis``): stated, report_year or assumed.
PERIOD_BASES = tuple(_VOCABULARY["period_bases"])
#: How each basis reads after a period, in a table cell and in period()'s words.
PERIOD_BASIS_LABELS = dict(_VOCABULARY["period_bases"])
#: Each qualifier's bound: lower, upper or none.
QUALIFIER_BOUNDS = {q: entry["bound"] for q, entry in _VOCABULARY["qualifiers"].items()}
#: The words before a number computed from hedged figures, by the way it may be off (core/bounds.py).
DERIVED_BOUND_WORDS = dict(_VOCABULARY["derived_bounds"])
#: Every word a printed hedge may be ("over", "nearly", "at least", "about" ...) -> its bound: lower, upper, none.
HEDGE_BOUNDS = {**{entry["words"]: entry["bound"] for entry in _VOCABULARY["qualifiers"].values() if entry["words"]},
                **{words: bound for bound, words in DERIVED_BOUND_WORDS.items()}}
#: Words that carry a hedge in a sentence, so a number beside them may be shown bare (book/rules.py).
HEDGE_CARRIERS = tuple(_VOCABULARY["hedge_carriers"])
#: Qualifiers that hedge a figure at all.
HEDGES = tuple(q for q in QUALIFIERS if q != "exact")
SECTIONS = tuple(_VOCABULARY["sections"])
#: How an explanation names each section of the report.
SECTION_WORDS = dict(_VOCABULARY["sections"])
PRESENTATIONS = tuple(_VOCABULARY["presentations"])
#: Patterns of numbers that are names (a school year, "Pillar 1"), which prose may write.
NUMBER_NAMES = tuple(_VOCABULARY["number_names"])
#: Who a count of people counts (column ``population``), and how a sentence names them.
POPULATION_WORDS = dict(_VOCABULARY["populations"])
POPULATIONS = tuple(POPULATION_WORDS)
#: Columns whose value may be the data's reading, not the report's word (column ``assumed``).
ASSUMABLE_FIELDS = tuple(_VOCABULARY["assumptions"]["fields"])
#: Words that mark a sentence as stating an assumption ("if", "assumes" ...).
ASSUMPTION_WORDS = tuple(_VOCABULARY["assumptions"]["words"])

#: The glue key of a combining number's caveat is the number's key and this (``cm_ws_total_caveat``).
CAVEAT_SUFFIX = "_caveat"
