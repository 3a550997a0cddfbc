"""Classification bands (`bands index { > 0.40: "Nhóm 1" ... else: "Nhóm 4" }`): the checks
that make them a classification, and the label of one index.

Bands are written highest first, each `>` or `>=` a constant in [0, 1] (the index is a share);
a band is reachable only below the ones above it, so the order is the check: a threshold
above an earlier one, or equal to it where the earlier band already takes the equal value,
is an error. `else` is required (the bands cover every index) and must itself be reachable.
Labels are distinct: a label names one band. What a band means for one unit is the
reference interpreter's (`reference.band_of`).
"""

from __future__ import annotations

from . import ast, ir, shares
from .check_expr import Bad, ExpressionChecker

OPS = (">", ">=")
TARGETS = ("index",)


def check_bands(checker: ExpressionChecker, items: tuple) -> ir.Bands | None:
    """The framework's bands (None where it declares none), every problem reported through
    `checker`."""
    declared = [item for item in items if isinstance(item, ast.Bands)]
    for extra in declared[1:]:
        checker.error("duplicate-option", "'bands' is given twice", extra.span)
    if not declared:
        return None
    decl = declared[0]
    if decl.target.id not in TARGETS:
        checker.error("bad-bands", f"bands classify the framework's index: write 'bands index', not "
                      f"'bands {decl.target.id}'", decl.target.span)
    bands: list[ir.LabelBand] = []
    ok = True
    for band in decl.bands:
        threshold = _threshold(checker, band)
        if threshold is None:
            ok = False
            continue
        if band.op not in OPS:
            checker.error("bad-bands", f"bands go from the highest down, each '>' or '>=' a threshold; "
                          f"'{band.op}' does not", band.span)
            ok = False
        elif bands and not _reachable(bands[-1], band.op, threshold):
            checker.error("unreachable-band", "this band can never be reached: bands go from the highest "
                          "down, and the bands above it already take every index it matches", band.span)
            ok = False
        bands.append(ir.LabelBand(band.op, threshold, band.label))
    if bands and ok and not _below(bands[-1]):
        checker.error("unreachable-band", "the 'else' band can never be reached: the index is never below 0",
                      decl.otherwise_span)
        ok = False
    ok = _distinct_labels(checker, decl) and ok
    return ir.Bands(tuple(bands), decl.otherwise) if ok else None


def _threshold(checker: ExpressionChecker, band: ast.LabelBand) -> float | None:
    """A number, a percent or a numeric param, in [0, 1]."""
    node = band.threshold
    try:
        value = checker.lower(node)
    except Bad:
        return None
    if not (isinstance(value, ir.Const) and value.type == ir.NUM):
        checker.error("not-constant", f"a band takes a number, a percent or a numeric param; '{node.id}' is not one",
                      node.span)
        return None
    if shares.outside(value.value):
        percent = isinstance(node, ast.Number) and node.text.endswith("%")
        checker.error("share-range", "the index is a fraction between 0 and 1 (40% is 0.4), and "
                      f"{value.value:g} is outside it", node.span, None if percent else shares.as_percent(value.value))
        return None
    return value.value


def _reachable(above: ir.LabelBand, op: str, threshold: float) -> bool:
    """Whether a band `op threshold` matches an index the band above it does not."""
    return threshold < above.threshold or (threshold == above.threshold and above.op == ">" and op == ">=")


def _below(lowest: ir.LabelBand) -> bool:
    """Whether some index in [0, 1] falls below the lowest band."""
    return lowest.threshold > 0.0 or lowest.op == ">"


def _distinct_labels(checker: ExpressionChecker, decl: ast.Bands) -> bool:
    seen: set[str] = set()
    ok = True
    for label, span in [(b.label, b.span) for b in decl.bands] + [(decl.otherwise, decl.otherwise_span)]:
        if not label.strip():
            checker.error("bad-bands", "a band's label is empty", span)
            ok = False
        elif label in seen:
            checker.error("duplicate-label", f"the label \"{label}\" names two bands", span)
            ok = False
        seen.add(label)
    return ok

