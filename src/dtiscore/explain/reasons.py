"""Why a criterion has the points it has: a reason code and the structured data behind it
(branch taken, band, limits, input values), rendered in Vietnamese or English.

Reasons are built from what the scoring kept (status and branch codes, points) and from the
values of the criterion's own expressions for the units asked about (`values.Values`);
the text is made from the data at the end, never by editing other text.

Codes (stable; `docs/explanations.md` lists their parameters):

    excluded inactive invalid no_evidence missing undefined
    score award.met award.unmet proportional.met proportional.below
    linear.full linear.between linear.zero steps.band steps.else
    deduct.none deduct cases.when cases.else
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

import attrs
import numpy as np

from ..language import ir
from .wording import NEGATED, SYMBOLS, expr_text, format_value, number, value_kind
from .values import Values

if TYPE_CHECKING:
    from ..engine.compiled import CompiledFramework

CODES = (
    "excluded", "inactive", "invalid", "no_evidence", "missing", "undefined",
    "score", "award.met", "award.unmet", "proportional.met", "proportional.below",
    "linear.full", "linear.between", "linear.zero", "steps.band", "steps.else",
    "deduct.none", "deduct", "cases.when", "cases.else",
)
CODE = {name: i for i, name in enumerate(CODES)}
_STATUS_CODE = {ir.EXCLUDED: "excluded", ir.INACTIVE: "inactive", ir.INVALID: "invalid",
                ir.NO_EVIDENCE: "no_evidence"}


@attrs.frozen
class Reason:
    """A reason: `code` (one of CODES) and its parameters (JSON-friendly values)."""

    code: str
    params: Mapping[str, Any] = attrs.field(hash=False)

    def text(self, lang: str = "en") -> str:
        return render(self, lang)

    def to_dict(self, lang: str = "en") -> dict:
        return {"code": self.code, "params": dict(self.params), "text": self.text(lang)}


@attrs.frozen
class Field:
    """A parameter that differs from unit to unit (the points, a rule's value, target, ...),
    standing in for its value while the text of many units is laid out once
    (`reason_texts`): `expr` is the expression whose value it is (None: the points)."""

    key: str
    expr: Any = attrs.field(default=None, eq=False)


class Template(dict):
    """Parameters holding `Field`s: rendering them gives a text with a token where each
    field's value goes, and `specs` says how each token's value is written."""

    def __init__(self, params: Mapping[str, Any]):
        super().__init__(params)
        self.specs: list[tuple] = []

    def token(self, spec: tuple) -> str:
        self.specs.append(spec)
        return f"{TOKEN}{len(self.specs) - 1}{TOKEN}"


TOKEN = "\x00"


# ---- codes for many units at once -----------------------------------------------------------


def reason_codes(crit: ir.Criterion, status: np.ndarray, branch: np.ndarray,
                 absent: np.ndarray) -> np.ndarray:
    """Reason codes (int8 positions in CODES) for one criterion over many units, from its
    status and branch codes. `absent`: where one of the criterion's inputs has no value
    (which tells `missing` from `undefined`)."""
    codes = np.full(status.shape, CODE["score"], dtype=np.int8)
    for status_code, name in _STATUS_CODE.items():
        codes[status == status_code] = CODE[name]
    missing = status == ir.MISSING
    codes[missing & absent] = CODE["missing"]
    codes[missing & ~absent] = CODE["undefined"]
    scored = status == ir.SCORED
    for code, where, _ in scored_reasons(crit.rule):
        codes[scored & where(branch)] = CODE[code]
    return codes


def reason_code(crit: ir.Criterion, status: int, branch: int, absent: bool) -> str:
    """The reason code of one unit, as `reason_codes` gives it."""
    return _code(scored_reasons(crit.rule), status, branch, absent)


def _code(scored: tuple, status: int, branch: int, absent: bool) -> str:
    """`reason_code`, the rule's `scored_reasons` at hand."""
    if status in _STATUS_CODE:
        return _STATUS_CODE[status]
    if status == ir.MISSING:
        return "missing" if absent else "undefined"
    code = "score"
    if status == ir.SCORED:
        for name, where, _ in scored:
            if where(branch):
                code = name
    return code


# ---- reasons with their data ------------------------------------------------------------------


def reasons_of(framework: "CompiledFramework") -> "Reasons":
    """The framework's `Reasons`, made once and kept with it (what they learn is kept too)."""
    return framework.memo(Reasons, lambda: Reasons(framework.ir))


class Reasons:
    """Builds the reasons of one framework's criteria for chosen units."""

    def __init__(self, framework: ir.Framework):
        self.framework = framework
        self.inputs = {spec.name: spec for spec in framework.inputs}
        self.titles = {node.id: node.title for node in framework.nodes()}
        self._subjects: dict[tuple[str, int], dict] = {}
        self._names: dict[str, tuple[str, ...]] = {}
        self._maker_cache: dict[str, dict[str, Callable[..., dict]]] = {}
        self._scored: dict[str, tuple] = {}
        self._texts: dict[int, tuple[ir.Expr, str]] = {}  # id(expr) → (expr, its text)

    def text(self, expr: ir.Expr) -> str:
        """An expression's text (`wording.expr_text`), remembered: explanations ask for the
        same few on every call (the entry keeps the expression, so its id is not reused)."""
        hit = self._texts.get(id(expr))
        if hit is None or hit[0] is not expr:
            hit = self._texts[id(expr)] = (expr, expr_text(expr, self.inputs))
        return hit[1]

    def subject(self, crit: ir.Criterion, expr: ir.Expr) -> dict:
        """What a value is called: its expression text (en), and an input's label or the
        criterion's title (vi); how to show it."""
        key = (crit.id, id(expr))
        if key not in self._subjects:
            self._subjects[key] = (expr, self._subject(crit, expr))
        return self._subjects[key][1]

    def _subject(self, crit: ir.Criterion, expr: ir.Expr) -> dict:
        inner = expr
        while isinstance(inner, ir.Let):
            inner = inner.expr
        label = None
        if isinstance(inner, ir.Column) and inner.name in self.inputs:
            label = self.inputs[inner.name].label
        kind = value_kind(expr, self.inputs)
        options = self.inputs[inner.name].options if kind == "choice" else ()
        return {"subject": self.text(expr), "label": label or crit.title,
                "kind": kind, "options": list(options)}

    def input_label(self, name: str) -> str:
        spec = self.inputs.get(name)
        return spec.label if spec is not None and spec.label else name

    def names(self, crit: ir.Criterion) -> tuple[str, ...]:
        """The inputs a criterion reads (a property that walks the expressions: read once)."""
        if crit.id not in self._names:
            self._names[crit.id] = crit.inputs
        return self._names[crit.id]

    def build(self, crit: ir.Criterion, values: Values, status: np.ndarray, branch: np.ndarray,
              points: np.ndarray, invalid: Mapping[str, np.ndarray] | None = None) -> list[Reason]:
        """One reason per unit of `values.positions` (status, branch and points per unit)."""
        n = len(values.positions)
        names = self.names(crit)
        inputs = {name: values(ir.Column(name, self.inputs[name].type)) for name in names}
        absent = np.zeros(n, dtype=bool)
        for column in inputs.values():
            absent |= np.isnan(column)
        codes = reason_codes(crit, status, branch, absent)
        lazy: dict[str, np.ndarray] = {}

        def at(key: str, expr: ir.Expr, i: int) -> float:
            if key not in lazy:
                lazy[key] = values(expr)
            return lazy[key][i]

        def absent_at(name: str, i: int) -> bool:
            return bool(np.isnan(inputs[name][i]))

        def bad(name: str, i: int) -> bool:
            return bool(invalid and name in invalid and bool(invalid[name][i]))

        makers = self._makers(crit)
        base = {"criterion": crit.id, "title": crit.title, "max": crit.max}
        out = []
        for i in range(n):
            code = CODES[codes[i]]
            params = dict(base, points=float(points[i]))
            params.update(makers[code](i, int(branch[i]), at, absent_at, bad))
            out.append(Reason(code, params))
        return out

    def one(self, crit: ir.Criterion, value: Callable[[ir.Expr], float], row: Mapping[str, float],
            status: int, branch: int, points: float, invalid: Sequence[str] = ()) -> Reason:
        """One unit's reason, in plain floats: `value` gives an expression's value for the
        unit (`solve.Solver.value`), `row` its inputs, `invalid` the inputs with bad values.
        The same reason as `build` gives for that unit."""
        names = self.names(crit)
        absent = any(row[name] != row[name] for name in names)
        code = self.code(crit, status, branch, absent)
        params = {"criterion": crit.id, "title": crit.title, "max": crit.max, "points": float(points)}
        params.update(self._makers(crit)[code](0, branch, lambda key, expr, i: value(expr),
                                               lambda name, i: row[name] != row[name],
                                               lambda name, i: name in invalid))
        return Reason(code, params)

    def code(self, crit: ir.Criterion, status: int, branch: int, absent: bool) -> str:
        """`reason_code`, the rule's reasons made once."""
        return _code(self.scored(crit), status, branch, absent)

    def scored(self, crit: ir.Criterion) -> tuple:
        """The criterion's rule's `scored_reasons`, made once."""
        if crit.id not in self._scored:
            self._scored[crit.id] = scored_reasons(crit.rule)
        return self._scored[crit.id]

    def _makers(self, crit: ir.Criterion) -> dict[str, Callable[..., dict]]:
        """Per code, the parameters of one unit: maker(i, b, at, absent, bad) for unit i whose
        branch is b, where `at(key, expr, i)` is an expression's value for unit i (key names
        the expression), `absent(name, i)` says the input has no value and `bad(name, i)` that
        its value was invalid. Made once per criterion."""
        if crit.id in self._maker_cache:
            return self._maker_cache[crit.id]
        names = self.names(crit)
        makers: dict[str, Callable[..., dict]] = {}

        def excluded(i, _, at, absent, bad):
            for k, exclusion in enumerate(crit.exclusions):
                if at(f"x{k}", exclusion.cond, i) == 1.0:
                    return {"condition": self.text(exclusion.cond), "note": exclusion.reason}
            return {"condition": None, "note": None}

        makers["excluded"] = excluded
        makers["inactive"] = lambda i, _, at, absent, bad: {
            "original": crit.replaces, "original_title": self.titles.get(crit.replaces, crit.replaces)}
        makers["invalid"] = lambda i, _, at, absent, bad: {"inputs": [n for n in names if bad(n, i)]
                                                           or [n for n in names if absent(n, i)]}
        makers["no_evidence"] = lambda i, _, at, absent, bad: {"evidence": crit.evidence,
                                                               "evidence_label": self.input_label(crit.evidence)}
        makers["missing"] = lambda i, _, at, absent, bad: {
            "inputs": [n for n in names if absent(n, i)],
            "labels": [self.input_label(n) for n in names if absent(n, i)]}
        makers["undefined"] = lambda i, _, at, absent, bad: {}
        for code, _, data in self.scored(crit):
            makers[code] = functools.partial(_scored_maker, data, self, crit)
        self._maker_cache[crit.id] = makers
        return makers


# ---- the reasons of each rule kind -------------------------------------------------------------

# The data of a scored unit's reason: data(reasons, crit, i, b, at) for unit i whose branch is b,
# `at(key, expr, i)` giving an expression's value for unit i (key names the expression).
ReasonData = Callable[["Reasons", ir.Criterion, int, int, Callable[[str, ir.Expr, int], float]], dict]


@functools.singledispatch
def scored_reasons(rule: ir.Rule) -> tuple[tuple[str, Callable[[Any], Any], ReasonData], ...]:
    """A rule kind's reasons for a scored unit: (code, where(branch) it applies, its data),
    later ones winning; `where` takes one branch code or an array of them. One registration
    per rule kind."""
    raise AssertionError(f"no reasons for rule {type(rule).__name__}")


def _scored_maker(data: ReasonData, reasons: "Reasons", crit: ir.Criterion, i, b, at, absent, bad) -> dict:
    return data(reasons, crit, i, b, at)


def _main(reasons: "Reasons", crit: ir.Criterion, i, b, at) -> dict:
    """The rule's main value, with what it is called."""
    return dict(reasons.subject(crit, crit.rule.expr), value=_f(at("expr", crit.rule.expr, i)))


@scored_reasons.register
def _(rule: ir.ScoreRule):
    return (("score", lambda b: b >= 0, _main),)


def _award(reasons: "Reasons", crit: ir.Criterion, i, b, at) -> dict:
    return dict(reasons.subject(crit, crit.rule.cond), value=_f(at("expr", crit.rule.cond, i)))


@scored_reasons.register
def _(rule: ir.AwardRule):
    return (("award.met", lambda b: b == 1, _award), ("award.unmet", lambda b: b != 1, _award))


def _proportional(reasons: "Reasons", crit: ir.Criterion, i, b, at) -> dict:
    return dict(_main(reasons, crit, i, b, at), target=_f(at("target", crit.rule.target, i)))


@scored_reasons.register
def _(rule: ir.ProportionalRule):
    return (("proportional.met", lambda b: b == 1, _proportional),
            ("proportional.below", lambda b: b != 1, _proportional))


def _linear(reasons: "Reasons", crit: ir.Criterion, i, b, at) -> dict:
    rule = crit.rule
    return dict(_main(reasons, crit, i, b, at), start=_f(at("start", rule.start, i)), end=_f(at("end", rule.end, i)))


@scored_reasons.register
def _(rule: ir.LinearRule):
    return (("linear.full", lambda b: b == 1, _linear), ("linear.zero", lambda b: b == 2, _linear),
            ("linear.between", lambda b: b == 0, _linear))


def _band(reasons: "Reasons", crit: ir.Criterion, i, b, at) -> dict:
    chosen = crit.rule.bands[b]
    return dict(_main(reasons, crit, i, b, at), band=b, op=chosen.op, threshold=chosen.threshold)


def _no_band(reasons: "Reasons", crit: ir.Criterion, i, b, at) -> dict:
    bands = crit.rule.bands
    lowest = min(bands, key=lambda x: x.points) if bands else None
    return dict(_main(reasons, crit, i, b, at), band=b, op=lowest.op if lowest else None,
                threshold=lowest.threshold if lowest else None)


@scored_reasons.register
def _(rule: ir.StepsRule):
    bands = len(rule.bands)
    return (("steps.band", lambda b: b < bands, _band), ("steps.else", lambda b: b >= bands, _no_band))


def _deduct(reasons: "Reasons", crit: ir.Criterion, i, b, at) -> dict:
    rule = crit.rule
    return dict(reasons.subject(crit, rule.per), value=_f(at("per", rule.per, i)),
                amount=_f(at("amount", rule.amount, i)))


@scored_reasons.register
def _(rule: ir.DeductRule):
    return (("deduct.none", lambda b: b == 1, _deduct), ("deduct", lambda b: b != 1, _deduct))


def _case(reasons: "Reasons", crit: ir.Criterion, i, b, at) -> dict:
    return {"case": b + 1, "condition": reasons.text(crit.rule.whens[b][0])}


def _no_case(reasons: "Reasons", crit: ir.Criterion, i, b, at) -> dict:
    return {"case": b + 1, "cases": len(crit.rule.whens)}


@scored_reasons.register
def _(rule: ir.CasesRule):
    whens = len(rule.whens)
    return (("cases.when", lambda b: b < whens, _case), ("cases.else", lambda b: b >= whens, _no_case))


def _f(value: float) -> float | None:
    """A value as a reason holds it: None for no value, and -0.0 as 0.0 (the sign of a zero
    is an accident of the arithmetic: the scalar solver and the engine's arrays may differ
    in it, as `min(-0.0, 0)` does from numpy's, and no reader should see "-0")."""
    if isinstance(value, Field):
        return value  # type: ignore[return-value]
    value = float(value)
    return None if value != value else value + 0.0


# ---- text -----------------------------------------------------------------------------------


def render(reason: Reason, lang: str = "en") -> str:
    return _RENDER[lang][reason.code](reason.params, lang)


def _v(p: Mapping, key: str = "value", lang: str = "en", against: str | None = None) -> str:
    if isinstance(p.get(key), Field):
        return p.token(("value", key, p.get("kind", "number"), tuple(p.get("options") or ()), against))
    return format_value(_nan(p.get(key)), p.get("kind", "number"), lang, tuple(p.get("options") or ()),
                        _nan(p.get(against)) if against else None)


def _nan(value):
    return float("nan") if value is None else value


def _n(p: Mapping, key: str, lang: str) -> str:
    """A number parameter (`wording.number`)."""
    if isinstance(p.get(key), Field):
        return p.token(("number", key))
    return number(p[key], lang)


def _pts(p: Mapping, lang: str) -> str:
    points, top = _n(p, "points", lang), number(p["max"], lang)
    return f"{points} of {top} points" if lang == "en" else f"đạt {points}/{top} điểm"


def _en_subject(p: Mapping) -> str:
    return p["subject"]


def _vi_subject(p: Mapping) -> str:
    return p["label"]


def _limit(p: Mapping, key: str, lang: str) -> str:
    if isinstance(p.get(key), Field):
        return p.token(("value", key, p.get("kind", "number"), tuple(p.get("options") or ()), None))
    return format_value(_nan(p[key]), p.get("kind", "number"), lang, tuple(p.get("options") or ()))


_EN: dict[str, Callable[[Mapping, str], str]] = {
    "excluded": lambda p, l: p["note"] or (f"not applicable: {p['condition']}" if p["condition"] else "not applicable"),
    "inactive": lambda p, l: f"not needed: '{p['original']}' applies, which this criterion replaces",
    "invalid": lambda p, l: f"invalid data in: {', '.join(p['inputs']) or 'an input'}",
    "no_evidence": lambda p, l: f"no evidence: '{p['evidence']}' is not true, so 0 of {number(p['max'], l)} points",
    "missing": lambda p, l: f"no value for {', '.join(p['inputs'])} → {_pts(p, l)}",
    "undefined": lambda p, l: f"a value is undefined (a division by zero) → {_pts(p, l)}",
    "score": lambda p, l: f"{_en_subject(p)} = {_v(p, lang=l)} → {_pts(p, l)}",
    "award.met": lambda p, l: f"{_en_subject(p)}: yes → {_pts(p, l)}",
    "award.unmet": lambda p, l: f"{_en_subject(p)}: no → {_pts(p, l)}",
    "proportional.met": lambda p, l: (f"{_en_subject(p)} = {_v(p, lang=l)} ≥ target {_limit(p, 'target', l)}"
                                      f" → {_pts(p, l)}"),
    "proportional.below": lambda p, l: (f"{_en_subject(p)} = {_v(p, lang=l, against='target')} < target "
                                        f"{_limit(p, 'target', l)} → {_pts(p, l)}"),
    "linear.full": lambda p, l: _en_linear(p, l),
    "linear.between": lambda p, l: _en_linear(p, l),
    "linear.zero": lambda p, l: _en_linear(p, l),
    "steps.band": lambda p, l: (f"{_en_subject(p)} = {_v(p, lang=l, against='threshold')}: band "
                                f"{SYMBOLS[p['op']]} {_limit(p, 'threshold', l)} → {_pts(p, l)}"),
    "steps.else": lambda p, l: (f"{_en_subject(p)} = {_v(p, lang=l, against='threshold')}: no band holds"
                                + (f" (the lowest is {SYMBOLS[p['op']]} {_limit(p, 'threshold', l)})" if p["op"] else "")
                                + f" → {_pts(p, l)}"),
    "deduct.none": lambda p, l: f"{_en_subject(p)} = {_v(p, lang=l)} → {_pts(p, l)}",
    "deduct": lambda p, l: (f"{_en_subject(p)} = {_v(p, lang=l)}, {_n(p, 'amount', l)} points off each"
                            f" → {_pts(p, l)}"),
    "cases.when": lambda p, l: f"case {p['case']}: {p['condition']} → {_pts(p, l)}",
    "cases.else": lambda p, l: f"no case holds (else) → {_pts(p, l)}",
}


def _en_linear(p: Mapping, l: str) -> str:
    return (f"{_en_subject(p)} = {_v(p, lang=l)} (0 points at {_limit(p, 'start', l)}, "
            f"{number(p['max'], l)} at {_limit(p, 'end', l)}) → {_pts(p, l)}")


def _vi_linear(p: Mapping, l: str) -> str:
    return (f"{_vi_subject(p)} {_v(p, lang=l)} (0 điểm tại {_limit(p, 'start', l)}, "
            f"{number(p['max'], l)} điểm tại {_limit(p, 'end', l)}): {_pts(p, l)}")


_VI: dict[str, Callable[[Mapping, str], str]] = {
    "excluded": lambda p, l: p["note"] or (f"Không áp dụng: {p['condition']}" if p["condition"] else "Không áp dụng"),
    "inactive": lambda p, l: (f"Không tính: tiêu chí {p['original']} ({p['original_title']}) được áp dụng, "
                              f"tiêu chí này chỉ thay thế"),
    "invalid": lambda p, l: f"Dữ liệu không hợp lệ: {', '.join(p['inputs']) or 'một đầu vào'}",
    "no_evidence": lambda p, l: (f"Không có tài liệu kiểm chứng ({p['evidence_label']}): "
                                 f"đạt 0/{number(p['max'], l)} điểm"),
    "missing": lambda p, l: f"Thiếu số liệu ({'; '.join(p['labels'])}): {_pts(p, l)}",
    "undefined": lambda p, l: f"Giá trị không xác định (chia cho 0): {_pts(p, l)}",
    "score": lambda p, l: f"{_vi_subject(p)} {_v(p, lang=l)}: {_pts(p, l)}",
    "award.met": lambda p, l: f"{_vi_subject(p)} (đạt yêu cầu): {_pts(p, l)}",
    "award.unmet": lambda p, l: f"{_vi_subject(p)} (chưa đạt yêu cầu): {_pts(p, l)}",
    "proportional.met": lambda p, l: (f"{_vi_subject(p)} {_v(p, lang=l)} ≥ mục tiêu {_limit(p, 'target', l)}: "
                                      f"{_pts(p, l)}"),
    "proportional.below": lambda p, l: (f"{_vi_subject(p)} {_v(p, lang=l, against='target')} < mục tiêu "
                                        f"{_limit(p, 'target', l)}: {_pts(p, l)}"),
    "linear.full": lambda p, l: _vi_linear(p, l),
    "linear.between": lambda p, l: _vi_linear(p, l),
    "linear.zero": lambda p, l: _vi_linear(p, l),
    "steps.band": lambda p, l: (f"{_vi_subject(p)} {_v(p, lang=l, against='threshold')} {SYMBOLS[p['op']]} "
                                f"{_limit(p, 'threshold', l)}: {_pts(p, l)}"),
    "steps.else": lambda p, l: (f"{_vi_subject(p)} {_v(p, lang=l, against='threshold')}"
                                + (f" {NEGATED[p['op']]} {_limit(p, 'threshold', l)} (mức thấp nhất)" if p["op"]
                                   else " chưa đạt mức nào")
                                + f": {_pts(p, l)}"),
    "deduct.none": lambda p, l: f"{_vi_subject(p)} {_v(p, lang=l)}: {_pts(p, l)}",
    "deduct": lambda p, l: (f"{_vi_subject(p)} {_v(p, lang=l)}, mỗi lần trừ {_n(p, 'amount', l)} điểm: "
                            f"{_pts(p, l)}"),
    "cases.when": lambda p, l: f"Trường hợp {p['case']} ({p['condition']}): {_pts(p, l)}",
    "cases.else": lambda p, l: f"Không trường hợp nào thỏa mãn: {_pts(p, l)}",
}

_RENDER = {"en": _EN, "vi": _VI}
