"""The checker: golden diagnostics for every static check, plus direct asserts.

Each `tests/fixtures/check/NAME.dti` is paired with `NAME.expected`, the exact text a
framework author sees: `str(error)` of the `DtiSyntaxError`/`CheckError` that
`dtiscore.load("NAME.dti")` raises (loaded from inside the fixture directory, so the file
name in the text is machine-independent), or, for `warn_*.dti` fixtures, which must load,
`framework.render_warnings()`. A fixture whose first line is `# params: {...}` is loaded
with those params (JSON).

The expected files are written by hand and read critically: each message must say what is
wrong and its line:col and caret must sit on the token at fault. Do not regenerate them from
the current output.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

import dtiscore
from dtiscore import CheckError, DtiError, DtiSyntaxError, FrameworkError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "check"
CASES = sorted(p.stem for p in FIXTURES.glob("*.dti"))


def _params(text: str) -> dict | None:
    first = text.splitlines()[0] if text else ""
    if first.startswith("# params:"):
        return json.loads(first[len("# params:"):])
    return None


def _load_fixture(name: str, monkeypatch) -> dtiscore.Framework:
    monkeypatch.chdir(FIXTURES)
    text = (FIXTURES / f"{name}.dti").read_text(encoding="utf-8")
    return dtiscore.load(f"{name}.dti", params=_params(text))


def _error(name: str, monkeypatch) -> FrameworkError:
    with pytest.raises(FrameworkError) as caught:
        _load_fixture(name, monkeypatch)
    return caught.value


def test_fixture_directory_is_complete():
    assert len(CASES) >= 40
    for name in CASES:
        assert (FIXTURES / f"{name}.expected").is_file(), f"{name}.dti has no {name}.expected"
    for expected in FIXTURES.glob("*.expected"):
        assert (FIXTURES / f"{expected.stem}.dti").is_file(), f"{expected.name} has no .dti"


@pytest.mark.parametrize("name", CASES)
def test_golden(name, monkeypatch):
    expected = (FIXTURES / f"{name}.expected").read_text(encoding="utf-8").rstrip("\n")
    if name.startswith("warn_"):
        framework = _load_fixture(name, monkeypatch)
        assert framework.warnings, "a warn_ fixture must produce warnings"
        assert all(w.severity == "warning" for w in framework.warnings)
        actual = framework.render_warnings()
    else:
        actual = str(_error(name, monkeypatch))
    assert actual == expected


@pytest.mark.parametrize("name", [n for n in CASES if not n.startswith("warn_")])
def test_error_fixture_shape(name, monkeypatch):
    """Whatever the text: the right error class, sorted, no repeats, spans inside the file."""
    error = _error(name, monkeypatch)
    assert isinstance(error, DtiError)
    if name.startswith("syntax_"):
        assert type(error) is DtiSyntaxError
        assert [d.code for d in error.diagnostics] == ["syntax"]
    else:
        assert type(error) is CheckError
    assert error.errors, "an error fixture must report at least one error"
    assert len(set(error.diagnostics)) == len(error.diagnostics), "a diagnostic is repeated"
    lines = (FIXTURES / f"{name}.dti").read_text(encoding="utf-8").split("\n")
    positions = []
    for diagnostic in error.diagnostics:
        assert diagnostic.message
        span = diagnostic.span
        if span is None:  # only problems that are not in the file: params= overrides
            assert diagnostic.code in ("unknown-param", "bad-param")
            positions.append((0, 0))
            continue
        assert 1 <= span.line <= len(lines)
        assert 1 <= span.column <= len(lines[span.line - 1]) + 1
        assert (span.end_line, span.end_column) >= (span.line, span.column)
        positions.append((span.line, span.column))
    assert positions == sorted(positions), "diagnostics must come in line order"


EXPECTED_CODES = {
    "syntax", "unknown-name", "unknown-function", "unknown-option", "duplicate-name",
    "reserved-name", "type", "arity", "points-sum", "band-over-max", "band-negative",
    "unreachable-band", "bad-replaces", "cycle", "param-not-constant", "missing-max",
    "no-rule", "two-rules", "bad-option", "duplicate-option", "bad-percentile", "bad-linear",
    "bad-target", "unknown-param", "bad-param", "not-a-value", "not-constant",
    "unused", "unguarded-ratio",
}


def test_every_check_has_a_golden_fixture(monkeypatch):
    seen, crashed = set(), []
    for name in CASES:
        try:
            framework = _load_fixture(name, monkeypatch)
        except FrameworkError as error:
            seen |= {d.code for d in error.diagnostics}
        except Exception as error:  # not a DtiError: a bug, also reported by test_golden
            crashed.append(f"{name}: {error!r}")
        else:
            seen |= {w.code for w in framework.warnings}
    assert EXPECTED_CODES <= seen, f"no fixture for: {sorted(EXPECTED_CODES - seen)}; crashed: {crashed}"


# ---- direct asserts on diagnostics ------------------------------------------------------

UNKNOWN = """\
framework demo "Demo" {
    max 10
    input dossiers count "Hồ sơ"
    criterion c "C" max 10 {
        score dosiers
        exclude when dossiers == 0
    }
}
"""


def test_unknown_name_diagnostic_fields():
    with pytest.raises(CheckError) as caught:
        dtiscore.loads(UNKNOWN, filename="u.dti")
    error = caught.value
    assert isinstance(error, FrameworkError) and isinstance(error, DtiError)
    (diagnostic,) = error.errors
    assert diagnostic.code == "unknown-name"
    assert diagnostic.severity == "error"
    assert diagnostic.suggestion == "dossiers"
    assert (diagnostic.span.line, diagnostic.span.column) == (5, 15)
    assert (diagnostic.span.end_line, diagnostic.span.end_column) == (5, 22)
    assert "dosiers" in diagnostic.message and "dossiers" not in diagnostic.message
    assert str(error).startswith("u.dti:5:15: unknown name 'dosiers' (did you mean 'dossiers'?)")


def test_an_unknown_name_is_not_also_reported_as_unused():
    """The typo'd input is the one the author meant: 'not used' would send them the wrong way."""
    with pytest.raises(CheckError) as caught:
        dtiscore.loads(UNKNOWN.replace("        exclude when dossiers == 0\n", ""), filename="u.dti")
    assert [d.code for d in caught.value.diagnostics] == ["unknown-name"]


def test_syntax_error_fields():
    text = UNKNOWN.replace("score dosiers", "award when 0 < dossiers < 5")
    with pytest.raises(DtiSyntaxError) as caught:
        dtiscore.loads(text, filename="s.dti")
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "syntax"
    assert (diagnostic.span.line, diagnostic.span.column) == (5, 33)
    assert "chain" in diagnostic.message


def test_load_names_the_path_it_was_given(tmp_path):
    path = tmp_path / "khung.dti"
    path.write_text(UNKNOWN, encoding="utf-8")
    with pytest.raises(CheckError) as caught:
        dtiscore.load(path)
    assert str(caught.value).startswith(f"{path}:5:15: unknown name 'dosiers'")


def test_load_accepts_a_byte_order_mark(tmp_path):
    path = tmp_path / "bom.dti"
    path.write_bytes("\ufeff".encode() + UNKNOWN.encode())
    with pytest.raises(CheckError) as caught:
        dtiscore.load(path)
    (diagnostic,) = caught.value.errors
    assert (diagnostic.span.line, diagnostic.span.column) == (5, 15)


SEVERAL = (FIXTURES / "several_errors.dti").read_text(encoding="utf-8")


def test_several_errors_are_reported_at_once_in_line_order():
    with pytest.raises(CheckError) as caught:
        dtiscore.loads(SEVERAL, filename="several_errors.dti")
    errors = caught.value.errors
    assert [(d.code, d.span.line) for d in errors] == [
        ("unknown-name", 6),
        ("points-sum", 7),  # needs only the children's max, so a broken child must not hide it
        ("type", 13),
        ("band-over-max", 18),
        ("duplicate-name", 22),
    ]


def test_cycle_is_reported_once():
    text = """\
framework demo "Demo" {
    max 10
    input x number "X"
    let a = b + x
    let b = a * 2
    criterion c "C" max 10 {
        score a
    }
}
"""
    with pytest.raises(CheckError) as caught:
        dtiscore.loads(text, filename="cycle.dti")
    assert [(d.code, d.message, d.span.line, d.span.column) for d in caught.value.diagnostics] == [
        ("cycle", "cycle: a → b → a", 4, 9),
    ]


def test_warnings_are_diagnostics_with_positions():
    framework = dtiscore.loads((FIXTURES / "warn_unused.dti").read_text(encoding="utf-8"), filename="w.dti")
    assert [(w.code, w.severity, w.span.line, w.span.column) for w in framework.warnings] == [
        ("unused", "warning", 4, 11),
        ("unused", "warning", 5, 11),
        ("unused", "warning", 6, 9),
    ]
    assert framework.render_warnings().splitlines()[0] == "w.dti:4:11: warning: input 'spare' is not used"


def test_unguarded_ratio_warning_points_at_the_division():
    framework = dtiscore.loads((FIXTURES / "warn_unguarded_ratio.dti").read_text(encoding="utf-8"))
    (warning,) = framework.warnings
    assert warning.code == "unguarded-ratio"
    assert (warning.span.line, warning.span.column, warning.span.end_column) == (12, 22, 34)
    assert "'unguarded'" in warning.message and "'guarded'" not in warning.message


RATIO = """\
framework demo "Demo" {
    max 10
    input done count "Đã xong"
    input total count "Tổng" %s
    criterion c "C" max 10 {
        %s
    }
}
"""


@pytest.mark.parametrize(
    "constraint, clauses, warned",
    [
        ("", "proportional ratio(done, total)", True),
        ("", "proportional ratio(done, total)\n        exclude when total == 0", False),
        ("", "proportional ratio(done, total)\n        on_missing zero", False),
        ("", "score if total > 0 then ratio(done, total) * 10 else 0", False),
        ("", "award when total > 0 and done / total > 50%", False),
        ("", "cases {\n when total == 0: 0\n else: 10 * done / total\n }", False),
        ("", "proportional done / best(total)", True),
        ("", "proportional mean(ratio(done, total))", False),
        ("in 1..100", "proportional ratio(done, total)", False),
        ("in 0..100", "proportional ratio(done, total)", True),
        ("", "proportional ratio(done, total + 1)", False),
        ("", "proportional ratio(done, total - 1)", True),
    ],
)
def test_unguarded_ratio_cases(constraint, clauses, warned):
    framework = dtiscore.loads(RATIO % (constraint, clauses))
    codes = [w.code for w in framework.warnings]
    assert ("unguarded-ratio" in codes) == warned, framework.render_warnings()


@pytest.mark.parametrize("denominator", ["0", "0 * done", "zero_p"])
def test_a_denominator_that_is_always_zero_is_an_error(denominator):
    """`ratio(x, 0)` makes the criterion missing for every unit: the checker must say so."""
    text = RATIO % ("", f"proportional ratio(done, {denominator}) + total * 0")
    text = text.replace('    criterion', '    param zero_p = 0\n    criterion', 1)
    with pytest.raises(CheckError):
        dtiscore.loads(text)


def test_a_param_that_is_undefined_is_an_error():
    text = RATIO % ("", "proportional ratio(done, total) * p\n        exclude when total == 0")
    text = text.replace('    criterion', '    param p = 1 / 0\n    criterion', 1)
    with pytest.raises(CheckError):
        dtiscore.loads(text)


# ---- steps bands ------------------------------------------------------------------------

STEPS = """\
framework demo "Demo" {
    max 10
    input a number "A"
    criterion c "C" max 10 {
        steps a {
%s
            else: 0
        }
    }
}
"""


@pytest.mark.parametrize(
    "bands, unreachable",
    [
        ([">= 50", ">= 40"], None),
        ([">= 40", ">= 50"], 2),
        ([">= 40", ">= 40"], 2),
        ([">= 50", "> 50"], 2),
        (["> 50", ">= 50"], None),
        (["<= 10", "< 5"], 2),
        (["< 5", "<= 10"], None),
        ([">= 40", "<= 30"], None),
        ([">= 50%", "<= 50%", ">= 0"], 3),
        (["<= 30", ">= 40", "> 35"], None),
        (["< 1", ">= 1", "<= 5"], 3),
        ([">= -5", ">= -10", ">= -7"], 3),
    ],
)
def test_band_reachability(bands, unreachable):
    text = STEPS % "\n".join(f"            {band}: 1" for band in bands)
    if unreachable is None:
        dtiscore.loads(text)
        return
    with pytest.raises(CheckError) as caught:
        dtiscore.loads(text)
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "unreachable-band"
    assert diagnostic.span.line == 5 + unreachable


@pytest.mark.parametrize("points, code", [("11", "band-over-max"), ("-1", "band-negative")])
def test_else_band_points_are_checked(points, code):
    text = STEPS.replace("else: 0", f"else: {points}") % "            >= 5: 10"
    with pytest.raises(CheckError) as caught:
        dtiscore.loads(text)
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == code
    assert (diagnostic.span.line, diagnostic.span.column) == (7, 19)


def test_band_constants_may_be_params():
    text = (STEPS % "            >= half: top").replace(
        "    criterion", "    param top = 10\n    param half = 50%\n    criterion", 1)
    framework = dtiscore.loads(text)
    assert framework.score({"a": [0.4, 0.6]}).total.tolist() == [0.0, 10.0]


# ---- params= overrides ------------------------------------------------------------------

PARAMS = """\
framework demo "Demo" {
    max 10
    input a share "A"
    param online_target = 50%
    param strict = false
    criterion c "C" max 10 {
        proportional a target online_target
        exclude when strict and a < 1%
    }
}
"""


def test_param_override_changes_the_score():
    assert dtiscore.loads(PARAMS).score({"a": [0.25]}).total.tolist() == [5.0]
    framework = dtiscore.loads(PARAMS, params={"online_target": 0.25, "strict": True})
    assert framework.params == {"online_target": 0.25, "strict": 1.0}
    result = framework.score({"a": [0.25, 0.005]})
    assert result.total.tolist()[0] == 10.0
    assert result.status("c").tolist() == ["scored", "excluded"]


def test_unknown_param_override():
    with pytest.raises(CheckError) as caught:
        dtiscore.loads(PARAMS, params={"online_targt": 0.6}, filename="p.dti")
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "unknown-param"
    assert diagnostic.suggestion == "online_target"
    assert diagnostic.span is None
    assert str(caught.value) == "p.dti: no param named 'online_targt' to override (did you mean 'online_target'?)"


@pytest.mark.parametrize(
    "params",
    [
        {"online_target": "60%"},
        {"online_target": "0.6"},
        {"online_target": None},
        {"online_target": [0.6]},
        {"online_target": math.nan},
        {"online_target": math.inf},
        {"online_target": True},
        {"strict": 1.0},
        {"strict": "yes"},
        {"online_target": 0},
        {"online_target": -0.5},
    ],
)
def test_bad_param_overrides_are_dti_errors(params):
    with pytest.raises(DtiError) as caught:
        dtiscore.loads(PARAMS, params=params, filename="p.dti")
    assert isinstance(caught.value, CheckError)
    messages = [d.message for d in caught.value.diagnostics]
    assert len(messages) == len(set(messages)), "the same problem is reported twice"
    assert all(d.severity == "error" for d in caught.value.diagnostics), str(caught.value)


# ---- positions --------------------------------------------------------------------------


def test_source_lines_are_counted_like_the_parser_counts_them():
    """A title pasted from a word processor may hold a vertical tab (a soft line break) or
    U+2028; a comment may hold a form feed. They are not line breaks: the line shown under
    an error must be the line the position is on."""
    text = (
        'framework demo "Demo" {\n'
        "    max 10\n"
        "    # ghi chú\u2028 dòng \x0c hai\n"
        '    input a count "Hồ sơ\x0bmới\x1c\x85"\n'
        '    criterion c "C" max 10 {\n'
        "        score dosiers\n"
        "        exclude when a > 100\n"
        "    }\n"
        "}\n"
    )
    with pytest.raises(CheckError) as caught:
        dtiscore.loads(text, filename="ls.dti")
    assert str(caught.value) == (
        "ls.dti:6:15: unknown name 'dosiers'\n"
        "            score dosiers\n"
        "                  ^^^^^^^"
    )


def test_windows_line_endings():
    text = UNKNOWN.replace("\n", "\r\n")
    with pytest.raises(CheckError) as caught:
        dtiscore.loads(text, filename="crlf.dti")
    assert str(caught.value) == (
        "crlf.dti:5:15: unknown name 'dosiers' (did you mean 'dossiers'?)\n"
        "            score dosiers\n"
        "                  ^^^^^^^"
    )


def test_a_name_on_the_line_after_its_keyword_is_pointed_at():
    text = """\
framework demo "Demo" {
    max 10
    input a count "A"
    let
        spare_rate = 1
    criterion c "C" max 10 {
        score a
    }
}
"""
    (warning,) = dtiscore.loads(text).warnings
    assert warning.code == "unused"
    assert (warning.span.line, warning.span.column, warning.span.end_column) == (5, 9, 19)


def test_reserved_words_cannot_be_names():
    for word in ("max", "count", "target", "from", "per", "zero", "share", "when", "true", "in"):
        text = f'framework d "D" {{\n    max 1\n    input {word} count\n    criterion c "C" max 1 {{\n        score 1\n    }}\n}}\n'
        with pytest.raises(CheckError) as caught:
            dtiscore.loads(text)
        codes = [d.code for d in caught.value.errors]
        assert codes == ["reserved-name"], (word, str(caught.value))
        assert (caught.value.errors[0].span.line, caught.value.errors[0].span.column) == (3, 11)
