"""What it would take: each criterion's better outcomes for one unit, the change of inputs
that reaches each, and the points the unit's total would gain.

A criterion's *ladder* is its better outcomes, fewest points first: for `steps` the better
bands, for `cases` the better cases, for `deduct` one fewer and none, for `linear`,
`proportional`, `award` and `score` full points; with no evidence, providing it; with no
value, reporting it. The first rung is the *next step*. Needs are solved for one input
where the expression can be inverted (`invert`), else the condition that must become true
is named.

`gains` ranks criteria by the points their full recovery would add to the unit's total;
`plan` picks the fewest criteria whose next steps reach a target total (greedily, largest
gain first, recomputing the total through the group rules after each pick); where all next
steps are not enough it climbs further rungs.
"""

from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING, Any, Iterator, Mapping

import attrs

from ..engine.fold import folded
from ..language import ir
from .reasons import reasons_of
from .solve import COMPARE, Need, Solver
from .values import run_populations
from .wording import SYMBOLS, format_value, number, signed, value_kind
from .tree import UnitTree

if TYPE_CHECKING:
    from ..engine.scored import Scored

STEP_CODES = ("steps.band", "full", "award", "deduct", "cases.when", "evidence", "report", "correct")


@attrs.frozen
class Step:
    """One better outcome of a criterion: `code` (one of STEP_CODES), the criterion's points
    after it (NaN when unknown), and its data: needs (input, op, value, current, change)
    or a condition, and the band/target/case it reaches."""

    code: str
    criterion: str
    points: float
    params: Mapping[str, Any] = attrs.field(hash=False)

    def text(self, lang: str = "en") -> str:
        return render_step(self, lang)

    def to_dict(self, lang: str = "en") -> dict:
        return {"code": self.code, "points": _none(self.points), "params": dict(self.params),
                "text": self.text(lang)}


@attrs.frozen
class Gain:
    """A criterion's recoverable points for one unit: `recoverable` is what its full points
    would add to the total; `next` its next step and `next_gain` what that would add."""

    criterion: str
    title: str
    path: tuple[str, ...]
    max: float
    points: float
    lost: float
    recoverable: float
    next: Step | None
    next_gain: float


@attrs.frozen
class PlanItem:
    criterion: str
    step: Step
    gain: float  # what this step adds to the total, after the steps before it
    total: float  # the unit's total after this step


@attrs.frozen
class Plan:
    unit: object
    total: float  # now
    target: float
    reached: bool
    final: float  # the total after every step of the plan
    items: tuple[PlanItem, ...]

    @property
    def criteria(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(item.criterion for item in self.items))

    def text(self, lang: str = "en") -> str:
        out = []
        if lang == "vi":
            out.append(f"Từ {number(self.total, lang)} lên {number(self.target, lang)} điểm: "
                       + (f"cần {len(self.criteria)} tiêu chí" if self.reached
                          else f"chưa đủ (tối đa {number(self.final, lang)})"))
        else:
            out.append(f"from {number(self.total, lang)} to {number(self.target, lang)} points: "
                       + (f"{len(self.criteria)} criteria" if self.reached
                          else f"not reachable (at most {number(self.final, lang)})"))
        for item in self.items:
            out.append(f"  {signed(item.gain, lang)} → {number(item.total, lang)}  {item.criterion}: "
                       f"{item.step.text(lang)}")
        return "\n".join(out)

    def __str__(self) -> str:
        return self.text("en")


# ---- ladders ------------------------------------------------------------------------------


class Ladders:
    """Better outcomes of every criterion, for one unit."""

    def __init__(self, result: "Scored", position: int, tree: UnitTree | None = None):
        self.result = result
        self.position = position
        self.framework = result.framework.ir
        self.tree = tree or UnitTree(result, position)
        self.reasons = reasons_of(result.framework)  # the framework's own: texts made once are kept
        self.inputs = self.reasons.inputs
        row = {name: float(column[position]) for name, column in result.columns.values.items()}
        reads = result.framework.memo(Solver, dict)  # what the solver learns of the expressions, kept
        folds = result.framework.memo(folded, dict)
        self.solver = Solver(self.framework, row, run_populations(result), reads, folds)

    def ladder(self, crit: ir.Criterion) -> list[Step]:
        return list(self._rungs(crit))

    def _rungs(self, crit: ir.Criterion) -> Iterator[Step]:
        """The ladder's rungs one by one, each worked out only when asked for."""
        status = int(self.result.scores.status[self.result.criterion_row(crit.id), self.position])
        points = self.tree.points[crit.id]
        if status in (ir.EXCLUDED, ir.INACTIVE):
            return
        if status == ir.INVALID:
            bad = [n for n in crit.inputs if n in self.result.columns.invalid
                   and self.result.columns.invalid[n][self.position]]
            yield Step("correct", crit.id, math.nan, {"inputs": bad})
            return
        if status == ir.MISSING:
            absent = [n for n in crit.inputs if math.isnan(self.solver.row[n])]
            if absent:
                yield Step("report", crit.id, math.nan, {"inputs": absent,
                                                         "labels": [self._label(n) for n in absent]})
            return
        if status == ir.NO_EVIDENCE:
            yield from self._with_evidence(crit, points)
            return
        for step in _rule_ladder(crit.rule, self, crit, points):
            if step.points > points + 1e-12:
                yield self._checked(crit, step)

    def _checked(self, crit: ir.Criterion, step: Step) -> Step:
        """The step as solved, if the rule does give its points once the inputs take the
        needed values; else the step names the condition instead (an input read in two
        places, e.g. `linear x from x0 to ...`, can move the goal as it moves)."""
        needs = step.params.get("needs") or []
        if not needs:
            return step
        row = dict(self.solver.row)
        for need in needs:
            value = need["value"]
            row[need["input"]] = {">": math.nextafter(value, math.inf),
                                  "<": math.nextafter(value, -math.inf)}.get(need["op"], value)
        if self.solver.rule_points(crit, row) >= step.points - 1e-9:
            return step
        return attrs.evolve(step, params=dict(step.params, needs=[], condition=step.params["goal"]))

    def _with_evidence(self, crit: ir.Criterion, points: float) -> Iterator[Step]:
        """No evidence: providing it gives the rule's points; better outcomes of the rule
        need the evidence too."""
        base = self.solver.rule_points(crit)  # as if its evidence were there
        if base != base:
            return
        evidence = self._need(Need(crit.evidence, "==", 1.0, self.solver.row.get(crit.evidence, math.nan)))
        if base > points + 1e-12:
            yield Step("evidence", crit.id, base, {"evidence": crit.evidence, "label": self._label(crit.evidence)})
        for step in _rule_ladder(crit.rule, self, crit, base):
            if step.points > max(base, points) + 1e-12:
                step = self._checked(crit, step)
                params = dict(step.params, needs=[evidence, *step.params.get("needs", ())])
                yield attrs.evolve(step, params=params)

    def next_step(self, crit: ir.Criterion) -> Step | None:
        """The first rung (the others are not worked out)."""
        return next(self._rungs(crit), None)

    def _label(self, name: str) -> str:
        spec = self.inputs.get(name)
        return spec.label if spec is not None and spec.label else name

    # ---- needs
    def _number(self, crit: ir.Criterion, expr: ir.Expr, op: str, target: float) -> dict:
        kind = value_kind(expr, self.inputs)
        params = {"subject": self.reasons.text(expr), "kind": kind, "op": op, "target": _none(target),
                  "value": _none(self.solver.value(expr)), "label": crit.title}
        need = self.solver.solve(expr, op, target)
        params["needs"] = [] if need is None else [self._need(need)]
        params["goal"] = f"{params['subject']} {SYMBOLS[op]} {format_value(target, kind)}"
        if need is None:
            params["condition"] = params["goal"]
        return params

    def _condition(self, cond: ir.Expr) -> dict:
        needs = self.solver.condition(cond)
        params: dict = {"needs": [self._need(n) for n in needs or ()], "goal": self.reasons.text(cond)}
        if needs is None:
            params["condition"] = params["goal"]
        return params

    def _need(self, need: Need) -> dict:
        spec = self.inputs[need.input]
        out = {"input": need.input, "label": self._label(need.input), "kind": spec.kind,
               "options": list(spec.options), "op": need.op, "value": _none(need.value),
               "current": _none(need.current), "change": None, "possible": True, "limit": None}
        if spec.kind in ("count", "number", "share") and need.current == need.current:
            out["change"] = need.value - need.current
        limit = self._limit(spec, need)
        if limit is not None:
            out["possible"], out["limit"] = False, limit
        return out

    def _limit(self, spec: ir.Input, need: Need) -> dict | None:
        """Where the needed value is beyond what the input can be: its type, range or `<=`."""
        if need.op == "==":  # an exact value must be within the limits both ways
            for op in (">=", "<="):
                limit = self._limit(spec, attrs.evolve(need, op=op))
                if limit is not None:
                    return limit
            return None
        value, up = need.value, need.op in (">=", ">")
        if spec.kind == "share" and (value > 1.0 if up else value < 0.0):
            return {"name": None, "value": 1.0 if up else 0.0}
        if spec.kind == "count" and not up and value < 0:
            return {"name": None, "value": 0.0}
        if spec.within is not None:
            low, high = spec.within
            if (up and value > high) or (not up and value < low):
                return {"name": None, "value": high if up else low}
        if up and spec.at_most is not None:
            bound = self.solver.row.get(spec.at_most, math.nan)
            if bound == bound and value > bound:
                return {"name": spec.at_most, "value": bound}
        return None


# ---- the better outcomes of each rule kind ----------------------------------------------------


@functools.singledispatch
def _rule_ladder(rule: ir.Rule, ladders: Ladders, crit: ir.Criterion, points: float) -> Iterator[Step]:
    """The rule's better outcomes for the unit of `ladders`, whose criterion has `points` now
    (fewest points first, each worked out when asked for): one registration per rule kind."""
    raise AssertionError(f"no ladder for rule {type(rule).__name__}")


@_rule_ladder.register
def _(rule: ir.ScoreRule, ladders: Ladders, crit: ir.Criterion, points: float) -> Iterator[Step]:
    yield Step("full", crit.id, crit.max, ladders._number(crit, rule.expr, ">=", crit.max))


@_rule_ladder.register
def _(rule: ir.AwardRule, ladders: Ladders, crit: ir.Criterion, points: float) -> Iterator[Step]:
    yield Step("award", crit.id, crit.max, ladders._condition(rule.cond))


@_rule_ladder.register
def _(rule: ir.LinearRule, ladders: Ladders, crit: ir.Criterion, points: float) -> Iterator[Step]:
    start, end = ladders.solver.value(rule.start), ladders.solver.value(rule.end)
    op = ">=" if end >= start else "<="
    yield Step("full", crit.id, crit.max, ladders._number(crit, rule.expr, op, end))


@_rule_ladder.register
def _(rule: ir.ProportionalRule, ladders: Ladders, crit: ir.Criterion, points: float) -> Iterator[Step]:
    target = ladders.solver.value(rule.target)
    if target > 0:
        yield Step("full", crit.id, crit.max, ladders._number(crit, rule.expr, ">=", target))


@_rule_ladder.register
def _(rule: ir.StepsRule, ladders: Ladders, crit: ir.Criterion, points: float) -> Iterator[Step]:
    """Better bands, nearest first. A band is reached where its test holds and every
    earlier band's fails: an interval of the value, whose edge nearest the unit's value
    is what the need aims at (for the usual `>=` bands, the band's own threshold).
    Bands are chosen first (the first band giving each number of points); each step's
    needs are solved only when the step is asked for."""
    x = ladders.solver.value(rule.expr)
    chosen: dict[float, tuple[int, tuple]] = {}
    for index, band in enumerate(rule.bands):
        if band.points <= points or band.points in chosen:
            continue
        interval = _band_interval(rule.bands, index)
        if interval is not None:  # else no value lands in this band
            chosen[band.points] = (index, interval)
    for band_points in sorted(chosen):
        index, interval = chosen[band_points]
        band = rule.bands[index]
        op, edge = _aim(interval, x, band)
        params = ladders._number(crit, rule.expr, op, edge)
        params.update(band=index, band_op=band.op, threshold=band.threshold)
        if params["needs"] and not _lands(ladders, rule, params["needs"][0], band.points):
            params["needs"] = []
            params["condition"] = _interval_text(interval, params["subject"], params["kind"])
        yield Step("steps.band", crit.id, band.points, params)


def _lands(ladders: Ladders, rule: ir.StepsRule, need: dict, band_points: float) -> bool:
    """Whether the needed value gives the band's points (a count rounded past a narrow
    band does not)."""
    value = need["value"]
    value = {">": math.nextafter(value, math.inf), "<": math.nextafter(value, -math.inf)}.get(need["op"], value)
    x = ladders.solver.value(rule.expr, dict(ladders.solver.row, **{need["input"]: value}))
    if x != x:
        return False
    for band in rule.bands:
        if COMPARE[band.op](x, band.threshold):
            return band.points >= band_points
    return rule.otherwise >= band_points


@_rule_ladder.register
def _(rule: ir.CasesRule, ladders: Ladders, crit: ir.Criterion, points: float) -> Iterator[Step]:
    """Cases giving more points, fewest first (the first case giving each number of
    points); each step's needs are solved only when the step is asked for."""
    chosen: dict[float, int] = {}
    for index, (_, value) in enumerate(rule.whens):
        gives = min(max(ladders.solver.value(value), 0.0), crit.max)
        if gives == gives and gives not in chosen:
            chosen[gives] = index
    for gives in sorted(chosen):
        index = chosen[gives]
        params = ladders._condition(rule.whens[index][0])
        params["case"] = index + 1
        yield Step("cases.when", crit.id, gives, params)


@_rule_ladder.register
def _(rule: ir.DeductRule, ladders: Ladders, crit: ir.Criterion, points: float) -> Iterator[Step]:
    amount, per = ladders.solver.value(rule.amount), ladders.solver.value(rule.per)
    if not amount > 0 or per != per:
        return
    top = crit.max
    whole = float(per).is_integer()
    if points > 0:
        fewer = per - 1.0
    else:  # the first value that gives any points
        fewer = (math.ceil(top / amount) - 1.0) if whole else top / amount - 1.0
    fewer = max(fewer, 0.0)
    if fewer > 0:
        gives = min(max(top - amount * fewer, 0.0), top)
        params = ladders._number(crit, rule.per, "<=", fewer)
        params.update(amount=amount, count=fewer)
        yield Step("deduct", crit.id, gives, params)
    params = ladders._number(crit, rule.per, "<=", 0.0)
    params.update(amount=amount, count=0.0)
    yield Step("deduct", crit.id, top, params)


# x fails `x op v` exactly where x (negated op) v
_FAILS = {">=": "<", ">": "<=", "<=": ">", "<": ">="}


def _band_interval(bands, index: int):
    """(low, low_open, high, high_open) of the values that land in band `index` (its test
    holds, every earlier band's fails), or None where no value does."""
    low, low_open, high, high_open = -math.inf, False, math.inf, False
    tests = [(_FAILS[b.op], b.threshold) for b in bands[:index]] + [(bands[index].op, bands[index].threshold)]
    for op, v in tests:
        if op in (">=", ">"):
            if v > low or (v == low and op == ">"):
                low, low_open = v, op == ">"
        elif v < high or (v == high and op == "<"):
            high, high_open = v, op == "<"
    if low > high or (low == high and (low_open or high_open)):
        return None
    return low, low_open, high, high_open


def _aim(interval, x: float, band: ir.Band) -> tuple[str, float]:
    """The need that brings x into the interval: `≥ low` from below, `≤ high` from above."""
    low, low_open, high, high_open = interval
    if x == x and (x > high or (x == high and high_open)):
        return ("<" if high_open else "<="), high
    if x == x and (x < low or (x == low and low_open)):
        return (">" if low_open else ">="), low
    return band.op, band.threshold


def _interval_text(interval, subject: str, kind: str) -> str:
    low, low_open, high, high_open = interval
    parts = []
    if low > -math.inf:
        parts.append(f"{subject} {SYMBOLS['>' if low_open else '>=']} {format_value(low, kind)}")
    if high < math.inf:
        parts.append(f"{subject} {SYMBOLS['<' if high_open else '<=']} {format_value(high, kind)}")
    return " and ".join(parts) or subject


def _none(value: float) -> float | None:
    value = float(value)
    return None if value != value else value


# ---- gains and plans ----------------------------------------------------------------------


def gains(result: "Scored", position: int, k: int | None = None) -> list[Gain]:
    """Criteria ranked by the points their full recovery would add to the unit's total."""
    tree = UnitTree(result, position)
    ladders = Ladders(result, position, tree)
    lost = tree.lost()
    total = tree.total
    found = []
    for crit in ladders.framework.criteria():
        ladder = ladders.ladder(crit)
        if ladder:
            known = [s for s in ladder if s.points == s.points]
            found.append((crit, ladder[0], known[-1].points if known else math.nan))
    scenarios = [{crit.id: points} for crit, first, best in found for points in (best, first.points)
                 if points == points]
    totals = iter(tree.totals_with(scenarios))  # every scenario's total, summed at once
    out = []
    for crit, first, best in found:
        recoverable = next(totals) - total if best == best else math.nan
        next_gain = next(totals) - total if first.points == first.points else math.nan
        out.append(Gain(crit.id, crit.title, tree.path(crit.id), crit.max, tree.points[crit.id],
                        lost[crit.id], recoverable, first, next_gain))
    out.sort(key=lambda g: (-_or(g.recoverable, -1.0), -_or(g.next_gain, -1.0), -g.lost))
    return out if k is None else out[:k]


def _or(value: float, default: float) -> float:
    return default if value != value else value


def plan(result: "Scored", position: int, target: float) -> Plan:
    """The fewest criteria whose next steps take the unit's total to `target`."""
    tree = UnitTree(result, position)
    ladders = Ladders(result, position, tree)
    rungs = {}
    for crit in ladders.framework.criteria():
        known = [s for s in ladders.ladder(crit) if s.points == s.points]
        if known:
            rungs[crit.id] = known
    start = tree.total
    chosen: dict[str, float] = {}
    level: dict[str, int] = {}
    items: list[PlanItem] = []
    current = start
    for further in (False, True):  # next steps first; then further rungs of chosen criteria
        while current < target - 1e-9:
            candidates = [(crit_id, level.get(crit_id, -1) + 1) for crit_id, ladder in rungs.items()
                          if level.get(crit_id, -1) + 1 < len(ladder) and further == (crit_id in level)]
            totals = tree.totals_with([{**chosen, crit_id: rungs[crit_id][rung].points}
                                       for crit_id, rung in candidates])  # every candidate at once
            best = None
            for (crit_id, rung), total in zip(candidates, totals):
                if best is None or total > best[0] + 1e-12:
                    best = (total, crit_id, rung)
            if best is None or best[0] <= current + 1e-12:
                break
            total, crit_id, rung = best
            step = rungs[crit_id][rung]
            chosen[crit_id] = step.points
            level[crit_id] = rung
            items.append(PlanItem(crit_id, step, total - current, total))
            current = total
        if current >= target - 1e-9:
            break
    return Plan(result.unit_id(position), start, float(target), current >= target - 1e-9, current, tuple(items))


# ---- text ---------------------------------------------------------------------------------


def render_need(need: Mapping, lang: str) -> str:
    kind, options = need["kind"], tuple(need.get("options") or ())
    value = format_value(_nan(need["value"]), kind, lang, options)
    name = need["input"] if lang == "en" else need["label"]
    if kind in ("bool", "choice"):
        text = f"{name} = {value}" if lang == "en" else f"{name}: {value}"
    else:
        text = f"{name} {SYMBOLS[need['op']]} {value}"
        if need.get("change") is not None:
            change = need["change"]
            text += f" ({_share_change(change, lang) if kind == 'share' else signed(change, lang)})"
    limit = need.get("limit")
    if limit:
        bound = format_value(_nan(limit["value"]), kind, lang)
        where = f"{limit['name']} = {bound}" if limit["name"] else bound
        text += f" — beyond what is possible ({where})" if lang == "en" else f" — vượt quá giới hạn ({where})"
    return text


def _share_change(change: float, lang: str) -> str:
    """A change of a share in percentage points: +28.2 pp / +28,2 điểm %."""
    return signed(change * 100.0, lang, 1) + (" pp" if lang == "en" else " điểm %")


def _nan(value):
    return math.nan if value is None else value


def _needs(params: Mapping, lang: str) -> str:
    parts = [render_need(n, lang) for n in params.get("needs") or ()]
    if params.get("condition"):
        parts.append(params["condition"])
    if not parts:
        return ""
    return ("needs " if lang == "en" else "cần ") + (" and " if lang == "en" else " và ").join(parts)


def render_step(step: Step, lang: str = "en") -> str:
    p, pts = step.params, number(step.points, lang)
    needs = _needs(p, lang)
    if step.code == "steps.band":
        threshold, op = format_value(p["threshold"], p["kind"], lang), SYMBOLS[p.get("band_op", p["op"])]
        head = (f"band {op} {threshold} gives {pts} points" if lang == "en"
                else f"mức {op} {threshold} được {pts} điểm")
    elif step.code == "full":
        head = f"full points ({pts})" if lang == "en" else f"đạt tối đa ({pts} điểm)"
    elif step.code == "award":
        head = f"{pts} points" if lang == "en" else f"được {pts} điểm"
    elif step.code == "deduct":
        amount = number(p["amount"], lang)
        head = (f"{pts} points ({amount} back for each one fewer)" if lang == "en"
                else f"được {pts} điểm (mỗi lần giảm 1 được cộng lại {amount} điểm)")
    elif step.code == "cases.when":
        head = (f"case {p['case']} gives {pts} points" if lang == "en"
                else f"trường hợp {p['case']} được {pts} điểm")
    elif step.code == "evidence":
        return (f"provide the evidence {p['evidence']}: {pts} points" if lang == "en"
                else f"bổ sung tài liệu kiểm chứng ({p['label']}): được {pts} điểm")
    elif step.code == "report":
        return (f"report {', '.join(p['inputs'])}" if lang == "en"
                else f"bổ sung số liệu: {'; '.join(p['labels'])}")
    else:
        return (f"correct {', '.join(p['inputs'])}" if lang == "en"
                else f"sửa dữ liệu: {', '.join(p['inputs'])}")
    return f"{head}; {needs}" if needs else head
