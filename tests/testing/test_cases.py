"""Golden cases (`NAME.cases.toml`): the schema, pass and fail, the differences shown,
`dtiscore test`, and the pytest plugin that makes every case a test item."""

from __future__ import annotations

import re
import textwrap
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from dtiscore.testing.cases import CasesError, cases_path, read_cases
from dtiscore.testing.cases_run import run_cases
from dtiscore.cli import main

pytest_plugins = ["pytester"]

FRAMEWORK = """framework golden "Golden" {
    max 100
    input dossiers count
    input online   count <= dossiers
    input adopted  bool
    input articles count
    input level    number on_missing error
    param goal = 50%

    group gov "Government" max 60 tags pillar: government {
        criterion online_rate "Online" max 40 {
            proportional ratio(online, dossiers) target goal
            exclude when dossiers == 0 "No dossiers"
        }
        criterion media "Media" max 20 {
            proportional articles target max(best(articles), 1)
        }
    }

    group aware "Awareness" max 40 {
        criterion resolution "Resolution" max 30 {
            award when adopted
        }
        criterion levels "Levels" max 10 {
            score level
            exclude when level < 0
        }
    }
}
"""

# hanoi: online 400 / 1000 = 40% of a 50% goal → 40 × 0.8 = 32; articles scored alone are the
# best → 20; gov 52. adopted → 30; level 7 → 7; aware 37. Total 89.
HANOI = """
[[case]]
name = "Hà Nội"
unit = "hanoi"
[case.inputs]
dossiers = 1000
online = 400
adopted = true
articles = 30
level = 7
"""


@pytest.fixture
def project(tmp_path):
    (tmp_path / "golden.dti").write_text(FRAMEWORK, encoding="utf-8")

    def write(cases: str, name: str = "golden.cases.toml"):
        path = tmp_path / name
        path.write_text(textwrap.dedent(cases), encoding="utf-8")
        return path

    return write


def outcome(path, name=None):
    outcomes = run_cases(read_cases(path))
    return outcomes[0] if name is None else next(o for o in outcomes if o.case.name == name)


def test_a_case_passes(project):
    path = project(HANOI + """
    [case.expect]
    total = 89
    index = 0.89
    "points.online_rate" = 32
    points.gov = 52
    "status.online_rate" = "scored"
    "max.aware" = 40
    "lost.online_rate" = 8
    "index.gov" = 0.8667
    "applicable.levels" = true
    "branch.resolution" = 1
    rank = 1
    "view.pillar.government.index" = 0.8667
    """)
    result = outcome(path)
    assert result.passed, result.report()
    assert result.report() == "PASS  Hà Nội (unit hanoi)"


def test_tables_and_dotted_keys_say_the_same(project):
    path = project(HANOI + """
    [case.expect]
    points.online_rate = 32
    [case.expect.status]
    online_rate = "scored"
    media = "scored"
    [case.expect.view.pillar.government]
    points = 52
    max = 60
    """)
    result = outcome(path)
    assert result.passed, result.report()
    assert [e.key for e in result.case.expect] == [
        "points.online_rate", "status.online_rate", "status.media",
        "view.pillar.government.points", "view.pillar.government.max"]


# ---- numbers: the decimals written, or a tolerance ---------------------------------------


@pytest.mark.parametrize("written, passes", [
    ("89", True),
    ("89.0", True),
    ("89.004", False),  # three decimals: ±0.0005
    ("88.996", False),
    ("89.00", True),
    ("88.995", False),
    ("88.99", False),
    ("90", False),  # a whole number is exact
    ("8.9e1", True),
])
def test_numbers_are_compared_to_the_decimals_written(project, written, passes):
    path = project(HANOI + f"[case.expect]\ntotal = {written}\n")
    assert outcome(path).passed is passes


def test_an_explicit_tolerance(project):
    path = project("tolerance = 0.5\n" + HANOI + """
    [case.expect]
    total = 88.6
    "points.gov" = { value = 50, tolerance = 2 }
    """)
    assert outcome(path).passed
    path = project(HANOI + """
    tolerance = 0.1
    [case.expect]
    total = 88.6
    """)
    assert not outcome(path).passed


def test_nan_is_expected_with_nan(project):
    path = project("""
    [[case]]
    name = "all excluded"
    [case.inputs]
    dossiers = 0
    online = 0
    level = -1
    articles = 0
    adopted = false
    [case.expect]
    "index.gov" = 0.0
    "status.levels" = "excluded"
    "index.levels" = nan
    "applicable.levels" = false
    total = 0
    """)
    result = outcome(path)
    assert result.passed, result.report()


# ---- inputs ----------------------------------------------------------------------------------


def test_an_absent_input_has_no_value(project):
    path = project("""
    [[case]]
    name = "no articles, no dossiers"
    [case.inputs]
    adopted = "có"
    level = 3
    [case.expect]
    "status.online_rate" = "missing"
    "status.media" = "missing"
    "reason.online_rate" = "dossiers"
    total = 33
    """)
    result = outcome(path)
    assert result.passed, result.report()


def test_defaults_missing_and_empty_text(project):
    path = project("""
    [defaults]
    dossiers = 1000
    online = 400
    adopted = true
    articles = 30
    level = 7

    [[case]]
    name = "from the defaults"
    [case.expect]
    total = 89

    [[case]]
    name = "one input taken away"
    missing = ["online"]
    [case.expect]
    "status.online_rate" = "missing"
    total = 57

    [[case]]
    name = "an empty text is no value too"
    [case.inputs]
    articles = ""
    [case.expect]
    "status.media" = "missing"
    total = 69

    [[case]]
    name = "without the defaults"
    defaults = false
    [case.inputs]
    level = 1
    [case.expect]
    total = 1
    """)
    outcomes = run_cases(read_cases(path))
    assert [o.passed for o in outcomes] == [True] * 4, "\n".join(o.report() for o in outcomes)


def test_params_are_overridden_for_the_file_and_for_a_case(project):
    # online 40% of an 80% goal → 40 × 0.5 = 20 (not 32)
    path = project("""
    [params]
    goal = 0.8
    """ + HANOI + """
    [case.expect]
    "points.online_rate" = 20

    [[case]]
    name = "its own goal"
    params = { goal = 0.4 }
    [case.inputs]
    dossiers = 1000
    online = 400
    level = 0
    [case.expect]
    "points.online_rate" = 40
    """)
    outcomes = run_cases(read_cases(path))
    assert all(o.passed for o in outcomes), "\n".join(o.report() for o in outcomes)


# ---- populations ------------------------------------------------------------------------------


def test_cases_of_one_population_are_scored_together(project):
    # best(articles) over the three is 60: 30 → 10 points, 60 → 20, 0 → 0
    cases = ""
    for name, articles, media in (("a", 30, 10), ("b", 60, 20), ("c", 0, 0)):
        cases += f"""
        [[case]]
        name = "{name}"
        population = "three"
        [case.inputs]
        articles = {articles}
        level = 0
        [case.expect]
        "points.media" = {media}
        """
    cases += """
    [[case]]
    name = "alone"
    [case.inputs]
    articles = 30
    level = 0
    [case.expect]
    "points.media" = 20
    """
    outcomes = run_cases(read_cases(project(cases)))
    assert all(o.passed for o in outcomes), "\n".join(o.report() for o in outcomes)


def test_a_population_must_share_its_params(project):
    path = project("""
    [[case]]
    name = "a"
    population = "p"
    [case.inputs]
    articles = 1
    level = 0
    [case.expect]
    total = 20

    [[case]]
    name = "b"
    population = "p"
    params = { goal = 0.9 }
    [case.inputs]
    articles = 1
    [case.expect]
    total = 0
    """)
    result = outcome(path, "a")
    assert not result.passed
    assert "must have the same params" in result.error


def test_an_expected_error(project):
    path = project("""
    [[case]]
    name = "level is required"
    [case.inputs]
    articles = 1
    [case.expect]
    error = "level"

    [[case]]
    name = "an unexpected error"
    [case.inputs]
    articles = 1
    [case.expect]
    total = 20

    [[case]]
    name = "an error that does not come"
    [case.inputs]
    level = 1
    [case.expect]
    error = "level"
    """)
    first, second, third = run_cases(read_cases(path))
    assert first.passed, first.report()
    assert not second.passed and "could not score:" in second.report() and "level" in second.error
    assert third.details()[0] == "error: expected an error saying 'level', got no error (total 1)"


def test_bad_values_marked_invalid(project):
    path = project("""
    [[case]]
    name = "a negative count"
    invalid = "mark"
    [case.inputs]
    dossiers = -5
    level = 2
    [case.expect]
    "status.online_rate" = "invalid"
    total = 2
    """)
    assert outcome(path).passed, outcome(path).report()


# ---- failures and their report --------------------------------------------------------------


def test_a_failure_lists_every_difference(project):
    path = project(HANOI + """
    [case.expect]
    total = 88.5
    "points.online_rate" = 30
    "status.media" = "missing"
    "applicable.levels" = false
    "reason.online_rate" = "nothing like this"
    "view.pillar.economy.index" = 1
    """)
    result = outcome(path)
    assert not result.passed
    assert result.report().split("\n") == [
        "FAIL  Hà Nội (unit hanoi)",
        "      total: expected 88.5 (±0.05), got 89 (off by +0.5)",
        "      points.online_rate: expected 30, got 32 (off by +2)",
        "      status.media: expected 'missing', got 'scored'",
        "      applicable.levels: expected false, got true",
        f"      reason.online_rate: expected a reason containing 'nothing like this', got {result.mismatches[4].actual}",
        "      view.pillar.economy.index: expected 1, got nothing (no node carries tag pillar: economy "
        "(values: government))",
        "      groups: gov 52/60, aware 37/40",
    ]


def test_mistakes_in_a_case_fail_that_case_only(project):
    path = project(HANOI + """
    [case.expect]
    total = 89

    [[case]]
    name = "typos"
    colour = "blue"
    [case.inputs]
    dosiers = 3
    [case.expect]
    "points.online_rat" = 1
    "stats.media" = "scored"
    "status.gov" = "scored"
    "status.media" = "fine"
    "total.gov" = 3
    "points.media" = "many"
    """)
    good, bad = run_cases(read_cases(path))
    assert good.passed
    assert list(bad.case.problems) == [
        "case: unknown key 'colour'",
        "unknown input 'dosiers' (did you mean 'dossiers'?)",
        "expect.points.online_rat: no node 'online_rat' (did you mean 'online_rate'?)",
        "expect: unknown key 'stats.media' (did you mean 'status'?); keys are total, index, effective_max, "
        "rank, band, error, KIND.NODE_ID for points, max, lost, index, applicable, status, branch, reason, "
        "reason_code, view.TAG.VALUE.FIELD",
        "expect.status.gov: no criterion 'gov' (a group: statuses belong to criteria)",
        "expect.status.media: 'fine' is not a status (scored, excluded, missing, no_evidence, inactive, invalid)",
        "expect.total.gov: write just total",
        "expect.points.media: expected a number, not 'many'",
    ]


def test_a_case_must_expect_something(project):
    path = project("""
    [[case]]
    name = "vacuous"
    """)
    assert outcome(path).case.problems == ("nothing expected: add a [case.expect] table",)


@pytest.mark.parametrize("text, message", [
    ("[[case]\n", "not valid TOML"),
    ("cases = []\n", "unknown key 'cases' (did you mean 'case'?)"),
    ("tolerance = 1\n", "no cases: write each one under a [[case]] header"),
    ('framework = "nowhere.dti"\n[[case]]\nname = "x"\n', "no framework file"),
    ('[[case]]\nname = "x"\n[case.expect]\ntotal = 1\n[[case]]\nname = "x"\n[case.expect]\ntotal = 1\n',
     "two cases are named 'x'"),
])
def test_a_file_that_cannot_run(project, text, message):
    with pytest.raises(CasesError, match=re.escape(message)):
        read_cases(project(text))


def test_the_cases_file_of_a_framework():
    assert str(cases_path("frameworks/vn-dti-district.dti")) == "frameworks/vn-dti-district.cases.toml"


def test_the_framework_can_be_named(project, tmp_path):
    path = project('framework = "golden.dti"\n' + HANOI + "[case.expect]\ntotal = 89\n", name="other.cases.toml")
    assert read_cases(path).framework_path == tmp_path / "golden.dti"
    assert outcome(path).passed


# ---- dtiscore test ---------------------------------------------------------------------------------


def test_the_command_passes(project, tmp_path, capsys):
    project(HANOI + "[case.expect]\ntotal = 89\n")
    assert main(["test", str(tmp_path / "golden.dti")]) == 0
    out = capsys.readouterr().out
    assert out == f"{tmp_path / 'golden.cases.toml'} (golden.dti)\n  PASS  Hà Nội (unit hanoi)\n1 case: 1 passed\n"


def test_the_command_fails_with_the_differences(project, tmp_path, capsys):
    project(HANOI + "[case.expect]\ntotal = 90\n" + HANOI.replace("Hà Nội", "again") + "[case.expect]\ntotal = 89\n")
    assert main(["test", str(tmp_path / "golden.dti")]) == 1
    out = capsys.readouterr().out
    assert "  FAIL  Hà Nội (unit hanoi)\n        total: expected 90, got 89 (off by -1)\n" in out
    assert out.endswith("2 cases: 1 passed, 1 failed\n")
    assert main(["test", "-q", str(tmp_path / "golden.cases.toml")]) == 1
    assert "again" not in capsys.readouterr().out
    assert main(["test", "-k", "again", str(tmp_path)]) == 0


def test_the_command_without_cases(tmp_path, capsys):
    (tmp_path / "alone.dti").write_text(FRAMEWORK, encoding="utf-8")
    assert main(["test", str(tmp_path / "alone.dti")]) == 1
    assert "no golden cases: write them in" in capsys.readouterr().err


# ---- the pytest plugin --------------------------------------------------------------------------------


def plugin_args() -> list[str]:
    """The plugin is found through its entry point once dtiscore is installed; before
    (a stale editable install) it is named."""
    if any(e.name == "dtiscore" for e in entry_points(group="pytest11")):
        return []
    return ["-p", "dtiscore.testing.pytest_plugin"]


def test_the_plugin_collects_one_item_per_case(pytester):
    pytester.makefile(".dti", golden=FRAMEWORK)
    pytester.makefile(".cases.toml", golden=HANOI + "[case.expect]\ntotal = 89\n"
                      + HANOI.replace("Hà Nội", "wrong") + "[case.expect]\ntotal = 90\n")
    pytester.makefile(".toml", other="[[case]]\nname = 'not a cases file'\n")
    result = pytester.runpytest("-v", *plugin_args())
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "*golden.cases.toml::Hà Nội PASSED*",
        "*golden.cases.toml::wrong FAILED*",
        "total: expected 90, got 89 (off by -1)",
        "groups: gov 52/60, aware 37/40",
        "FAILED golden.cases.toml::wrong - total: expected 90, got 89 (off by -1)",
    ])


def test_the_plugin_reports_a_file_that_cannot_run(pytester):
    pytester.makefile(".cases.toml", lonely="[[case]]\nname = 'x'\n")
    result = pytester.runpytest(*plugin_args())
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*lonely.cases.toml: no framework file*"])


def test_the_plugin_leaves_python_tests_alone(pytester):
    pytester.makepyfile(test_plain="def test_ok():\n    assert True\n")
    result = pytester.runpytest(*plugin_args())
    result.assert_outcomes(passed=1)


# ---- docs/testing.md ----------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.S | re.M)


def fenced(doc: str) -> list[tuple[str, str]]:
    return [(m.group(1).strip(), m.group(2)) for m in FENCE.finditer((ROOT / "docs" / doc).read_text(encoding="utf-8"))]


def test_the_documented_sessions(tmp_path, monkeypatch, capsys):
    """docs/testing.md's example runs as shown: the cases pass, fail as shown once
    late_reports = 2, and demo.dti (docs/language.md's) is not in the canonical layout."""
    demo = next(text for info, text in fenced("language.md") if info == "dti file=demo.dti")
    blocks = fenced("testing.md")
    cases = next(text for info, text in blocks if info == "toml file=demo.cases.toml")
    sessions = [text for info, text in blocks if info == "console"]
    (tmp_path / "demo.dti").write_text(demo, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for session, text in zip(sessions, (cases, cases.replace("late_reports = 1", "late_reports = 2"), cases)):
        (tmp_path / "demo.cases.toml").write_text(text, encoding="utf-8")
        command, _, expected = session.partition("\n")
        assert command.startswith("$ dtiscore ")
        main(command.removeprefix("$ dtiscore ").split())
        captured = capsys.readouterr()
        assert captured.out + captured.err == expected
    assert len(sessions) == 3


def test_band_expectations(tmp_path):
    """`band = "..."` compares the unit's label; a framework without bands says so."""
    (tmp_path / "g.dti").write_text("""framework g "G" {
    max 10
    bands index {
        >= 0.5: "upper"
        else: "lower"
    }
    input a share
    criterion c "C" max 10 { proportional a }
}
""", encoding="utf-8")
    (tmp_path / "g.cases.toml").write_text("""
[[case]]
name = "half"
inputs = { a = 0.5 }
expect = { band = "upper" }

[[case]]
name = "wrong"
inputs = { a = 0.4 }
expect = { band = "upper" }

[[case]]
name = "not text"
inputs = { a = 0.4 }
expect = { band = 1 }
""", encoding="utf-8")
    outcomes = run_cases(read_cases(tmp_path / "g.cases.toml"))
    assert [o.passed for o in outcomes] == [True, False, False]
    assert [str(m) for m in outcomes[1].mismatches] == ["band: expected 'upper', got 'lower'"]
    assert outcomes[2].case.problems == ("expect.band: expected text, not 1",)
