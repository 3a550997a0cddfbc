"""Hypothesis strategies for testing dtiscore, and for testing code that uses it.

    from hypothesis import given, strategies as st
    from dtiscore.testing import framework_objects, inputs

    @given(st.data())
    def test_every_index_is_a_fraction(data):
        framework = data.draw(framework_objects())
        result = framework.score(data.draw(inputs(framework)))
        assert ((result.index >= 0) & (result.index <= 1) | (result.effective_max == 0)).all()

`frameworks()` draws the source text of random, valid frameworks that use the whole
language; `inputs(framework)` draws data for a framework that respects every input's type
and constraints and aims at the values the framework's scoring turns on (band thresholds,
`linear` limits, targets, comparison constants, zero denominators), one step either side of
them, and at missing values. `edges(framework)` lists those values.

The strategies build valid text by construction (no filtering): a group's max is the sum of
its children's (less some bonus under `cap`), band points stay within the criterion's max,
bands are kept only when reachable, a substitute copies the max of the criterion it replaces.
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported when first asked for (below)
    from .generate import framework_objects, frameworks
    from .invariants import INVARIANTS, InvariantError, Invariants
    from .strategies import Edges, edges, inputs
    from .verify import Verification, check_framework

_HOMES = {"frameworks": "generate", "framework_objects": "generate", "inputs": "strategies", "edges": "strategies",
          "Edges": "strategies", "check_framework": "verify", "Verification": "verify",
          "InvariantError": "invariants", "Invariants": "invariants", "INVARIANTS": "invariants"}
__all__ = list(_HOMES)


def __getattr__(name: str) -> Any:
    """A name of the package, imported from its module when first asked for: hypothesis
    takes ~0.15 s to import, which every command line run paid for the test cases' reader."""
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_HOMES[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOMES))
