"""Synthetic data for any framework: every input filled, within its type and constraints,
with no missing values and no zero denominators (so every baseline computes the same)."""

from __future__ import annotations

import numpy as np

import dtiscore


def synthetic_data(framework: dtiscore.Framework, n: int, seed: int = 7) -> dict[str, np.ndarray]:
    """Input name → column. Choices are given as option names, the way users pass them."""
    rng = np.random.default_rng(seed)
    data: dict[str, np.ndarray] = {}
    for name in _bounds_first(framework):
        info = framework.inputs[name]
        kind = info.type if not info.type.startswith("choice") else "choice"
        if kind == "count":
            low, high = info.within if info.within else (1, 1000)
            values = rng.integers(max(int(low), 1), int(high) + 1, n).astype(float)
            if info.at_most:
                bound = data[info.at_most]
                values = np.minimum(bound, 1 + np.floor(rng.random(n) * bound))
        elif kind == "share":
            values = rng.random(n)
        elif kind == "number":
            low, high = info.within if info.within else (0.0, 100.0)
            values = low + rng.random(n) * (high - low)
        elif kind == "bool":
            values = rng.random(n) < 0.7
        else:
            values = np.array(info.options)[rng.integers(0, len(info.options), n)]
        if info.at_most and kind != "count":
            values = np.minimum(values, data[info.at_most])
        data[name] = values
    return {name: data[name] for name in framework.inputs}


def encoded(framework: dtiscore.Framework, data: dict) -> dict[str, np.ndarray]:
    """The same data as float columns (bools 0/1, choices as option positions): what a
    hand-written baseline works on."""
    out = {}
    for name, values in data.items():
        info = framework.inputs[name]
        if info.options:
            lookup = {option: float(i) for i, option in enumerate(info.options)}
            uniques, inverse = np.unique(values, return_inverse=True)
            out[name] = np.array([lookup[u] for u in uniques])[inverse]
        else:
            out[name] = np.asarray(values, dtype=float)
    return out


def _bounds_first(framework: dtiscore.Framework) -> list[str]:
    order: list[str] = []

    def visit(name: str) -> None:
        if name in order:
            return
        bound = framework.inputs[name].at_most
        if bound:
            visit(bound)
        order.append(name)

    for name in framework.inputs:
        visit(name)
    return order
