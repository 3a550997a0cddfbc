"""The syntax tree of a `.dti` file: frozen attrs nodes, each with a 1-based source span.

The tree says what was written, not what it means: names are unresolved and options are
kept as written (a group may list `max` twice; the checker reports it). Every declared name
keeps its own span (`name_span`, `option_spans`) beside the span of its whole declaration, so
diagnostics about a name point at it without searching the text. An expression remembers the
parentheses written around it (`parens`, not compared), so `fmt` keeps them. `parse` builds it, `check`
reads it and builds the IR.
"""

from __future__ import annotations

from typing import Union

import attrs

from ..errors import Span

# ---- expressions -----------------------------------------------------------------------


@attrs.frozen
class Number:
    value: float
    text: str  # as written, e.g. "50%": explanations show numbers the way the author did
    span: Span = attrs.field(eq=False)
    parens: int = attrs.field(default=0, eq=False)  # pairs of parentheses written around it


@attrs.frozen
class Bool:
    value: bool
    span: Span = attrs.field(eq=False)
    parens: int = attrs.field(default=0, eq=False)  # pairs of parentheses written around it


@attrs.frozen
class Name:
    id: str
    span: Span = attrs.field(eq=False)
    parens: int = attrs.field(default=0, eq=False)  # pairs of parentheses written around it


@attrs.frozen
class Unary:
    op: str  # "-" or "not"
    operand: "Expr"
    span: Span = attrs.field(eq=False)
    parens: int = attrs.field(default=0, eq=False)  # pairs of parentheses written around it


@attrs.frozen
class Binary:
    op: str  # + - * / < <= > >= == != and or
    left: "Expr"
    right: "Expr"
    span: Span = attrs.field(eq=False)
    parens: int = attrs.field(default=0, eq=False)  # pairs of parentheses written around it


@attrs.frozen
class If:
    cond: "Expr"
    then: "Expr"
    otherwise: "Expr"
    span: Span = attrs.field(eq=False)
    parens: int = attrs.field(default=0, eq=False)  # pairs of parentheses written around it


@attrs.frozen
class Call:
    func: str
    args: tuple["Expr", ...]
    span: Span = attrs.field(eq=False)
    parens: int = attrs.field(default=0, eq=False)  # pairs of parentheses written around it


Expr = Union[Number, Bool, Name, Unary, Binary, If, Call]

# ---- declarations ----------------------------------------------------------------------


@attrs.frozen
class InputType:
    kind: str  # count | number | share | bool | choice
    options: tuple[str, ...] = ()
    option_spans: tuple[Span, ...] = attrs.field(default=(), eq=False)  # where each option stands


@attrs.frozen
class AtMost:
    other: Name
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Within:
    low: Number
    high: Number
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Better:
    direction: str  # higher | lower
    span: Span = attrs.field(eq=False)


@attrs.frozen
class OnMissing:
    policy: str  # zero | exclude | error
    span: Span = attrs.field(eq=False)


@attrs.frozen
class InputDecl:
    name: str
    type: InputType
    label: str | None
    options: tuple[Union[AtMost, Within, Better, OnMissing], ...]
    span: Span = attrs.field(eq=False)
    name_span: Span = attrs.field(eq=False)  # where its name is written


@attrs.frozen
class ParamDecl:
    name: str
    expr: Expr
    label: str | None
    span: Span = attrs.field(eq=False)
    name_span: Span = attrs.field(eq=False)  # where its name is written


@attrs.frozen
class LetDecl:
    name: str
    expr: Expr
    span: Span = attrs.field(eq=False)
    name_span: Span = attrs.field(eq=False)  # where its name is written


# ---- node options ----------------------------------------------------------------------


@attrs.frozen
class MaxDecl:
    value: Number
    span: Span = attrs.field(eq=False)


@attrs.frozen
class CapDecl:
    span: Span = attrs.field(eq=False)


@attrs.frozen
class OnExclude:
    policy: str  # rescale | shrink
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Tags:
    pairs: tuple[tuple[str, tuple[str, ...]], ...]
    span: Span = attrs.field(eq=False)


NodeOption = Union[MaxDecl, CapDecl, OnExclude, OnMissing, Tags]
NODE_OPTIONS = (MaxDecl, CapDecl, OnExclude, OnMissing, Tags)

# ---- criterion clauses -----------------------------------------------------------------


@attrs.frozen
class Score:
    expr: Expr
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Award:
    cond: Expr
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Proportional:
    expr: Expr
    target: Expr | None
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Linear:
    expr: Expr
    start: Expr
    end: Expr
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Band:
    op: str  # >= > <= <
    threshold: Union[Number, Name]
    points: Union[Number, Name]
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Steps:
    expr: Expr
    bands: tuple[Band, ...]
    otherwise: Union[Number, Name]
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Deduct:
    amount: Expr
    per: Expr
    span: Span = attrs.field(eq=False)


@attrs.frozen
class When:
    cond: Expr
    points: Expr
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Cases:
    whens: tuple[When, ...]
    otherwise: Expr
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Exclude:
    cond: Expr
    reason: str | None
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Evidence:
    name: Name
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Replaces:
    name: Name
    span: Span = attrs.field(eq=False)


ScoringClause = Union[Score, Award, Proportional, Linear, Steps, Deduct, Cases]
SCORING_CLAUSES = (Score, Award, Proportional, Linear, Steps, Deduct, Cases)
Clause = Union[ScoringClause, Exclude, OnMissing, Evidence, Replaces]

# ---- classification bands --------------------------------------------------------------


@attrs.frozen
class LabelBand:
    op: str  # > or >= (bands go highest first)
    threshold: Union[Number, Name]
    label: str
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Bands:
    """`bands index { > 0.40: "Nhóm 1" ... else: "Nhóm 4" }`: a label for each unit's index."""

    target: Name  # what is classified: `index`
    bands: tuple[LabelBand, ...]
    otherwise: str  # the `else` label
    otherwise_span: Span = attrs.field(eq=False)
    span: Span = attrs.field(eq=False)


@attrs.frozen
class RankExclude:
    """`rank exclude when COND "reason"`: units where COND holds are scored but not ranked."""

    cond: Expr
    reason: str | None
    span: Span = attrs.field(eq=False)


# ---- nodes -----------------------------------------------------------------------------


@attrs.frozen
class Criterion:
    id: str
    title: str
    options: tuple[NodeOption, ...]
    clauses: tuple[Clause, ...]
    span: Span = attrs.field(eq=False)
    name_span: Span = attrs.field(eq=False)  # where its name is written


@attrs.frozen
class Group:
    id: str
    title: str
    options: tuple[NodeOption, ...]
    items: tuple["Item", ...]
    span: Span = attrs.field(eq=False)
    name_span: Span = attrs.field(eq=False)  # where its name is written


@attrs.frozen
class Framework:
    id: str
    title: str
    items: tuple["Item", ...]
    span: Span = attrs.field(eq=False)
    name_span: Span = attrs.field(eq=False)  # where its name is written


Declaration = Union[InputDecl, ParamDecl, LetDecl]
Item = Union[Declaration, NodeOption, Group, Criterion, Bands, RankExclude]
