"""Shares and percents: a share set against a constant outside [0, 1] is a percent written
as a plain number, and the checker says so with the percent it probably meant."""

from __future__ import annotations

import pytest

import dtiscore

DECLARATIONS = """
    input s share
    input n count
    input done count <= n
    input y number
    param goal = 50%
    param limit = 40
"""


def framework(body: str, params=None):
    text = f'framework f "F" {{\n    max 10\n{DECLARATIONS}\n    criterion c "C" max 10 {{ {body} }}\n}}'
    return dtiscore.loads(text, params=params)


def errors(body: str, params=None) -> list[tuple[str, str, str | None]]:
    with pytest.raises(dtiscore.CheckError) as caught:
        framework(body, params)
    return [(d.code, d.message, d.suggestion) for d in caught.value.diagnostics]


def out_of_range(value: str, hint: str | None) -> tuple[str, str, str | None]:
    return ("share-range", f"a share is a fraction between 0 and 1 (50% is 0.5), and {value} is outside it", hint)


@pytest.mark.parametrize("body, found", [
    ("linear s from 20 to 80", [out_of_range("20", "20%"), out_of_range("80", "80%")]),
    ("steps s { >= 50: 10  else: 0 }", [out_of_range("50", "50%")]),
    ("award when s >= 50", [out_of_range("50", "50%")]),
    ("award when 97.5 <= s", [out_of_range("97.5", "97.5%")]),
    ("award when s == 2", [out_of_range("2", "2%")]),
    ("proportional s target 80", [out_of_range("80", "80%")]),
    ("proportional s target limit", [out_of_range("40", "40%")]),          # a param's value
    ("steps ratio(done, n) { >= 97: 10  >= 90%: 5  else: 0 }", [out_of_range("97", "97%")]),
    ("award when max(s, 0.2) > 1.5", [out_of_range("1.5", "1.5%")]),
    ("award when s > 150%", [out_of_range("1.5", None)]),                    # written as a percent: no hint
    ("award when s > -1", [out_of_range("-1", None)]),
    ("award when s > 2 * 100", [out_of_range("200", None)]),                 # a constant expression
])
def test_a_share_against_a_constant_outside_zero_to_one(body, found):
    assert errors(body) == found


def test_the_error_shows_the_constant_and_the_hint():
    with pytest.raises(dtiscore.CheckError) as caught:
        framework("linear s from 50% to 90")
    assert str(caught.value) == (
        "<string>:11:51: a share is a fraction between 0 and 1 (50% is 0.5), and 90 is outside it "
        "(did you mean '90%'?)\n"
        '        criterion c "C" max 10 { linear s from 50% to 90 }\n'
        "                                                      ^^")


@pytest.mark.parametrize("body", [
    "linear s from 20% to 80%",
    "linear s from 0 to 1",
    "steps s { >= 0.9: 10  >= 50%: 5  else: 0 }",
    "award when s >= goal",
    "proportional s target 1",
    "steps n { >= 50: 10  else: 0 }",                      # a count is not a share
    "linear y from 20 to 80",
    "steps ratio(n, done) { >= 2: 10  else: 0 }\n exclude when done == 0",   # not a part of its whole
    "award when 10 * s >= 5",                              # arithmetic leaves the share
    "award when clamp(s, 0, 2) > 1.5",
    "award when s + y > 3",
])
def test_what_is_not_a_share_mistake(body):
    framework(body)


def test_the_shipped_frameworks_pass():
    import pathlib
    for path in sorted(pathlib.Path(__file__).resolve().parents[2].joinpath("frameworks").glob("*.dti")):
        dtiscore.load(path)


# ---- share params ---------------------------------------------------------------------------


@pytest.mark.parametrize("value, points", [(0.8, [10, 6.25]), (1, [9, 5]), (0, [10, 10])])
def test_a_share_param_takes_a_fraction(value, points):
    fw = framework("proportional s target max(goal, 0.1)", {"goal": value})
    assert fw.score({"s": [0.9, 0.5], "n": [1, 1], "done": [0, 0], "y": [0, 0]}).points("c").tolist() == points


@pytest.mark.parametrize("value, hint", [(80, "80%"), (100, "100%"), (1.5, "1.5%"), (-0.5, None), (250, None)])
def test_a_share_param_refuses_a_percent_written_as_a_number(value, hint):
    assert errors("award when s >= goal", {"goal": value}) == [(
        "share-param",
        f"param 'goal' is a share (declared as 50%): its override is a percent like 80% or a fraction "
        f"in [0, 1], not {value:g}",
        hint,
    )]


def test_a_number_param_takes_any_number():
    assert framework("award when y >= limit", {"limit": 80}).params["limit"] == 80


def test_the_command_line_reads_a_percent(tmp_path, capsys):
    from dtiscore.cli import main
    path = tmp_path / "f.dti"
    path.write_text(f'framework f "F" {{\n    max 10\n{DECLARATIONS}\n    criterion c "C" max 10 {{ award when s >= goal and y >= limit and done <= n }}\n}}')
    assert main(["check", str(path), "--param", "goal=80%"]) == 0
    capsys.readouterr()
    assert main(["check", str(path), "--param", "goal=80"]) == 1
    assert "not 80 (did you mean '80%'?)" in capsys.readouterr().err
