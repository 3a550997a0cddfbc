"""Keeps docs/language.md and docs/api.md true: every example in them is run.

The docs are made of fenced blocks; the first word of a fence's info string says what the
block is, further words refine it:

- ```dti             a framework: it must load, with no warnings (or exactly the warning
                     codes listed as `warns=code,code`).
- ```dti-error CODE  a framework that must fail to load with a `DtiError` whose diagnostics
                     include every CODE listed.
- ```python          run in order, one shared namespace per document, in a scratch
                     directory. A line `EXPR  # -> VALUE` asserts that EXPR equals VALUE:
                     numbers match to the decimals VALUE is written with (654.59 means
                     "rounds to 654.59"; 120 means 120 up to float noise); sequences
                     compare element by element, strings exactly, nan matches nan.
- ```output          what the python block just before it prints, exactly.
- ```console         a shell session: each `$ COMMAND` is run in the scratch directory
                     (`dtiscore` is this checkout's command) and must print exactly the
                     lines below it (stdout and stderr together).
- `file=NAME`        on any block: the block's text is saved as NAME in the scratch
                     directory before anything runs, so later blocks can load it.

The scratch directory also holds `frameworks/` and `examples/` of the repository.

And the docs must stay complete: the table of check codes in language.md lists exactly the
codes the parser and checker can report, and api.md mentions every public name of the API
(`Framework`, `Result`, `Explanation`, ... and `dtiscore.__all__`), every parameter of
`Framework.score`, and every command and option of the command line. When one of these
fails after a change to dtiscore, the docs need a line for what changed.
"""

from __future__ import annotations

import ast
import contextlib
import io
import math
import os
import re
import subprocess
import sys
import tokenize
from pathlib import Path

import numpy as np
import pytest

import dtiscore

ROOT = Path(__file__).resolve().parents[1]
DOCS = {name: ROOT / "docs" / name for name in ("language.md", "api.md", "analyses.md")}
FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.S | re.M)


class Block:
    def __init__(self, doc: str, info: str, text: str, line: int):
        words = info.split()
        self.doc = doc
        self.kind = words[0] if words else ""
        self.args = [w for w in words[1:] if "=" not in w]
        self.attrs = dict(w.split("=", 1) for w in words[1:] if "=" in w)
        self.text = text
        self.line = line

    @property
    def where(self) -> str:
        return f"docs/{self.doc}:{self.line}"

    def __repr__(self) -> str:
        return f"<{self.kind} block at {self.where}>"


def blocks(doc: str) -> list[Block]:
    if not DOCS[doc].exists():
        return []  # test_there_are_examples fails instead of the whole module
    text = DOCS[doc].read_text(encoding="utf-8")
    return [Block(doc, m.group(1).strip(), m.group(2), text.count("\n", 0, m.start()) + 1)
            for m in FENCE.finditer(text)]


def all_blocks(kind: str) -> list[Block]:
    return [b for doc in DOCS for b in blocks(doc) if b.kind == kind]


# ---------------------------------------------------------------- frameworks


@pytest.mark.parametrize("block", all_blocks("dti"), ids=lambda b: b.where)
def test_dti_block_loads(block):
    framework = dtiscore.loads(block.text, filename=block.attrs.get("file", block.where))
    expected = set(filter(None, block.attrs.get("warns", "").split(",")))
    got = {w.code for w in framework.warnings}
    assert got == expected, f"{block.where}: warnings {framework.render_warnings()}"


@pytest.mark.parametrize("block", all_blocks("dti-error"), ids=lambda b: b.where)
def test_dti_error_block_fails(block):
    assert block.args, f"{block.where}: say which error code the block shows"
    with pytest.raises(dtiscore.DtiError) as caught:
        dtiscore.loads(block.text, filename=block.attrs.get("file", block.where))
    codes = {d.code for d in getattr(caught.value, "diagnostics", ()) if d.severity == "error"}
    assert set(block.args) <= codes, f"{block.where}: expected {block.args}, got {caught.value}"


def test_there_are_examples():
    for doc in DOCS:
        assert DOCS[doc].exists(), doc
        kinds = {b.kind for b in blocks(doc)}
        assert "python" in kinds, doc
    assert all_blocks("dti") and all_blocks("dti-error") and all_blocks("console")


# ---------------------------------------------------------------- the scratch directory


def file_blocks() -> dict[str, Block]:
    files: dict[str, Block] = {}
    for doc in DOCS:
        for block in blocks(doc):
            if "file" in block.attrs:
                name = block.attrs["file"]
                assert name not in files, f"{block.where}: {name} is already written at {files[name].where}"
                files[name] = block
    return files


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    """The scratch directory (shared by both documents: api.md uses files that language.md
    writes) with every file= block, the repository's frameworks and examples, and a
    `dtiscore` shim on PATH for console sessions."""
    work = tmp_path_factory.mktemp("docs")
    for name, block in file_blocks().items():
        (work / name).write_text(block.text, encoding="utf-8")
    for name in ("frameworks", "examples"):
        (work / name).symlink_to(ROOT / name, target_is_directory=True)
    shims = tmp_path_factory.mktemp("bin")
    shim = shims / "dtiscore"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m dtiscore "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    return work, shims


@contextlib.contextmanager
def cwd(path: Path):
    before = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


# ---------------------------------------------------------------- python blocks

ARROW = re.compile(r"#\s*->\s*(.+?)\s*$")


def expected_value(text: str):
    """(value, tolerance tree) of a `# -> VALUE` text; a number's tolerance is half a unit
    of its last written decimal (trailing zeros do not count)."""
    tree = ast.parse(text, mode="eval").body

    def convert(node):
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            literal = ast.get_source_segment(text, node) or repr(node.value)
            decimals = len(literal.split(".")[1].rstrip("0")) if "." in literal and "e" not in literal.lower() else 0
            return float(node.value), (0.5 * 10.0 ** -decimals if decimals else None)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            value, tol = convert(node.operand)
            return -value, tol
        if isinstance(node, (ast.List, ast.Tuple)):
            pairs = [convert(e) for e in node.elts]
            return [p[0] for p in pairs], [p[1] for p in pairs]
        if isinstance(node, ast.Dict):
            pairs = [(ast.literal_eval(k), convert(v)) for k, v in zip(node.keys, node.values)]
            return {k: p[0] for k, p in pairs}, {k: p[1] for k, p in pairs}
        if isinstance(node, ast.Name) and node.id in ("nan", "inf"):
            return float(node.id), None
        return eval(compile(ast.Expression(node), "<expected>", "eval"), {"nan": math.nan, "inf": math.inf}), None

    return convert(tree)


def same(actual, expected, tol) -> bool:
    if isinstance(actual, np.ndarray):
        actual = actual.tolist()
    elif isinstance(actual, np.generic):
        actual = actual.item()
    if isinstance(expected, dict):
        return (isinstance(actual, dict) and set(actual) == set(expected)
                and all(same(actual[k], expected[k], tol[k]) for k in expected))
    if isinstance(expected, list):
        try:
            actual = list(actual)
        except TypeError:
            return False
        return len(actual) == len(expected) and all(same(a, e, t) for a, e, t in zip(actual, expected, tol))
    if isinstance(expected, float):
        if isinstance(actual, bool) or not isinstance(actual, (int, float)):
            return False
        if math.isnan(expected) or math.isnan(actual):
            return math.isnan(expected) and math.isnan(actual)
        limit = tol if tol is not None else 1e-9 * max(1.0, abs(expected))
        return abs(actual - expected) <= limit + 1e-12
    if isinstance(expected, (str, bool)) or expected is None:
        return type(actual) is type(expected) and actual == expected
    return bool(actual == expected)


def check_arrow(doc: str, line: int, code: str, actual, expected_text: str) -> None:
    expected, tol = expected_value(expected_text)
    assert same(actual, expected, tol), (
        f"docs/{doc}:{line}: {code}\n    gives {actual!r}\n    the docs say {expected_text}")


def rewrite(block: Block) -> str:
    """The block's code with each expression statement that ends in `# -> VALUE` turned
    into a check (the statement may span several lines)."""
    source = block.text
    arrows = {}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT and ARROW.match(token.string):
            arrows[token.start[0]] = ARROW.match(token.string).group(1)
    lines = source.splitlines()
    statements = [node for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Expr)]
    for node in sorted(statements, key=lambda n: -n.lineno):
        if node.end_lineno not in arrows:
            continue
        code = ast.get_source_segment(source, node)
        indent = lines[node.lineno - 1][: node.col_offset]
        check = (f"{indent}__check({block.doc!r}, {block.line + node.end_lineno}, {' '.join(code.split())!r}, "
                 f"({code}), {arrows.pop(node.end_lineno)!r})")
        lines[node.lineno - 1: node.end_lineno] = check.splitlines()
    assert not arrows, f"{block.where}: '# ->' on lines {sorted(arrows)} does not end an expression statement"
    return "\n".join(lines) + "\n"


def normalise(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


@pytest.mark.parametrize("doc", list(DOCS))
def test_python_blocks(doc, workdir):
    work, _ = workdir
    namespace = {"__name__": "__docs__", "__check": check_arrow}
    sequence = [b for b in blocks(doc) if b.kind in ("python", "output")]
    ran = 0
    with cwd(work):
        for i, block in enumerate(sequence):
            if block.kind != "python":
                continue
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                exec(compile(rewrite(block), block.where, "exec"), namespace)
            ran += 1
            following = sequence[i + 1] if i + 1 < len(sequence) else None
            if following is not None and following.kind == "output":
                assert normalise(printed.getvalue()) == normalise(following.text), (
                    f"{following.where}: the block above prints\n{printed.getvalue()}")
    assert ran


def test_output_blocks_follow_python():
    for doc in DOCS:
        previous = None
        for block in blocks(doc):
            if block.kind == "output":
                assert previous is not None and previous.kind == "python", f"{block.where}: output of what?"
            previous = block


# ---------------------------------------------------------------- console sessions


def commands(block: Block) -> list[tuple[str, str]]:
    """(command, expected output) for each `$ ` line of a console block."""
    out: list[tuple[str, list[str]]] = []
    for line in block.text.splitlines():
        if line.startswith("$ "):
            out.append((line[2:], []))
        elif out:
            out[-1][1].append(line)
    return [(command, "\n".join(lines)) for command, lines in out]


@pytest.mark.parametrize("block", all_blocks("console"), ids=lambda b: b.where)
def test_console(block, workdir):
    """The commands of a session run in order (a later one may read what an earlier wrote)."""
    work, shims = workdir
    env = dict(os.environ, PATH=f"{shims}{os.pathsep}{os.environ.get('PATH', '')}",
               PYTHONUNBUFFERED="1", PYTHONIOENCODING="utf-8", COLUMNS="100")
    assert commands(block), f"{block.where}: a console block without a `$ ` command"
    for command, expected in commands(block):
        done = subprocess.run(command, shell=True, cwd=work, env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
        assert normalise(done.stdout) == normalise(expected), f"{block.where}: `{command}` prints\n{done.stdout}"


# ---------------------------------------------------------------- the list of checks


def documented_codes() -> set[str]:
    text = DOCS["language.md"].read_text(encoding="utf-8")
    section = text.split("## Static checks", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([a-z]+(?:-[a-z]+)*)` \|", section, re.M))


def reported_codes() -> set[str]:
    codes = set()
    package = ROOT / "src" / "dtiscore"
    for path in [*package.glob("*.py"), *(package / "language").glob("*.py")]:  # the checker's modules
        source = path.read_text(encoding="utf-8")
        # error("code", ...), warn("code", ...), _fail(name, "code", ...), Diagnostic("code", ...)
        codes |= set(re.findall(r"\b\w*(?:error|warn|fail|Diagnostic)\(\s*(?:[\w.]+\s*,\s*)?\"([a-z]+(?:-[a-z]+)*)\"", source))
    return codes


def test_every_check_is_documented():
    documented, reported = documented_codes(), reported_codes()
    assert reported, "found no diagnostic codes in the sources"
    assert documented == reported, (
        f"not in the tables of language.md's Static checks: {sorted(reported - documented)}; "
        f"in them but never reported: {sorted(documented - reported)}")


def test_the_value_matcher():
    # a small self-test of the VALUE matcher, so that a lax matcher cannot hide wrong docs
    assert same(654.5930, *expected_value("654.59"))
    assert not same(654.6, *expected_value("654.59"))
    assert same(np.array([119.99999999999997, 2.0]), *expected_value("[120, 2.0]"))
    assert not same(np.array([120.1]), *expected_value("[120]"))
    assert same(np.array(["scored", "missing"]), *expected_value("['scored', 'missing']"))
    assert same(math.nan, *expected_value("nan"))
    assert not same(1, *expected_value("'1'"))


# ---------------------------------------------------------------- completeness of api.md


def public_names(cls) -> set[str]:
    """Public names of a class and of its dtiscore bases (`Result` is an `engine.scored.Scored`)."""
    return {name for base in cls.__mro__ if base.__module__.startswith("dtiscore")
            for name in vars(base) if not name.startswith("_")}


def test_every_public_name_is_documented():
    import attrs

    from dtiscore.explain.explanation import Deduction, Explanation, Line

    text = DOCS["api.md"].read_text(encoding="utf-8")
    mentioned = set(re.findall(r"`(?:dtiscore\.)?([A-Za-z_][A-Za-z0-9_]*)", text)) | set(re.findall(r"[ ,(]([a-z_][a-z0-9_]*)[,)`(]", text))
    wanted = {
        "Framework": public_names(dtiscore.Framework),
        "Result": public_names(dtiscore.Result),
        "Node": {f.name for f in attrs.fields(dtiscore.Node)},
        "InputInfo": {f.name for f in attrs.fields(dtiscore.InputInfo)},
        "View": {f.name for f in attrs.fields(dtiscore.View)},
        "Explanation": {f.name for f in attrs.fields(Explanation)} | public_names(Explanation),
        "Line": {f.name for f in attrs.fields(Line)},
        "Deduction": {f.name for f in attrs.fields(Deduction)},
        "Diagnostic": {f.name for f in attrs.fields(dtiscore.Diagnostic)},
        "dtiscore": set(dtiscore.__all__),
    }
    missing = {owner: sorted(names - mentioned) for owner, names in wanted.items() if names - mentioned}
    assert not missing, f"api.md does not mention (add them to its tables): {missing}"


def test_score_parameters_are_documented():
    import inspect

    text = DOCS["api.md"].read_text(encoding="utf-8")
    for name in inspect.signature(dtiscore.Framework.score).parameters:
        if name != "self":
            assert f"**{name}**" in text, f"Framework.score({name}=...) is not described in api.md"


def test_every_command_and_option_is_documented():
    import argparse

    from dtiscore.cli import build_parser

    text = DOCS["api.md"].read_text(encoding="utf-8")
    parser = build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, command in subparsers.choices.items():
        assert f"`dtiscore {name}" in text, f"the command `dtiscore {name}` is not in api.md"
        for action in command._actions:
            for option in action.option_strings:
                if option not in ("-h", "--help"):
                    assert f"`{option}" in text, f"`dtiscore {name} {option}` is not in api.md"


# ---------------------------------------------------------------- links


def anchors(path: Path) -> set[str]:
    """GitHub's anchors of a markdown file's headings."""
    out = set()
    for heading in re.findall(r"^#+ (.+)$", FENCE.sub("", path.read_text(encoding="utf-8")), re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        out.add(slug)
    return out


def test_links_resolve():
    for doc, path in DOCS.items():
        text = FENCE.sub("", path.read_text(encoding="utf-8"))
        for target, anchor in re.findall(r"\]\(([\w./-]*)(?:#([\w-]+))?\)", text):
            if target.startswith(("http:", "https:")):
                continue
            linked = path.parent / target if target else path
            assert linked.exists(), f"docs/{doc} links to {target}, which does not exist"
            if anchor:
                assert anchor in anchors(linked), f"docs/{doc} links to {target}#{anchor}: no such heading"
