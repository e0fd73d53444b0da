"""The plain error of an input the project cannot read, and the YAML reader that raises it.

A parser's exception becomes :class:`InputError`, whose message names the file and, where the parser
knows it, the line: the build prints it and stops, without a traceback.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .paths import shown


#: libyaml's parser where PyYAML was built with it (the pinned wheels are), else PyYAML's own:
#: the same documents, errors and line marks, about ten times faster on the declarations files.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class InputError(ValueError):
    """An input file that cannot be read; ``str(error)`` names the file (and line) and the problem."""


def read_text(path: Path) -> str:
    """The UTF-8 text of ``path``, or :class:`InputError` naming it."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{shown(path)}: the file is missing") from None
    except UnicodeDecodeError as err:
        raise InputError(f"{shown(path)}: not UTF-8 text (byte {err.start} cannot be read)") from None


def load_yaml(path: Path, kind: type = dict) -> Any:
    """Parse the YAML file ``path``, whose top level must be a ``kind`` (a mapping by default).

    Raises
    ------
    InputError
        When the file is missing, is not UTF-8, is not YAML, or its top level
        is not a ``kind``; the message names the file and the line, and gives the parser's own words.

    >>> import tempfile
    >>> bad = Path(tempfile.mkdtemp(), "x.yml")
    >>> _ = bad.write_text("a: [1,\\nb: 2", encoding="utf-8")
    >>> load_yaml(bad)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    lacoe_report.core.errors.InputError: ...x.yml, line 3: not valid YAML (did not find expected ',' or ']')
    """
    text = read_text(path)
    try:
        value = yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 - SAFE_LOADER is yaml's SafeLoader (C or Python)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise InputError(f"{shown(path)}{where}: not valid YAML ({problem})") from None
    if not isinstance(value, kind):
        wanted = "a mapping of names to entries" if kind is dict else f"a {kind.__name__}"
        found = "nothing" if value is None else f"a {type(value).__name__}"
        raise InputError(f"{shown(path)}, line 1: the file must hold {wanted}, not {found}")
    return value


def shape_problem(path: Path, err: Exception) -> InputError:
    """A YAML file that parsed but lacks an entry the code reads (a ``KeyError``, a wrong type).

    >>> str(shape_problem(Path("/elsewhere/x.yml"), KeyError("root")))
    "/elsewhere/x.yml: the entry 'root' is missing or not where it belongs"
    """
    if isinstance(err, KeyError):
        return InputError(f"{shown(path)}: the entry {err.args[0]!r} is missing or not where it belongs")
    return InputError(f"{shown(path)}: an entry has the wrong shape ({err})")
