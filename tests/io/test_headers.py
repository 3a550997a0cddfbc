"""Headers as input ids (io.headers): a template's `label [id]` header, a plain id or the
label alone all name the input, so a template is read back whichever the file has."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from hypothesis import given, strategies as st

import dtiscore
from dtiscore.cli import main
from dtiscore.errors import DataError
from dtiscore.io.headers import heading, input_ids
from dtiscore.io.tables import read_table, score_table

FRAMEWORK = '''framework t "T" {
    max 20
    input dossiers count "Tổng số hồ sơ"
    input online count "Số hồ sơ trực tuyến" <= dossiers
    input plain number
    criterion k "K" max 10 {
        proportional ratio(online, dossiers) target 80%
    }
    criterion m "M" max 10 {
        award when plain >= 1
    }
}
'''
LABELS = {"dossiers": "Tổng số hồ sơ", "online": "Số hồ sơ trực tuyến", "plain": None}
ROWS = [("a", "100", "40", "1"), ("b", "10", "8", "0")]  # a: 5 + 10 = 15; b: 10 + 0 = 10


@pytest.fixture
def framework(tmp_path):
    path = tmp_path / "t.dti"
    path.write_text(FRAMEWORK, encoding="utf-8")
    return path


def test_headings_put_the_id_after_the_label():
    assert heading("online", "Số hồ sơ trực tuyến") == "Số hồ sơ trực tuyến [online]"
    assert heading("plain", None) == "plain" and heading("plain", "") == "plain"


def test_each_way_of_naming_an_input():
    headers = ["unit", "dossiers", "Số hồ sơ trực tuyến [online]", "kind"]
    assert input_ids(headers, LABELS) == ["unit", "dossiers", "online", "kind"]
    assert input_ids(["  số HỒ SƠ   trực tuyến ", "Tổng số hồ sơ", "plain"], LABELS) == ["online", "dossiers", "plain"]
    assert input_ids(["anything [nope]", "Tổng số hồ sơ [online]"], LABELS) == ["anything [nope]", "online"]


def test_a_label_two_inputs_share_names_neither():
    labels = {"x": "Số", "y": "Số"}
    assert input_ids(["Số", "Số [y]"], labels) == ["Số", "y"]


def test_two_headers_naming_one_input_is_an_error():
    with pytest.raises(DataError) as error:
        input_ids(["online", "Số hồ sơ trực tuyến [online]"], LABELS)
    assert str(error.value) == "columns 'online' and 'Số hồ sơ trực tuyến [online]' both name input 'online': keep one"


def test_without_labels_only_brackets_are_read():
    assert input_ids(["unit", "Số hồ sơ [online]", "Tổng số hồ sơ"]) == ["unit", "online", "Tổng số hồ sơ"]


@given(st.dictionaries(st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True),
                       st.one_of(st.none(), st.text(min_size=1, max_size=20)), min_size=1, max_size=6))
def test_every_heading_maps_back_to_its_input(labels):
    headers = [heading(name, label) for name, label in labels.items()]
    assert input_ids(headers, labels) == list(labels)
    assert input_ids(headers) == list(labels)


def write(path, header, rows=ROWS, delimiter=","):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.mark.parametrize("header", [
    ["unit", "dossiers", "online", "plain"],
    ["unit", "Tổng số hồ sơ [dossiers]", "Số hồ sơ trực tuyến [online]", "plain"],
    ["unit", "Tổng số hồ sơ", "số hồ sơ trực tuyến", "plain"],
    ["unit", "plain", "Số hồ sơ trực tuyến [online]", "dossiers"],
])
def test_read_back_either_way_scores_the_same(framework, tmp_path, header):
    order = {"dossiers": 1, "online": 2, "plain": 3}
    ids = input_ids(header, LABELS)
    rows = [(row[0], *(row[order[name]] for name in ids[1:])) for row in ROWS]
    result = score_table(dtiscore.load(framework), read_table(write(tmp_path / "d.csv", header, rows)))
    assert result.total.tolist() == [15.0, 10.0]


def test_a_bad_value_names_the_input_under_a_label_header(framework, tmp_path, capsys):
    path = write(tmp_path / "d.csv", ["unit", "Tổng số hồ sơ [dossiers]", "Số hồ sơ trực tuyến [online]", "plain"],
                 [("a", "100", "400", "1")])
    assert main(["score", str(framework), str(path)]) == 1
    assert capsys.readouterr().err.strip() == (
        f"{path}:2: unit 'a', column 'online': 400 is more than dossiers (100), but online <= dossiers")


def test_two_headers_naming_one_input_name_the_files_header_row(framework, tmp_path, capsys):
    path = write(tmp_path / "d.csv", ["unit", "dossiers", "Tổng số hồ sơ [dossiers]", "online", "plain"],
                 [("a", "1", "1", "1", "1")])
    assert main(["score", str(framework), str(path)]) == 1
    assert capsys.readouterr().err.strip() == (
        f"{path}:1: columns 'dossiers' and 'Tổng số hồ sơ [dossiers]' both name input 'dossiers': keep one")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_template_shows_labels_and_a_filled_one_scores(framework, tmp_path, capsys, suffix):
    form = tmp_path / f"form{suffix}"
    assert main(["template", str(framework), "-o", str(form), "--unit", "a", "--unit", "b"]) == 0
    capsys.readouterr()
    expected = ["unit", "Tổng số hồ sơ [dossiers]", "Số hồ sơ trực tuyến [online]", "plain"]
    values = {"a": ROWS[0][1:], "b": ROWS[1][1:]}
    if suffix == ".csv":
        lines = [row for row in csv.reader(io.StringIO(form.read_text(encoding="utf-8-sig")))
                 if not row[0].startswith("#")]
        assert lines == [expected, ["a", "", "", ""], ["b", "", "", ""]]
        write(form, expected, [(unit, *values[unit]) for unit in ("a", "b")])
    else:
        book = openpyxl.load_workbook(form)
        sheet = book.worksheets[0]
        assert [cell.value for cell in sheet[1]] == expected
        assert sheet["C1"].alignment.wrap_text  # a long label wraps in its cell
        for row in (2, 3):
            unit = sheet.cell(row=row, column=1).value
            for column, value in enumerate(values[unit], start=2):
                sheet.cell(row=row, column=column, value=float(value))
        book.save(form)
    assert main(["score", str(framework), str(form)]) == 0
    scores = {row["unit"]: float(row["total"]) for row in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert scores == {"a": 15.0, "b": 10.0}
