"""The grammar ships inside the wheel, so an installed dtiscore parses outside the repo."""

import subprocess
import sys
import zipfile
from pathlib import Path

from dtiscore.language.parse import load_grammar

ROOT = Path(__file__).resolve().parents[1]


def test_grammar_is_the_repository_grammar():
    assert load_grammar() == (ROOT / "grammars" / "dti.lark").read_text(encoding="utf-8")


def test_wheel_carries_the_grammar_and_the_command(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        check=True, capture_output=True,
    )
    (wheel,) = tmp_path.glob("dtiscore-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert archive.read("dtiscore/grammars/dti.lark").decode("utf-8") == load_grammar()
        entry_points = next(n for n in names if n.endswith("entry_points.txt"))
        assert "dtiscore = dtiscore.cli:main" in archive.read(entry_points).decode()
    assert "dtiscore/cli/__init__.py" in names
