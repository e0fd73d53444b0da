"""Load and validate ``data/audit_relations.yml``: the relations and the detectors' settings.

Each of ``relations`` has an ``id``, a ``kind`` (of :data:`~.kinds.KINDS`), a
``description``, ``inputs`` (the kind's roles) and optional ``params``;
``detectors`` maps each detector to its settings, ``ranking`` orders the natures.
Loading stops with every problem, each with its file, line and field.

Examples
--------
>>> text = '''
... relations:
...   - id: a-sum
...     kind: summ
...     description: Parts add up
...     inputs: {parts: [x], total: y}
... '''
>>> try:  # doctest: +ELLIPSIS
...     load_text(text, figure_ids={"x", "y"}, path="rel.yml")
... except SpecError as err:
...     print(err)
rel.yml: 1 problem
  rel.yml, line 4, field 'kind': unknown kind 'summ'; use one of sum, shares_sum, share, growth, ...
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..errors import SAFE_LOADER
from ..paths import shown
from . import claims, money
from .kinds import KINDS

#: Detectors whose settings are checked on load: name -> problems of its settings.
SETTINGS_CHECKS = {"claims": claims.check_settings, "budget": money.check_settings}
#: The fields every relation has, and the ones it may have.
REQUIRED = ("id", "kind", "description", "inputs")
OPTIONAL = ("params",)
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class SpecError(ValueError):
    """The relations file has problems; the message lists each with file, line and field."""

    def __init__(self, path: str, problems: list[str]):
        self.path, self.problems = path, problems
        n = len(problems)
        super().__init__(f"{path}: {n} problem{'s' if n != 1 else ''}\n" + "\n".join(f"  {p}" for p in problems))


@dataclass(frozen=True)
class RelationSpec:
    """One declared relation, validated: ``inputs`` maps each role to a figure id, or a list for ``many`` roles."""

    id: str
    kind: str
    description: str
    inputs: dict
    params: dict = field(default_factory=dict)
    line: int = 0

    @property
    def figure_ids(self) -> list[str]:
        """Every figure id the relation names, in role order."""
        return [i for ids in self.inputs.values() for i in ([ids] if isinstance(ids, str) else ids)]


@dataclass(frozen=True)
class Spec:
    """The whole file: relations in order, and each detector's settings."""

    relations: list[RelationSpec]
    detectors: dict
    ranking: tuple[str, ...] = ()


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _mapping(node: yaml.Node) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    return {k.value: (k, v) for k, v in node.value}


def load_text(text: str, *, figure_ids: set[str], path: str = "audit_relations.yml") -> Spec:
    """Parse and validate the relations file's text.

    Parameters
    ----------
    text, path : str
        The YAML text, and how messages name the file.
    figure_ids : set of str
        The ids of the figures table; every input must be one of them.

    Raises
    ------
    SpecError
    """
    problems: list[str] = []

    def problem(node: yaml.Node, fieldname: str, message: str) -> None:
        problems.append(f"{path}, line {_line(node)}, field '{fieldname}': {message}")

    try:
        # The nodes give the lines of messages, the values come from loading (which also refuses unknown tags).
        root = yaml.compose(text, Loader=SAFE_LOADER)
        document = yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 - SAFE_LOADER is yaml's SafeLoader (C or Python)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = f"line {mark.line + 1}: " if mark else ""
        raise SpecError(path, [f"{path}, {line}not valid YAML ({getattr(err, 'problem', err)})"]) from None
    if not isinstance(root, yaml.MappingNode) or not isinstance(document, dict):  # !!set is a mapping too
        raise SpecError(path, [f"{path}: the file must be a mapping with 'relations' (and 'detectors')"])
    top = _mapping(root)
    for key in top:
        if key not in ("relations", "detectors", "ranking"):
            problem(top[key][0], key, "unknown section; use relations, detectors or ranking")
    detectors = document.get("detectors", {})
    if "detectors" in top and isinstance(top["detectors"][1], yaml.MappingNode):
        for dname, (dnode, _) in _mapping(top["detectors"][1]).items():
            check = SETTINGS_CHECKS.get(dname)
            settings = detectors.get(dname)
            for message in (check(settings) if isinstance(settings, dict) else [f"{dname}: a mapping of settings"])\
                    if check else []:
                problem(dnode, f"detectors.{dname}.{message.split(':')[0]}", message.partition(": ")[2])
    ranking = document.get("ranking", [])
    if not isinstance(ranking, list) or not all(isinstance(n, str) for n in ranking):
        problem(top["ranking"][1], "ranking", "a list of natures, the strongest doubts first")
        ranking = []
    relations: list[RelationSpec] = []
    seq = top.get("relations", (None, root))[1]
    if not isinstance(seq, yaml.SequenceNode):
        problem(seq, "relations", "a list of relations" if "relations" in top else "missing: a list of relations")
        raise SpecError(path, problems)
    seen: dict[str, int] = {}
    for item, plain in zip(seq.value, document["relations"]):
        if not isinstance(item, yaml.MappingNode) or not isinstance(plain, dict):
            problem(item, "relations", "each relation is a mapping with id, kind, description and inputs")
            continue
        fields = _mapping(item)
        for key, (knode, _) in fields.items():
            if key not in REQUIRED + OPTIONAL:
                problem(knode, key, f"unknown field; a relation has {', '.join(REQUIRED + OPTIONAL)}")
        missing = [f for f in REQUIRED if f not in fields or plain[f] in (None, "")]
        for f in missing:
            problem(fields[f][1] if f in fields else item, f, "missing; every relation needs it")
        rid = plain.get("id")
        if "id" in fields and isinstance(rid, str):
            if not _ID.match(rid):
                problem(fields["id"][1], "id", f"{rid!r} is not lower-case words joined by hyphens")
            if rid in seen:
                problem(fields["id"][1], "id", f"duplicate id {rid!r} (first on line {seen[rid]})")
            seen.setdefault(rid, _line(fields["id"][1]))
        kind = KINDS.get(plain.get("kind")) if isinstance(plain.get("kind"), str) else None
        if "kind" in fields and plain.get("kind") and kind is None:
            problem(fields["kind"][1], "kind", f"unknown kind {plain.get('kind')!r}; use one of {', '.join(KINDS)}")
        inputs: dict = {}
        if kind is not None and "inputs" in fields:
            inode = fields["inputs"][1]
            if not isinstance(inode, yaml.MappingNode) or not isinstance(plain["inputs"], dict):
                problem(inode, "inputs", f"a mapping of roles: {', '.join(kind.roles)}")
            else:
                given = _mapping(inode)
                for role, (rnode, vnode) in given.items():
                    if role not in kind.roles:
                        problem(rnode, f"inputs.{role}", f"unknown role for kind {kind.name}; "
                                                         f"use {', '.join(kind.roles)}")
                        continue
                    ids = plain["inputs"][role]
                    many = kind.roles[role] == "many"
                    listed = [ids] if isinstance(ids, str) else ids
                    if not isinstance(ids, str) and not (many and isinstance(ids, list) and ids
                                                         and all(isinstance(i, str) for i in ids)):
                        problem(vnode, f"inputs.{role}", "a list of figure ids" if many else "one figure id")
                        continue
                    for figure_id in listed:
                        if figure_id not in figure_ids:
                            problem(vnode, f"inputs.{role}", f"unknown figure id {figure_id!r}")
                    inputs[role] = listed if many else ids
                for role in kind.roles:
                    if role not in given and role not in kind.optional:
                        problem(inode, f"inputs.{role}", f"missing; kind {kind.name} needs it")
        params = plain.get("params") or {}
        if kind is not None:
            if not isinstance(params, dict):
                problem(fields["params"][1], "params", "a mapping of parameters")
                params = {}
            for pname, pvalue in params.items():
                pnode = _mapping(fields["params"][1])[pname][0]
                expected = kind.params.get(pname)
                if expected is None:
                    allowed = ", ".join(kind.params) or "none"
                    problem(pnode, f"params.{pname}", f"unknown parameter for kind {kind.name}; use {allowed}")
                elif not isinstance(pvalue, (int, float) if expected is float else expected):
                    problem(pnode, f"params.{pname}", f"a {expected.__name__}")
            if kind.name == "listed_count" and "items" not in params:
                problem(fields.get("params", (None, item))[1], "params.items", "missing; the items the report lists")
        if kind is not None and isinstance(rid, str) and not missing:
            relations.append(RelationSpec(rid, kind.name, str(plain["description"]), inputs, dict(params),
                                          _line(item)))
    if problems:
        raise SpecError(path, problems)
    return Spec(relations, detectors or {}, tuple(ranking))


def load(path: Path, *, figure_ids: set[str]) -> Spec:
    """Load the relations file at ``path`` (see :func:`load_text`)."""
    return load_text(path.read_text(encoding="utf-8"), figure_ids=figure_ids, path=shown(path))
