"""Each published number declared once: ``chapters/<name>.numbers.yml`` beside its notebook.

A declaration names a number (its key, pasted into the chapter's text with ``{glue:text}`key```),
says what it is (a formula of :mod:`lacoe_report.core.formula`, or one fact of
:mod:`lacoe_report.core.facts`) and, where it cannot be inferred, its unit. The value is what the
formula evaluates to: the declaration *is* the computation. It prints in its unit's ``display``
(``data/vocabulary.yml``) unless it names another format of :data:`lacoe_report.core.formats.NAMED`::

    lets:                                    # named parts of formulas, written once
      edu_share: fin_educational_amount / fin_budget_total * 100
      budget_amounts: [fin_specially_funded_amount, fin_admin_amount]
    numbers:
      fin_total: fin_budget_total            # a figure as stated: unit and format follow
      fin_n_lines: count(id=budget_amounts)  # count/nunique give counts
      fin_edu_computed: {formula: edu_share, unit: percent, format: percent_1dp}
      fin_period: period(fin_budget_total)   # a fact: the words come from the data
      fin_months: {formula: "12  # months in a year", unit: months}  # a constant says why
      ig_prior_low: {formula: ..., bare: true}  # printed without its hedge: the sentence carries it
      ws_total: {formula: a + b, unit: count, combines: "..."}  # groups of people: what the sum means

A let, or a number declared above (unless its key is also a figure id), is substituted, in
parentheses, into the formulas that name it, so the ledger records the whole formula, re-evaluable
from the data alone; a numeric fact declared above is substituted by its value. Nothing here depends
on Sphinx or glue: the ledger, ``make verify`` and any renderer read the same records.

Examples
--------
>>> entries = load_text("numbers:\\n  total: fin_budget_total\\n  half: {formula: total / 2, unit: usd}", "x")
>>> [evaluate(e)["text"] for e in entries]
['$627,000,000', '$313,500,000']
>>> entries[1].formula
'fin_budget_total / 2'
"""
from __future__ import annotations

import ast
import functools
import inspect
import math
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import bounds, formats, formula as _formula
from .facts import FACTS, Fact
from .errors import SAFE_LOADER
from .paths import CHAPTERS_DIR, FIGURES_CSV, shown, stamp
from .syntax import python_expression
from .vocabulary import DISPLAY, UNITS

#: The suffix of a chapter's declarations file: ``chapters/finance.numbers.yml``.
SUFFIX = ".numbers.yml"
_KEY = re.compile(r"[a-z][a-z0-9_]*")
_FIELDS = {"formula", "unit", "format", "bare", "combines"}


class DeclarationError(ValueError):
    """A declarations file that cannot be read, or a declaration that cannot be evaluated."""


def path(chapter: str) -> Path:
    """The declarations file of ``chapter``.

    >>> path("finance").relative_to(CHAPTERS_DIR).as_posix()
    'finance.numbers.yml'
    """
    return CHAPTERS_DIR / f"{chapter}{SUFFIX}"


class _Loader(SAFE_LOADER):
    """A YAML loader that refuses a key given twice (PyYAML keeps the last silently) and keeps lines."""


def _mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"{key!r} is declared twice (first on line {seen[key] + 1})", key_node.start_mark)
        seen[key] = key_node.start_mark.line
    mapping = loader.construct_mapping(node, deep=deep)
    loader.lines.update({k: line + 1 for k, line in seen.items() if isinstance(k, str)})
    return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


@dataclass(frozen=True)
class Entry:
    """One declared number, checked and with its lets substituted.

    Attributes
    ----------
    chapter, key : str
        Where it is published and the name the text pastes.
    formula : str
        The formula or fact call, with every let substituted.
    unit, format : str
        Its unit (declared or inferred) and the named format it prints with.
    where : str
        File and line, for messages.
    fact : tuple or None
        ``(Fact, args, kwargs)`` when the declaration is a fact, else None (read once, when loaded).
    bare : bool
        Printed without its hedge: the sentence that pastes it says the hedge (``book/rules.py`` checks).
    caveat : str
        What a sum or ratio of counts of different groups of people can and cannot mean, as
        declared under ``combines``; glued as ``<key>_caveat`` beside the number.
    """

    chapter: str
    key: str
    formula: str
    unit: str
    format: str
    where: str
    fact: tuple | None = None
    bare: bool = False
    caveat: str = ""

    def inputs(self) -> list[str]:
        """The figure ids this number rests on."""
        if self.fact is None:
            return _formula.figure_ids(self.formula)
        fact, args, kwargs = self.fact
        return list(dict.fromkeys(fact.inputs(*args, **kwargs)))


def _fact_call(text: str, where: str) -> tuple | None:
    try:
        body = python_expression(text).body
    except SyntaxError as error:
        raise DeclarationError(f"{where}: {text!r} is not a formula ({error.msg})") from None
    if not (isinstance(body, ast.Call) and isinstance(body.func, ast.Name) and body.func.id in FACTS):
        if any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in FACTS
               for n in ast.walk(body)):
            raise DeclarationError(f"{where}: a fact ({', '.join(FACTS)}) stands alone in its declaration")
        return None
    fact = FACTS[body.func.id]

    def literal(node):
        if isinstance(node, ast.Name):
            return node.id
        if isinstance(node, ast.List):
            return [literal(n) for n in node.elts]
        try:
            return ast.literal_eval(node)
        except ValueError:
            raise DeclarationError(f"{where}: {fact.name}() takes figure ids and quoted words, "
                                   f"not {ast.unparse(node)!r}") from None

    args = [literal(a) for a in body.args]
    kwargs = {k.arg: literal(k.value) for k in body.keywords}
    for position in fact.figure_args:
        if position >= len(args) or not isinstance(body.args[position], ast.Name):
            raise DeclarationError(f"{where}: {fact.name}() takes a figure id (unquoted) as argument {position + 1}")
    try:
        inspect.signature(fact.call).bind(*args, **kwargs)
    except TypeError as error:
        problem = "is missing an argument" if str(error).startswith("missing") else f"takes other arguments: {error}"
        raise DeclarationError(f"{where}: {fact.name}() {problem}") from None
    return fact, args, kwargs


def _substitute(text: str, lets: dict[str, str], where: str, depth: int = 0) -> str:
    if depth > 20:
        raise DeclarationError(f"{where}: the lets refer to each other in a circle, or nest more than 20 deep")

    def put(match):
        if match.group(1) or match.group(2) not in lets:
            return match.group(0)
        value = lets[match.group(2)]
        value = value() if callable(value) else value  # a numeric fact, evaluated only when named
        before = match.string[:match.start()].rstrip()
        if value.startswith("[") and before.endswith("=") and before[-2:-1] not in ("=", "<", ">", "!"):
            # count(id=budget_amounts): a keyword compares the CSV's text, so the ids are quoted.
            return repr([v.strip() for v in value[1:-1].split(",")])
        return value

    code, hash_, rule = text.partition("#")  # a constant's rule is words, never substituted
    expanded = _formula.NAME.sub(put, code) + hash_ + rule
    return expanded if expanded == text else _substitute(expanded, lets, where, depth + 1)


def _let_text(name: str, value, where: str) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        value = str(value).split("#")[0].strip()  # a constant's rule stays in the file, beside it
        return value if _KEY.fullmatch(value) else f"({value})"
    raise DeclarationError(f"{where}: let {name!r} is an expression or a list of them")


def _infer_unit(formula_text: str, fact, where: str, key: str) -> str:
    from . import data  # pandas, pandera (0.37 s): not for `make chapter`, which imports this module for SUFFIX
    if fact is not None and fact[0].unit is not None:
        return fact[0].unit
    body = None if fact is not None else _formula.parse(formula_text).body
    if isinstance(body, ast.Name):
        return str(data.figure(body.id)["unit"])
    if isinstance(body, ast.Call) and isinstance(body.func, ast.Name) and body.func.id in ("count", "nunique"):
        return "count"
    raise DeclarationError(f"{where}: {key} needs a unit ({', '.join(UNITS)}): only a figure id, count() "
                           "or nunique() tells its own")


def load_text(text: str, chapter: str, source: str | None = None) -> list[Entry]:
    """Parse and check the declarations ``text`` of ``chapter`` (``source`` names it in messages)."""
    source = source or f"{chapter}{SUFFIX}"
    loader = _Loader(text)
    loader.lines = {}
    try:
        document = loader.get_single_data() or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f", line {mark.line + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise DeclarationError(f"{source}{line}: {problem}") from None
    finally:
        loader.dispose()
    if not isinstance(document, dict) or set(document) - {"lets", "numbers"} or "numbers" not in document:
        raise DeclarationError(f"{source}: a declarations file has 'numbers' (and optionally 'lets') at the top")
    lets_given, numbers = document.get("lets") or {}, document["numbers"] or {}
    if not isinstance(lets_given, dict) or not isinstance(numbers, dict):
        raise DeclarationError(f"{source}: 'lets' and 'numbers' are mappings of names")
    lets = {name: _let_text(name, value, f"{source}, line {loader.lines.get(name, '?')}")
            for name, value in lets_given.items()}
    entries = []
    for key, given in numbers.items():
        where = f"{source}, line {loader.lines.get(key, '?')}, {key}"
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            raise DeclarationError(f"{where}: a key is lower case letters, digits and _")
        if key in lets:
            raise DeclarationError(f"{where}: {key} is also a let; give them different names")
        spec = {"formula": given} if isinstance(given, (str, int, float)) and not isinstance(given, bool) else given
        if not isinstance(spec, dict) or "formula" not in spec or set(spec) - _FIELDS:
            raise DeclarationError(f"{where}: a declaration is a formula, or a mapping with formula "
                                   "(and optionally unit, format)")
        given_text = raw = str(spec["formula"]).strip()
        # A formula that is one let is that let, without the parentheses a part of a formula needs.
        whole = lets.get(given_text, "")
        whole = whole() if callable(whole) else whole  # a numeric fact declared above: its number
        given_text = whole[1:-1] if whole.startswith("(") and whole.endswith(")") else whole or given_text
        formula_text = _substitute(given_text, lets, where)
        if "#" not in formula_text and _formula.parses(formula_text):
            formula_text = ast.unparse(python_expression(formula_text))  # only the parentheses it needs
        fact = _fact_call(formula_text, where)
        if fact is None:
            try:
                tree = _formula.parse(formula_text)
            except _formula.FormulaError as error:
                raise DeclarationError(f"{where}: {error}") from None
            # A number that names a numeric fact declared above is written with that fact's value.
            names_a_fact = any(callable(lets.get(match.group(2))) for match in _formula.NAME.finditer(raw))
            if "#" not in formula_text and not names_a_fact \
                    and not any(isinstance(n, (ast.Name, ast.Call)) for n in ast.walk(tree)):
                raise DeclarationError(f"{where}: a constant says where it comes from after '#', in quotes: "
                                       "\"12  # months in a year\"")
        copied = next((entry.unit for entry in entries if entry.key == raw), None)  # `m: n` is n again
        unit = spec.get("unit") or copied or _infer_unit(formula_text, fact, where, key)
        if unit not in UNITS:
            raise DeclarationError(f"{where}: unit {unit!r} is not one of {', '.join(UNITS)}")
        fmt = str(spec.get("format") or DISPLAY[unit])
        try:
            formats.named(fmt)
        except ValueError as error:
            raise DeclarationError(f"{where}: {error}") from None
        bare = spec.get("bare", False)
        if not isinstance(bare, bool):
            raise DeclarationError(f"{where}: bare is true or false")
        caveat = _caveat(spec.get("combines"), formula_text if fact is None else "", where, key)
        entries.append(Entry(chapter, key, formula_text, unit, fmt, where, fact, bare, caveat))
        if key in _formula.figure_values():  # a figure id always means the figure
            continue
        if fact is None:
            lets[key] = f"({formula_text.split('#')[0].strip()})"
        elif unit != "text":  # a later formula names a numeric fact by its value: the ledger shows that number
            lets[key] = functools.partial(lambda entry: repr(evaluate(entry)["value"]), entries[-1])
    return entries


def combined_groups(formula_text: str) -> list[str]:
    """The groups of people a formula combines: counts with a population, by population and period.

    Counts of different populations or periods may hold the same people, or people the report never
    relates: adding or dividing them needs ``combines``. One quantity at two periods is a change over time.

    >>> combined_groups("p3_immigrant_workshop_educators + p3_immigrant_workshop_parents")
    ['educators in 2023-24', 'parents in 2023-24']
    >>> combined_groups("p2_ease_counseling_employees / p2_ease_employees")
    []
    """
    # The rows as read, not data.figures(): that copies the frame on each of the book's declarations.
    rows = _formula.figure_rows_by_id()
    people = [(rows[i]["metric"], rows[i]["population"], rows[i]["period"])
              for i in _formula.figure_ids(formula_text) if i in rows  # else refused later
              and rows[i]["unit"] == "count" and rows[i]["population"]]
    if len({metric for metric, _, _ in people}) < 2:  # one quantity at two dates is a change over time
        return []
    groups = list(dict.fromkeys((population, period) for _, population, period in people))
    if len(groups) < 2:
        return []
    return [f"{population.replace(' ', ' and ')} in {period}" for population, period in groups]


def _caveat(given, formula_text: str, where: str, key: str) -> str:
    """The declared caveat of a number that combines groups of people; refused when missing or needless."""
    groups = combined_groups(formula_text) if formula_text and _formula.parses(formula_text) else []
    if groups and not (isinstance(given, str) and given.strip()):
        raise DeclarationError(f"{where}: {key} combines counts of different groups ({'; '.join(groups)}): "
                               "say under 'combines' what the result can and cannot mean (for example, that "
                               "people may be counted twice)")
    if given is not None and not groups:
        raise DeclarationError(f"{where}: combines is for a number that adds or divides counts of people of "
                               "different populations or periods, and this one does not")
    return " ".join(str(given).split()) if groups else ""


def load(chapter: str) -> list[Entry]:
    """The checked declarations of ``chapter`` (none when it has no declarations file)."""
    file = path(chapter)
    if not file.exists():
        return []
    return list(_load_cached(file.read_text(encoding="utf-8"), chapter, shown(file), stamp(FIGURES_CSV)))


@functools.lru_cache(maxsize=64)
def _load_cached(text: str, chapter: str, source: str, figures_stamp: tuple) -> tuple[Entry, ...]:
    # Keyed on the text and the figures file it reads units from: each `declared(...)` reads every file.
    return tuple(load_text(text, chapter, source))


def evaluate(entry: Entry) -> dict:
    """The ledger record of one declaration: key, value, text, hedge, unit, format, inputs, formula.

    ``text`` is the number as every page prints it, its ``hedge`` (:mod:`lacoe_report.core.bounds`) before it.

    Raises
    ------
    DeclarationError
        When the formula cannot be evaluated, naming the file, line and key.
    """
    try:
        if entry.fact is None:
            value = _formula.evaluate(entry.formula)
            recorded = entry.formula
        else:
            fact, args, kwargs = entry.fact
            value = fact.call(*args, **kwargs)
            recorded = entry.formula if entry.unit == "text" else f"{_plain(value)!r}  # {entry.formula}"
        value = str(value) if entry.unit == "text" else _plain(value)
        text = formats.named(entry.format)(value)
        # A number from hedged figures is shown with its hedge, wherever it is pasted.
        hedge = "" if entry.fact is not None or entry.unit == "text" else bounds.hedge(entry.formula, text)
        if entry.bare and not hedge:
            raise ValueError("bare: true is for a hedged number, and this one is exact")
    except (_formula.FormulaError, ArithmeticError, LookupError, TypeError, ValueError) as error:
        message = error.args[0] if isinstance(error, KeyError) and error.args else error
        raise DeclarationError(f"{entry.where}: {message}") from None
    return {"key": entry.key, "value": value, "text": text if entry.bare else formats.hedged(text, hedge),
            "hedge": hedge,
            "unit": entry.unit, "format": entry.format, "inputs": entry.inputs(), "formula": recorded,
            "caveat": entry.caveat}


def _plain(value) -> int | float:
    """A plain Python number (numpy scalars break glue), whole numbers as int; never NaN or infinite."""
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"the value is not a finite number ({value!r})")
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


def records(chapter: str) -> list[dict]:
    """Every declaration of ``chapter`` evaluated, in the file's order."""
    return [evaluate(entry) for entry in load(chapter)]


def chapters() -> list[str]:
    """The chapters that declare numbers (a declarations file beside the notebook), by name."""
    return sorted(p.name.removesuffix(SUFFIX) for p in CHAPTERS_DIR.glob(f"*{SUFFIX}"))


def book_entries() -> list[Entry]:
    """Every declaration of every chapter, by chapter name."""
    return [entry for chapter in chapters() for entry in load(chapter)]


_DECLARED = {"numbers": lambda entries: len(entries),
             "numeric": lambda entries: sum(e.unit != "text" for e in entries),
             "text": lambda entries: sum(e.unit == "text" for e in entries),
             "with_inputs": lambda entries: sum(bool(e.inputs()) for e in entries),
             "chapters": lambda entries: len({e.chapter for e in entries})}


def _declared(which: str = "numbers") -> int:
    """How many declarations the book has: numbers (default), numeric, text, with_inputs, or chapters."""
    if which in _DECLARED:
        return _DECLARED[which](book_entries())
    raise ValueError(f"declared() counts numbers, numeric, text, with_inputs or chapters, not {which!r}")


# A fact about the declarations themselves: registered here, where they are read, so that
# facts.py need not import this module (which imports it).
FACTS["declared"] = Fact("declared", "count", _declared)
