"""Scoring rules: each clause lowered to its IR rule, `steps` bands checked (constant,
within the max, reachable), and a share's limits checked against [0, 1].
Part of the checker: `check.Checker` inherits this."""

from __future__ import annotations

from . import ast, ir, shares
from ..errors import Span
from .check_expr import Bad


class RuleChecker:
    """The scoring clauses (a base of `check.Checker`)."""

    inputs: dict

    def _rule(self, clause, top: float) -> ir.Rule:
        if isinstance(clause, ast.Score):
            return ir.ScoreRule(self._num(clause.expr, "score"))
        if isinstance(clause, ast.Award):
            cond = self.lower(clause.cond)
            self._expect(cond, ir.BOOL, clause.cond, "'award when'")
            return ir.AwardRule(cond)
        if isinstance(clause, ast.Proportional):
            target = self._num(clause.target, "target") if clause.target else ir.Const(1.0)
            if isinstance(target, ir.Const) and target.value <= 0:
                self.error("bad-target", "the target must be above zero", clause.target.span)
            return ir.ProportionalRule(self._num(clause.expr, "proportional"), target)
        if isinstance(clause, ast.Linear):
            start, end = self._num(clause.start, "from"), self._num(clause.end, "to")
            if isinstance(start, ir.Const) and isinstance(end, ir.Const) and start.value == end.value:
                self.error("bad-linear", "'from' and 'to' are equal: there is nothing to interpolate", clause.span)
            return ir.LinearRule(self._num(clause.expr, "linear"), start, end)
        if isinstance(clause, ast.Steps):
            return self._steps(clause, top)
        if isinstance(clause, ast.Deduct):
            return ir.DeductRule(self._num(clause.amount, "deduct"), self._num(clause.per, "per"))
        whens = []
        for when in clause.whens:
            cond = self.lower(when.cond)
            self._expect(cond, ir.BOOL, when.cond, "'when'")
            whens.append((cond, self._num(when.points, "points")))
        return ir.CasesRule(tuple(whens), self._num(clause.otherwise, "points"))

    def _num(self, expr: ast.Expr, where: str) -> ir.Expr:
        node = self.lower(expr)
        self._expect(node, ir.NUM, expr, f"'{where}'")
        return node

    def _steps(self, clause: ast.Steps, top: float) -> ir.StepsRule:
        expr = self._num(clause.expr, "steps")
        bands = []
        for band in clause.bands:
            threshold = self._band_constant(band.threshold)
            points = self._band_constant(band.points)
            self._band_points(points, top, band.points.span)
            if self._unreachable(bands, band.op, threshold):
                self.error("unreachable-band", "this band can never be reached: the bands above it already take every value it matches", band.span)
            bands.append(ir.Band(band.op, threshold, points))
        otherwise = self._band_constant(clause.otherwise)
        self._band_points(otherwise, top, clause.otherwise.span)
        return ir.StepsRule(expr, tuple(bands), otherwise)

    def _band_constant(self, node) -> float:
        if isinstance(node, ast.Number):
            return node.value
        const = self._name(node)
        if not isinstance(const, ir.Const) or const.type != ir.NUM:
            self.error("not-constant", f"a band takes a number, a percent or a numeric param; '{node.id}' is not one", node.span)
            raise Bad
        return const.value

    def _band_points(self, points: float, top: float, span: Span) -> None:
        if points > top:
            self.error("band-over-max", f"this band gives {points_text(points)} points, more than the criterion's max {points_text(top)}", span)
        elif points < 0:
            self.error("band-negative", "a band cannot give negative points", span)

    @staticmethod
    def _unreachable(earlier: list[ir.Band], op: str, threshold: float) -> bool:
        """True when every value this band matches is taken by an earlier band. The earlier
        bands take the values of the widest of their rays each way (`>=`/`>` rays are nested,
        and so are `<=`/`<` ones): only those two are probed, not every earlier band at every
        threshold (cubic in the bands: seconds for a `steps` of 300)."""
        if not earlier:
            return False
        rising = [b for b in earlier if b.op in (">=", ">")]
        falling = [b for b in earlier if b.op in ("<=", "<")]
        earlier = ([min(rising, key=lambda b: (b.threshold, b.op == ">"))] if rising else []) + \
            ([max(falling, key=lambda b: (b.threshold, b.op == "<="))] if falling else [])
        marks = sorted({b.threshold for b in earlier} | {threshold})
        probes = list(marks)
        probes += [(a + b) / 2 for a, b in zip(marks, marks[1:])]
        probes += [marks[0] - 1.0 - abs(marks[0]), marks[-1] + 1.0 + abs(marks[-1])]
        test = {">=": lambda x, t: x >= t, ">": lambda x, t: x > t,
                "<=": lambda x, t: x <= t, "<": lambda x, t: x < t}
        return not any(
            test[op](x, threshold) and not any(test[b.op](x, b.threshold) for b in earlier)
            for x in probes
        )


    # ---- shares and percents
    def _check_share_rule(self, rule: ir.Rule, clause) -> None:
        """A share's `steps` thresholds, `linear` limits and `proportional` target lie in [0, 1]."""
        if isinstance(rule, ir.StepsRule) and shares.is_share(rule.expr, self.inputs):
            for band, written in zip(rule.bands, clause.bands):
                self.share_against(rule.expr, ir.Const(band.threshold), written.threshold)
        elif isinstance(rule, ir.LinearRule):
            self.share_against(rule.expr, rule.start, clause.start)
            self.share_against(rule.expr, rule.end, clause.end)
        elif isinstance(rule, ir.ProportionalRule) and clause.target is not None:
            if not (isinstance(rule.target, ir.Const) and rule.target.value <= 0):  # bad-target says it
                self.share_against(rule.expr, rule.target, clause.target)


def points_text(value: float) -> str:
    """Points as a message shows them: 25, not 25.0."""
    return f"{value:g}" if value == int(value) else f"{value:.6g}"
