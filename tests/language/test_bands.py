"""Classification bands (`bands index { ... }`): parsing, the checker's rules (highest first,
ordered, covering, distinct labels, thresholds in [0, 1]), the label per unit in the engine,
the reference interpreter, the score table, explanations and `fmt`."""

from __future__ import annotations

import json

import numpy as np
import pytest

import dtiscore
from dtiscore.cli import main
from dtiscore.errors import CheckError, DtiError
from dtiscore.language import ir
from dtiscore.language.fmt import format_text
from dtiscore.language.parse import parse
from dtiscore.language.reference import Reference, band_of

# The 2020 provincial groups (Decision 1726): Nhóm 1 > 0.4000; Nhóm 2 0.3250–0.4000;
# Nhóm 3 0.2500–0.3250; Nhóm 4 < 0.2500.
BANDS = """
    bands index {
        > 0.40: "Nhóm 1"
        >= 32.5%: "Nhóm 2"
        >= 0.25: "Nhóm 3"
        else: "Nhóm 4"
    }"""


def framework_text(bands: str = BANDS) -> str:
    return f"""framework f "Nhóm 2020" {{
    max 10
{bands}
    input a share
    input applies bool
    criterion c "Tỷ lệ" max 10 {{
        proportional a
        exclude when not applies
    }}
}}
"""


# units: index = a (max 10, proportional a); u6 has nothing applicable
DATA = {"a": [0.45, 0.40, 0.325, 0.3249, 0.25, 0.1, 0.5], "applies": [1, 1, 1, 1, 1, 1, 0]}
UNITS = ["u1", "u2", "u3", "u4", "u5", "u6", "u7"]
LABELS = ["Nhóm 1", "Nhóm 2", "Nhóm 2", "Nhóm 3", "Nhóm 3", "Nhóm 4", None]


def scored():
    return dtiscore.loads(framework_text()).score(DATA, units=UNITS)


def errors_of(bands: str) -> list[str]:
    with pytest.raises(CheckError) as caught:
        dtiscore.loads(framework_text(bands))
    return [f"{d.span.line}:{d.span.column} {d.code}: {d.message}" + (f" ({d.suggestion})" if d.suggestion else "")
            for d in caught.value.diagnostics]


# ---- parse and check -------------------------------------------------------------------


def test_bands_in_the_ir():
    framework = dtiscore.loads(framework_text())
    assert framework.ir.bands == ir.Bands(
        (ir.LabelBand(">", 0.4, "Nhóm 1"), ir.LabelBand(">=", 0.325, "Nhóm 2"), ir.LabelBand(">=", 0.25, "Nhóm 3")),
        "Nhóm 4")
    assert framework.ir.bands.labels == ("Nhóm 1", "Nhóm 2", "Nhóm 3", "Nhóm 4")


def test_a_framework_without_bands_has_none():
    framework = dtiscore.loads(framework_text(""))
    assert framework.ir.bands is None
    result = framework.score(DATA, units=UNITS)
    with pytest.raises(DtiError, match="declares no bands"):
        result.band()
    assert "band" not in result.table()


def test_a_param_may_be_a_threshold():
    text = framework_text('    param top = 40%\n    bands index {\n        > top: "high"\n        else: "low"\n    }')
    assert dtiscore.loads(text).ir.bands.bands == (ir.LabelBand(">", 0.4, "high"),)


@pytest.mark.parametrize("bands, expected", [
    ('    bands index {\n        < 0.4: "a"\n        else: "b"\n    }',
     ["4:9 bad-bands: bands go from the highest down, each '>' or '>=' a threshold; '<' does not"]),
    ('    bands index {\n        >= 0.25: "a"\n        >= 0.4: "b"\n        else: "c"\n    }',
     ["5:9 unreachable-band: this band can never be reached: bands go from the highest down, and the bands "
      "above it already take every index it matches"]),
    ('    bands index {\n        >= 0.4: "a"\n        > 0.4: "b"\n        else: "c"\n    }',
     ["5:9 unreachable-band: this band can never be reached: bands go from the highest down, and the bands "
      "above it already take every index it matches"]),
    ('    bands index {\n        > 0.4: "a"\n        >= 0: "b"\n        else: "c"\n    }',
     ["6:15 unreachable-band: the 'else' band can never be reached: the index is never below 0"]),
    ('    bands index {\n        > 40: "a"\n        else: "b"\n    }',
     ["4:11 share-range: the index is a fraction between 0 and 1 (40% is 0.4), and 40 is outside it (40%)"]),
    ('    bands index {\n        > 0.4: "a"\n        else: "a"\n    }',
     ['5:15 duplicate-label: the label "a" names two bands']),
    ('    bands index {\n        > 0.4: " "\n        else: "a"\n    }',
     ["4:9 bad-bands: a band's label is empty"]),
    ('    bands pillar {\n        > 0.4: "a"\n        else: "b"\n    }',
     ["3:11 bad-bands: bands classify the framework's index: write 'bands index', not 'bands pillar'"]),
    ('    bands index {\n        > top: "a"\n        else: "b"\n    }',
     ["4:11 unknown-name: unknown name 'top'"]),
    ('    bands index {\n        > a: "a"\n        else: "b"\n    }',
     ["4:11 not-constant: a band takes a number, a percent or a numeric param; 'a' is not one"]),
    (BANDS + "\n" + BANDS, ["11:5 duplicate-option: 'bands' is given twice"]),
])
def test_check_errors(bands, expected):
    assert errors_of(bands) == expected


def test_reachable_neighbours_are_accepted():
    """`> 0.4` then `>= 0.4` takes exactly 0.4; `> 0` leaves 0 to `else`."""
    text = framework_text('    bands index {\n        > 0.4: "a"\n        >= 0.4: "b"\n        > 0: "c"\n        else: "d"\n    }')
    result = dtiscore.loads(text).score({"a": [0.5, 0.4, 0.2, 0.0], "applies": [1] * 4})
    assert list(result.band()) == ["a", "b", "c", "d"]


def test_missing_else_is_a_syntax_error():
    with pytest.raises(dtiscore.DtiError, match="missing 'else' band"):
        dtiscore.loads(framework_text('    bands index {\n        > 0.4: "a"\n    }'))


def test_bands_is_a_reserved_word():
    text = framework_text("").replace("input a share", "input a share\n    input bands share")
    with pytest.raises(CheckError, match="'bands' is a reserved word"):
        dtiscore.loads(text)


# ---- the label per unit ----------------------------------------------------------------


def test_band_per_unit_by_hand():
    """0.45 > 0.40 → Nhóm 1; 0.40 is not > 0.40 → Nhóm 2; 0.325 ≥ 0.325 → Nhóm 2; 0.3249 → Nhóm 3;
    0.25 → Nhóm 3; 0.1 → Nhóm 4; nothing applicable → no band."""
    result = scored()
    assert list(result.index[:6]) == pytest.approx([0.45, 0.40, 0.325, 0.3249, 0.25, 0.1])
    assert list(result.band()) == LABELS
    assert result.band().dtype == object


def test_reference_gives_the_same_labels():
    result = scored()
    framework = dtiscore.loads(framework_text())
    reference = Reference(framework.ir, [result.input_row(i) for i in range(len(result))], None, result.units)
    assert [reference.unit(i).band for i in range(len(result))] == LABELS
    assert band_of(framework.ir.bands, float("nan")) is None
    assert band_of(framework.ir.bands, 1.0) == "Nhóm 1"
    assert band_of(framework.ir.bands, 0.0) == "Nhóm 4"


def test_the_table_has_a_band_column_after_the_index():
    table = scored().table()
    assert list(table)[:5] == ["unit", "total", "index", "band", "rank"]
    assert list(table["band"]) == LABELS


def test_score_command_writes_the_band(tmp_path, capsys):
    dti = tmp_path / "f.dti"
    dti.write_text(framework_text(), encoding="utf-8")
    data = tmp_path / "d.csv"
    data.write_text("unit,a,applies\n" + "\n".join(f"{u},{a},{p}" for u, a, p in zip(UNITS, DATA["a"], DATA["applies"])),
                    encoding="utf-8")
    assert main(["score", str(dti), str(data)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "unit,total,index,band,rank"
    assert lines[1] == "u1,4.5,0.45,Nhóm 1,1"
    assert lines[2] == "u2,4,0.4,Nhóm 2,2"
    assert lines[7].startswith("u7,0,,,")
    assert main(["score", str(dti), str(data), "--chunk-size", "2"]) == 0
    assert capsys.readouterr().out.splitlines() == lines


# ---- explanations ----------------------------------------------------------------------


def test_explanation_names_the_band():
    result = scored()
    explanation = result.explain("u3", lang="vi")
    assert explanation.band == "Nhóm 2"
    assert str(explanation).splitlines()[1] == "tổng điểm 3,25/10 (chỉ số 0,325, xếp loại Nhóm 2, xếp hạng 3/7)"
    assert "(index 0.325, band Nhóm 2, rank 3/7)" in str(result.explain("u3", lang="en"))
    assert explanation.to_dict()["band"] == "Nhóm 2"
    assert json.loads(json.dumps(result.explain("u7").to_dict()))["band"] is None


def test_explanation_without_bands_has_none():
    result = dtiscore.loads(framework_text("")).score(DATA, units=UNITS)
    explanation = result.explain("u1", lang="en")
    assert explanation.band is None and explanation.to_dict()["band"] is None
    assert "band" not in str(explanation).splitlines()[1]


# ---- fmt -------------------------------------------------------------------------------


def test_fmt_lays_bands_out_like_steps():
    messy = framework_text('  bands   index {  >  0.40: "Nhóm 1"  # top\n >= 32.5%: "Nhóm 2"\n\n  else:  "Nhóm 4" }')
    formatted = format_text(messy)
    assert ('    bands index {\n        > 0.40: "Nhóm 1"  # top\n        >= 32.5%: "Nhóm 2"\n'
            '        else: "Nhóm 4"\n    }\n') in formatted
    assert format_text(formatted) == formatted
    assert parse(formatted) == parse(messy)


def test_float_noise_is_not_a_difference():
    """0.1 + 0.2 points of 1 is 0.30000000000000004: the index meets `>= 0.3` and not `> 0.3`
    (indices are compared to 9 decimals, as ranks compare totals)."""
    text = """framework f "F" {
    max 1
    bands index {
        > 0.3: "above"
        >= 0.3: "at"
        else: "below"
    }
    input x number
    input y number
    criterion a "A" max 0.5 { score x }
    criterion b "B" max 0.5 { score y }
}
"""
    framework = dtiscore.loads(text)
    result = framework.score({"x": [0.1, 0.1, 0.1], "y": [0.2, 0.2000001, 0.1999999]})
    assert result.index[0] == 0.1 + 0.2 != 0.3
    assert list(result.band()) == ["at", "above", "below"]
    reference = Reference(framework.ir, [result.input_row(i) for i in range(3)], None, result.units)
    assert [reference.unit(i).band for i in range(3)] == ["at", "above", "below"]
