"""The command line: check, score and explain, through `dtiscore.cli.main`."""

import csv
import io

import pytest

from dtiscore.cli import main

FRAMEWORK = """framework cli "CLI demo" {
    max 100
    input dossiers count
    input online count <= dossiers
    input resolution bool
    param goal = 50%
    group gov "Government" max 60 {
        criterion online_rate "Online" max 60 {
            proportional ratio(online, dossiers) target goal
        }
    }
    group aware "Awareness" max 40 {
        criterion adopted "Adopted" max 40 { award when resolution }
    }
}
"""

# hanoi:   online 400/1000 = 40% of target 50% → 60 × 0.8 = 48; adopted 40 → 88
# hue:     50/200 = 25% → 60 × 0.5 = 30; not adopted → 30
# da_nang: 100% → 60; adopted → 100
DATA = "\ufeffunit,dossiers,online,resolution\nhanoi,1000,400,có\nhue,200,50,không\nda_nang,100,100,yes\n"


@pytest.fixture
def files(tmp_path):
    framework = tmp_path / "cli.dti"
    framework.write_text(FRAMEWORK, encoding="utf-8")
    data = tmp_path / "data.csv"
    data.write_text(DATA, encoding="utf-8")  # the text starts with a BOM
    return framework, data


def rows(text):
    return list(csv.DictReader(io.StringIO(text)))


# ---------------------------------------------------------------- check


def test_check_ok(files, capsys):
    framework, _ = files
    assert main(["check", str(framework)]) == 0
    assert "ok" in capsys.readouterr().out


def test_check_unknown_name_reports_file_line_column(tmp_path, capsys):
    broken = tmp_path / "broken.dti"
    broken.write_text(
        'framework t "T" {\n'
        "    max 10\n"
        "    input x number\n"
        '    criterion c "C" max 10 {\n'
        "        score y\n"  # line 5: 8 spaces + "score " → `y` at column 15
        "    }\n"
        "}\n",
        encoding="utf-8",
    )
    assert main(["check", str(broken)]) == 1
    captured = capsys.readouterr()
    assert f"{broken}:5:15" in captured.err
    assert "score y" in captured.err  # the source line is shown
    assert "ok" not in captured.out


def test_check_syntax_error_reports_file_line_column(tmp_path, capsys):
    broken = tmp_path / "syntax.dti"
    broken.write_text(
        'framework t "T" {\n'
        "    max 10\n"
        "    input x numbr\n"  # line 3: 4 + "input " + "x " = 12 characters → `numbr` at column 13
        '    criterion c "C" max 10 { score x }\n'
        "}\n",
        encoding="utf-8",
    )
    assert main(["check", str(broken)]) == 1
    assert f"{broken}:3:13" in capsys.readouterr().err


def test_check_points_not_adding_up(tmp_path, capsys):
    broken = tmp_path / "points.dti"
    broken.write_text(FRAMEWORK.replace('"Awareness" max 40', '"Awareness" max 30'), encoding="utf-8")
    assert main(["check", str(broken)]) == 1
    assert str(broken) + ":" in capsys.readouterr().err


# ---------------------------------------------------------------- score


def test_score_to_stdout(files, capsys):
    framework, data = files
    assert main(["score", str(framework), str(data)]) == 0
    out = capsys.readouterr().out
    header = out.splitlines()[0]
    assert header == "unit,total,index,rank,gov,aware"
    table = {row["unit"]: row for row in rows(out)}
    assert list(table) == ["hanoi", "hue", "da_nang"]
    assert float(table["hanoi"]["total"]) == pytest.approx(88)
    assert float(table["hanoi"]["index"]) == pytest.approx(0.88)
    assert float(table["hanoi"]["gov"]) == pytest.approx(48)
    assert float(table["hanoi"]["aware"]) == pytest.approx(40)
    assert float(table["hue"]["total"]) == pytest.approx(30)
    assert float(table["hue"]["aware"]) == 0
    assert float(table["da_nang"]["total"]) == pytest.approx(100)
    assert [table[u]["rank"] for u in ("hanoi", "hue", "da_nang")] == ["2", "3", "1"]


def test_score_to_file(files, tmp_path, capsys):
    framework, data = files
    out = tmp_path / "out.csv"
    assert main(["score", str(framework), str(data), "-o", str(out)]) == 0
    assert capsys.readouterr().out == ""
    table = rows(out.read_text(encoding="utf-8"))
    assert [row["unit"] for row in table] == ["hanoi", "hue", "da_nang"]
    assert [float(row["total"]) for row in table] == pytest.approx([88, 30, 100])


def test_score_param_override(files, capsys):
    framework, data = files
    # goal 40%: hanoi 40%/40% → 60 + 40 = 100; hue 25%/40% → 60 × 0.625 = 37.5; da_nang 100
    assert main(["score", str(framework), str(data), "--param", "goal=40%"]) == 0
    table = rows(capsys.readouterr().out)
    assert [float(row["total"]) for row in table] == pytest.approx([100, 37.5, 100])
    assert [row["rank"] for row in table] == ["1", "3", "1"]


def test_score_param_as_plain_number(files, capsys):
    framework, data = files
    # goal 0.25: hue 25%/25% → 60
    assert main(["score", str(framework), str(data), "--param", "goal=0.25"]) == 0
    table = rows(capsys.readouterr().out)
    assert float(table[1]["gov"]) == pytest.approx(60)


def test_score_bad_data_names_unit_and_column(files, tmp_path, capsys):
    framework, _ = files
    data = tmp_path / "bad.csv"
    data.write_text("unit,dossiers,online,resolution\nhanoi,1000,400,có\nhue,200,-5,không\n", encoding="utf-8")
    assert main(["score", str(framework), str(data)]) == 1
    err = capsys.readouterr().err
    assert "hue" in err and "online" in err and "-5" in err


def test_score_without_unit_column(files, tmp_path, capsys):
    framework, _ = files
    data = tmp_path / "nounit.csv"
    data.write_text("dossiers,online,resolution\n1000,400,có\n", encoding="utf-8")
    assert main(["score", str(framework), str(data)]) == 1
    assert "unit" in capsys.readouterr().err


# ---------------------------------------------------------------- explain


def test_explain_unit(files, capsys):
    framework, data = files
    assert main(["explain", str(framework), str(data), "--unit", "hue"]) == 0
    out = capsys.readouterr().out
    assert "hue" in out
    assert "hanoi" not in out
    # hue loses 40 on adopted and 30 on online_rate, most first
    assert "adopted" in out and "online_rate" in out
    assert out.index("adopted") < out.index("online_rate")
    # 50% of 200 dossiers = 100 online; hue has 50
    assert "needs online ≥ 100 (+50)" in out


def test_explain_with_param(files, capsys):
    framework, data = files
    # goal 25%: hue's online_rate is at full points, so only `adopted` loses points
    assert main(["explain", str(framework), str(data), "--unit", "hue", "--param", "goal=25%"]) == 0
    out = capsys.readouterr().out
    assert "adopted" in out
    assert "needs online" not in out


def test_explain_unknown_unit(files, capsys):
    framework, data = files
    assert main(["explain", str(framework), str(data), "--unit", "ha_noi"]) == 1
    assert "ha_noi" in capsys.readouterr().err


def test_check_with_warnings_still_succeeds(tmp_path, capsys):
    path = tmp_path / "warn.dti"
    path.write_text(FRAMEWORK.replace("input resolution bool", "input resolution bool\n    input unused count"),
                    encoding="utf-8")
    assert main(["check", str(path)]) == 0
    captured = capsys.readouterr()
    assert "ok" in captured.out
    assert "unused" in captured.err


def test_score_vietnamese_unit_ids_and_quoted_cells(files, tmp_path, capsys):
    framework, _ = files
    data = tmp_path / "vn.csv"
    data.write_text('\ufeffunit,dossiers,online,resolution\n"Hà Nội",1000,500,Có\n"Thừa Thiên, Huế",10,0,KHÔNG\n',
                    encoding="utf-8")
    assert main(["score", str(framework), str(data)]) == 0
    table = rows(capsys.readouterr().out)
    # Hà Nội: 50% of 50% → 60 + 40 = 100; Huế: 0 + 0 = 0
    assert [row["unit"] for row in table] == ["Hà Nội", "Thừa Thiên, Huế"]
    assert [float(row["total"]) for row in table] == pytest.approx([100, 0])
