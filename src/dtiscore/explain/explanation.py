"""Explanations of one unit: every group's points, every lost point with its reason, and
what the next better outcome would take.

Built from what the scoring kept (status, branch, points, input values, population values)
for this one unit: nothing is re-scored and the population's lost points are not needed.
Each criterion's reason and next step are worked out when first read (`_Pending`): most
callers show a few deductions, and the what-if of every criterion costs many times the rest
of the explanation. Reasons and steps are structured (`reasons.Reason`, `whatif.Step`) and
rendered in Vietnamese or English. An explanation is shown as a text report (`render_text`, its
`str()`: the total, each group's points of its max with a bar, then the deductions, most
lost first, each with its reason and next step) or as versioned JSON (`to_json`, schema
`dtiscore.explain/1`, described field by field in docs/explanations.md).
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from ..engine.ranks import NO_RANK
from ..language import ir
from ..language.reference import band_of
from .reasons import Reason, reasons_of
from .values import Values
from .wording import WORDS, check_lang, default_lang, number
from .tree import UnitTree
from .whatif import Ladders, Step

if TYPE_CHECKING:
    from ..engine.scored import Scored

SCHEMA = "dtiscore.explain/1"


@attrs.frozen
class Line:
    """One node's outcome for the unit."""

    id: str
    kind: str
    title: str
    max: float  # the node's full points
    effective_max: float
    points: float
    lost: float
    depth: int


@attrs.frozen
class Deduction:
    """One criterion's outcome: points, lost points, why (`why`, rendered as `reason`) and
    what the next better outcome would take (`step`, rendered as `next_step`)."""

    criterion: str
    title: str
    max: float
    points: float
    lost: float
    status: str
    reason: str
    next_step: str | None  # what the next better outcome would take, where it can be said
    path: tuple[str, ...]  # group ids from the root down
    code: str = ""  # the reason code
    why: Reason | None = attrs.field(default=None, eq=False, repr=False)
    step: Step | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen
class Explanation:
    unit: object
    framework: str
    title: str
    lang: str
    total: float
    effective_max: float
    index: float
    rank: int | None  # None where the framework does not rank the unit (`rank exclude when`)
    units: int  # how many units were scored together (the rank is among the ranked ones)
    lines: tuple[Line, ...]  # every node, parents first
    deductions: tuple[Deduction, ...]  # criteria that lost points, most lost first
    criteria: tuple[Deduction, ...]  # every criterion, in file order, with its reason
    band: str | None = None  # the index's label among the framework's `bands` (None without bands)
    unranked: str | None = None  # why the unit has no rank: the `rank exclude when` that holds

    def __str__(self) -> str:
        return render_text(self)

    def to_dict(self) -> dict:
        """The documented JSON form (schema `dtiscore.explain/1`, docs/explanations.md)."""
        return explanation_dict(self)


def explain_unit(result: "Scored", position: int, lang: str | None = None) -> Explanation:
    framework = result.framework
    lang = check_lang(lang or default_lang(framework.title))
    tree = UnitTree(result, position)
    lost = tree.lost()
    unit = _Unit(result, position, tree, lang)
    status_of = result.scores.status[:, position].tolist()
    branch_of = result.scores.branch[:, position].tolist()
    lines, criteria = [], []
    for node in tree.shape.nodes:
        lines.append(Line(node.id, node.kind, node.title, node.max, tree.effective[node.id],
                          tree.points[node.id], lost[node.id], tree.depth[node.id]))
        if isinstance(node, ir.Criterion):
            row = result.criterion_row(node.id)
            criteria.append(_Pending.of(unit, node, status_of[row], branch_of[row], lost[node.id]))
    deductions = sorted((c for c in criteria if c.lost > 0.0), key=lambda c: -c.lost)
    return Explanation(
        unit=result.unit_id(position), framework=framework.id, title=framework.title, lang=lang,
        total=tree.total, effective_max=tree.effective[framework.ir.root.id],
        index=_index(result, position), rank=_unit_rank(result, position), units=len(result),
        lines=tuple(lines), deductions=tuple(deductions), criteria=tuple(criteria),
        band=_band(result, position), unranked=_unranked(result, position, lang),
    )


class _Unit:
    """What a unit's reasons and next steps are worked out from; its solver (the unit's
    inputs, `whatif.Ladders`) is made when the first of them is read."""

    def __init__(self, result: "Scored", position: int, tree: UnitTree, lang: str):
        self.result, self.position, self.tree, self.lang = result, position, tree, lang
        self.reasons = reasons_of(result.framework)
        self._ladders: Ladders | None = None
        self._invalid: list[str] | None = None

    @property
    def ladders(self) -> Ladders:
        if self._ladders is None:
            self._ladders = Ladders(self.result, self.position, self.tree)
        return self._ladders

    def absent(self, crit: ir.Criterion) -> bool:
        """Whether one of the criterion's inputs has no value (tells `missing` from `undefined`)."""
        values = self.result.columns.values
        return any(math.isnan(values[name][self.position]) for name in self.reasons.names(crit))

    def why(self, crit: ir.Criterion, status: int, branch: int) -> Reason:
        if self._invalid is None:
            self._invalid = [name for name, mask in self.result.columns.invalid.items() if mask[self.position]]
        solver = self.ladders.solver
        return self.reasons.one(crit, solver.value, solver.row, status, branch, self.tree.points[crit.id],
                                self._invalid)


class _Pending(Deduction):
    """A `Deduction` whose reason and next step (`why`, `reason`, `step`, `next_step`) are
    worked out when first read, then kept: the same values, compared and shown alike."""

    __slots__ = ("_unit", "_node", "_status", "_branch", "_why", "_step", "_texts")

    @classmethod
    def of(cls, unit: _Unit, crit: ir.Criterion, status: int, branch: int, lost: float) -> "_Pending":
        out = cls.__new__(cls)
        code = unit.reasons.code(crit, status, branch, status == ir.MISSING and unit.absent(crit))
        for name, value in (("criterion", crit.id), ("title", crit.title), ("max", crit.max),
                            ("points", unit.tree.points[crit.id]), ("lost", lost),
                            ("status", ir.STATUSES[status]), ("path", unit.tree.path(crit.id)), ("code", code),
                            ("_unit", unit), ("_node", crit), ("_status", status), ("_branch", branch),
                            ("_texts", None)):
            object.__setattr__(out, name, value)
        return out

    @property
    def why(self) -> Reason:  # type: ignore[override]
        try:
            return self._why
        except AttributeError:
            object.__setattr__(self, "_why", self._unit.why(self._node, self._status, self._branch))
            return self._why

    @property
    def step(self) -> Step | None:  # type: ignore[override]
        try:
            return self._step
        except AttributeError:
            object.__setattr__(self, "_step", self._unit.ladders.next_step(self._node))
            return self._step

    @property
    def reason(self) -> str:  # type: ignore[override]
        return self._rendered()[0]

    @property
    def next_step(self) -> str | None:  # type: ignore[override]
        return self._rendered()[1]

    def __repr__(self) -> str:
        return "Deduction" + super().__repr__()[len(type(self).__name__):]

    def __reduce__(self):  # pickled and copied as the plain `Deduction` it stands for
        return Deduction, tuple(getattr(self, field.name) for field in attrs.fields(Deduction))

    def _rendered(self) -> tuple[str, str | None]:
        if self._texts is None:
            lang, step = self._unit.lang, self.step
            object.__setattr__(self, "_texts", (self.why.text(lang), step.text(lang) if step is not None else None))
        return self._texts


def _unranked(result: "Scored", position: int, lang: str) -> str | None:
    """The reason of the first `rank exclude when` that holds for the unit (None: ranked)."""
    values = Values(result, position)
    for exclusion in result.framework.ir.rank_exclusions:
        if values.scalar(exclusion.cond) == 1.0:
            return exclusion.reason or WORDS[lang]["unranked"]
    return None


def _unit_rank(result: "Scored", position: int) -> int | None:
    """The unit's rank as `Result.rank()` gives it; None for a unit not ranked."""
    if result.framework.ir.rank_exclusions and not result.ranked.all():
        rank = int(result.rank()[position])
        return rank if rank != NO_RANK else None
    return _rank(result, position)


def _rank(result: "Scored", position: int) -> int:
    """The unit's competition rank among all units (as `Result.rank()`: totals rounded to 9
    decimals), without ranking or rounding every unit.

    Rounding is monotone, so every total above `high` (which rounds above the unit's) counts
    and none at or below the unit's own does; only totals in between are rounded here."""
    totals = result.total
    own = totals[position:position + 1]
    mine = np.round(own, 9)[0]
    low = float(own[0])
    high = low + 1e-8 + abs(low) * 1e-12
    if not np.round(np.array([high]), 9)[0] > mine:  # not a margin at this magnitude
        return int(np.count_nonzero(np.round(totals, 9) > mine)) + 1
    above = int(np.count_nonzero(totals > high))
    if int(np.count_nonzero(totals > low)) > above:
        between = totals[(totals > low) & (totals <= high)]
        above += int(np.count_nonzero(np.round(between, 9) > mine))
    return above + 1


def _index(result: "Scored", position: int) -> float:
    """The unit's index (`Result.index`, the same division), without computing every unit's."""
    top = float(result.effective_max[position])
    return float(result.total[position]) / top if top > 0 else math.nan


def _band(result: "Scored", position: int) -> str | None:
    """The unit's label among the framework's bands (`Result.band()`), without labelling every unit."""
    bands = result.framework.ir.bands
    return None if bands is None else band_of(bands, _index(result, position))


# ---- text and JSON ---------------------------------------------------------------------------

BAR = 20


def bar(points: float, top: float, width: int = BAR) -> str:
    """A text bar: filled in proportion to points / top."""
    share = points / top if top > 0 else 0.0
    filled = min(width, max(0, int(round(share * width))))
    return "█" * filled + "░" * (width - filled)


def render_text(e: Explanation, top: int | None = None) -> str:
    """The report; `top` limits how many deductions are listed (all by default)."""
    w, lang = WORDS[e.lang], e.lang
    of = f" {w['of']} " if lang == "en" else w["of"]
    out = [f"{e.title} ({e.framework}) — {w['unit']} {e.unit}"]
    band = "" if e.band is None else f"{w['band']} {e.band}, "
    if math.isnan(e.index):
        out.append(f"{w['total']} {number(e.total, lang)} ({w['nothing']})")
    else:
        rank = f"{w['rank']} {e.rank}/{e.units}" if e.rank is not None else f"{w['unranked']}: {e.unranked}"
        out.append(f"{w['total']} {number(e.total, lang)}{of}{number(e.effective_max, lang)} "
                   f"({w['index']} {number(e.index, lang, 4)}, {band}{rank})")
    groups = [line for line in e.lines if line.kind == "group"]
    if groups:
        out += ["", f"{w['groups']}:"]
        name_width = max(len("  " * (line.depth - 1) + line.id) for line in groups)
        for line in groups:
            name = ("  " * (line.depth - 1) + line.id).ljust(name_width)
            score = f"{number(line.points, lang)}{of}{number(line.effective_max, lang)}"
            out.append(f"  {name}  {bar(line.points, line.effective_max)}  {score.rjust(13)}  {line.title}")
    out.append("")
    if not e.deductions:
        out.append(w["none"])
        return "\n".join(out)
    out.append(f"{w['lost']}:")
    shown = e.deductions if top is None else e.deductions[:top]
    for d in shown:
        out.append(f"  -{number(d.lost, lang)}  {d.criterion} {d.title} "
                   f"({number(d.points, lang)}{of if lang == 'vi' else '/'}{number(d.max, lang)}, {w[d.status]})")
        out.append(f"      {d.reason}")
        if d.next_step:
            out.append(f"      {w['next']}: {d.next_step}")
    if len(shown) < len(e.deductions):
        out.append(f"  … {len(e.deductions) - len(shown)} {w['more']}")
    return "\n".join(out)


def explanation_dict(e: Explanation, top: int | None = None) -> dict:
    """The JSON form: plain dicts, lists, strings, numbers and null (no NaN)."""
    deductions = e.deductions if top is None else e.deductions[:top]
    return _clean({
        "schema": SCHEMA,
        "framework": {"id": e.framework, "title": e.title},
        "unit": e.unit if isinstance(e.unit, (str, int, float)) else str(e.unit),
        "lang": e.lang,
        "total": e.total,
        "effective_max": e.effective_max,
        "index": e.index,
        "rank": e.rank,
        "band": e.band,
        "unranked": e.unranked,
        "units": e.units,
        "nodes": [{"id": line.id, "kind": line.kind, "title": line.title, "depth": line.depth,
                   "max": line.max, "effective_max": line.effective_max, "points": line.points,
                   "lost": line.lost} for line in e.lines],
        "criteria": [{
            "id": c.criterion, "title": c.title, "path": list(c.path), "max": c.max, "points": c.points,
            "lost": c.lost, "status": c.status,
            "reason": c.why.to_dict(e.lang) if c.why is not None else {"code": c.code, "params": {}, "text": c.reason},
            "next": c.step.to_dict(e.lang) if c.step is not None else None,
        } for c in e.criteria],
        "deductions": [d.criterion for d in deductions],
    })


def to_json(e: Explanation, top: int | None = None, indent: int | None = 2) -> str:
    return json.dumps(explanation_dict(e, top), ensure_ascii=False, indent=indent, allow_nan=False)


def _clean(value: Any) -> Any:
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is float:
        return None if math.isnan(value) or math.isinf(value) else value
    if kind is dict:
        return {k if type(k) is str else str(k): _clean(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [_clean(v) for v in value]
    if isinstance(value, float):
        return _clean(float(value))
    if isinstance(value, dict):
        return _clean(dict(value))
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        return _clean(value.item())
    return value
