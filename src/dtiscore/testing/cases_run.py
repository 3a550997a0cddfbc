"""Golden cases, run: each population scored in one call, each expectation compared, and
a report of the differences a framework author can act on (`dtiscore test`, and the pytest
plugin, which makes every case a test item)."""

from __future__ import annotations

import math
from typing import Iterable

import attrs

from ..api import load
from .cases import FLOAT_NOISE, Case, CasesFile, Expected
from ..errors import DtiError


@attrs.frozen
class Mismatch:
    key: str
    expected: str
    actual: str
    note: str = ""

    def __str__(self) -> str:
        note = f" ({self.note})" if self.note else ""
        return f"{self.key}: expected {self.expected}, got {self.actual}{note}"


@attrs.frozen
class Outcome:
    """How one case went: what differed, or why it could not be scored."""

    case: Case
    mismatches: tuple[Mismatch, ...] = ()
    error: str | None = None  # scoring failed (and the case did not expect it)
    context: str = ""  # the top groups' points, to read a failure by

    @property
    def passed(self) -> bool:
        return not self.case.problems and not self.mismatches and self.error is None

    def details(self) -> list[str]:
        """Why the case failed, one line each: mistakes in the case, a scoring error, every
        difference, then the top groups' points."""
        lines = [f"case: {p}" for p in self.case.problems]
        if self.error is not None:
            lines.append(f"could not score: {self.error}")
        lines += [str(m) for m in self.mismatches]
        if self.mismatches and self.context:
            lines.append(self.context)
        return lines

    def report(self) -> str:
        """The case's name and, when it failed, every difference, one a line."""
        unit = f" (unit {self.case.unit})" if self.case.unit != self.case.name else ""
        head = f"{'PASS' if self.passed else 'FAIL'}  {self.case.name}{unit}"
        return "\n".join([head] + ["      " + part for line in self.details() for part in line.split("\n")])


def run_cases(cases: CasesFile, names: Iterable[str] | None = None) -> list[Outcome]:
    """Score the cases (those named in `names`, or all) and compare; outcomes in file order."""
    wanted = None if names is None else set(names)
    chosen = [c for c in cases.cases if wanted is None or c.name in wanted]
    outcomes: dict[str, Outcome] = {}
    for members in populations(chosen):
        for outcome in run_population(cases, members):
            outcomes[outcome.case.name] = outcome
    return [outcomes[c.name] for c in chosen]


def populations(cases: Iterable[Case]) -> list[list[Case]]:
    """Cases scored together: those naming the same population; every other case alone."""
    groups: dict[object, list[Case]] = {}
    for i, case in enumerate(cases):
        groups.setdefault(("population", case.population) if case.population else ("alone", i), []).append(case)
    return list(groups.values())


def run_population(cases: CasesFile, members: list[Case]) -> list[Outcome]:
    first = members[0]
    for case in members[1:]:
        if dict(case.params) != dict(first.params) or case.invalid != first.invalid:
            message = (f"the cases of population {first.population!r} must have the same params and "
                       f"invalid setting ({case.name!r} differs from {first.name!r})")
            return [Outcome(c, error=message) for c in members]
    try:
        framework = load(cases.framework_path, params=first.params or None)
        data = {name: [case.inputs.get(name) for case in members] for name in framework.inputs}
        result = framework.score(data, units=[case.unit for case in members], invalid=first.invalid)
    except DtiError as error:
        return [_failed_to_score(case, str(error)) for case in members]
    return [_compare(case, result, position) for position, case in enumerate(members)]


def _failed_to_score(case: Case, message: str) -> Outcome:
    expected = [e for e in case.expect if e.kind == "error"]
    if not expected:
        return Outcome(case, error=message)
    mismatches = tuple(Mismatch(e.key, f"an error saying {e.value!r}", repr(message))
                       for e in expected if e.value not in message)
    return Outcome(case, mismatches)


def _compare(case: Case, result, position: int) -> Outcome:
    mismatches = []
    explanation = None
    for expected in case.expect:
        if expected.kind == "error":
            mismatches.append(Mismatch(expected.key, f"an error saying {expected.value!r}",
                                       f"no error (total {_show(float(result.total[position]))})"))
            continue
        if expected.kind in ("reason", "reason_code"):
            if explanation is None:
                explanation = result.explain(position, lang=case.lang) if case.lang else result.explain(position)
            mismatch = _compare_reason(expected, explanation)
        else:
            mismatch = _compare_value(expected, _actual(expected, result, position))
        if mismatch is not None:
            mismatches.append(mismatch)
    return Outcome(case, tuple(mismatches), context=_context(result, position))


def _actual(expected: Expected, result, position: int):
    kind, target = expected.kind, expected.target
    if kind == "view":
        key, value, field = target
        views = result.view(key)
        if value not in views:
            return _Absent(f"no node carries tag {key}: {value}"
                           + (f" (values: {', '.join(sorted(views))})" if views else ""))
        return float(getattr(views[value], field)[position])
    if not target:
        if kind == "rank":
            return int(result.rank()[position])
        if kind == "band":
            if result.framework.ir.bands is None:
                return _Absent("the framework declares no bands")
            return result.band()[position] or _Absent("no index: nothing applies")
        unit = {"total": result.total, "index": result.index, "effective_max": result.effective_max}
        return float(unit[kind][position])
    node = target[0]
    if kind == "index":
        return float(result.node_index(node)[position])
    if kind == "applicable":
        return bool(result.applicable(node)[position])
    if kind == "status":
        return str(result.status(node)[position])
    if kind == "branch":
        return int(result.branch(node)[position])
    return float({"points": result.points, "max": result.max, "lost": result.lost}[kind](node)[position])


@attrs.frozen
class _Absent:
    why: str


def _compare_value(expected: Expected, actual) -> Mismatch | None:
    if isinstance(actual, _Absent):
        return Mismatch(expected.key, expected.written, "nothing", actual.why)
    if expected.tolerance is None or isinstance(actual, (bool, str)):  # text, true/false
        if actual == expected.value:
            return None
        return Mismatch(expected.key, expected.written, _show(actual))
    wanted = float(expected.value)
    if math.isnan(wanted) or math.isnan(actual):
        if math.isnan(wanted) and math.isnan(actual):
            return None
        return Mismatch(expected.key, _with_tolerance(expected), _show(actual))
    if abs(actual - wanted) <= expected.tolerance + FLOAT_NOISE * max(1.0, abs(wanted)):
        return None
    return Mismatch(expected.key, _with_tolerance(expected), _show(actual), f"off by {actual - wanted:+.6g}")


def _compare_reason(expected: Expected, explanation) -> Mismatch | None:
    line = next(d for d in explanation.criteria if d.criterion == expected.target[0])
    if expected.kind == "reason":
        if expected.value in line.reason:
            return None
        return Mismatch(expected.key, f"a reason containing {expected.value!r}", repr(line.reason))
    code = getattr(line, "code", None)
    if code is None:
        return Mismatch(expected.key, repr(expected.value), "no reason code (this dtiscore gives none)")
    if code == expected.value:
        return None
    return Mismatch(expected.key, repr(expected.value), repr(code), f"reason: {line.reason}")


def _with_tolerance(expected: Expected) -> str:
    return expected.written + (f" (±{expected.tolerance:g})" if expected.tolerance else "")


def _show(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "nan" if math.isnan(value) else f"{value:.10g}"
    if isinstance(value, str):
        return repr(value)
    return str(value)


def _context(result, position: int) -> str:
    """The framework's top groups as `id points/max`, to see where a total went wrong."""
    root = result.framework.root
    parts = []
    for child in root.children:
        points = float(result.points(child)[position])
        top = float(result.max(child)[position])
        parts.append(f"{child} {_show(points)}/{_show(top)}")
    return "groups: " + ", ".join(parts) if parts else ""


def summary(outcomes: list[Outcome]) -> str:
    failed = sum(not o.passed for o in outcomes)
    total = len(outcomes)
    failures = f", {failed} failed" if failed else ""
    return f"{total} case{'s' if total != 1 else ''}: {total - failed} passed{failures}"

