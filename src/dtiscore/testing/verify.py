"""check_framework: a framework's invariants on generated data, with hypothesis hunting for
the edge cases (dtiscore.testing.inputs) and shrinking a failure to the fewest, simplest
units that still show it."""

from __future__ import annotations

import random
from typing import Callable

import attrs
from hypothesis import HealthCheck, Phase, given, seed as fixed_seed, settings
from hypothesis.reporting import with_reporter

from .strategies import inputs
from .invariants import INVARIANTS, InvariantError, Invariants


@attrs.frozen
class Verification:
    """What a passing `check_framework` ran: how many data sets, drawn from which seed."""

    examples: int
    seed: int
    invariants: tuple[str, ...] = tuple(INVARIANTS)


def check_framework(framework, max_examples: int = 200, seed: int | None = None,
                    max_units: int = 6, progress: Callable[[int], None] | None = None) -> Verification:
    """Check every invariant (INVARIANTS) on up to `max_examples` generated data sets of
    1..max_units units. Raises `InvariantError` for the smallest failing data set found;
    its `to_csv()` is a data file `dtiscore explain` reads. The same seed draws the same
    data; without one a seed is chosen, returned and set on the error as `seed`. `progress`
    is called with the number of data sets checked so far, after each."""
    seed = random.randrange(2**32) if seed is None else seed
    invariants = Invariants(framework)

    @fixed_seed(seed)
    @settings(max_examples=max_examples, database=None, deadline=None, derandomize=False,
              report_multiple_bugs=False, suppress_health_check=list(HealthCheck),
              phases=(Phase.explicit, Phase.generate, Phase.shrink))
    @given(inputs(framework, min_units=1, max_units=max_units))
    def run(data):
        invariants.check(data)
        if progress is not None:
            progress(invariants.examples)

    with with_reporter(lambda message: None):  # hypothesis' own report would repeat ours
        try:
            run()
        except InvariantError as error:
            error.seed = seed
            raise
    return Verification(invariants.examples, seed)
