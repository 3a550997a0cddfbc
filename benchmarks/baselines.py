"""The baselines dtiscore is measured against, each computing the same totals:

(a) straightforward numpy — one array expression per formula, as a competent engineer
    writes it by hand: np.where / np.select / np.clip over whole columns; and the same
    formulas on blocks of 64k units (temporaries in cache);
(b) numexpr — the same formulas, each one numexpr.evaluate call (multi-threaded);
(c) a per-unit Python loop — a plain function per unit, floats and ifs;
(d) pandas row-wise apply of that per-unit function.

They are written out from the framework's IR by a deliberately naive translator, so that
the same 100-criterion framework can be hand-coded without writing 100 formulas four
times. They assume data without missing values or zero denominators (the benchmark data
has none) — they skip the NaN bookkeeping, statuses and lost points dtiscore also
produces, which only makes the ratios against dtiscore conservative.
"""

from __future__ import annotations

import math
import sys

import numpy as np

from dtiscore.language import ir


class Unsupported(Exception):
    """A framework feature the naive translator does not write (e.g. `replaces`)."""


# ---- the framework as straight-line code ---------------------------------------------


class _Writer:
    """Turns IR expressions into code text in one of three dialects."""

    def __init__(self, dialect: str, given_populations: bool = False):
        self.dialect = dialect  # numpy | numexpr | scalar
        self.given_populations = given_populations or dialect == "scalar"  # read from POP
        self.lets: dict[str, str] = {}
        self.populations: dict[ir.Population, str] = {}
        self.prelude: list[str] = []

    def column(self, name: str) -> str:
        return f"c[{name!r}]" if self.dialect != "numexpr" else name

    def value(self, e: ir.Expr) -> str:
        d = self.dialect
        if isinstance(e, ir.Const):
            return repr(float(e.value)) if e.type != ir.BOOL else ("True" if e.value else "False")
        if isinstance(e, ir.Column):
            if e.type == ir.BOOL:
                return f"({self.column(e.name)} == 1)"
            return self.column(e.name)
        if isinstance(e, ir.Let):
            if e.name not in self.lets:
                code = self.value(e.expr)
                self.lets[e.name] = f"L_{e.name}"
                self.prelude.append(f"L_{e.name} = {code}" if d != "numexpr" else f"L_{e.name} = ne({code!r})")
            return f"L_{e.name}"
        if isinstance(e, ir.Population):
            if self.given_populations:  # computed once over all units, beforehand
                if e not in self.populations:
                    self.populations[e] = f"POP[{len(self.populations)}]"
                return self.populations[e]
            if e not in self.populations:
                arg = _Writer("numpy")
                arg.lets, arg.populations, arg.prelude = self.lets, self.populations, self.prelude
                code = arg.value(e.arg)
                reduce = {"best": "np.max", "worst": "np.min", "mean": "np.mean"}.get(e.func)
                name = f"P{len(self.populations)}"
                if reduce:
                    self.prelude.append(f"{name} = float({reduce}({code}))")
                else:
                    self.prelude.append(f"{name} = float(np.percentile({code}, {e.fraction * 100!r}))")
                self.populations[e] = name
            return self.populations[e]
        return self._op(e)

    def _op(self, e: ir.Op) -> str:
        a = [self.value(x) for x in e.args]
        d, op = self.dialect, e.op
        if op == "neg":
            return f"(-{a[0]})"
        if op in ("+", "-", "*"):
            return f"({a[0]} {op} {a[1]})"
        if op in ("/", "ratio"):
            return f"({a[0]} / {a[1]})"
        if op in ("<", "<=", ">", ">=", "==", "!="):
            return f"({a[0]} {op} {a[1]})"
        if op in ("and", "all"):
            return "(" + (" and " if d == "scalar" else " & ").join(a) + ")"
        if op in ("or", "any"):
            return "(" + (" or " if d == "scalar" else " | ").join(a) + ")"
        if op == "not":
            return f"(not {a[0]})" if d == "scalar" else f"(~{a[0]})"
        if op == "if":
            if d == "scalar":
                return f"({a[1]} if {a[0]} else {a[2]})"
            return f"where({a[0]}, {a[1]}, {a[2]})" if d == "numexpr" else f"np.where({a[0]}, {a[1]}, {a[2]})"
        if op in ("min", "max"):
            code = a[0]
            for x in a[1:]:
                if d == "scalar":
                    code = f"{op}({code}, {x})"
                elif d == "numexpr":
                    cmp = "<" if op == "min" else ">"
                    code = f"where({code} {cmp} {x}, {code}, {x})"
                else:
                    code = f"np.{'minimum' if op == 'min' else 'maximum'}({code}, {x})"
            return code
        if op == "clamp":
            return self._op(ir.Op("min", (ir.Op("max", (e.args[0], e.args[1])), e.args[2])))
        if op == "abs":
            return f"abs({a[0]})" if d != "numpy" else f"np.abs({a[0]})"
        if op == "round":
            scale = f"(10.0 ** {a[1]})"
            if d == "scalar":
                return f"math.copysign(math.floor(abs({a[0]}) * {scale} + 0.5) / {scale}, {a[0]})"
            if d == "numexpr":
                raise Unsupported("round")
            return f"(np.sign({a[0]}) * (np.floor(np.abs({a[0]}) * {scale} + 0.5) / {scale}))"
        if op == "count":
            if d == "numexpr":
                return "(" + " + ".join(f"where({x}, 1.0, 0.0)" for x in a) + ")"
            return "(" + " + ".join(f"({x}) * 1.0" for x in a) + ")"
        raise Unsupported(op)

    def clip(self, code: str, top: float) -> str:
        if self.dialect == "scalar":
            return f"min(max({code}, 0.0), {top!r})"
        if self.dialect == "numexpr":
            return f"where({code} < 0.0, 0.0, where({code} > {top!r}, {top!r}, {code}))"
        return f"np.clip({code}, 0.0, {top!r})"

    def select(self, conditions: list[str], values: list[str], otherwise: str) -> str:
        if self.dialect == "scalar":
            code = otherwise
            for cond, value in reversed(list(zip(conditions, values))):
                code = f"({value} if {cond} else {code})"
            return code
        if self.dialect == "numexpr":
            code = otherwise
            for cond, value in reversed(list(zip(conditions, values))):
                code = f"where({cond}, {value}, {code})"
            return code
        return f"np.select([{', '.join(conditions)}], [{', '.join(values)}], {otherwise})"

    def rule(self, crit: ir.Criterion) -> str:
        r, top, v = crit.rule, float(crit.max), self.value
        if isinstance(r, ir.ScoreRule):
            return self.clip(v(r.expr), top)
        if isinstance(r, ir.AwardRule):
            return self.select([v(r.cond)], [repr(top)], "0.0")
        if isinstance(r, ir.ProportionalRule):
            return f"({top!r} * {self.clip(f'({v(r.expr)} / {v(r.target)})', 1.0)})"
        if isinstance(r, ir.LinearRule):
            start, end = v(r.start), v(r.end)
            return f"({top!r} * {self.clip(f'(({v(r.expr)} - {start}) / ({end} - {start}))', 1.0)})"
        if isinstance(r, ir.StepsRule):
            x = v(r.expr)
            return self.select([f"({x} {b.op} {b.threshold!r})" for b in r.bands],
                               [repr(b.points) for b in r.bands], repr(r.otherwise))
        if isinstance(r, ir.DeductRule):
            return self.clip(f"({top!r} - {v(r.amount)} * {v(r.per)})", top)
        return self.select([v(c) for c, _ in r.whens], [self.clip(v(p), top) for _, p in r.whens],
                           self.clip(v(r.otherwise), top))


def _source(framework: ir.Framework, dialect: str, given_populations: bool = False) -> str:
    """A function `score(c)` (numpy, numexpr: c maps name → column; scalar: one unit's
    values) returning the total."""
    writer = _Writer(dialect, given_populations)
    body: list[str] = []
    for crit in framework.criteria():
        if crit.replaces:
            raise Unsupported("replaces")
        code = writer.rule(crit)
        if crit.evidence:
            code = writer.select([writer.value(ir.Column(crit.evidence, ir.BOOL))], [code], "0.0")
        points = f"pts_{crit.id}"
        body.append(f"{points} = {code}" if dialect != "numexpr" else f"{points} = ne({code!r})")
        excluded = [writer.value(e.cond) for e in crit.exclusions]
        if dialect == "scalar":
            body.append(f"app_{crit.id} = not ({' or '.join(excluded)})" if excluded else f"app_{crit.id} = True")
        elif excluded:
            body.append(f"app_{crit.id} = ~({' | '.join(excluded)})" if dialect == "numpy"
                        else f"app_{crit.id} = ne({'~(' + ' | '.join(excluded) + ')'!r})")
        else:
            body.append(f"app_{crit.id} = ONES")
    for group in reversed(list(n for n in framework.nodes() if isinstance(n, ir.Group))):
        body.extend(_group(group, dialect))
    root = framework.root.id
    prelude = ["ONES = True" if dialect == "scalar" else "ONES = np.ones(len(next(iter(c.values()))), dtype=bool)"]
    if dialect == "numexpr":  # numexpr reads the caller's local names
        prelude += [f"{spec.name} = c[{spec.name!r}]" for spec in framework.inputs]
    lines = prelude + writer.prelude + body + [f"return pts_{root}"]
    source = "def score(c):\n" + "\n".join("    " + line for line in lines) + "\n"
    return source, list(writer.populations)


def _group(group: ir.Group, dialect: str) -> list[str]:
    kids = [c.id for c in group.nodes]
    m_all = float(sum(c.max for c in group.nodes))
    top = float(group.max)
    g = group.id
    if dialect == "scalar":
        lines = [
            f"raw_{g} = " + " + ".join(f"(pts_{k} if app_{k} else 0.0)" for k in kids),
            f"mapp_{g} = " + " + ".join(f"({_max(c)} if app_{c.id} else 0.0)" for c in group.nodes),
            f"app_{g} = " + " or ".join(f"app_{k}" for k in kids),
        ]
        if group.on_exclude == "rescale":
            lines.append(f"pts_{g} = (min({top!r}, raw_{g} * {m_all!r} / mapp_{g}) if mapp_{g} > 0 else raw_{g}) if app_{g} else 0.0")
        else:
            lines.append(f"pts_{g} = min(raw_{g}, min({top!r}, mapp_{g})) if app_{g} else 0.0")
        lines.append(f"max_{g} = ({top!r} if {group.on_exclude == 'rescale'} else min({top!r}, mapp_{g})) if app_{g} else 0.0")
        return lines
    lines = [
        f"raw_{g} = " + " + ".join(f"np.where(app_{k}, pts_{k}, 0.0)" for k in kids),
        f"mapp_{g} = " + " + ".join(f"np.where(app_{c.id}, {_max(c)}, 0.0)" for c in group.nodes),
        f"app_{g} = " + " | ".join(f"app_{k}" for k in kids),
    ]
    if group.on_exclude == "rescale":
        lines.append(f"pts_{g} = np.where(app_{g}, np.minimum({top!r}, np.where(mapp_{g} > 0, raw_{g} * {m_all!r} / np.where(mapp_{g} > 0, mapp_{g}, 1.0), raw_{g})), 0.0)")
        lines.append(f"max_{g} = np.where(app_{g}, {top!r}, 0.0)")
    else:
        lines.append(f"max_{g} = np.where(app_{g}, np.minimum({top!r}, mapp_{g}), 0.0)")
        lines.append(f"pts_{g} = np.minimum(raw_{g}, max_{g})")
    return lines


def _max(node: ir.Node) -> object:
    """A child's effective max where it applies: its max, or a subgroup's computed one."""
    return float(node.max) if isinstance(node, ir.Criterion) else f"max_{node.id}"


def _compile(source: str, extra: dict, name: str = "score"):
    namespace = {"np": np, "math": math, **extra}
    exec(compile(source, "<baseline>", "exec"), namespace)  # the benchmark's own generated code
    return namespace[name]


def numpy_baseline(framework: ir.Framework):
    """score(columns) → totals."""
    source, _ = _source(framework, "numpy")
    return _compile(source, {})


def numpy_blocks_baseline(framework: ir.Framework, size: int = 65536):
    """score(columns) → totals: the same numpy formulas run on blocks of `size` units (the
    temporaries stay in cache), written into one array of totals; population functions
    computed once over all units first."""
    source, _ = _source(framework, "numpy", given_populations=True)
    block = _compile(source.replace("def score(c):", "def score(c, POP):"), {})
    populations = python_loop_baseline(framework)[1]

    def score(columns):
        n = len(next(iter(columns.values())))
        pops = populations(columns)
        totals = np.empty(n)
        for start in range(0, n, size):
            totals[start:start + size] = block({k: v[start:start + size] for k, v in columns.items()}, pops)
        return totals
    return score


def numexpr_baseline(framework: ir.Framework):
    """score(columns) → totals, each formula one numexpr.evaluate call."""
    import numexpr  # an optional benchmark dependency (the `bench` extra)

    def ne(expression: str):
        caller = sys._getframe(1)
        return numexpr.evaluate(expression, local_dict=caller.f_locals, global_dict={})

    source, _ = _source(framework, "numexpr")
    return _compile(source, {"ne": ne})


def python_loop_baseline(framework: ir.Framework):
    """(unit, populations): unit(values, POP) scores one unit from a dict of its values;
    populations(columns) computes best/mean/... once, beforehand, as a user would."""
    source, populations = _source(framework, "scalar")
    unit = _compile(source.replace("def score(c):", "def unit(c, POP):"), {}, "unit")
    writer = _Writer("numpy")
    codes = [writer.value(p) for p in populations]
    lines = writer.prelude + [f"return [{', '.join(codes)}]"]
    populations_source = "def score(c):\n" + "\n".join("    " + line for line in lines) + "\n"
    return unit, _compile(populations_source, {})
