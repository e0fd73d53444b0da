"""``make chapter NAME=... TITLE="..."``: start a new chapter that already keeps every house rule.

The chapter (``templates/chapter.ipynb``: a figure table, a download link, its
declared numbers, a captioned chart) and its ``templates/chapter.numbers.yml``
are listed at the end of a part of ``_toc.yml``: the next ``make book`` publishes it.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from ..core.declarations import SUFFIX
from ..core.paths import CHAPTERS_DIR, TOC_FILE, shown
from ..core.safe_write import MISSING, ChangedOnDisk, digest, write_if_unchanged
from ..core.vocabulary import SECTIONS

TEMPLATE = Path(__file__).parent / "templates" / "chapter.ipynb"
#: The new chapter's declarations file.
NUMBERS_TEMPLATE = TEMPLATE.with_name("chapter" + SUFFIX)
#: The part a new chapter joins: the last of the report's own parts.
PART = "Schools, money and what comes next"


def render(name: str, title: str, section: str, template: Path = TEMPLATE) -> str:
    """A template with its placeholders filled in (the notebook's JSON, or the declarations' YAML).

    >>> '"# A demo' in render("demo", "A demo", "schools")
    True
    >>> print(render("demo", "A demo", "schools", NUMBERS_TEMPLATE).splitlines()[-1])
      demo_section: section_words('schools')
    """
    text = template.read_text(encoding="utf-8")
    # Placeholders sit inside JSON strings: fill them with JSON-escaped text (names and
    # sections are snake_case, the same in YAML).
    for placeholder, value in (("{{NAME}}", name), ("{{TITLE}}", title), ("{{SECTION}}", section)):
        text = text.replace(placeholder, json.dumps(value)[1:-1])
    return text


def register(toc_text: str, name: str, part: str) -> str:
    """``_toc.yml`` with ``chapters/<name>`` added at the end of ``part``, comments kept.

    >>> toc = "parts:\\n  - caption: A\\n    chapters:\\n      - file: chapters/x\\n  - caption: B\\n"
    >>> print(register(toc, "y", "A"))
    parts:
      - caption: A
        chapters:
          - file: chapters/x
          - file: chapters/y
      - caption: B
    <BLANKLINE>
    """
    lines = toc_text.splitlines(keepends=True)
    start = next((n for n, line in enumerate(lines) if re.match(rf"\s*- caption:\s*{re.escape(part)}\s*$", line)),
                 None)
    if start is None:
        raise ValueError(f"_toc.yml has no part with the caption {part!r}")
    last = start
    for n in range(start + 1, len(lines)):
        if re.match(r"\s*- caption:", lines[n]):
            break
        if re.match(r"\s*- file:", lines[n]):
            last = n
    indent = re.match(r"(\s*)", lines[last]).group(1)
    lines.insert(last + 1, f"{indent}- file: chapters/{name}\n")
    return "".join(lines)


def scaffold(name: str, title: str, section: str) -> Path:
    """Write ``chapters/<name>.ipynb`` and its ``<name>.numbers.yml``, list it in ``_toc.yml``; return its path."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise ValueError(f"NAME must be snake_case (it prefixes the chapter's keys): {name!r}")
    if not title.strip():
        raise ValueError('TITLE is empty: make chapter NAME=... TITLE="..."')
    if section not in SECTIONS:
        raise ValueError(f"SECTION must be one of {', '.join(SECTIONS)}")
    path = CHAPTERS_DIR / f"{name}.ipynb"
    numbers = path.with_name(name + SUFFIX)
    for existing in (path, numbers):
        if existing.exists():
            raise ValueError(f"{shown(existing)} already exists")
    toc = TOC_FILE.read_bytes()
    # Compare-then-rename, as every write into the book's folder: a file saved meanwhile is kept.
    for target, text, read in ((path, render(name, title.strip(), section), MISSING),
                               (numbers, render(name, title.strip(), section, NUMBERS_TEMPLATE), MISSING),
                               (TOC_FILE, register(toc.decode("utf-8"), name, PART), digest(toc))):
        if not write_if_unchanged(target, text.encode("utf-8"), read):
            raise ValueError(str(ChangedOnDisk([target])))
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="make chapter", description=__doc__.splitlines()[0])
    parser.add_argument("name", help="file name and key prefix, snake_case (e.g. transport)")
    parser.add_argument("title", help="the chapter's title")
    parser.add_argument("--section", default="at_a_glance", help="the section of the report it covers")
    args = parser.parse_args(argv)
    try:
        path = scaffold(args.name, args.title, args.section)
    except ValueError as err:
        sys.exit(f"make chapter: {err}")
    print(f"wrote {shown(path)} and {shown(path.with_name(path.stem + SUFFIX))}, listed it in _toc.yml; "
          "run `make book` (or `make lab` to edit it)")


if __name__ == "__main__":
    main()
