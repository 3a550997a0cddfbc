"""How far each unit's rank moves when params are varied over ranges (Monte Carlo), with
every sample scored in one vectorised pass.

The checker folds params into constants, so the framework is checked once more with each
varied param set to a sentinel value no author writes (a hair from the nominal value, so
every check still passes); the constants holding a sentinel become input columns, and so
do bands of `steps` (such a rule is scored as the `cases` rule that gives the same points).
It must be the very framework scored, apart from those columns: put the nominal values
back and it has to equal the original, or the param reaches somewhere a column cannot go
(a max, another param's value) and the analysis refuses with a `DtiError`. Only the
criteria that read a varied param are scored on samples × units rows (`copies`), each
varied param's column holding its sample's value. Population functions (best, worst, ...)
keep their values over the units as scored.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

import attrs
import numpy as np

from .copies import row_ranks, score_copies
from ..engine.compiled import CompiledFramework
from ..engine.scored import Scored
from ..errors import DtiError, FrameworkError, UnknownIdError, instance, real, threads as threads_argument, whole
from ..language import ir
from ..language.check import check
from ..language.parse import parse

MOST_SAMPLES = 1_000_000  # samples × units floats are held at once


PERCENTILES = (5.0, 50.0, 95.0)  # low, median, high
_NUDGE = 0.7236067977499789 * 2.0 ** -30  # how far a sentinel is from the nominal value, relatively


@attrs.frozen(eq=False)
class Sensitivity:
    """Ranks under `samples` draws of the varied params: `ranks` is samples × units."""

    units: list
    rank: np.ndarray  # the nominal rank (params as loaded)
    ranks: np.ndarray  # (samples, units) competition ranks, one row per sample
    draws: dict[str, np.ndarray]  # each varied param's value in each sample
    ranges: dict[str, tuple[float, float]]
    weights: dict[str, np.ndarray] = attrs.field(factory=dict)  # each top-level group's factor in each sample
    percentiles: np.ndarray = attrs.field(default=None)  # (3, units): PERCENTILES of each unit's ranks

    def __attrs_post_init__(self):
        if self.percentiles is None:  # one partition of the ranks for all three
            object.__setattr__(self, "percentiles", np.percentile(self.ranks, PERCENTILES, axis=0))

    @property
    def rank_median(self) -> np.ndarray:
        return self.percentiles[1]

    @property
    def rank_low(self) -> np.ndarray:
        """The 5th percentile of each unit's ranks (its better end: a lower number)."""
        return self.percentiles[0]

    @property
    def rank_high(self) -> np.ndarray:
        """The 95th percentile of each unit's ranks (its worse end)."""
        return self.percentiles[2]

    def table(self) -> dict[str, Any]:
        """unit, rank, rank_median, rank_low, rank_high: one row per unit."""
        return {"unit": self.units, "rank": self.rank, "rank_median": self.rank_median,
                "rank_low": self.rank_low, "rank_high": self.rank_high}

    def __repr__(self) -> str:
        return f"<Sensitivity of {len(self.units)} units over {len(self.ranks)} samples of {', '.join(self.ranges) or 'weights'}>"


def sensitivity(result: "Scored", vary: Mapping[str, tuple[float, float]] | None = None, samples: int = 1000,
                seed: int | None = 0, weights: float | None = None, threads: int | None = None) -> Sensitivity:
    """Rank intervals of `result`'s units when each param named in `vary` is drawn uniformly
    from its (low, high) range, and (with `weights`, a fraction such as 0.1 for ±10%) each
    top-level group's points are multiplied by a factor drawn from [1 − weights, 1 + weights];
    `samples` draws (`seed` draws the same samples again)."""
    instance("result", result, Scored, "a Result")
    framework = result.framework
    if not vary and weights is None:
        raise DtiError("name at least one param to vary, or vary the weights")
    if vary is not None:
        instance("vary", vary, Mapping, "a mapping of param name → (low, high)")
    samples, threads = whole("samples", samples, 1, MOST_SAMPLES), threads_argument(threads)
    seed = None if seed is None else whole("seed", seed)
    weights = None if weights is None else real("weights", weights)
    ranges = _ranges(framework, vary) if vary else {}
    groups = tuple(c for c in framework.root.children if framework.node(c).kind == "group") if weights is not None else ()
    if weights is not None and not 0 <= weights < 1:
        raise DtiError(f"weights vary by a fraction in [0, 1) such as 0.1 for ±10%, not {weights!r}")
    rng = np.random.default_rng(seed)
    draws = {name: lo + (hi - lo) * rng.random(samples) for name, (lo, hi) in ranges.items()}
    factors = {group: 1 + weights * (2 * rng.random(samples) - 1) for group in groups}
    if ranges:
        points = _score_samples(_varied(framework, ranges), result, draws, groups, threads)
    else:
        points = np.stack([np.broadcast_to(values, (samples, len(result)))
                           for values in (result.total, *(result.points(g) for g in groups))])
    totals = np.array(points[0])
    for k, group in enumerate(groups):  # a group's points × its factor: the total moves by (factor − 1) × points
        totals += (factors[group] - 1)[:, None] * points[1 + k]
    return Sensitivity(list(result.units), result.rank(), row_ranks(totals, result.ranked), draws, ranges, factors)


def _varied(framework, ranges: dict[str, tuple[float, float]]) -> CompiledFramework:
    """The framework with the varied params as columns (made once per set of names), after
    the ends of the ranges are checked as any override is (a share within [0, 1])."""
    tree, overrides = framework.memo("sensitivity: tree", lambda: _loaded(framework))
    for end in (0, 1):
        values = {name: r[end] for name, r in ranges.items()}
        try:
            check(tree, framework.source, {**overrides, **values})
        except FrameworkError as error:
            said = ", ".join(f"{name} = {value:g}" for name, value in values.items())
            raise DtiError(f"the framework does not check with {said}:\n{error}") from None
    names = tuple(ranges)
    return framework.memo(("sensitivity", names), lambda: _parametric(framework, tree, overrides, names))


def _ranges(framework, vary: Mapping[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    params = framework.params
    out = {}
    for name, bounds in vary.items():
        if name not in params:
            raise UnknownIdError.of("param", name, params)
        try:
            lo, hi = (float(b) for b in bounds)
        except (TypeError, ValueError):
            raise DtiError(f"the range of param '{name}' must be two numbers (low, high), not {bounds!r}") from None
        if not (np.isfinite(lo) and np.isfinite(hi)) or lo > hi:
            raise DtiError(f"the range of param '{name}' must go from a low to a high finite number, not {lo:g}..{hi:g}")
        out[name] = (lo, hi)
    return out


# ---- the framework with varied params as columns


def column_name(param: str) -> str:
    """The input column that holds a varied param (no declared name has a colon)."""
    return f"param:{param}"


def _loaded(framework) -> tuple[Any, dict[str, float]]:
    """The framework's syntax tree, and the param overrides it was loaded with."""
    if framework.source is None:
        raise DtiError("sensitivity needs the framework's source text (load it with dtiscore.load or loads)")
    tree = parse(framework.source.text, framework.source.filename)
    defaults = dict(check(tree, framework.source, {})[0].params)
    return tree, {n: v for n, v in framework.params.items() if defaults.get(n) != v}


def _sentinel(nominal: float, k: int) -> float:
    """A value no author writes, a hair from the nominal one, so that every check the
    nominal value passes (a share within [0, 1], bands of `steps` in order) passes too."""
    step = max(abs(nominal), 1.0) * _NUDGE * (k + 1)
    return nominal - step if nominal - step >= 0 or nominal < 0 else nominal + step


def _parametric(framework, tree, overrides: dict[str, float], names: tuple[str, ...]) -> CompiledFramework:
    """`framework` checked again with the params `names` as input columns."""
    sentinels = {name: _sentinel(float(framework.params[name]), k) for k, name in enumerate(names)}
    refused = DtiError(f"param {', '.join(repr(n) for n in names)} cannot be varied sample by sample: it sets a "
                       "max or another param's value (vary only params used in formulas and bands)")
    try:
        checked = check(tree, framework.source, {**overrides, **sentinels})[0]
    except FrameworkError:  # the ranges' ends check, the sentinels do not: the checker reads the value
        raise refused from None
    columns = {value: ir.Column(column_name(name), ir.NUM) for name, value in sentinels.items()}
    root, lets = _replace(checked.root, _to_column(columns)), tuple(_replace(let, _to_column(columns))
                                                                  for let in checked.lets)
    nominal = {column_name(name): ir.Const(framework.params[name]) for name in names}
    if not ir.same((_replace(root, _to_const(nominal)), tuple(_replace(let, _to_const(nominal)) for let in lets)),
                   (framework.ir.root, framework.ir.lets)):
        raise refused
    if checked.rank_exclusions != framework.ir.rank_exclusions:  # who is ranked stays as scored
        raise DtiError(f"param {', '.join(repr(n) for n in names)} cannot be varied sample by sample: "
                       "a `rank exclude when` reads it")
    inputs = checked.inputs + tuple(ir.Input(column_name(name), "number") for name in names)
    return CompiledFramework(attrs.evolve(framework.ir, root=_replace(root, _steps_as_cases), lets=lets, inputs=inputs))


def _to_column(columns: dict[float, ir.Column]) -> Callable[[Any], Any]:
    """Constants holding a sentinel become its column; so do the thresholds and points of
    bands of `steps` (floats in the IR, not expressions: `_steps_as_cases` makes them so)."""
    def swap(node):
        if isinstance(node, ir.Const) and node.type == ir.NUM and node.value in columns:
            return columns[node.value]
        if isinstance(node, ir.Band):
            return attrs.evolve(node, threshold=columns.get(node.threshold, node.threshold),
                                points=columns.get(node.points, node.points))
        if isinstance(node, ir.StepsRule) and node.otherwise in columns:
            return attrs.evolve(node, otherwise=columns[node.otherwise])
        return node
    return swap


def _to_const(consts: dict[str, ir.Const]) -> Callable[[Any], Any]:
    """The columns back to the constants (and the bands' floats) they stand for."""
    def value(field):  # a band's column is already a constant here: its parts are swapped first
        return field.value if isinstance(field, ir.Const) else field

    def swap(node):
        if isinstance(node, ir.Column) and node.name in consts:
            return consts[node.name]
        if isinstance(node, ir.Band):
            return attrs.evolve(node, threshold=value(node.threshold), points=value(node.points))
        if isinstance(node, ir.StepsRule):
            return attrs.evolve(node, otherwise=value(node.otherwise))
        return node
    return swap


def _steps_as_cases(node: Any) -> Any:
    """A `steps` rule with a column among its bands as the `cases` rule that scores the
    same: the first band that holds gives its points, in order, else the otherwise."""
    if not isinstance(node, ir.StepsRule):
        return node
    parts = [field for band in node.bands for field in (band.threshold, band.points)] + [node.otherwise]
    if not any(isinstance(part, ir.Column) for part in parts):
        return node

    def expr(part):
        return part if isinstance(part, ir.Column) else ir.Const(float(part))

    whens = tuple((ir.Op(band.op, (node.expr, expr(band.threshold)), ir.BOOL), expr(band.points))
                  for band in node.bands)
    return ir.CasesRule(whens, expr(node.otherwise))


def _replace(node: Any, swap: Callable[[Any], Any], memo: dict | None = None) -> Any:
    """`node` with every part that `swap` changes changed, rebuilt bottom up (shared parts,
    such as a let used twice, are rebuilt once)."""
    memo = {} if memo is None else memo
    key = id(node)
    if key in memo:
        return memo[key][1]
    if isinstance(node, tuple):
        out = tuple(_replace(item, swap, memo) for item in node)
        out = node if all(a is b for a, b in zip(out, node)) else out
    elif attrs.has(type(node)):
        changes = {}
        for field in attrs.fields(type(node)):
            value = getattr(node, field.name)
            new = _replace(value, swap, memo)
            if new is not value:
                changes[field.name] = new
        out = swap(attrs.evolve(node, **changes) if changes else node)
    else:
        out = node
    memo[key] = (node, out)  # the node kept alive, so its id is not reused
    return out


# ---- scoring every sample at once


def _score_samples(varied: CompiledFramework, result: "Scored", draws: dict[str, np.ndarray],
                   groups: tuple[str, ...], threads: int | None) -> np.ndarray:
    """(1 + groups, samples, units) totals and groups' points: each varied param's column
    holds its sample's value."""
    n, samples = len(result), len(next(iter(draws.values())))

    def own(part: slice) -> dict[str, np.ndarray]:
        return {column_name(name): np.repeat(draw[part], n) for name, draw in draws.items()}

    return score_copies(varied, result, samples, own, threads, varying="a varied param", nodes=groups)
