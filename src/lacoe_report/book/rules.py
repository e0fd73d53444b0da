"""The house rules, checked at build time: a chapter that breaks one is never published.

``make book`` and ``make preview`` run :func:`check_sources` before executing anything; each broken
rule of :data:`RULES` is a :class:`Violation` naming the file, the cell and the offending text.
Where a rule needs more than its line:

``typed-number``
    Prose, headings, tables, captions and alt text carry no number, in digits or words, except through
    ``{glue:text}``; a block quote found verbatim in the report may, and so may a number that is a name
    (``number_names`` in ``data/vocabulary.yml``: a school year, "Pillar 1").
``download-link``, ``figure-table``
    A ``{download}`` link to ``data/report_figures.csv`` or ``ledger/ledger.csv``; in the report's own
    (numbered) parts, a ``tables.trace_table`` of the figures used.
``hedge-dropped``, ``combination-caveat``
    Every sentence pasting a ``bare: true`` number has a word carrying its hedge (``hedge_carriers``);
    every paragraph, caption or alt text pasting a number declared with ``combines`` pastes its caveat
    too (``{glue:text}`<key>_caveat```, or that of a number with the same caveat).
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml

from ..core.paths import CHAPTERS_DIR, PROJ_ROOT, TOC_FILE, shown
from ..core.source_text import normalize, report_text
from ..core.source_text import sentences
from ..core.vocabulary import CAVEAT_SUFFIX, HEDGE_CARRIERS, NUMBER_NAMES
from ..core.declarations import SUFFIX
from ..core.errors import SAFE_LOADER
from .toc import read_toc

#: Each rule's id and what breaking it looks like, in the order the build checks them.
RULES = {
    "typed-number": "a number typed by hand (publish it and paste it with {glue:text})",
    "not-in-toc": "a notebook that _toc.yml does not list",
    "download-link": "no download link for its data",
    "figure-table": "no table of the figures it uses, as the report states them",
    "glue-key": "a glued key the chapter does not declare",
    "orphan-numbers": "a declarations file without its chapter",
    "hedge-dropped": "a hedged number shown bare, with no word beside it that carries its hedge",
    "combination-caveat": "a sum or ratio across groups of people without its declared caveat beside it",
}

# A role or a cross-reference carries its own text; what is left is typed prose.
_ROLES = re.compile(r"\{[\w:-]+\}`[^`]*`|`[^`]*`|\]\([^)]*\)|^\(.*?\)=\s*$|<[^>]+>", re.M)
# Numbers that are names (a school year, "Pillar 1"), and an ordered list's own numbering.
_NAMES = re.compile("|".join([*NUMBER_NAMES, r"^\s*\d+\.\s"]), re.M)
_CARDINALS = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
              "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
              "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
# A scale word is a quantity after "a" or "one" ("a million students"); alone it is a unit ("per
# hundred", "the nearest million"). After a digit or a cardinal the line is flagged anyway.
_SCALES = r"(?:hundred|thousand|million|billion|trillion|dozen)"
_TYPED = re.compile(r"\d|\b(" + "|".join(_CARDINALS) + r")\b|\b(a|one)[\s-]+" + _SCALES + r"\b", re.I)
_GLUE = re.compile(r"\{glue(?::\w+)?\}`([^`\s]+)`")
#: Characters of a long line shown around its typed number.
_EXCERPT = 120
_DOWNLOAD = re.compile(r"\{download\}`[^`]*<\.\./(data/report_figures\.csv|ledger/ledger\.csv)>`")


@dataclass(frozen=True)
class Violation:
    """One broken rule: where, which rule, and the offending text."""

    rule: str
    where: str
    text: str

    def __str__(self) -> str:
        return f"{self.where}: {RULES[self.rule]} [{self.rule}]: {self.text}"


def _asked(root: Path) -> dict[str, list[tuple[str, str, str]]]:
    """The questions of ``data/questions.yml`` as their chapters' prose (its "What the report does not say").

    Chapter -> ``(where, kind, text)``; the file's own checks are :mod:`lacoe_report.core.questions`'s.
    """
    path = root / "data" / "questions.yml"
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER) or {}  # noqa: S506 - yaml's SafeLoader
        entries = [e for e in document.get("questions") or [] if isinstance(e, dict)]
    except (OSError, yaml.YAMLError, AttributeError):
        return {}  # missing or unreadable: the data check names the file and line
    found: dict[str, list] = {}
    for entry in entries:
        where = f"{shown(path)}, question {entry.get('id')!r}"
        for name in ("title", "text", "settle"):
            found.setdefault(str(entry.get("chapter")), []).append(
                (f"{where} ({name})", "markdown", " ".join(str(entry.get(name) or "").split())))
    return found


def _cells(path: Path, asked: dict | None = None) -> list[tuple[str, str, str]]:
    """``(where, kind, text)`` for every piece of prose in a chapter: markdown, figure metadata, its questions."""
    if path.suffix == ".md":
        return [(shown(path), "markdown", path.read_text(encoding="utf-8"))]
    notebook = nbformat.read(path, as_version=4)
    found = []
    for number, cell in enumerate(notebook.cells, start=1):
        where = f"{shown(path)}, cell {number}"
        if cell.cell_type == "markdown":
            found.append((where, "markdown", cell.source))
        meta = cell.metadata.get("mystnb", {})
        if meta.get("figure", {}).get("caption"):
            found.append((f"{where} (caption)", "caption", meta["figure"]["caption"]))
        if meta.get("image", {}).get("alt"):
            found.append((f"{where} (alt text)", "alt", meta["image"]["alt"]))
    return found + list((asked or {}).get(path.stem, []))


def typed_numbers(text: str, where: str) -> Iterator[Violation]:
    """Lines of ``text`` that carry a number not pasted by glue.

    >>> [v.text for v in typed_numbers("Over {glue:text}`n` students.\\nIn 2023-24, forty-six percent.", "x")]
    ['In 2023-24, forty-six percent.']
    >>> list(typed_numbers("> quoted words that are not in the report, 12 of them", "x"))[0].rule
    'typed-number'
    """
    code = False  # inside a fenced code block (a directive's fence, ```{note}, holds prose)
    for line in text.splitlines():
        fence = line.lstrip().startswith("```")
        if fence and (code or not line.lstrip().startswith("```{")):
            code = not code if line.strip() == "```" or not code else code
            continue
        if code or fence:
            continue
        # Blanked, not removed: a match's position is its position in the line.
        bare = _NAMES.sub(_blank, _ROLES.sub(_blank, line))
        typed = _TYPED.search(bare)
        if not typed:
            continue
        if line.lstrip().startswith(">") and _quoted_verbatim(line):
            continue
        yield Violation("typed-number", where, _excerpt(line, typed.start(), typed.end()))


def _blank(match: re.Match) -> str:
    return " " * len(match.group())


def _excerpt(line: str, start: int, end: int, width: int = _EXCERPT) -> str:
    """The line, or for a long one (a caption, alt text) the part around the typed number.

    >>> shown = _excerpt("word " * 40 + "48% of it", 200, 203, 40)
    >>> shown.startswith("…word") and shown.endswith("48% of it"), len(shown) <= 41
    (True, True)
    >>> _excerpt("The 4 lines", 4, 5)
    'The 4 lines'
    """
    if len(line.strip()) <= width:
        return line.strip()
    left = max(0, min(start - width // 2, len(line) - width))
    right = min(len(line), max(left + width, end))
    text = line[left:right].strip()
    return ("…" if left > 0 else "") + text + ("…" if right < len(line.rstrip()) else "")


def _quoted_verbatim(line: str) -> bool:
    """A block-quote line whose words (roles removed) stand in the report text."""
    words = normalize(re.sub(r"^\s*>\s?", "", _ROLES.sub(" ", line))).strip(" .…\"“”'")
    pieces = [p.strip(" .…\"“”'") for p in re.split(r"\s*(?:\.\.\.|…)\s*", words) if p.strip(" .…\"“”'")]
    return bool(pieces) and all(piece in report_text() for piece in pieces)


def check_sources(root: Path = PROJ_ROOT) -> list[Violation]:
    """Rules that read the chapters as written: typed numbers, the toc, downloads, figure tables."""
    toc_file = root / TOC_FILE.relative_to(PROJ_ROOT)
    _, parts, documents = read_toc(toc_file)
    listed = [root / f"{name}{suffix}" for name in documents for suffix in (".ipynb", ".md")
              if (root / f"{name}{suffix}").exists()]
    found: list[Violation] = []
    chapters_dir = root / CHAPTERS_DIR.relative_to(PROJ_ROOT)
    for notebook in sorted(chapters_dir.glob("*.ipynb")):
        # nbconvert's side files (git ignores them) are copies, not chapters
        if notebook not in listed and not notebook.name.endswith(".nbconvert.ipynb"):
            found.append(Violation("not-in-toc", shown(notebook),
                                   f"add `- file: chapters/{notebook.stem}` to {toc_file.name} or move it out"))
    for numbers in sorted(chapters_dir.glob(f"*{SUFFIX}")):
        if numbers.with_name(numbers.name.removesuffix(SUFFIX) + ".ipynb") not in listed:
            found.append(Violation("orphan-numbers", shown(numbers), "no chapter of that name in "
                                   f"{toc_file.name}: its numbers would be published on no page"))
    numbered = {name for part in parts if part.numbered for name in part.docnames}
    asked = _asked(root)
    for path in listed:
        cells = _cells(path, asked)
        for where, _, text in cells:
            found += typed_numbers(text, where)
        if path.suffix != ".ipynb":
            continue
        prose = "\n".join(text for _, kind, text in cells if kind == "markdown")
        if not _DOWNLOAD.search(prose):
            found.append(Violation("download-link", shown(path),
                                   "no {download} link to ../data/report_figures.csv or ../ledger/ledger.csv"))
        declared = _declared_keys(path)
        records = {k: v for k, v in (declared or {}).items() if isinstance(v, dict)}
        caveats = {k: " ".join(str(v["combines"]).split()) for k, v in records.items() if v.get("combines")}
        pasteable = set(declared or {}) | {k + CAVEAT_SUFFIX for k in caveats}
        bare = {k for k, v in records.items() if v.get("bare") is True}
        for where, _, text in cells:
            found += missing_caveats(text, where, caveats)
            for key in _GLUE.findall(text) if declared is not None else []:
                if key not in pasteable:
                    found.append(Violation("glue-key", where, f"{{glue:text}}`{key}` is not declared in "
                                           f"{shown(path.with_name(path.stem + SUFFIX))}: declare it, or fix the key"))
            found += bare_hedges(text, where, bare)
        name = path.relative_to(root).with_suffix("").as_posix()
        code = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
        if name in numbered and "trace_table(" not in code:
            found.append(Violation("figure-table", shown(path),
                                   "no table of its figures as stated (tables.trace_table)"))
    return found


def _declared_keys(path: Path) -> dict | None:
    """What ``<chapter>.numbers.yml`` declares, by key; None when it cannot be read (the ledger says why, by line)."""
    numbers = path.with_name(path.stem + SUFFIX)
    if not numbers.exists():
        return {}
    try:
        document = yaml.load(numbers.read_text(encoding="utf-8"), Loader=SAFE_LOADER)  # noqa: S506 - SAFE_LOADER is yaml's SafeLoader (C or Python)
        return dict((document or {}).get("numbers") or {})
    except (yaml.YAMLError, AttributeError, TypeError, ValueError):
        return None


def missing_caveats(text: str, where: str, caveats: dict[str, str]) -> Iterator[Violation]:
    """Numbers that combine groups of people, pasted in ``text`` without their caveat.

    ``caveats`` maps each combining key to its declared caveat; the caveat of
    any key with the same words serves.

    >>> caveats = {"total": "May count people twice.", "share": "May count people twice."}
    >>> [v.text for v in missing_caveats("{glue:text}`share` of {glue:text}`total`.", "x", caveats)]
    ['{glue:text}`share` (paste its caveat, {glue:text}`share_caveat`)']
    >>> list(missing_caveats("{glue:text}`share`. {glue:text}`total_caveat`", "x", caveats))
    []
    """
    pasted = set(_GLUE.findall(text))
    said = {caveats[k.removesuffix(CAVEAT_SUFFIX)] for k in pasted
            if k.endswith(CAVEAT_SUFFIX) and k.removesuffix(CAVEAT_SUFFIX) in caveats}
    for key in sorted(pasted & set(caveats)):
        if caveats[key] not in said:
            yield Violation("combination-caveat", where,
                            f"{{glue:text}}`{key}` (paste its caveat, {{glue:text}}`{key}{CAVEAT_SUFFIX}`)")
            said.add(caveats[key])  # one message per caveat missing from the paragraph


def bare_hedges(text: str, where: str, bare: set[str]) -> Iterator[Violation]:
    """Sentences that paste a number declared ``bare: true`` without a word that carries its hedge.

    >>> [v.text for v in bare_hedges("It is {glue:text}`n`. At least {glue:text}`n` here.", "x", {"n"})]
    ['It is {glue:text}`n`.']
    """
    for sentence in sentences(" ".join(text.split())):
        keys = set(_GLUE.findall(sentence)) & bare
        words = _ROLES.sub(" ", sentence).lower()
        if keys and not any(re.search(rf"\b{re.escape(w)}\b", words) for w in HEDGE_CARRIERS):
            yield Violation("hedge-dropped", where, _excerpt(sentence, 0, len(sentence)))


def report(violations: list[Violation]) -> str:
    """The build's message: one line per broken rule, grouped under a plain heading."""
    lines = [f"{len(violations)} house rule(s) broken; nothing was published:"]
    lines += [f"  {v}" for v in violations]
    return "\n".join(lines)
