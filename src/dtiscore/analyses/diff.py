"""What changed between two versions of a framework, node by node, and (given data) what
the change does to each unit's score.

Nodes are matched by id first, then, among those left over, by title (a node whose id
changed but whose title did not is *renamed*); what is still left is *added* or *removed*.
A matched node is *moved* when its parent (matched the same way) differs. Formulas are
compared and shown as the language writes them, so a change of a param's value shows in
the params and in every formula that used it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator, Mapping

import attrs
import numpy as np

from .compare import Comparison
from ..engine.compiled import CompiledFramework
from ..errors import instance
from ..explain.wording import check_lang, expr_text, number, signed
from ..language import ir

if TYPE_CHECKING:
    from ..engine.scored import Scored

KINDS = ("added", "removed", "renamed", "moved", "title", "max", "formula", "policy", "let", "param")


@attrs.frozen
class Change:
    """One difference. `node` is the node's (new) id, or a let's or param's name; `old` and
    `new` are the two sides (None where a side has nothing); `what` names the policy."""

    kind: str  # one of KINDS
    node: str
    old: Any = None
    new: Any = None
    what: str | None = None

    def to_dict(self) -> dict:
        out = {"kind": self.kind, "node": self.node, "old": self.old, "new": self.new}
        if self.what is not None:
            out["what"] = self.what
        return out

    def text(self, lang: str = "en") -> str:
        old, new = _shown(self.old, lang), _shown(self.new, lang)
        if self.kind in ("added", "removed"):
            return f"{self.kind} {self.node}: {self.new if self.kind == 'added' else self.old}"
        if self.kind == "renamed":
            return f"renamed {self.old} → {self.new}"
        if self.kind == "moved":
            return f"moved {self.node}: from {old} to {new}"
        if self.kind == "formula":
            return f"formula {self.node}:\n    old: {old}\n    new: {new}"
        if self.kind == "policy":
            return f"policy {self.node} {self.what}: {old} → {new}"
        return f"{self.kind} {self.node}: {old} → {new}"


@attrs.frozen
class FrameworkDiff:
    """Every change from `old` to `new`, in the order of KINDS; `comparison` is the same data
    scored under both (a `Comparison`, old → new), when data was given."""

    old: str
    new: str
    changes: tuple[Change, ...]
    comparison: Comparison | None = None
    absent: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())  # inputs the data lacks, old and new

    def of_kind(self, kind: str) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.kind == kind)

    def to_dict(self) -> dict:
        out: dict = {"old": self.old, "new": self.new, "changes": [c.to_dict() for c in self.changes]}
        if self.comparison is not None:
            table = self.comparison.table(groups=False)
            out["absent"] = {"old": list(self.absent[0]), "new": list(self.absent[1])}
            out["units"] = [{"unit": unit, "old": float(b), "new": float(a), "delta": float(d)}
                            for unit, b, a, d in zip(table["unit"], table["old"], table["new"], table["delta"])]
        return out

    def text(self, lang: str = "en") -> str:
        check_lang(lang)
        lines = [f"{self.old} → {self.new}: {len(self.changes)} changes"]
        lines += ["  " + change.text(lang) for change in self.changes]
        if self.comparison is not None:
            c = self.comparison
            order = sorted(range(len(c)), key=lambda i: -abs(c.delta[i]))
            lines.append(f"the same data under both ({len(c)} units), biggest changes first:")
            for side, names in zip((self.old, self.new), self.absent):
                if names:
                    lines.append(f"  (scored as missing under {side}, absent from the data: {', '.join(names)})")
            lines += [f"  {c.units[i]}: {number(c.before[i], lang)} → {number(c.after[i], lang)} "
                      f"({signed(c.delta[i], lang)})" for i in order]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text("en")


def diff(old: "CompiledFramework", new: "CompiledFramework", data: Any = None, units=None) -> FrameworkDiff:
    """The changes from framework `old` to `new`; with `data` (as `Framework.score` takes it),
    the same units scored under both (`FrameworkDiff.comparison`)."""
    instance("old", old, CompiledFramework, "a Framework")
    instance("new", new, CompiledFramework, "a Framework")
    if data is None:
        return framework_diff(old, new)
    (before, absent_old), (after, absent_new) = (score_where_allowed(f, data, units) for f in (old, new))
    return framework_diff(old, new, Comparison(before, after, ("old", "new")), (absent_old, absent_new))


def score_where_allowed(framework: "CompiledFramework", data: Any, units=None) -> tuple["Scored", tuple[str, ...]]:
    """`data` scored under `framework`, each input the data lacks scored as missing (the
    framework's missing-data policies apply); and the names of those inputs."""
    if not (isinstance(data, Mapping) or hasattr(data, "columns")):
        raise TypeError(f"data must be a mapping of input name → column, or a DataFrame, not {type(data).__name__}")
    absent = tuple(spec.name for spec in framework.ir.inputs if spec.name not in data)
    if absent:
        rows = len(data) if hasattr(data, "columns") else len(next(iter(data.values()), ()))
        empty = np.full(rows, np.nan)
        if hasattr(data, "assign"):  # a DataFrame keeps its index as the units
            data = data.assign(**{name: empty for name in absent})
        else:
            data = {**data, **{name: empty for name in absent}}
    return framework.score(data, units), absent


def framework_diff(old: "CompiledFramework", new: "CompiledFramework", comparison: Comparison | None = None,
                   absent: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())) -> FrameworkDiff:
    """The changes from `old` to `new`, with a comparison of scores made elsewhere (the
    command line scores data files) and the inputs absent from that data."""
    old_nodes = {n.id: n for n in old.ir.nodes() if n is not old.ir.root}
    new_nodes = {n.id: n for n in new.ir.nodes() if n is not new.ir.root}
    match = _match(old_nodes, new_nodes)  # old id → new id
    matched_new = set(match.values())
    found: list[Change] = []
    for node in new_nodes.values():
        if node.id not in matched_new:
            found.append(Change("added", node.id, None, node.title))
    for node in old_nodes.values():
        if node.id not in match:
            found.append(Change("removed", node.id, node.title, None))
    old_nodes[old.id], new_nodes[new.id] = old.ir.root, new.ir.root  # the frameworks themselves
    inputs = {spec.name: spec for spec in new.ir.inputs}
    old_inputs = {spec.name: spec for spec in old.ir.inputs}
    for old_id, new_id in [(old.id, new.id), *match.items()]:
        a, b = old_nodes[old_id], new_nodes[new_id]
        if old_id != new_id and old_id != old.id:
            found.append(Change("renamed", new_id, old_id, new_id))
        old_parent, new_parent = old.node(old_id).parent, new.node(new_id).parent
        if old_parent is not None and (new.id if old_parent == old.id else match.get(old_parent)) != new_parent:
            found.append(Change("moved", new_id, old_parent, new_parent))
        if a.title != b.title:
            found.append(Change("title", new_id, a.title, b.title))
        if a.max != b.max:
            found.append(Change("max", new_id, a.max, b.max))
        if isinstance(a, ir.Criterion) and isinstance(b, ir.Criterion):
            before, after = rule_text(a.rule, old_inputs), rule_text(b.rule, inputs)
            if before != after:
                found.append(Change("formula", new_id, before, after))
        found += [Change("policy", new_id, x, y, what) for what, x, y in _policies(a, b, old_inputs, inputs)
                  if x != y]
    found += _lets(old.ir, new.ir, old_inputs, inputs)
    found += _params(old.params, new.params)
    found.sort(key=lambda c: KINDS.index(c.kind))  # stable: file order within a kind
    return FrameworkDiff(old.id, new.id, tuple(found), comparison, absent)


def _match(old_nodes: dict, new_nodes: dict) -> dict[str, str]:
    """Old id → new id: by id (same kind), then by title among the rest when it is unique."""
    match = {i: i for i, node in old_nodes.items() if i in new_nodes and new_nodes[i].kind == node.kind}
    left_new = [n for i, n in new_nodes.items() if i not in match.values()]
    for i, node in old_nodes.items():
        if i in match:
            continue
        same = [n for n in left_new if n.title == node.title and n.kind == node.kind]
        if len(same) == 1:
            match[i] = same[0].id
            left_new.remove(same[0])
    return match


def _policies(a: ir.Node, b: ir.Node, old_inputs, new_inputs) -> Iterator[tuple[str, Any, Any]]:
    if isinstance(a, ir.Group) and isinstance(b, ir.Group):
        yield "on_exclude", a.on_exclude, b.on_exclude
        yield "cap", a.cap, b.cap
    elif isinstance(a, ir.Criterion) and isinstance(b, ir.Criterion):
        yield "on_missing", a.on_missing, b.on_missing
        yield "evidence", a.evidence, b.evidence
        yield "replaces", a.replaces, b.replaces
        yield ("exclude", " and ".join(f"exclude when {expr_text(e.cond, old_inputs)}" for e in a.exclusions) or None,
               " and ".join(f"exclude when {expr_text(e.cond, new_inputs)}" for e in b.exclusions) or None)


def _lets(old: ir.Framework, new: ir.Framework, old_inputs, new_inputs) -> list[Change]:
    before = {let.name: expr_text(let.expr, old_inputs) for let in old.lets}
    after = {let.name: expr_text(let.expr, new_inputs) for let in new.lets}
    return [Change("let", name, before.get(name), after.get(name))
            for name in list(before) + [n for n in after if n not in before] if before.get(name) != after.get(name)]


def _params(old: dict[str, float], new: dict[str, float]) -> list[Change]:
    return [Change("param", name, old.get(name), new.get(name))
            for name in list(old) + [n for n in new if n not in old] if old.get(name) != new.get(name)]


def rule_text(rule: ir.Rule, inputs) -> str:
    """A scoring clause as the language writes it (params appear as their values)."""
    def t(expr: ir.Expr) -> str:
        return expr_text(expr, inputs)

    if isinstance(rule, ir.ScoreRule):
        return f"score {t(rule.expr)}"
    if isinstance(rule, ir.AwardRule):
        return f"award when {t(rule.cond)}"
    if isinstance(rule, ir.ProportionalRule):
        return f"proportional {t(rule.expr)} target {t(rule.target)}"
    if isinstance(rule, ir.LinearRule):
        return f"linear {t(rule.expr)} from {t(rule.start)} to {t(rule.end)}"
    if isinstance(rule, ir.StepsRule):
        bands = " ".join(f"{b.op} {_plain(b.threshold)}: {_plain(b.points)}" for b in rule.bands)
        return f"steps {t(rule.expr)} {{ {bands} else: {_plain(rule.otherwise)} }}"
    if isinstance(rule, ir.DeductRule):
        return f"deduct {t(rule.amount)} per {t(rule.per)}"
    whens = " ".join(f"when {t(cond)}: {t(points)}" for cond, points in rule.whens)
    return f"cases {{ {whens} else: {t(rule.otherwise)} }}"


def _plain(value: float) -> str:
    return expr_text(ir.Const(value))


def _shown(value: Any, lang: str) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return number(value, lang, 9)
    return str(value)

