"""load/loads: the in-process cache keyed on text, file name and params."""

import dtiscore
from dtiscore.api import clear_cache, loads

TEXT = """\
framework demo "Demo" {
    max 10
    input x share "X"
    param goal = 50%
    criterion c "C" max 10 {
        proportional x target goal
    }
}
"""


def test_the_same_text_loads_once():
    clear_cache()
    first = loads(TEXT)
    assert loads(TEXT) is first
    assert loads(TEXT + "\n# a comment\n") is not first


def test_params_and_file_names_are_part_of_the_key():
    clear_cache()
    plain = loads(TEXT)
    raised = loads(TEXT, params={"goal": 0.8})
    assert raised is not plain
    assert raised.params["goal"] == 0.8 and plain.params["goal"] == 0.5
    assert loads(TEXT, params={"goal": 0.8}) is raised
    assert loads(TEXT, filename="other.dti") is not plain
    # 0.4 of a 0.8 target is half the points; of a 0.5 target, 80%
    assert raised.score({"x": [0.4]}).total[0] == 5.0
    assert plain.score({"x": [0.4]}).total[0] == 8.0


def test_clear_cache_forgets(tmp_path):
    path = tmp_path / "demo.dti"
    path.write_text(TEXT, encoding="utf-8")
    first = dtiscore.load(path)
    assert dtiscore.load(path) is first
    clear_cache()
    assert dtiscore.load(path) is not first


def test_an_edited_file_is_loaded_again(tmp_path):
    path = tmp_path / "demo.dti"
    path.write_text(TEXT, encoding="utf-8")
    first = dtiscore.load(path)
    path.write_text(TEXT.replace("max 10\n    input", "max 10\n    # edited\n    input"), encoding="utf-8")
    assert dtiscore.load(path) is not first
