"""docs/explanations.md stays true: its python blocks run in order, and a line
`EXPR  # VALUE` (VALUE a Python literal) asserts that EXPR equals VALUE (numbers to the
decimals VALUE is written with)."""

import ast
import re
from pathlib import Path


DOC = Path(__file__).resolve().parents[2] / "docs" / "explanations.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)
CHECK = re.compile(r"^(?P<expr>\S.*?)\s+#\s+(?P<want>\S.*)$")


def close(got, want) -> bool:
    if isinstance(want, (list, tuple)):
        return len(got) == len(want) and all(close(g, w) for g, w in zip(got, want))
    if isinstance(want, float) and not isinstance(got, str):
        decimals = len(repr(want).split(".")[1]) if "." in repr(want) else 0
        return abs(float(got) - want) <= 0.5 * 10 ** -decimals + 1e-12
    return got == want


def test_the_python_examples_hold(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    checked = 0
    for block in BLOCK.findall(DOC.read_text(encoding="utf-8")):
        pending: list[str] = []
        for line in block.splitlines():
            found = CHECK.match(line)
            want = None
            if found:
                try:
                    ast.parse(found["expr"], mode="eval")
                    want = ast.literal_eval(found["want"])
                except (SyntaxError, ValueError):
                    found = None
            if not found:
                pending.append(line)
                continue
            exec("\n".join(pending), namespace)  # noqa: S102 - the doc's own examples
            pending = []
            got = eval(found["expr"], namespace)  # noqa: S307
            assert close(got, want), f"{found['expr']}: {got!r}, the doc says {want!r}"
            checked += 1
        exec("\n".join(pending), namespace)  # noqa: S102
    assert checked >= 8
