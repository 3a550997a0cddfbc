"""Explaining one unit of a large population reads that unit's column of the result: the
population is not scored again and its lost points are not attributed."""

from pathlib import Path

import numpy as np
import pytest

import dtiscore
from dtiscore.engine import evaluate as evaluate_module
from dtiscore.io.tables import read_table, score_table

ROOT = Path(__file__).resolve().parents[2]
UNITS = 100_000


@pytest.fixture(scope="module")
def population():
    """The 2023 provincial framework (100 criteria) on 100,000 units: the 63 sample
    provinces repeated."""
    framework = dtiscore.load(ROOT / "frameworks" / "vn-dti-province-2023.dti")
    assert len(framework.criteria) == 100
    sample = score_table(framework, read_table(ROOT / "examples" / "province-2023.csv"))
    repeat = -(-UNITS // len(sample))
    columns = {}
    for name, info in framework.inputs.items():
        values = np.tile(sample.columns.values[name], repeat)[:UNITS]
        if info.options:  # choices are given by option name
            names = np.array(info.options + (None,), dtype=object)
            values = names[np.where(np.isnan(values), len(info.options), values).astype(int)]
        columns[name] = values
    return framework.score(columns, units=[f"u{i}" for i in range(UNITS)])


def test_explain_one_unit_without_rescoring(population, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the population was scored again")

    monkeypatch.setattr(evaluate_module, "evaluate", refuse)
    monkeypatch.setattr(type(population.framework.program), "run", refuse)
    explanation = population.explain("u77777")
    assert "_lost" not in population.__dict__  # no population-wide attribution either
    assert explanation.units == UNITS
    lost = sum(c.lost for c in explanation.criteria)
    assert lost == pytest.approx(explanation.effective_max - explanation.total)
    # the same unit of the sample: 77777 = 63 × 1234 + 35
    assert explanation.total == pytest.approx(float(population.total[35]))
    # gains and plans of the unit do not score the population again either (no timing
    # assertions here: benchmarks/run.py measures speed)
    assert population.gains("u77777", 5)
    assert population.plan("u77777", explanation.total + 50) is not None


def test_the_ledger_of_the_population_closes(population):
    ledger = population.deductions()
    np.testing.assert_allclose(ledger.per_unit(), population.effective_max - population.total, atol=1e-8)
    top = ledger.top(3)
    assert len(top) == 3 * UNITS
    assert len(top.texts()) == 3 * UNITS
