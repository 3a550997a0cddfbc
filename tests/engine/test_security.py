"""A `.dti` file is data, not code.

Hostile titles, labels and reasons, and identifiers that look like Python (builtins, dunders,
the generated program's own names), must either be rejected with a `DtiError` or load and
score exactly as the reference interpreter says; the generated program must be made only of
names the compiler chose, and nothing the author wrote may run.
"""

from __future__ import annotations

import io
import keyword
import math
import re
import tokenize
from pathlib import Path

import numpy as np
import pytest

import dtiscore
from dtiscore.engine import program
from dtiscore.language import ir
from dtiscore.language.reference import Reference

PWNED = Path("/tmp/pwned")

# ---- what the generated program may contain ---------------------------------------------

PROGRAM_NAMES = (
    set(program.KERNEL_NAMES)
    | {"np", "cols", "out", "n", "pops", "points", "branches", "put", "evaluate", "evaluate_clean", "populations",
       "reduce", "NAN", "INF"}
    | set(keyword.kwlist)
)
REGISTER = re.compile(r"[rp][0-9]+")  # r0, r1, ... values; p0, p1, ... rule results
PROGRAM_STRINGS = {repr(op) for op in (">=", ">", "<=", "<")} | {
    repr(f) for f in ("best", "worst", "mean", "percentile")
}


def assert_program_is_compiler_made(source: str) -> None:
    """Every name in the program is one the compiler makes; every string is a band operator
    or a population function; there are no comments."""
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    for i, token in enumerate(tokens):
        if token.type == tokenize.NAME:
            after_np = i >= 2 and tokens[i - 1].string == "." and tokens[i - 2].string == "np"
            if after_np:
                assert hasattr(np, token.string), f"np has no {token.string!r}"
            else:
                assert token.string in PROGRAM_NAMES or REGISTER.fullmatch(token.string), (
                    f"line {token.start[0]}: name {token.string!r} was not made by the compiler\n{source}"
                )
        elif token.type == tokenize.STRING:
            assert token.string in PROGRAM_STRINGS, f"line {token.start[0]}: string {token.string}"
        elif token.type == tokenize.COMMENT:
            raise AssertionError(f"line {token.start[0]}: comment {token.string!r}")
        elif token.type == tokenize.ERRORTOKEN:
            raise AssertionError(f"line {token.start[0]}: {token.string!r}")


# ---- a small framework that uses every kind of name --------------------------------------

TEMPLATE = """\
framework {framework} "{title}" {{
    max 20
    on_missing zero
    input base count "{title}"
    input {input} count "{title}" in 0..1000
    input flag bool "{title}"
    param {param} = 2 "{title}"
    let {let} = {input} * {param} + base
    group {group} "{title}" max 20 {{
        criterion {criterion} "{title}" max 10 {{
            score {let}
            exclude when {input} > 100 "{title}"
        }}
        criterion second "{title}" max 10 {{
            proportional ratio({input}, base) target 50%
            exclude when base == 0 "{title}"
            evidence flag
        }}
        criterion third "{title}" max 10 {{
            steps {input} + best({let}) {{
                >= 40: 10
                >= 20: 5
                else: 0
            }}
            replaces second
        }}
    }}
}}
"""
DEFAULT_NAMES = {
    "framework": "fw", "input": "inp", "param": "prm", "let": "lt", "group": "grp",
    "criterion": "crt",
}
DATA = {
    "base": [0, 4, 10, None, 7, 3],
    "flag": [1, 1, 0, 1, None, 1],
}
INPUT_VALUES = [5, 2, 50, 8, 150, None]


def escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def framework_text(title: str = "T", **names: str) -> str:
    return TEMPLATE.format(title=escape(title), **{**DEFAULT_NAMES, **names})


def data_for(framework: dtiscore.Framework) -> dict:
    input_name = next(n for n in framework.inputs if n not in ("base", "flag"))
    return {**DATA, input_name: INPUT_VALUES}


def assert_scores_like_the_reference(framework: dtiscore.Framework, data: dict) -> None:
    result = framework.score(data)
    rows = [
        {name: (math.nan if column[i] is None else float(column[i])) for name, column in data.items()}
        for i in range(len(result))
    ]
    reference = Reference(framework.ir, rows)
    for i in range(len(result)):
        unit = reference.unit(i)
        for node_id in framework.nodes:
            assert result.points(node_id)[i] == pytest.approx(unit.points[node_id], abs=1e-9), (node_id, i)
            assert result.max(node_id)[i] == pytest.approx(unit.effective_max[node_id], abs=1e-9), (node_id, i)
        for crit_id in framework.criteria:
            assert result.status(crit_id)[i] == ir.STATUSES[unit.status[crit_id]], (crit_id, i)
            assert result.lost(crit_id)[i] == pytest.approx(unit.lost[crit_id], abs=1e-9), (crit_id, i)


@pytest.fixture
def marker(tmp_path):
    """A file that hostile text tries to create; and /tmp/pwned, which must not appear."""
    existed = PWNED.exists()
    path = tmp_path / "pwned"
    yield path
    assert not path.exists(), "text from a .dti file was run as code"
    assert existed or not PWNED.exists(), "text from a .dti file was run as code"


PLAIN = dtiscore.loads(framework_text())
PLAIN_PROGRAM = PLAIN.program.source
PLAIN_TOTAL = PLAIN.score(data_for(PLAIN)).total


def test_the_plain_framework_scores_like_the_reference():
    framework = dtiscore.loads(framework_text())
    assert_program_is_compiler_made(framework.program.source)
    assert_scores_like_the_reference(framework, data_for(framework))


# ---- hostile text -----------------------------------------------------------------------


def hostile_texts(marker: Path) -> list[str]:
    return [
        f"\"); __import__('os').system('touch {marker}')#",
        "\"); __import__('os').system('touch /tmp/pwned')#",
        f"'''; open('{marker}', 'w')#",
        f'"""; open("{marker}", "w")#',
        "\\\\server\\share\\\\\\",
        "\\",
        "\\n\\r\\t\\x00\\u2028",
        "\r\x00\x0b\x0c\u2028\u2029\x85 control characters",
        "{", "}", "{{}}", "{0}", "{n}", "{__import__}", "%s %d %(x)s", "{0.__class__.__mro__}",
        "}; evaluate = None; {",
        "`rm -rf /` $(touch /tmp/pwned)",
        "# not a comment",
        "Tỷ lệ hồ sơ “đúng hạn” — 100%",
        "x" * 5000,
    ]


@pytest.mark.parametrize("index", range(20))
def test_hostile_titles_labels_and_reasons_are_data(index, marker):
    title = hostile_texts(marker)[index]
    text = framework_text(title)
    framework = dtiscore.loads(text)
    # the text round-trips exactly, wherever it was written
    assert framework.title == title
    assert all(framework.node(node_id).title == title for node_id in framework.nodes)
    assert all(info.label == title for info in framework.inputs.values())
    crt = framework.ir_node("crt")
    assert crt.exclusions[0].reason == title
    # the program does not contain it, and is the very program of a plain framework
    program = framework.program.source
    assert_program_is_compiler_made(program)
    assert program == PLAIN_PROGRAM
    # scoring and explaining show it as text
    data = data_for(framework)
    assert_scores_like_the_reference(framework, data)
    result = framework.score(data)
    explanation = result.explain(1)
    report = str(explanation)
    assert title.splitlines()[0][:40] in report if title.strip() else True
    explanation.to_dict()
    result.table()


@pytest.mark.parametrize("index", range(20))
def test_hostile_text_reaches_no_other_output(index, marker):
    title = hostile_texts(marker)[index]
    framework = dtiscore.loads(framework_text(title))
    framework.render_warnings()
    repr(framework)
    for line in framework.score(data_for(framework)).explain(0).lines:
        str(line)


# ---- identifiers that look like Python -----------------------------------------------------

PYTHONIC = [
    "__import__", "__builtins__", "__class__", "__dict__", "__init__", "_", "__", "exec", "eval",
    "compile", "open", "print", "getattr", "globals", "locals", "os", "sys", "np", "numpy",
    "math", "self", "cls", "cols", "out", "n", "pops", "r0", "r1", "r2", "r10", "p0", "p1",
    "evaluate", "populations", "nan", "inf", "none", "lambda", "def", "return", "import",
    "class", "yield", "global", "nonlocal", "pass", "del", "raise", "while", "with", "as",
    "is", "try", "except", "finally", "assert", "async", "await", "break", "continue", "elif",
    "for", "divide", "choose", "limited", "population", "fraction_of", "round_half_away",
    "logical_and", "logical_not", "less", "greater_equal", "ratio", "abs", "clamp", "round",
    "best", "worst", "mean", "percentile", "all", "any",
    "a" * 255, "_" * 300, "x" + "0" * 2000,
]
ROLES = ["framework", "input", "param", "let", "group", "criterion"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", PYTHONIC, ids=lambda s: s if len(s) < 20 else f"{s[:5]}..{len(s)}")
def test_pythonic_identifiers_are_only_names(name, role, marker):
    text = framework_text(**{role: name})
    framework = dtiscore.loads(text)  # none of these is reserved in the .dti language
    if role in ("framework", "group", "criterion"):
        assert name in framework.nodes
    program = framework.program.source
    assert_program_is_compiler_made(program)
    assert program == PLAIN_PROGRAM
    data = data_for(framework)
    assert_scores_like_the_reference(framework, data)
    # and the same scores as the framework with ordinary names
    np.testing.assert_array_equal(framework.score(data).total, PLAIN_TOTAL)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["base", "flag", "second", "third"])
def test_names_share_one_namespace(name, role):
    """Inputs, params, lets and nodes (the framework itself too) share one namespace: a
    framework whose id is also a criterion's would make `result.points(id)` ambiguous."""
    with pytest.raises(dtiscore.CheckError) as caught:
        dtiscore.loads(framework_text(**{role: name}))
    assert "duplicate-name" in [d.code for d in caught.value.errors], str(caught.value)


@pytest.mark.parametrize("name", ["ratio", "abs", "round", "best", "mean", "clamp", "percentile"])
def test_a_name_may_share_its_spelling_with_a_function(name):
    """`input ratio count` names data; `ratio(a, b)` is still the function."""
    text = framework_text(input=name)
    framework = dtiscore.loads(text)
    assert framework.inputs[name].type == "count"
    assert_scores_like_the_reference(framework, data_for(framework))


def test_reserved_words_are_rejected_not_run():
    for word in ("if", "not", "and", "or", "true", "false", "in", "from", "max", "min", "count"):
        with pytest.raises(dtiscore.DtiError):
            dtiscore.loads(framework_text(input=word))


def test_population_functions_of_hostile_names(marker):
    """Population values are computed in a function of their own: same check there."""
    text = framework_text("\"); open('%s', 'w')#" % marker, let="__import__", input="exec")
    framework = dtiscore.loads(text)
    assert "reduce(" in framework.program.source
    assert_program_is_compiler_made(framework.program.source)
    assert_scores_like_the_reference(framework, data_for(framework))


def test_the_program_runs_without_the_authors_text_in_its_namespace():
    framework = dtiscore.loads(framework_text("__import__", input="__import__", let="exec"))
    program = framework.program
    for value in program.function.__globals__.values():
        assert not (isinstance(value, str) and ("__import__" in value or "exec" == value))
    assert "__import__" not in program.function.__code__.co_names
    assert "exec" not in program.function.__code__.co_names


@pytest.mark.parametrize(
    "injected",
    ["    x = __import__('os')\n", "    r0 = cols[0]  # comment\n", "    r0 = 'touch'\n", "    r0 = exec\n"],
)
def test_the_program_check_is_not_vacuous(injected):
    with pytest.raises(AssertionError):
        assert_program_is_compiler_made(PLAIN_PROGRAM + injected.replace("    ", "def f():\n    ", 1))
