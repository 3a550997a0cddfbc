"""check_framework and `dtiscore verify`: the planted bugs of tests/fixtures/verify are each
reported with the smallest data that shows them, as a data file `dtiscore explain` reads;
the shipped frameworks keep every invariant; an exact-threshold bug is found in under 100
examples."""

from __future__ import annotations

import csv
import re
import shlex
import io
from pathlib import Path

import pytest

import dtiscore
from dtiscore.cli import main
from dtiscore.testing import INVARIANTS, InvariantError, Invariants, Verification, check_framework

ROOT = Path(__file__).resolve().parents[2]
PLANTED = ROOT / "tests" / "fixtures" / "verify"
SHIPPED = sorted((ROOT / "frameworks").glob("*.dti"))


def verify(capsys, *args) -> tuple[int, str, str]:
    code = main(["verify", *map(str, args)])
    out = capsys.readouterr()
    return code, out.out, out.err


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


# (fixture, invariant, what the one failing row must show)
CASES = [
    ("clamp-hides-formula.dti", "clamp", lambda row: 2 * min(int(row["events"]), 10) > 10),
    ("better-higher-lowers.dti", "monotonicity", lambda row: float(row["smartphones"]) < 0.9),
    ("steps-fall.dti", "monotonicity", lambda row: 0.5 <= float(row["signed"]) < 0.9),
    ("unguarded-ratio.dti", "defined", lambda row: row["dossiers"] == "0"),
    ("exact-threshold.dti", "clamp", lambda row: row["online"] == "0.5"),
]


@pytest.mark.parametrize("name, invariant, shows", CASES, ids=[c[0] for c in CASES])
def test_verify_reports_each_planted_bug_with_one_row(capsys, tmp_path, name, invariant, shows):
    code, out, err = verify(capsys, PLANTED / name, "--seed", 1)
    assert code == 1
    assert f"{name}: {invariant}: " in err
    (row,) = rows(out)  # shrunk to the one unit that shows it
    assert shows(row), row
    # the row is a data file `dtiscore explain` reads
    data = tmp_path / "row.csv"
    data.write_text(out, encoding="utf-8")
    assert main(["explain", str(PLANTED / name), str(data), "--unit", row["unit"]]) == 0
    assert f"unit {row['unit']}" in capsys.readouterr().out


@pytest.mark.parametrize("seed", range(5))
def test_a_bug_only_at_exactly_50_percent_is_found_in_under_100_examples(seed):
    framework = dtiscore.load(PLANTED / "exact-threshold.dti")
    with pytest.raises(InvariantError) as failed:
        check_framework(framework, max_examples=99, seed=seed)
    assert failed.value.invariant == "clamp"
    assert [row["online"] for row in failed.value.rows] == ["0.5"]
    assert "gives 20 for unit" in str(failed.value)


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_verify_passes_on_every_shipped_framework(capsys, path):
    code, out, err = verify(capsys, path, "--examples", 25, "--seed", 0)
    assert code == 0, err
    assert out.startswith("ok: ") and f"{len(INVARIANTS)} invariants hold on " in out and "(seed 0)" in out


def test_the_same_seed_draws_the_same_data():
    framework = dtiscore.load(PLANTED / "steps-fall.dti")
    found = []
    for _ in range(2):
        with pytest.raises(InvariantError) as failed:
            check_framework(framework, max_examples=50, seed=11)
        found.append((str(failed.value), failed.value.to_csv(), failed.value.seed))
    assert found[0] == found[1] and found[0][2] == 11


def test_a_passing_check_says_what_it_ran():
    framework = dtiscore.load(SHIPPED[0])
    done = check_framework(framework, max_examples=10, seed=3)
    assert done == Verification(examples=done.examples, seed=3)
    assert done.examples >= 10 and done.invariants == tuple(INVARIANTS)


def test_units_tied_by_population_functions_are_shown_together():
    # proportional to the best: a unit's points depend on the others, so every row is shown
    text = """framework t "T" {
        max 20
        input n count better higher
        criterion share_of_best "S" max 10 { proportional n target max(best(n), 1) }
        criterion backwards "B" max 10 { score min(10, 20 - n) }
    }"""
    with pytest.raises(InvariantError) as failed:
        check_framework(dtiscore.loads(text), max_examples=100, seed=0)
    error = failed.value
    assert error.invariant == "monotonicity" and "'backwards'" in str(error)
    assert [row["unit"] for row in error.rows] == [f"u{i + 1}" for i in range(len(error.rows))]
    assert error.unit in {row["unit"] for row in error.rows}


# ---- the invariants catch evaluator bugs, not only framework bugs ------------------------------


class Skewed:
    """A framework whose scores are wrong the way `skew(result, units)` makes them."""

    def __init__(self, framework, skew):
        self._framework, self._skew = framework, skew

    def __getattr__(self, name):
        return getattr(self._framework, name)

    def score(self, data, units=None, **options):
        result = self._framework.score(data, units, **options)
        self._skew(result, list(units))
        return result


def _points_of(result, node_id: str):
    return result.points(node_id)  # the array itself: writing into it skews the result


@pytest.mark.parametrize("skew, invariant", [
    # the first criterion's points, doubled for unit u1 only: over its max
    (lambda r, units: _points_of(r, "events_held").__setitem__(units.index("u1"), 99.0)
     if "u1" in units else None, "bounds"),
    # a tenth of a point more for whichever unit comes first: differs from the reference
    (lambda r, units: _points_of(r, "portal_live").__setitem__(0, _points_of(r, "portal_live")[0] * 0.5 + 0.1),
     "reference"),
])
def test_an_evaluator_bug_breaks_an_invariant(skew, invariant):
    framework = dtiscore.load(PLANTED / "clamp-hides-formula.dti")
    checks = Invariants(Skewed(framework, skew))
    data = {"events": [3, 4], "portal": [True, False]}
    with pytest.raises(InvariantError) as failed:
        checks.check(data)
    assert failed.value.invariant == invariant


def test_examples_must_be_positive(capsys):
    with pytest.raises(SystemExit):
        main(["verify", str(SHIPPED[0]), "--examples", "0"])
    assert "'0' is not a whole number from 1 to 1000000" in capsys.readouterr().err


# ---- docs/testing.md -----------------------------------------------------------------------------


def _blocks(doc: str) -> list[tuple[str, str]]:
    fence = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.S | re.M)
    return [(m.group(1).strip(), m.group(2)) for m in fence.finditer((ROOT / "docs" / doc).read_text(encoding="utf-8"))]


def test_the_documented_verify_sessions(tmp_path, monkeypatch, capsys):
    """docs/testing.md's verify sessions print what they show (standard error first: the
    warnings and the message come before the data), and its python example runs."""
    blocks = _blocks("testing.md")
    for info, text in blocks:
        name = dict(w.split("=", 1) for w in info.split() if "=" in w).get("file")
        if name:
            (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "frameworks").symlink_to(ROOT / "frameworks")
    monkeypatch.chdir(tmp_path)
    sessions = [text for info, text in blocks if info == "console verify"]
    assert len(sessions) == 2
    for session in sessions:
        command, _, expected = session.partition("\n")
        main(shlex.split(command.removeprefix("$ dtiscore ")))
        captured = capsys.readouterr()
        assert captured.err + captured.out == expected
    (example,) = [text for info, text in blocks if info == "python"]
    namespace: dict = {}
    exec(compile(example.replace("max_examples=50", "max_examples=5"), "testing.md", "exec"), namespace)
    namespace["test_the_province_framework_keeps_every_invariant"]()
    namespace["test_no_unit_scores_more_than_the_framework_max"]()
