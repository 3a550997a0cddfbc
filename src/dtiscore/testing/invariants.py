"""The invariants every framework keeps, checked on one data set.

`Invariants(framework).check(data)` scores the data and raises `InvariantError` naming the
first broken invariant, the unit and what went wrong; `check_framework` (verify.py) runs it
on generated data and lets hypothesis shrink the data to the smallest that still fails.
"""

from __future__ import annotations

import csv
import io
import math
from typing import Mapping, Sequence

import numpy as np

from ..language import ir
from ..errors import DtiError, MissingDataError
from ..language.reference import Reference
from ..engine.columns import bounds_first
from .strategies import _candidates, edges

TOLERANCE = 1e-9
INVARIANTS = {
    "bounds": "points within [0, max] at every node",
    "clamp": "a score or cases formula stays within [0, max] before it is clamped",
    "lost": "lost points add up to effective max − total",
    "reference": "the compiled evaluator equals the reference interpreter",
    "order": "scores do not depend on the order of units",
    "batches": "scores do not depend on how units are split into batches",
    "defined": "a criterion whose inputs are all given has a value (no ratio by zero left unguarded)",
    "monotonicity": "a 'better higher' input never lowers the points when it rises ('better lower': falls)",
}


class InvariantError(DtiError, AssertionError):
    """A broken invariant: `invariant` (a key of INVARIANTS), the `unit` it broke for and
    `rows`, the data that shows it — that unit's row, or every row when population
    functions tie the units together — which `to_csv()` writes as `dtiscore explain` reads."""

    def __init__(self, invariant: str, message: str, unit: str, rows: list[dict[str, str]]):
        self.invariant, self.unit, self.rows = invariant, unit, rows
        super().__init__(f"{invariant}: {message}")

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(self.rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.rows)
        return out.getvalue()


def _close(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=TOLERANCE, abs_tol=TOLERANCE)


class Invariants:
    """Checks one framework's invariants on one data set at a time."""

    def __init__(self, framework):
        self.framework = framework
        self.ir: ir.Framework = framework.ir
        self.inputs = {spec.name: spec for spec in self.ir.inputs}
        self.criteria = list(self.ir.criteria())
        self.nodes = list(self.ir.nodes())
        self.tied = bool(framework.program.population_order)  # units depend on each other
        self.targets = edges(self.ir).values
        self.examples = 0

    def check(self, data: Mapping[str, Sequence]) -> None:
        """Raise `InvariantError` at the first invariant `data` breaks."""
        self.examples += 1
        n = len(next(iter(data.values()))) if data else 0
        units = [f"u{i + 1}" for i in range(n)]
        try:
            result = self.framework.score(data, units)
        except MissingDataError:  # `on_missing error` did its job; the reference must agree
            self._reference_raises(data, units)
            return
        rows = [result.input_row(i) for i in range(n)]
        self._bounds(result, rows)
        self._against_reference(result, rows)
        self._lost(result, rows)
        self._defined(result, rows)
        self._order(data, units, result, rows)
        self._batches(data, units, result, rows)
        self._monotonicity(data, units, result, rows)

    # ---- reporting
    def fail(self, invariant: str, message: str, unit: int, rows: list[dict[str, float]]) -> None:
        shown = rows if self.tied else [rows[unit]]
        ids = range(len(rows)) if self.tied else [unit]
        raise InvariantError(invariant, message, f"u{unit + 1}",
                             [{"unit": f"u{i + 1}", **self._cells(row)} for i, row in zip(ids, shown)])

    def _cells(self, row: dict[str, float]) -> dict[str, str]:
        return {name: _cell(self.inputs[name], value) for name, value in row.items()}

    # ---- the invariants
    def _bounds(self, result, rows) -> None:
        reference = Reference(self.ir, rows)
        for node in self.nodes:
            points, top = result.points(node.id), result.max(node.id)
            for i in range(len(rows)):
                if not (-TOLERANCE <= points[i] <= top[i] + TOLERANCE and top[i] <= node.max + TOLERANCE):
                    self.fail("bounds", f"'{node.id}' has {points[i]:g} points of an effective max "
                                        f"{top[i]:g} (max {node.max:g}) for unit u{i + 1}", i, rows)
        for crit in self.criteria:
            if not isinstance(crit.rule, (ir.ScoreRule, ir.CasesRule)):
                continue
            status, branch = result.status_codes(crit.id), result.branch(crit.id)
            for i in range(len(rows)):
                if status[i] != ir.SCORED:
                    continue
                formula = _formula(crit.rule, int(branch[i]))
                raw = reference.value(formula, rows[i])
                if raw > crit.max + TOLERANCE:
                    self.fail("clamp", f"the formula of '{crit.id}' gives {raw:g} for unit u{i + 1}, above its "
                                       f"max {crit.max:g}, and the clamp to the max hides it (write "
                                       f"min(..., {crit.max:g}) where the limit is meant)", i, rows)
                if raw < -TOLERANCE:
                    self.fail("clamp", f"the formula of '{crit.id}' gives {raw:g} for unit u{i + 1}, below zero, "
                                       "and the clamp to 0 hides it (write max(..., 0) where the floor is meant)",
                              i, rows)

    def _against_reference(self, result, rows) -> None:
        reference = Reference(self.ir, rows, None, result.units)
        for i in range(len(rows)):
            unit = reference.unit(i)
            for node in self.nodes:
                for what, mine, theirs in (("points", result.points(node.id)[i], unit.points[node.id]),
                                           ("effective max", result.max(node.id)[i], unit.effective_max[node.id]),
                                           ("lost points", result.lost(node.id)[i], unit.lost[node.id])):
                    if not _close(float(mine), float(theirs)):
                        self.fail("reference", f"{what} of '{node.id}' for unit u{i + 1}: compiled {mine!r}, "
                                               f"reference {theirs!r}", i, rows)
            for crit in self.criteria:
                mine, theirs = result.status(crit.id)[i], ir.STATUSES[unit.status[crit.id]]
                if mine != theirs:
                    self.fail("reference", f"status of '{crit.id}' for unit u{i + 1}: compiled {mine}, "
                                           f"reference {theirs}", i, rows)

    def _lost(self, result, rows) -> None:
        root = self.ir.root.id
        lost = sum(result.lost(crit.id) for crit in self.criteria)
        gap = result.max(root) - result.points(root)
        for i in range(len(rows)):
            if not _close(float(lost[i]), float(gap[i])):
                self.fail("lost", f"the lost points of unit u{i + 1} add up to {lost[i]:g}, "
                                  f"but effective max − total is {gap[i]:g}", i, rows)

    def _defined(self, result, rows) -> None:
        for crit in self.criteria:
            if crit.on_missing_said:
                continue
            status = result.status_codes(crit.id)
            for i, row in enumerate(rows):
                if status[i] == ir.MISSING and not any(math.isnan(row[name]) for name in crit.inputs):
                    self.fail("defined", f"'{crit.id}' has no value for unit u{i + 1} although every input "
                                         "it reads is given: a division or ratio by zero? Guard it with "
                                         "'exclude when', or give the criterion its own 'on_missing'", i, rows)

    def _order(self, data, units, result, rows) -> None:
        reversed_data = {name: values[::-1] for name, values in data.items()}
        again = self.framework.score(reversed_data, units[::-1])
        self._same(result, again, list(range(len(units)))[::-1], "order", rows)

    def _batches(self, data, units, result, rows) -> None:
        if len(units) < 2:
            return
        cut = len(units) // 2
        parts = [(units[:cut], {k: v[:cut] for k, v in data.items()}),
                 (units[cut:], {k: v[cut:] for k, v in data.items()})]
        first, second = self.framework.score_batches(parts)
        self._same(result, first, list(range(cut)), "batches", rows)
        self._same(result, second, list(range(cut, len(units))), "batches", rows)

    def _same(self, result, other, positions: list[int], invariant: str, rows) -> None:
        """`other` scored the units at `positions` of `result`, in that order."""
        for node in self.nodes:
            mine, theirs = result.points(node.id)[positions], other.points(node.id)
            for k, i in enumerate(positions):
                if not _close(float(mine[k]), float(theirs[k])):
                    how = "in another order" if invariant == "order" else "in batches"
                    self.fail(invariant, f"'{node.id}' gives unit u{i + 1} {mine[k]!r} points, "
                                         f"but {theirs[k]!r} when the units are scored {how}", i, rows)

    # ---- monotonicity
    def _monotonicity(self, data, units, result, rows) -> None:
        """Every declared input moved the better way at once (a function that never falls
        in any one of them never falls when all move); a failure is then pinned on the
        input that shows it alone, where one does."""
        declared = [spec for spec in bounds_first(self.ir.inputs) if spec.better]
        if not declared:
            return
        for far in (False, True):
            moved = [self._better_row(declared, row, far) for row in rows]
            groups = [[i] for i in range(len(rows))] if self.tied else [list(range(len(rows)))]
            for group in groups:
                after = self._score_moved(data, units, rows, moved, group, declared)
                for i in group:
                    if self._loss(before=result, after=after, i=i, names=set(moved[i])):
                        self._pin(data, units, result, rows, moved, i, declared)

    def _better_row(self, declared: list[ir.Input], row: dict[str, float], far: bool) -> dict[str, float]:
        """The declared inputs that can move the better way, and where to: to the next value
        the framework turns on, or (far) to the end of the range; `<=` bounds kept."""
        current, moves = dict(row), {}
        for spec in declared:
            value = self._better_value(spec, current, far)
            if value is not None:
                current[spec.name] = moves[spec.name] = value
        return moves

    def _score_moved(self, data, units, rows, moved, group, declared):
        changed = dict(data)
        for spec in declared:
            column = np.array([row[spec.name] for row in rows], dtype=float)
            for i in group:
                column[i] = moved[i].get(spec.name, column[i])
            changed[spec.name] = _encoded(spec, column)
        return self.framework.score(changed, units)

    def _loss(self, before, after, i: int, names: set[str]) -> str | None:
        """What lost points when the inputs `names` moved, if anything did."""
        readers = [c for c in self.criteria if names & set(c.inputs)]
        for crit in readers:
            if before.status_codes(crit.id)[i] == after.status_codes(crit.id)[i] == ir.SCORED:
                old, new = float(before.points(crit.id)[i]), float(after.points(crit.id)[i])
                if new < old - TOLERANCE:
                    return f"'{crit.id}' from {old:g} to {new:g} points"
        if readers and all(before.status_codes(c.id)[i] == after.status_codes(c.id)[i] for c in readers):
            root = self.ir.root.id
            old, new = float(before.points(root)[i]), float(after.points(root)[i])
            if new < old - TOLERANCE:
                return f"the total from {old:g} to {new:g}"
        return None

    def _pin(self, data, units, result, rows, moved, i: int, declared) -> None:
        """Fail naming the one input whose move alone loses points, else all of them."""
        candidates = [[spec] for spec in declared if spec.name in moved[i]] + [declared]
        for specs in candidates:
            alone = [{s.name: m[s.name] for s in specs if s.name in m} for m in moved]
            after = self._score_moved(data, units, rows, alone, [i], specs)
            lost = self._loss(result, after, i, set(alone[i]))
            if lost:
                how = ", ".join(f"'{s.name}' (better {s.better}) from {_cell(s, rows[i][s.name])} to "
                                f"{_cell(s, alone[i][s.name])}" for s in specs if s.name in alone[i])
                self.fail("monotonicity", f"moving {how} lowers {lost} for unit u{i + 1}", i, rows)
        raise AssertionError("a loss that no move reproduces")  # pragma: no cover

    def _better_value(self, spec: ir.Input, row: dict[str, float], far: bool) -> float | None:
        x = row[spec.name]
        if math.isnan(x):
            return None
        up = spec.better == "higher"
        if spec.kind in ("bool", "choice"):
            values = [0.0, 1.0] if spec.kind == "bool" else [float(k) for k in range(len(spec.options))]
        else:
            values = _candidates(spec, self.targets.get(spec.name, ()))
        beyond = [v for v in values if (v > x if up else v < x) and self._allowed(spec, v, row)]
        if not beyond:
            return None
        return (max(beyond) if up else min(beyond)) if far else (min(beyond) if up else max(beyond))

    def _allowed(self, spec: ir.Input, value: float, row: dict[str, float]) -> bool:
        """Whether the row stays valid: `<=` bounds either way round."""
        bound = row.get(spec.at_most) if spec.at_most else None
        if bound is not None and not math.isnan(bound) and value > bound:
            return False
        return all(math.isnan(row[other.name]) or row[other.name] <= value
                   for other in self.ir.inputs if other.at_most == spec.name)

    def _reference_raises(self, data, units) -> None:
        from ..engine.columns import to_columns

        columns = to_columns(self.ir, data, units)
        rows = [{name: float(columns.values[name][i]) for name in columns.values} for i in range(len(units))]
        reference = Reference(self.ir, rows, None, units)
        for i in range(len(units)):
            try:
                reference.unit(i)
            except MissingDataError:
                return
        self.fail("reference", "the compiled evaluator raised a missing-data error that the reference "
                               "interpreter does not", 0, rows)


def _formula(rule: ir.Rule, branch: int) -> ir.Expr:
    """The expression whose value a score or cases rule clamps."""
    if isinstance(rule, ir.ScoreRule):
        return rule.expr
    return rule.whens[branch][1] if branch < len(rule.whens) else rule.otherwise


def _cell(spec: ir.Input, value: float) -> str:
    """A value as a data file writes it (blank: no value)."""
    if math.isnan(value):
        return ""
    if spec.kind == "bool":
        return "true" if value == 1.0 else "false"
    if spec.kind == "choice":
        return spec.options[int(value)]
    if spec.kind == "count" or value == int(value) and abs(value) < 2**53:
        return str(int(value))
    return repr(value)


def _encoded(spec: ir.Input, column: np.ndarray):
    """A float column back in the form `score` takes for the input."""
    if spec.kind == "choice":
        return [None if math.isnan(v) else spec.options[int(v)] for v in column]
    return column
