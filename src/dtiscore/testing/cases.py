"""Golden cases: `NAME.cases.toml` next to `NAME.dti`, read and checked against the
framework. The schema is in docs/testing.md; in short:

    framework = "other.dti"      # optional: default NAME.dti next to this file
    tolerance = 0.01             # optional: for every number (default: the decimals written)
    lang = "en"                  # optional: the language of `reason.*` texts
    [params]                     # optional: param overrides for every case
    [defaults]                   # optional: inputs every case starts from

    [[case]]
    name = "Lâm Đồng 2022"       # required, unique in the file
    unit = "lam_dong"            # optional: the unit id (default: the name)
    population = "north"         # optional: cases naming one population are scored together
    [case.inputs]                # an input absent here (and from [defaults]) has no value
    dossiers = 583139
    [case.expect]
    total = 654.59               # ±0.005: compared to the decimals written
    "points.online_dossiers" = 174.59
    "status.reporting" = "missing"

`read_cases` turns the file into `Case`s (a case's own mistakes, such as an unknown node
id, are kept with it as `problems`, so one wrong case does not hide the others);
`cases_run.run_cases` scores them.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Mapping

import attrs

from ..language import ir
from ..api import load
from ..errors import DtiError, did_you_mean

SUFFIX = ".cases.toml"

FILE_KEYS = ("framework", "tolerance", "lang", "params", "defaults", "case")
CASE_KEYS = ("name", "unit", "population", "params", "inputs", "missing", "defaults", "tolerance",
             "lang", "invalid", "note", "expect")

UNIT_KINDS = ("total", "index", "effective_max", "rank", "band", "error")  # no id: the unit's own
NODE_KINDS = ("points", "max", "lost", "index", "applicable")  # KIND.NODE_ID
CRITERION_KINDS = ("status", "branch", "reason", "reason_code")  # KIND.CRITERION_ID
VIEW_FIELDS = ("points", "max", "index")  # view.TAG_KEY.VALUE.FIELD
KINDS = tuple(dict.fromkeys(UNIT_KINDS + NODE_KINDS + CRITERION_KINDS + ("view",)))
FLOAT_NOISE = 1e-9


class CasesError(DtiError):
    """A cases file that cannot be read at all: not TOML, no framework, a bad top-level key."""


@attrs.frozen
class Written:
    """A TOML float as written: `654.59` keeps its two decimals (tomllib's parse_float)."""

    text: str

    @property
    def value(self) -> float:
        return float(self.text)

    @property
    def tolerance(self) -> float:
        """Half a unit of the last decimal written; 0 for a number with no decimals."""
        try:
            exponent = Decimal(self.text).as_tuple().exponent
        except InvalidOperation:
            return 0.0
        if not isinstance(exponent, int) or exponent >= 0:  # nan, inf, 1e3
            return 0.0
        return 0.5 * 10.0 ** exponent


@attrs.frozen
class Expected:
    """One expectation: `key` as written, what it reads (`kind`, `target`) and the value."""

    key: str
    kind: str
    target: tuple[str, ...]  # () for the unit, (node id,), or (tag key, value, field)
    value: Any  # float, int, bool or str
    tolerance: float | None  # numbers: the largest allowed |actual − value|
    written: str  # the value as the file writes it


@attrs.frozen
class Case:
    name: str
    unit: str
    inputs: Mapping[str, Any] = attrs.field(hash=False)  # only inputs with a value
    expect: tuple[Expected, ...]
    params: Mapping[str, Any] = attrs.field(hash=False)
    population: str | None = None
    invalid: str = "raise"
    lang: str | None = None
    line: int = 0  # where its [[case]] stands in the file
    problems: tuple[str, ...] = ()  # mistakes in the case itself: it fails with these


@attrs.frozen
class CasesFile:
    path: Path
    framework_path: Path
    cases: tuple[Case, ...]


def cases_path(framework_path: str | os.PathLike) -> Path:
    """Where the golden cases of `framework_path` are: NAME.dti → NAME.cases.toml."""
    path = Path(framework_path)
    return path.with_name(path.name[: -len(path.suffix)] + SUFFIX if path.suffix else path.name + SUFFIX)


def read_cases(path: str | os.PathLike) -> CasesFile:
    """Read and check a cases file. Raises `CasesError` (or the framework's own
    `DtiError`) when nothing in it can run."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise CasesError(f"{path}: cannot read: {error.strerror or error}") from None
    try:
        document = tomllib.loads(text, parse_float=Written)
    except tomllib.TOMLDecodeError as error:
        raise CasesError(f"{path}: not valid TOML: {error}") from None
    _no_unknown_keys(document, FILE_KEYS, f"{path}")
    framework_path = _framework_path(path, document.get("framework"))
    file_params = _table(document, "params", str(path))
    framework = load(framework_path, params=_plain(file_params))
    defaults = _table(document, "defaults", str(path))
    entries = document.get("case", [])
    if not isinstance(entries, list) or not entries:
        raise CasesError(f"{path}: no cases: write each one under a [[case]] header")
    lines = [i + 1 for i, line in enumerate(text.splitlines()) if re.match(r"\s*\[\[\s*case\s*\]\]", line)]
    context = _Context(framework, dict(file_params), dict(defaults), document.get("tolerance"),
                       document.get("lang"))
    problems = [f"[defaults]: {p}" for p in context.input_problems(defaults)]
    if document.get("tolerance") is not None and _number(document["tolerance"]) is None:
        problems.append("tolerance must be a number")
    cases = []
    for i, entry in enumerate(entries):
        line = lines[i] if i < len(lines) else 0
        cases.append(_case(entry, i, line, context, problems))
    names = [c.name for c in cases]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise CasesError(f"{path}: two cases are named {duplicates[0]!r}: case names must be unique")
    return CasesFile(path, framework_path, tuple(cases))


def _framework_path(path: Path, written: Any) -> Path:
    if written is None:
        framework = path.with_name(path.name[: -len(SUFFIX)] + ".dti") if path.name.endswith(SUFFIX) \
            else path.with_suffix(".dti")
    elif isinstance(written, str):
        framework = path.parent / written
    else:
        raise CasesError(f"{path}: framework must be a file name (text), not {written!r}")
    if not framework.exists():
        raise CasesError(f"{path}: no framework file {str(framework)!r}"
                         + ("" if written else " (name it with framework = \"...\")"))
    return framework


def _no_unknown_keys(table: Mapping, known: tuple[str, ...], where: str, out: list | None = None) -> None:
    for key in table:
        if key not in known:
            close = did_you_mean(key, known)
            message = f"{where}: unknown key {key!r}" + (f" (did you mean {close!r}?)" if close else "")
            if out is None:
                raise CasesError(message)
            out.append(message)


def _table(document: Mapping, key: str, where: str) -> dict:
    value = document.get(key, {})
    if not isinstance(value, dict):
        raise CasesError(f"{where}: {key} must be a table ([{key}] or {key} = {{...}})")
    return value


def _plain(value: Any) -> Any:
    """TOML values with `Written` floats turned back into floats."""
    if isinstance(value, Written):
        return value.value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _number(value: Any) -> float | None:
    if isinstance(value, Written):
        return value.value
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return None


@attrs.define
class _Context:
    framework: Any
    params: dict
    defaults: dict
    tolerance: Any
    lang: str | None

    def input_problems(self, inputs: Mapping) -> list[str]:
        known = self.framework.inputs
        problems = []
        for name, value in inputs.items():
            if name not in known:
                close = did_you_mean(name, known)
                problems.append(f"unknown input {name!r}" + (f" (did you mean {close!r}?)" if close else ""))
            elif not isinstance(value, (str, int, float, bool, Written)):
                problems.append(f"input {name!r}: {value!r} is not a number, true/false or text")
        return problems


def _case(entry: Any, i: int, line: int, context: _Context, file_problems: list[str]) -> Case:
    if not isinstance(entry, dict):
        return Case(f"case {i + 1}", f"case {i + 1}", {}, (), {}, line=line, problems=("not a table",))
    problems = list(file_problems)
    name = entry.get("name")
    if not isinstance(name, str) or not name:
        problems.append("a case needs a name (name = \"...\")")
        name = f"case {i + 1}"
    _no_unknown_keys(entry, CASE_KEYS, "case", problems)
    unit = entry.get("unit", name)
    if not isinstance(unit, (str, int)) or isinstance(unit, bool):
        problems.append(f"unit must be text, not {unit!r}")
        unit = name
    inputs = dict(context.defaults) if entry.get("defaults", True) is not False else {}
    own = entry.get("inputs", {})
    if not isinstance(own, dict):
        problems.append("inputs must be a table ([case.inputs])")
        own = {}
    problems += context.input_problems(own)
    inputs.update(own)
    missing = entry.get("missing", [])
    if not isinstance(missing, list) or not all(isinstance(m, str) for m in missing):
        problems.append("missing must be a list of input names")
        missing = []
    for name_missing in missing:
        if name_missing not in context.framework.inputs:
            problems += context.input_problems({name_missing: None})[:1]
        inputs.pop(name_missing, None)
    inputs = {k: _plain(v) for k, v in inputs.items() if k in context.framework.inputs and v != ""}
    params = dict(context.params)
    own_params = entry.get("params", {})
    if isinstance(own_params, dict):
        params.update(own_params)
    else:
        problems.append("params must be a table")
    tolerance = entry.get("tolerance", context.tolerance)
    if entry.get("tolerance") is not None and _number(tolerance) is None:
        problems.append("tolerance must be a number")
    invalid = entry.get("invalid", "raise")
    if invalid not in ("raise", "mark"):
        problems.append(f"invalid must be \"raise\" or \"mark\", not {invalid!r}")
    population = entry.get("population")
    if population is not None and not isinstance(population, str):
        problems.append("population must be text")
    expect = entry.get("expect")
    expected: list[Expected] = []
    if not isinstance(expect, dict) or not expect:
        problems.append("nothing expected: add a [case.expect] table")
    else:
        for key, value in _flatten(expect):
            item = _expected(key, value, _number(tolerance), context.framework, problems)
            if item is not None:
                expected.append(item)
    return Case(name, str(unit), inputs, tuple(expected), _plain(params), population,
                invalid if invalid in ("raise", "mark") else "raise",
                entry.get("lang", context.lang), line, tuple(problems))


# ---- expectations -------------------------------------------------------------------------


def _complete(parts: list[str]) -> bool:
    if not parts:
        return False
    if parts[0] == "view":
        return len(parts) == 4
    if parts[0] in UNIT_KINDS and len(parts) == 1:
        return True
    return len(parts) == 2


def _flatten(table: Mapping, prefix: tuple[str, ...] = ()):
    """(dotted key, value) pairs: `points.x = 1`, `"points.x" = 1` and `[case.expect.points]`
    all say the same; a table {value, tolerance} at a full key is one value."""
    for key, value in table.items():
        parts = [*prefix, *str(key).split(".")]
        if isinstance(value, dict) and not (_complete(parts) and "value" in value):
            yield from _flatten(value, tuple(parts))
        else:
            yield ".".join(parts), value


def _expected(key: str, value: Any, tolerance: float | None, framework, problems: list[str]) -> Expected | None:
    parts = key.split(".")
    kind, target = parts[0], tuple(parts[1:])
    if kind not in KINDS:
        close = did_you_mean(kind, KINDS)
        problems.append(f"expect: unknown key {key!r}" + (f" (did you mean {close!r}?)" if close else "")
                        + f"; keys are {', '.join(UNIT_KINDS)}, KIND.NODE_ID for "
                        + f"{', '.join(NODE_KINDS + CRITERION_KINDS)}, view.TAG.VALUE.FIELD")
        return None
    if isinstance(value, dict):  # {value = ..., tolerance = ...}
        extra = set(value) - {"value", "tolerance"}
        if extra or "value" not in value or _number(value.get("tolerance", 0)) is None:
            problems.append(f"expect.{key}: write a value, or {{ value = ..., tolerance = ... }}")
            return None
        if "tolerance" in value:
            tolerance = _number(value["tolerance"])
        value = value["value"]
    problem = _target_problem(kind, target, framework)
    if problem:
        problems.append(f"expect.{key}: {problem}")
        return None
    written = value.text if isinstance(value, Written) else repr(value)
    if kind in ("error", "band", "status", "reason", "reason_code"):
        if not isinstance(value, str):
            problems.append(f"expect.{key}: expected text, not {written}")
            return None
        if kind == "status" and value not in ir.STATUSES:
            close = did_you_mean(value, ir.STATUSES)
            problems.append(f"expect.{key}: {value!r} is not a status ({', '.join(ir.STATUSES)})"
                            + (f"; did you mean {close!r}?" if close else ""))
            return None
        return Expected(key, kind, target, value, None, written)
    if kind == "applicable":
        if not isinstance(value, bool):
            problems.append(f"expect.{key}: expected true or false, not {written}")
            return None
        return Expected(key, kind, target, value, None, "true" if value else "false")
    number = _number(value)
    if number is None:
        problems.append(f"expect.{key}: expected a number, not {written}")
        return None
    if kind in ("rank", "branch"):
        if not isinstance(value, int):
            problems.append(f"expect.{key}: expected a whole number, not {written}")
            return None
        return Expected(key, kind, target, value, 0.0, written)
    if tolerance is None:
        tolerance = value.tolerance if isinstance(value, Written) else 0.0
    return Expected(key, kind, target, number, tolerance, written)


def _target_problem(kind: str, target: tuple[str, ...], framework) -> str | None:
    if kind == "view":
        if len(target) != 3 or target[2] not in VIEW_FIELDS:
            return f"write view.TAG_KEY.VALUE.FIELD, FIELD one of {', '.join(VIEW_FIELDS)}"
        return None
    if kind in UNIT_KINDS and not target:
        return None
    if kind in UNIT_KINDS and kind not in NODE_KINDS:
        return f"write just {kind}"
    if len(target) != 1:
        return f"write {kind}.ID (a {'criterion' if kind in CRITERION_KINDS else 'node'} id)"
    known = framework.criteria if kind in CRITERION_KINDS else framework.nodes
    if target[0] not in known:
        close = did_you_mean(target[0], known)
        what = "criterion" if kind in CRITERION_KINDS else "node"
        group = " (a group: statuses belong to criteria)" if target[0] in framework.nodes else ""
        return f"no {what} {target[0]!r}{group}" + (f" (did you mean {close!r}?)" if close else "")
    return None


def is_nan(value: Any) -> bool:
    return isinstance(value, float) and math.isnan(value)
