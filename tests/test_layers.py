"""The package's shape: imports only go down the layers (counting imports inside functions
and under TYPE_CHECKING), results and frameworks of every kind are the public classes, one
unit's tree is the result's own numbers, and a framework's caches die with it."""

import ast
import gc
import math
import weakref
from pathlib import Path

import numpy as np
from hypothesis import given, reject
from hypothesis import strategies as st

import dtiscore
from dtiscore.explain.tree import UnitTree
from dtiscore.io.tables import read_table, score_table
from dtiscore.testing import frameworks, inputs

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "dtiscore"

# Each layer may import the layers listed for it (and itself), nothing else.
LAYERS = {
    "errors": set(),
    "language": {"errors"},
    "engine": {"errors", "language"},
    "explain": {"errors", "language", "engine"},
    "analyses": {"errors", "language", "engine", "explain"},
    "io": {"errors", "language", "engine", "explain"},
    "top": {"errors", "language", "engine", "explain", "analyses", "io"},  # framework, result, api
    "cli": {"errors", "language", "engine", "explain", "analyses", "io", "top", "testing", "lsp"},
    "lsp": {"errors", "language", "engine", "explain", "analyses", "io", "top"},  # the language server
    "testing": {"errors", "language", "engine", "explain", "analyses", "io", "top"},
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports() -> dict[str, set[str]]:
    """Module → the dtiscore modules (or packages) it imports, anywhere in its text."""
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    edges: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = package[: len(package) - node.level + 1] if node.level else []
                target = ".".join(base + ([node.module] if node.module else []))
                for alias in node.names:
                    whole = f"{target}.{alias.name}"
                    edges[name].add(whole if whole in modules else target)
            elif isinstance(node, ast.Import):
                edges[name].update(a.name for a in node.names)
    return {m: {t for t in targets if t.startswith("dtiscore")} for m, targets in edges.items()}


def layer(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "top"
    if parts[1] in ("framework", "result", "api", "__main__"):
        return "cli" if parts[1] == "__main__" else "top"
    return parts[1]


def test_the_import_walker_sees_imports_inside_functions():
    edges = imports()
    assert "dtiscore.language.ir" in edges["dtiscore.engine.evaluate"]
    assert "dtiscore.engine.scored" in edges["dtiscore.explain.tree"]  # under TYPE_CHECKING


def test_imports_only_go_down():
    wrong = sorted(f"{a} -> {b}" for a, targets in imports().items() for b in targets
                   if layer(b) != layer(a) and layer(b) not in LAYERS[layer(a)])
    assert not wrong


def test_no_import_cycle():
    edges = imports()
    state: dict[str, int] = {}  # 1 on the path, 2 done
    cycles = []

    def visit(module, path):
        state[module] = 1
        for target in sorted(edges.get(module, ())):
            if state.get(target) == 1:
                cycles.append(path[path.index(target):] + [target])
            elif target in edges and target not in state:
                visit(target, path + [target])
        state[module] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    assert not cycles


MAX_LINES = 600  # a module past this is two modules (STYLE.md)
MAX_TOP_MODULES = 12


def test_no_module_is_two_modules():
    big = {str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py")
           if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not big, f"modules over {MAX_LINES} lines: {big}"


def test_few_modules_at_the_top_of_the_package():
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= MAX_TOP_MODULES, top

DEMO = """
framework demo "Demo" {
    max 10
    input a count
    input b bool
    criterion c1 "One" max 6 { linear a from 0 to 10 }
    criterion c2 "Two" max 4 { award when b }
}
"""


def test_every_result_users_get_is_a_result(tmp_path):
    framework = dtiscore.loads(DEMO)
    data = {"a": [1, 5, 12], "b": [True, False, True]}
    assert isinstance(framework.score(data), dtiscore.Result)
    assert all(isinstance(r, dtiscore.Result) for r in framework.score_batches([data, data]))
    sheet = tmp_path / "demo.csv"
    sheet.write_text("unit,a,b\nx,3,yes\ny,7,no\n", encoding="utf-8")
    scored = score_table(framework, read_table(sheet))
    assert isinstance(scored, dtiscore.Result)
    np.testing.assert_allclose(scored.total, [1.8 + 4, 4.2])  # linear 3 and 7 of 10 → 1.8, 4.2 of 6


def test_clear_cache_forgets_every_framework():
    dtiscore.clear_cache()
    framework = dtiscore.loads(DEMO + "\n# clear_cache test\n")
    result = framework.score({"a": [1, 5], "b": [True, False]})
    result.explain(0)
    result.gains(1)
    result.deductions().texts()
    gone, tree_gone = weakref.ref(framework), weakref.ref(framework.ir)
    assert dtiscore.loads(DEMO + "\n# clear_cache test\n") is framework  # cached while loaded
    del framework, result
    gc.collect()
    assert gone() is not None  # the load cache still holds it
    dtiscore.clear_cache()
    gc.collect()
    assert gone() is None  # nothing module-level held on to it
    assert tree_gone() is None  # nor to its checked tree (explanations keep theirs on the framework)


def test_clear_cache_forgets_the_kernels_constant_arrays():
    from dtiscore.engine import kernels

    framework = dtiscore.loads(DEMO)
    framework.score({"a": list(range(5000)), "b": [True] * 5000})  # clamps against constants: full arrays
    assert kernels._full_array.cache_info().currsize > 0
    dtiscore.clear_cache()
    assert kernels._full_array.cache_info().currsize == 0


@given(st.data())
def test_one_units_tree_is_the_results_own_numbers(data):
    try:
        framework = dtiscore.loads(data.draw(frameworks()))
        result = framework.score(data.draw(inputs(framework)), invalid="mark")
    except dtiscore.DtiError:
        reject()
    lost = result.lost_points()
    for position in range(len(result)):
        tree = UnitTree(result, position)
        mine = tree.lost()
        for node_id in framework.nodes:
            row = result.node_row(node_id)
            assert tree.points[node_id] == result.scores.points[row, position]  # bit for bit
            assert mine[node_id] == lost[row, position]
        # summing the groups again, unchanged, gives back the total exactly
        assert tree.total_with({}) == result.total[position]
        assert tree.totals_with([{}, {}]) == [result.total[position]] * 2


def test_what_if_by_hand():
    framework = dtiscore.loads(DEMO)
    result = framework.score({"a": [5], "b": [False]})
    tree = UnitTree(result, 0)
    assert tree.total == 3.0  # linear 5 of 10 → 3 of 6; no award
    assert tree.lost() == {"demo": 7.0, "c1": 3.0, "c2": 4.0}
    assert tree.totals_with([{"c2": 4.0}, {"c1": 6.0}, {"c1": 6.0, "c2": 4.0}]) == [7.0, 6.0, 10.0]
    assert math.isclose(tree.total_with({"c1": 4.5}), 4.5)
    assert np.array_equal(result.lost_points()[:, 0], [7.0, 3.0, 4.0])
