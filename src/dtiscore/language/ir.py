"""The checked framework: names resolved, types known, params folded to constants.

`check` builds it from the AST; the compiler and the reference interpreter both read it and
nothing else. Values are floats throughout: a bool is 0.0/1.0, a choice is the position of
its option, and NaN means "no value" (missing input, or undefined such as a ratio by zero).
"""

from __future__ import annotations

from typing import Iterator, Union

import attrs

from ..errors import Span

# ---- expressions -----------------------------------------------------------------------

NUM, BOOL = "num", "bool"  # the two value types of expressions; choices compare to options


@attrs.frozen
class Const:
    value: float
    type: str = NUM


@attrs.frozen
class Column:
    """One input's values."""

    name: str
    type: str  # NUM, BOOL or "choice"


@attrs.frozen(cache_hash=True)  # a key of the compiler's dicts, at every level of nesting
class Let:
    """A `let`, kept by name so explanations can show it; evaluates to its expression."""

    name: str
    expr: "Expr"

    @property
    def type(self) -> str:
        return self.expr.type


@attrs.frozen(cache_hash=True)  # a key of the compiler's dicts, at every level of nesting
class Op:
    """An operation on per-unit values.

    op is one of: neg not + - * / < <= > >= == != and or if ratio min max clamp abs round
    count all any. Division by zero (`/` or `ratio`) is undefined, never infinite.
    """

    op: str
    args: tuple["Expr", ...]
    type: str = NUM


@attrs.frozen(cache_hash=True)  # a key of the compiler's dicts, at every level of nesting
class Population:
    """best/worst/mean/percentile over every unit scored together (missing values ignored)."""

    func: str
    arg: "Expr"
    fraction: float | None = None  # percentile's p, in [0, 1]
    type: str = NUM


Expr = Union[Const, Column, Let, Op, Population]


def walk(expr: Expr) -> Iterator[Expr]:
    """Every sub-expression once, parents before children (lets and populations entered).
    A node met again (a let read twice, by every let after it in a chain) is not entered
    again: a chain of lets each reading the one before twice is a walk of 2**n paths."""
    stack, seen = [expr], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        if isinstance(node, Op):
            stack.extend(reversed(node.args))
        elif isinstance(node, Let):
            stack.append(node.expr)
        elif isinstance(node, Population):
            stack.append(node.arg)


def same(a: object, b: object) -> bool:
    """Whether two IR values (nodes, rules, tuples of them) are equal, each pair of parts
    compared once: `==` on attrs nodes compares a let as often as paths reach it, 2**n times
    in two copies of a chain of lets each reading the one before twice (a framework checked
    again). A loop over a stack, so deep nesting needs no deep recursion."""
    stack, seen = [(a, b)], set()
    while stack:
        x, y = stack.pop()
        if x is y or (id(x), id(y)) in seen:
            continue
        seen.add((id(x), id(y)))  # both trees are alive throughout: ids are not reused
        if attrs.has(type(x)) or type(x) is tuple:
            if type(x) is not type(y) or (type(x) is tuple and len(x) != len(y)):
                return False
            pairs = zip(x, y) if type(x) is tuple else (
                (getattr(x, f.name), getattr(y, f.name)) for f in attrs.fields(type(x)) if f.eq)
            stack.extend(pairs)
        elif x != y:
            return False
    return True


def columns_used(*exprs: Expr | None) -> tuple[str, ...]:
    """The inputs an expression reads, in first-use order."""
    seen: dict[str, None] = {}
    for expr in exprs:
        if expr is None:
            continue
        for node in walk(expr):
            if isinstance(node, Column):
                seen.setdefault(node.name, None)
    return tuple(seen)


# ---- scoring rules ---------------------------------------------------------------------


@attrs.frozen
class ScoreRule:
    expr: Expr


@attrs.frozen
class AwardRule:
    cond: Expr


@attrs.frozen
class ProportionalRule:
    expr: Expr
    target: Expr


@attrs.frozen
class LinearRule:
    expr: Expr
    start: Expr
    end: Expr


@attrs.frozen
class Band:
    op: str  # >= > <= <
    threshold: float
    points: float


@attrs.frozen
class StepsRule:
    expr: Expr
    bands: tuple[Band, ...]
    otherwise: float


@attrs.frozen
class DeductRule:
    amount: Expr
    per: Expr


@attrs.frozen
class CasesRule:
    whens: tuple[tuple[Expr, Expr], ...]  # (condition, points)
    otherwise: Expr


Rule = Union[ScoreRule, AwardRule, ProportionalRule, LinearRule, StepsRule, DeductRule, CasesRule]


def rule_exprs(rule: Rule) -> tuple[Expr, ...]:
    """The expressions a rule evaluates."""
    if isinstance(rule, ScoreRule):
        return (rule.expr,)
    if isinstance(rule, AwardRule):
        return (rule.cond,)
    if isinstance(rule, ProportionalRule):
        return (rule.expr, rule.target)
    if isinstance(rule, LinearRule):
        return (rule.expr, rule.start, rule.end)
    if isinstance(rule, StepsRule):
        return (rule.expr,)
    if isinstance(rule, DeductRule):
        return (rule.amount, rule.per)
    return tuple(e for pair in rule.whens for e in pair) + (rule.otherwise,)


# ---- nodes -----------------------------------------------------------------------------

# Per-unit outcome of a criterion, stored as int8 codes.
STATUSES = ("scored", "excluded", "missing", "no_evidence", "inactive", "invalid")
SCORED, EXCLUDED, MISSING, NO_EVIDENCE, INACTIVE, INVALID = range(6)

Tags = tuple[tuple[str, tuple[str, ...]], ...]


@attrs.frozen
class Exclusion:
    cond: Expr
    reason: str | None


@attrs.frozen
class Criterion:
    id: str
    title: str
    max: float
    tags: Tags  # its own tags; inherited ones are looked up through the tree
    rule: Rule
    exclusions: tuple[Exclusion, ...]
    evidence: str | None
    on_missing: str  # zero | exclude | error (the framework's default when not said)
    replaces: str | None
    span: Span | None = attrs.field(default=None, eq=False)
    on_missing_said: bool = False  # whether the criterion names its own policy

    kind = "criterion"
    children = ()  # criteria are leaves

    @property
    def inputs(self) -> tuple[str, ...]:
        """Every input the criterion reads (exclusions, evidence and rule)."""
        names = columns_used(*(e.cond for e in self.exclusions), *rule_exprs(self.rule))
        if self.evidence and self.evidence not in names:
            names += (self.evidence,)
        return names


@attrs.frozen
class Group:
    id: str
    title: str
    max: float
    tags: Tags
    cap: bool
    on_exclude: str  # rescale | shrink
    nodes: tuple[Union["Group", Criterion], ...]
    kind: str = "group"  # or "framework" for the root
    span: Span | None = attrs.field(default=None, eq=False)

    @property
    def children(self) -> tuple[str, ...]:
        return tuple(node.id for node in self.nodes)


Node = Union[Group, Criterion]


@attrs.frozen
class LabelBand:
    op: str  # > or >=
    threshold: float
    label: str


@attrs.frozen
class Bands:
    """Labels of the framework's index, highest band first; `otherwise` below them all."""

    bands: tuple[LabelBand, ...]
    otherwise: str

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(b.label for b in self.bands) + (self.otherwise,)


@attrs.frozen
class Input:
    name: str
    kind: str  # count | number | share | bool | choice
    label: str | None = None
    options: tuple[str, ...] = ()  # a choice's options, in declared order
    at_most: str | None = None  # another input this one never exceeds
    within: tuple[float, float] | None = None
    on_missing: str | None = None
    better: str | None = None  # higher | lower

    @property
    def type(self) -> str:
        return {"bool": BOOL, "choice": "choice"}.get(self.kind, NUM)


@attrs.frozen
class Framework:
    root: Group
    inputs: tuple[Input, ...]  # declared order
    params: tuple[tuple[str, float | bool], ...]  # a condition param's value is a bool
    lets: tuple[Let, ...]
    source_name: str = "<string>"
    bands: Bands | None = None  # `bands index { ... }`, where the framework declares it
    rank_exclusions: tuple[Exclusion, ...] = ()  # `rank exclude when`: scored, not ranked

    def nodes(self) -> Iterator[Node]:
        """Every node, parents before children, in file order."""
        stack: list[Node] = [self.root]
        while stack:
            node = stack.pop()
            yield node
            if isinstance(node, Group):
                stack.extend(reversed(node.nodes))

    def criteria(self) -> Iterator[Criterion]:
        return (n for n in self.nodes() if isinstance(n, Criterion))
