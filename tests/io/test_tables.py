"""Data files in and out: CSV (BOM, `,` `;` tab, decimal comma), Excel, Parquet, JSON,
pandas; templates filled by a script; and bad files, each giving one clear error that names
file:row, column and value."""

import csv
import io
import json
import sys

from pathlib import Path

import numpy as np
import openpyxl  # the dev extra installs the optional dependencies: these tests never skip
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import dtiscore
from dtiscore.cli import main
from dtiscore.cli.progress import Progress
from dtiscore.io.headers import input_ids
from dtiscore.io.tables import read_table, score_table, write_table

ROOT = Path(__file__).resolve().parents[2]

FRAMEWORK = """framework tables "Tables demo" {
    max 100
    input dossiers   count  "Tổng số hồ sơ TTHC"
    input online     count  "Số hồ sơ trực tuyến" <= dossiers
    input resolution bool   "Có nghị quyết chuyên đề"
    input spending   number "Chi cho chuyển đổi số (triệu đồng)" in 0..100000
    group gov "Government" max 60 {
        criterion online_rate "Online" max 60 {
            proportional ratio(online, dossiers) target 50%
            on_missing zero
        }
    }
    group aware "Awareness" max 40 {
        criterion adopted "Adopted" max 20 { award when resolution }
        criterion spent "Spending" max 20 { linear spending from 0 to 1000 }
    }
}
"""

# hanoi:   400/1000 = 40% of 50% → 48; adopted 20; 848.47 of 1000 → 16.9694; total 84.9694
# hue:     50/200 = 25% → 30; 0; 100 → 2; total 32
# da_nang: 100% → 60; 20; 20; total 100
ROWS = [("hanoi", "1000", "400", "có", "848.47"), ("hue", "200", "50", "không", "100"),
        ("da_nang", "100", "100", "yes", "1000")]
HEADER = ("unit", "dossiers", "online", "resolution", "spending")
TOTALS = [84.9694, 32, 100]


@pytest.fixture
def framework(tmp_path):
    path = tmp_path / "tables.dti"
    path.write_text(FRAMEWORK, encoding="utf-8")
    return path


def write_csv(path, rows=ROWS, header=HEADER, delimiter=",", bom=False, before=""):
    lines = [delimiter.join(header)] + [delimiter.join(row) for row in rows]
    path.write_text(("\ufeff" if bom else "") + before + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def totals(framework_path, data_path, **options):
    framework = dtiscore.load(framework_path)
    decimal_comma = options.pop("decimal_comma", False)
    result = score_table(framework, read_table(data_path, **options), decimal_comma=decimal_comma)
    return dict(zip(result.units, result.total.tolist()))


def expected():
    return dict(zip([row[0] for row in ROWS], TOTALS))


def run(capsys, *args):
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_error(capsys, *args):
    """Run a command that must fail; its error, which must be a single line."""
    code, out, err = run(capsys, *args)
    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


# ---------------------------------------------------------------- CSV


@pytest.mark.parametrize("bom", [False, True])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_delimiter_found_from_the_header(framework, tmp_path, delimiter, bom):
    path = write_csv(tmp_path / "data.csv", delimiter=delimiter, bom=bom)
    assert totals(framework, path) == pytest.approx(expected())


def test_tsv_extension_reads_tabs(framework, tmp_path):
    path = write_csv(tmp_path / "data.tsv", delimiter="\t")
    assert totals(framework, path) == pytest.approx(expected())


def test_forced_delimiter(framework, tmp_path):
    # ';' forced: the commas inside the unit ids are not separators
    rows = [("Thừa Thiên, Huế",) + ROWS[1][1:]]
    path = write_csv(tmp_path / "data.csv", rows=rows, delimiter=";")
    assert totals(framework, path, delimiter=";") == pytest.approx({"Thừa Thiên, Huế": 32})


def test_leading_comment_and_blank_lines_are_skipped(framework, tmp_path):
    path = write_csv(tmp_path / "data.csv", before="# a note\n\n# another, with a comma\n")
    table = read_table(path)
    assert table.header_row == 4
    assert table.rows == [5, 6, 7]
    assert totals(framework, path) == pytest.approx(expected())


def test_empty_rows_and_unnamed_empty_columns_are_ignored(framework, tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("unit;dossiers;online;resolution;spending;;\n"
                    "hue;200;50;không;100;;\n"
                    ";;;;;;\n"
                    "da_nang;100;100;yes;1000;;\n", encoding="utf-8")
    assert totals(framework, path) == pytest.approx({"hue": 32, "da_nang": 100})
    assert read_table(path).rows == [2, 4]


def test_extra_columns_are_kept_and_ignored_in_scoring(framework, tmp_path):
    path = write_csv(tmp_path / "data.csv", header=HEADER + ("note",), rows=[r + ("x",) for r in ROWS])
    assert read_table(path).columns["note"] == ["x", "x", "x"]
    assert totals(framework, path) == pytest.approx(expected())


def test_decimal_comma_when_asked(framework, tmp_path):
    rows = [ROWS[0][:4] + ("848,47",), ROWS[1], ROWS[2][:4] + ("1000,0",)]
    path = write_csv(tmp_path / "data.csv", rows=rows, delimiter=";")
    assert totals(framework, path, decimal_comma=True) == pytest.approx(expected())


def test_decimal_comma_accepts_percent_in_shares(tmp_path):
    framework = dtiscore.loads('framework s "S" { max 10 input phones share\n'
                               'criterion p "P" max 10 { proportional phones } }')
    path = tmp_path / "data.csv"
    path.write_text("unit;phones\na;82,5%\nb;0,5\n", encoding="utf-8")
    result = score_table(framework, read_table(path), decimal_comma=True)
    assert result.total.tolist() == pytest.approx([8.25, 5])


def test_decimal_comma_not_assumed(framework, tmp_path, capsys):
    rows = [ROWS[0][:4] + ("848,47",)]
    path = write_csv(tmp_path / "data.csv", rows=rows, delimiter=";")
    error = one_error(capsys, "score", framework, path)
    assert error == f"{path}:2: unit 'hanoi', column 'spending': '848,47' is not a number within 0..100000"
    code, out, _ = run(capsys, "score", framework, path, "--decimal-comma")
    assert code == 0 and "84,9694" in out and ";" in out  # the output is written with a decimal comma too


def test_decimal_comma_rejects_a_point(framework, tmp_path, capsys):
    rows = [ROWS[0][:4] + ("848,47",), ROWS[1][:4] + ("1.234",)]
    path = write_csv(tmp_path / "data.csv", rows=rows, delimiter=";")
    error = one_error(capsys, "score", framework, path, "--decimal-comma")
    assert error.startswith(f"{path}:3: unit 'hue', column 'spending': '1.234' has a '.', but with --decimal-comma")


def test_not_utf8(framework, tmp_path, capsys):
    path = tmp_path / "data.csv"
    path.write_bytes(b"unit,dossiers\nHu\xe9,1\n")  # Latin-1, as old spreadsheets save
    error = one_error(capsys, "score", framework, path)
    assert error.startswith(f"{path}: not UTF-8 text") and "CSV UTF-8" in error


# ---------------------------------------------------------------- Excel, Parquet, JSON


def write_xlsx(path, rows, header=HEADER, before=()):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in before:
        sheet.append(list(row))
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


def typed_rows():
    """The rows as a spreadsheet holds them: numbers as numbers, bools as bools."""
    return [("hanoi", 1000, 400, True, 848.47), ("hue", 200, 50, "không", 100), ("da_nang", 100, 100, 1, 1000)]


def test_xlsx(framework, tmp_path):
    path = write_xlsx(tmp_path / "data.xlsx", typed_rows())
    assert totals(framework, path) == pytest.approx(expected())
    assert read_table(path).rows == [2, 3, 4]


def test_xlsx_named_sheet_and_numeric_unit_ids(framework, tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(["not the data"])
    sheet = workbook.create_sheet("data")
    sheet.append(list(HEADER))
    sheet.append([101, 200, 50, False, 100])
    sheet.append([102.0, 100, 100, True, None])  # an empty cell: no value
    workbook.save(tmp_path / "book.xlsx")
    table = read_table(tmp_path / "book.xlsx", sheet="data")
    assert table.units == ["101", "102"]
    result = score_table(dtiscore.load(framework), table)
    assert result.total.tolist() == pytest.approx([32, 80])


def test_xlsx_unknown_sheet(framework, tmp_path, capsys):
    path = write_xlsx(tmp_path / "data.xlsx", typed_rows())
    error = one_error(capsys, "score", framework, path, "--sheet", "Data")
    assert error == f"{path}: no sheet 'Data' (the sheets are 'Sheet')"


def test_parquet(framework, tmp_path):
    table = pa.table({"unit": ["hanoi", "hue", "da_nang", "empty"], "dossiers": [1000, 200, 100, None],
                      "online": [400, 50, 100, None], "resolution": [True, False, True, None],
                      "spending": [848.47, 100.0, 1000.0, None]})
    pq.write_table(table, tmp_path / "data.parquet")
    got = totals(framework, tmp_path / "data.parquet")
    assert got == pytest.approx({**expected(), "empty": 0})


def test_parquet_bad_value_names_record(framework, tmp_path, capsys):
    pq.write_table(pa.table({"unit": ["a", "b"], "dossiers": [10, -3], "online": [1, 1],
                             "resolution": [True, True], "spending": [1.0, 1.0]}), tmp_path / "data.parquet")
    error = one_error(capsys, "score", framework, tmp_path / "data.parquet")
    assert error == f"{tmp_path / 'data.parquet'}:2: unit 'b', column 'dossiers': -3 is not a count (a whole number ≥ 0)"


def test_json_records_and_columns(framework, tmp_path):
    records = [dict(zip(HEADER, row)) for row in typed_rows()]
    (tmp_path / "records.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    columns = {name: [row[i] for row in typed_rows()] for i, name in enumerate(HEADER)}
    (tmp_path / "columns.json").write_text(json.dumps(columns), encoding="utf-8")
    lines = "\n".join(json.dumps(record) for record in records)
    (tmp_path / "lines.jsonl").write_text(lines + "\n", encoding="utf-8")
    for name in ("records.json", "columns.json", "lines.jsonl"):
        assert totals(framework, tmp_path / name) == pytest.approx(expected()), name


def test_json_missing_key_is_no_value(framework, tmp_path):
    records = [{"unit": "hue", "dossiers": 200, "online": 50, "resolution": False}, {"unit": "x", "spending": 1000}]
    (tmp_path / "data.json").write_text(json.dumps(records), encoding="utf-8")
    assert totals(framework, tmp_path / "data.json") == pytest.approx({"hue": 30 * 40 / 40 + 0, "x": 20})


def test_json_syntax_error(framework, tmp_path, capsys):
    (tmp_path / "data.json").write_text('[{"unit": "a",\n "dossiers": }]', encoding="utf-8")
    error = one_error(capsys, "score", framework, tmp_path / "data.json")
    assert error.startswith(f"{tmp_path / 'data.json'}:2:14: not valid JSON")


def test_unknown_extension(framework, tmp_path, capsys):
    (tmp_path / "data.xls").write_bytes(b"")
    error = one_error(capsys, "score", framework, tmp_path / "data.xls")
    assert "cannot read .xls files" in error and "save the workbook as .xlsx" in error


def test_missing_extra_names_it(framework, tmp_path, capsys, monkeypatch):
    path = write_xlsx(tmp_path / "data.xlsx", typed_rows())
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # as if not installed
    assert one_error(capsys, "score", framework, path) == (
        'to read .xlsx files, dtiscore needs openpyxl: pip install "dtiscore[excel]"')
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(dtiscore.DtiError, match=r'pip install "dtiscore\[parquet\]"'):
        read_table(tmp_path / "data.parquet")


# ---------------------------------------------------------------- pandas


def test_to_pandas(framework, tmp_path):
    result = score_table(dtiscore.load(framework), read_table(write_csv(tmp_path / "data.csv")))
    frame = result.to_pandas()
    assert frame.index.name == "unit"
    assert list(frame.index) == ["hanoi", "hue", "da_nang"]
    assert list(frame.columns) == ["total", "index", "rank", "gov", "aware"]
    assert frame.loc["hanoi", "total"] == pytest.approx(84.9694)
    assert frame["rank"].tolist() == [2, 3, 1]
    every = result.to_pandas(nodes=True)
    assert list(every.columns) == ["total", "index", "rank", "gov", "online_rate", "aware", "adopted", "spent"]
    assert every.loc["hanoi", "spent"] == pytest.approx(16.9694)


def test_pandas_round_trip(framework):
    fw = dtiscore.load(framework)
    inputs = pd.DataFrame({"dossiers": [1000, 200], "online": [400, 50], "resolution": [True, False],
                           "spending": [848.47, 100.0]}, index=pd.Index(["hanoi", "hue"], name="unit"))
    result = fw.score(inputs)  # units from the index
    assert result.units == ["hanoi", "hue"]
    frame = result.to_pandas()
    again = fw.score(inputs.loc[frame.sort_values("rank").index])
    assert again.units == ["hanoi", "hue"]
    assert again.total.tolist() == pytest.approx(frame["total"].tolist())
    with_column = fw.score(inputs.reset_index())  # or from a `unit` column
    assert with_column.units == ["hanoi", "hue"]
    plain = fw.score(inputs.reset_index(drop=True))  # a default index: units 0..n-1
    assert plain.units == [0, 1]


# ---------------------------------------------------------------- output formats


def test_score_formats(framework, tmp_path, capsys):
    data = write_csv(tmp_path / "data.csv")
    code, out, _ = run(capsys, "score", framework, data, "--format", "json")
    assert code == 0
    records = json.loads(out)
    assert records[0] == {"unit": "hanoi", "total": pytest.approx(84.9694), "index": pytest.approx(0.849694),
                          "rank": 2, "gov": 48, "aware": pytest.approx(36.9694)}
    code, out, _ = run(capsys, "score", framework, data, "--format", "table")
    lines = out.splitlines()
    assert lines[0].split() == ["unit", "total", "index", "rank", "gov", "aware"]
    assert lines[2].split() == ["hanoi", "84.97", "0.8497", "2", "48.00", "36.97"]
    assert set(lines[1]) == {"-", " "}


@pytest.mark.parametrize("suffix", [".csv", ".json", ".xlsx", ".parquet", ".txt"])
def test_score_output_file_by_extension(framework, tmp_path, capsys, suffix):
    out = tmp_path / ("out" + suffix)
    code, stdout, _ = run(capsys, "score", framework, write_csv(tmp_path / "data.csv"), "-o", out)
    assert code == 0 and stdout == ""
    if suffix == ".txt":
        assert out.read_text(encoding="utf-8").splitlines()[2].startswith("hanoi")
        return
    back = read_table(out)
    assert back.units == ["hanoi", "hue", "da_nang"]
    assert [float(v) for v in back.columns["total"]] == pytest.approx(TOTALS)
    assert [int(float(v)) for v in back.columns["rank"]] == [2, 3, 1]


def test_write_table_to_an_open_file():
    buffer = io.StringIO()
    write_table(buffer, {"unit": ["a"], "total": [np.float64(1.5)], "index": [np.nan]})
    assert buffer.getvalue() == "unit,total,index\na,1.5,\n"


# ---------------------------------------------------------------- --rank-by


def test_rank_by_an_input(framework, tmp_path, capsys):
    code, out, _ = run(capsys, "score", framework, write_csv(tmp_path / "data.csv"), "--rank-by", "resolution")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["unit", "total", "index", "rank", "resolution", "gov", "aware"]
    # có/yes: hanoi 84.97, da_nang 100 → 2, 1; không: hue alone → 1
    assert [(r["unit"], r["rank"], r["resolution"]) for r in rows] == [
        ("hanoi", "2", "có"), ("hue", "1", "không"), ("da_nang", "1", "yes")]


def test_rank_by_another_column(framework, tmp_path, capsys):
    path = write_csv(tmp_path / "data.csv", header=HEADER + ("kind",),
                     rows=[ROWS[0] + ("city",), ROWS[1] + ("province",), ROWS[2] + ("city",)])
    code, out, _ = run(capsys, "score", framework, path, "--rank-by", "kind")
    assert [(r["unit"], r["rank"]) for r in csv.DictReader(io.StringIO(out))] == [
        ("hanoi", "2"), ("hue", "1"), ("da_nang", "1")]


def test_rank_by_unknown_column(framework, tmp_path, capsys):
    path = write_csv(tmp_path / "data.csv")
    error = one_error(capsys, "score", framework, path, "--rank-by", "resolutoin")
    assert error == f"--rank-by resolutoin: no column 'resolutoin' in {path} (did you mean 'resolution'?)"


# ---------------------------------------------------------------- templates


def test_template_csv_lists_label_type_unit_and_constraint(framework, tmp_path, capsys):
    form = tmp_path / "form.csv"
    code, out, _ = run(capsys, "template", framework, "-o", form)
    assert code == 0 and str(form) in out
    text = form.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    meta = {row[0]: row[1:] for row in rows if row[0].startswith("#")}
    assert meta["# nhãn (label)"] == ["Tổng số hồ sơ TTHC", "Số hồ sơ trực tuyến", "Có nghị quyết chuyên đề",
                                      "Chi cho chuyển đổi số (triệu đồng)"]
    assert meta["# kiểu (type)"] == ["count", "count", "bool", "number"]
    assert meta["# cách ghi (unit)"] == ["số nguyên ≥ 0", "số nguyên ≥ 0", "có / không", "số"]
    assert meta["# ràng buộc (constraint)"] == ["", "≤ dossiers", "", "trong khoảng 0..100000"]
    assert meta["# dùng cho (used in)"] == ["Government", "Government", "Awareness", "Awareness"]
    assert input_ids(rows[-1]) == list(HEADER)  # the header is the last line: no units yet
    assert rows[-1][2] == "Số hồ sơ trực tuyến [online]"  # label [id] (io.headers)
    table = read_table(form)
    assert len(table) == 0 and set(input_ids(table.columns)) == set(HEADER[1:])


def fill_csv(form, rows):
    """What a department's script does: append its rows under the template's header."""
    header = None
    with open(form, encoding="utf-8-sig", newline="") as handle:
        for row in csv.reader(handle):
            if not row[0].startswith("#"):
                header = input_ids(row)
                break
    with open(form, "a", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        for values in rows:
            writer.writerow([values[name] for name in header])


def fill_xlsx(form, rows):
    workbook = openpyxl.load_workbook(form)
    sheet = workbook.worksheets[0]
    header = input_ids(cell.value for cell in sheet[1])
    for values in rows:
        sheet.append([values[name] for name in header])
    workbook.save(form)


@pytest.mark.parametrize("suffix,fill", [(".csv", fill_csv), (".xlsx", fill_xlsx)])
def test_template_filled_by_a_script_scores_unchanged(framework, tmp_path, capsys, suffix, fill):
    form = tmp_path / ("form" + suffix)
    assert run(capsys, "template", framework, "-o", form)[0] == 0
    fill(form, [dict(zip(HEADER, row)) for row in (typed_rows() if suffix == ".xlsx" else ROWS)])
    code, out, err = run(capsys, "score", framework, form)
    assert code == 0, err
    got = {row["unit"]: float(row["total"]) for row in csv.DictReader(io.StringIO(out))}
    assert got == pytest.approx(expected())


def fill_csv_semicolon(form, rows):
    with open(form, encoding="utf-8-sig") as handle:
        header = input_ids(next(line for line in handle if not line.startswith("#")).rstrip("\n").split(";"))
    with open(form, "a", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\n")
        for row in rows:
            writer.writerow([row[name] for name in header])


@pytest.mark.parametrize("suffix,fill", [(".csv", fill_csv_semicolon), (".xlsx", fill_xlsx)])
def test_department_template_round_trip(tmp_path, capsys, suffix, fill):
    """The shipped department framework: a template filled from the sample data scores
    exactly as the sample data does."""
    framework = ROOT / "frameworks" / "vn-dti-department.dti"
    sample = ROOT / "examples" / "department.csv"
    form = tmp_path / ("form" + suffix)
    assert run(capsys, "template", framework, "-o", form, "--delimiter", ";")[0] == 0
    with open(sample, encoding="utf-8-sig", newline="") as handle:
        fill(form, list(csv.DictReader(handle)))
    code, out, err = run(capsys, "score", framework, form)
    assert code == 0, err
    _, direct, _ = run(capsys, "score", framework, sample)
    assert out == direct


def test_xlsx_template_has_notes_checks_and_a_guide(framework, tmp_path, capsys):
    form = tmp_path / "form.xlsx"
    assert run(capsys, "template", framework, "-o", form, "--unit", "hanoi", "--unit", "hue")[0] == 0
    workbook = openpyxl.load_workbook(form)
    sheet = workbook.worksheets[0]
    assert input_ids(cell.value for cell in sheet[1]) == list(HEADER)
    assert [sheet.cell(row=r, column=1).value for r in (2, 3)] == ["hanoi", "hue"]
    assert "Số hồ sơ trực tuyến" in sheet["C1"].comment.text and "≤ dossiers" in sheet["C1"].comment.text
    lists = [v.formula1 for v in sheet.data_validations.dataValidation if v.type == "list"]
    assert lists == ['"có,không"']
    guide = workbook["Hướng dẫn"]
    names = [row[0] for row in guide.iter_rows(min_row=5, values_only=True)]
    assert names == list(HEADER)
    table = read_table(form)
    assert table.units == ["hanoi", "hue"]
    assert score_table(dtiscore.load(framework), table).total.tolist() == [0, 0]  # no data, no points


# ---------------------------------------------------------------- bad files: one clear error each


def test_wrong_delimiter(framework, tmp_path, capsys):
    path = write_csv(tmp_path / "data.csv", delimiter=";")
    error = one_error(capsys, "score", framework, path, "--delimiter", ",")
    assert error == (f"{path}:1: the header is a single column ('unit;dossiers;online;resolution;spending'): "
                     "the cells are separated by ';', not ','; drop --delimiter or pass --delimiter ';'")


def test_unknown_delimiter(framework, tmp_path, capsys):
    path = write_csv(tmp_path / "data.csv", delimiter="|")
    error = one_error(capsys, "score", framework, path)
    assert error.startswith(f"{path}:1: the header is a single column ('unit|dossiers|")
    assert "',', ';' or a tab" in error


def test_rows_with_another_delimiter(framework, tmp_path, capsys):
    path = tmp_path / "data.csv"
    path.write_text("unit,dossiers,online,resolution,spending\nhanoi;1000;400;có;848\nhue;2;1;có;1\n", encoding="utf-8")
    error = one_error(capsys, "score", framework, path)
    assert error == (f"{path}:2: 1 cells, but the header has 5 (this row looks separated by ';', the header by ',')"
                     "; 1 more rows like it")


def test_unquoted_decimal_comma_in_a_comma_file(framework, tmp_path, capsys):
    path = tmp_path / "data.csv"
    path.write_text("unit,dossiers,online,resolution,spending\nhanoi,1000,400,có,848,47\n", encoding="utf-8")
    error = one_error(capsys, "score", framework, path)
    assert error.startswith(f"{path}:2: 6 cells, but the header has 5 (a number written with a decimal comma")


def test_text_in_a_count_column(framework, tmp_path, capsys):
    rows = [ROWS[0], ("hue", "nhiều", "50", "không", "100"), ROWS[2]]
    path = write_csv(tmp_path / "data.csv", rows=rows)
    error = one_error(capsys, "score", framework, path)
    assert error == f"{path}:3: unit 'hue', column 'dossiers': 'nhiều' is not a count (a whole number ≥ 0)"


def test_text_in_a_count_column_of_a_workbook(framework, tmp_path, capsys):
    rows = typed_rows()
    rows[2] = ("da_nang", 100, "một trăm", True, 1000)
    path = write_xlsx(tmp_path / "data.xlsx", rows, before=[("# a note",)])
    error = one_error(capsys, "score", framework, path)
    assert error == f"{path}:5: unit 'da_nang', column 'online': 'một trăm' is not a count (a whole number ≥ 0)"


def test_missing_column(framework, tmp_path, capsys):
    path = write_csv(tmp_path / "data.csv", header=HEADER[:2] + HEADER[3:], rows=[r[:2] + r[3:] for r in ROWS])
    error = one_error(capsys, "score", framework, path)
    assert error == f"{path}:1: missing column 'online' (input online: count)"


def test_missing_unit_column(framework, tmp_path, capsys):
    path = write_csv(tmp_path / "data.csv", header=("Unit",) + HEADER[1:])
    error = one_error(capsys, "score", framework, path)
    assert error == (f"{path}:1: no 'unit' column in the header (Unit, dossiers, online, resolution, spending) "
                     "(did you mean 'Unit'?); the 'unit' column holds each unit's id")


def test_duplicated_unit_id_names_both_rows(framework, tmp_path, capsys):
    path = write_csv(tmp_path / "data.csv", rows=ROWS + [("hue",) + ROWS[2][1:]], before="# note\n")
    error = one_error(capsys, "score", framework, path)
    assert error == f"{path}:6: unit id 'hue' appears twice (rows 4 and 6); each unit needs its own row"


def test_duplicated_column(framework, tmp_path, capsys):
    path = write_csv(tmp_path / "data.csv", header=HEADER + ("online",), rows=[r + ("1",) for r in ROWS])
    error = one_error(capsys, "score", framework, path)
    assert error == f"{path}:1: column 'online' appears twice in the header (columns 3 and 6)"


def test_empty_unit_id(framework, tmp_path, capsys):
    path = write_csv(tmp_path / "data.csv", rows=[ROWS[0], ("",) + ROWS[1][1:]])
    assert one_error(capsys, "score", framework, path) == f"{path}:3: the unit id is empty"


def test_value_in_an_unnamed_column(framework, tmp_path, capsys):
    path = tmp_path / "data.csv"
    path.write_text("unit,dossiers,online,resolution,spending,\nhanoi,1000,400,có,848,oops\n", encoding="utf-8")
    assert one_error(capsys, "score", framework, path) == (
        f"{path}:2: the value 'oops' is in column 6, which has no name in the header (row 1)")


def test_broken_constraint_names_row(framework, tmp_path, capsys):
    path = write_csv(tmp_path / "data.csv", rows=[ROWS[0], ("hue", "200", "250", "không", "100")])
    assert one_error(capsys, "score", framework, path) == (
        f"{path}:3: unit 'hue', column 'online': 250 is more than dossiers (200), but online <= dossiers")


def test_missing_value_with_on_missing_error_names_row(tmp_path, capsys):
    framework = tmp_path / "strict.dti"
    framework.write_text('framework m "M" { max 10 input n count on_missing error\n'
                         ' criterion c "C" max 10 { score n } }\n', encoding="utf-8")
    path = tmp_path / "data.csv"
    path.write_text("unit,n\na,1\nb,\n", encoding="utf-8")
    error = one_error(capsys, "score", framework, path)
    assert error.startswith(f"{path}:3: unit 'b': ") and "missing: n" in error


def test_empty_file(framework, tmp_path, capsys):
    path = tmp_path / "data.csv"
    path.write_text("# only a comment\n", encoding="utf-8")
    assert one_error(capsys, "score", framework, path).startswith(f"{path}: the file is empty")


def test_several_bad_values_each_named(framework, tmp_path, capsys):
    rows = [("hanoi", "x", "400", "có", "848"), ("hue", "200", "50", "maybe", "100")]
    path = write_csv(tmp_path / "data.csv", rows=rows)
    code, _, err = run(capsys, "score", framework, path)
    assert code == 1
    assert err.strip().splitlines() == [
        f"{path}:2: unit 'hanoi', column 'dossiers': 'x' is not a count (a whole number ≥ 0)",
        f"{path}:3: unit 'hue', column 'resolution': 'maybe' is not a bool (true/false, 1/0, yes/no, có/không)",
    ]


# ---------------------------------------------------------------- progress


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_only_on_a_terminal_for_large_files(tmp_path):
    path = write_csv(tmp_path / "data.csv")
    assert not Progress.for_file(str(path), io.StringIO(), threshold=0).enabled
    assert not Progress.for_file(str(path), Terminal()).enabled  # small
    terminal = Terminal()
    progress = Progress.for_file(str(path), terminal, threshold=0)
    read_table(path, progress=progress.reading)
    progress.stage("scoring 3 units")
    progress.done()
    shown = terminal.getvalue()
    assert "reading data.csv [" in shown and "100%" in shown and "scoring 3 units" in shown
    assert shown.endswith("\r") and "\n" not in shown


def test_score_shows_progress_on_a_terminal(framework, tmp_path, capsys, monkeypatch):
    import dtiscore.cli.progress as progress_module

    monkeypatch.setattr(progress_module, "LARGE_FILE", 0)
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["score", str(framework), str(write_csv(tmp_path / "data.csv"))]) == 0
    assert "scoring 3 units" in terminal.getvalue()
    assert capsys.readouterr().out.startswith("unit,total")


# ---------------------------------------------------------------- inspect


def test_inspect(framework, capsys):
    code, out, _ = run(capsys, "inspect", framework)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "tables  Tables demo"
    assert lines[1] == "100 points · 2 groups · 3 criteria · 4 inputs · 0 params"
    assert [line.split() for line in lines[3:]] == [["gov", "Government", "60", "1", "criterion"],
                                                    ["aware", "Awareness", "40", "2", "criteria"]]
    code, out, _ = run(capsys, "inspect", framework, "--criteria")
    assert "  online_rate  Online" in out


def test_inspect_shipped_province_2022(capsys):
    path = ROOT / "frameworks" / "vn-dti-province-2022.dti"
    code, out, _ = run(capsys, "inspect", path)
    assert code == 0
    rows = {line.split()[0]: line for line in out.splitlines()[3:]}
    assert rows["awareness"].split()[-3:] == ["100", "10", "criteria"]
    assert "pillar: government, economy, society" in rows["foundation"]
    assert "not scored" in rows["smart_city"]
    assert rows["digital_government"].split()[-5:] == ["200", "22", "criteria", "pillar:", "government"]


# ---------------------------------------------------------------- distinct values parsed once


def test_mixed_cells_are_parsed_by_type_not_by_equality():
    """True == 1 == 1.0 in Python, but a bool is not a count: distinct values are keyed by
    type where bools mix with numbers (a JSON or Excel column can hold both)."""
    framework = dtiscore.loads('framework m "M" { max 10 input n count\n criterion c "C" max 10 { score n } }')
    with pytest.raises(dtiscore.DataError) as info:
        framework.score({"n": np.array([1, True, 1.0, np.True_], dtype=object)}, units=["a", "b", "c", "d"])
    assert [p.position for p in info.value.details] == [1, 3]
    result = framework.score({"n": np.array([1, 2.0, "3", None, "", 1], dtype=object)})
    assert result.total.tolist() == [1, 2, 3, 0, 0, 1]
