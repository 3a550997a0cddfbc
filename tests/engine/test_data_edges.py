"""The edges of the data path (issue 12): what is a column, the number grammar of data,
"no value" whatever the dtype, unit ids in two Unicode forms, formulas in and out of
spreadsheets, params= and loads() misuse. Each test holds the reproducer of a break."""

import decimal
import json
import unicodedata

import numpy as np
import pytest

import dtiscore
from dtiscore.engine.cells import read_number, show
from dtiscore.io.tables import read_table, score_table, write_table

import openpyxl  # noqa: E402  (the dev extra: these tests run in CI, never skipped)
import pandas as pd  # noqa: E402

FRAMEWORK = dtiscore.loads("""framework d "Data" {
    max 40
    input n count
    input x number
    input s share
    input b bool
    input role choice(chair, member)
    criterion cn "N" max 10 { linear n from 0 to 100 }
    criterion cx "X" max 10 { linear x from 0 to 100 }
    criterion cs "S" max 10 { proportional s }
    criterion cb "B" max 5 { award when b }
    criterion cr "R" max 5 { award when role == chair }
}""")

HANOI_NFC = unicodedata.normalize("NFC", "Hà Nội")
HANOI_NFD = unicodedata.normalize("NFD", "Hà Nội")


def data(**changes):
    columns = dict(n=[50], x=[50.0], s=[0.5], b=[True], role=["chair"])
    columns.update(changes)
    return columns


def error_of(columns, **options) -> str:
    with pytest.raises(dtiscore.DataError) as info:
        FRAMEWORK.score(columns, **options)
    return str(info.value)


def points(column: str, value) -> float:
    node = {"n": "cn", "x": "cx", "s": "cs", "b": "cb", "role": "cr"}[column]
    return float(FRAMEWORK.score(data(**{column: [value]})).points(node)[0])


# ---- a column is a column ----------------------------------------------------------------


@pytest.mark.parametrize("value, message", [
    ("75", "column 'x' is the text '75', not a column: pass one value per unit, e.g. ['75']"),
    (b"75", "column 'x' is the text b'75', not a column: pass one value per unit, e.g. [b'75']"),
    (75, "column 'x' is the single value 75, not a column: pass one value per unit, e.g. a list"),
    ({"a": 1}, "column 'x' is a dict, not a column: pass a list, array or pandas Series with one value per unit"),
    ({75}, "column 'x' is a set, not a column: pass a list, array or pandas Series with one value per unit"),
    (np.ones((1, 2)), "column 'x' must be 1-D (one value per unit), got shape (1, 2)"),
])
def test_what_is_not_a_column_is_an_error_naming_it(value, message):
    # "75" was split into two units, 7 and 5
    assert error_of(data(x=value)) == message


def test_a_ragged_list_column_names_the_bad_cells():
    # numpy's ValueError ("inhomogeneous shape") before
    message = error_of(dict(n=[[1, 2], [3]], x=[1, 2], s=[0, 0], b=[0, 0], role=["chair"] * 2))
    assert message == ("unit 0, column 'n': [1, 2] is not a count (a whole number ≥ 0)\n"
                       "unit 1, column 'n': [3] is not a count (a whole number ≥ 0)")


def test_a_string_of_units_is_a_type_error():
    with pytest.raises(TypeError, match="units must be a sequence of unit ids, one per unit, not str"):
        FRAMEWORK.score(data(), units="a")


def test_unhashable_unit_id_is_a_data_error():
    message = error_of(dict(n=[1, 2], x=[1, 2], s=[0, 0], b=[0, 0], role=["chair"] * 2), units=["a", ["b"]])
    assert message == "unit id ['b'] (position 1) is a list: a unit id is text or a number"


def test_a_bool_among_numbers_in_a_list_is_not_a_number():
    # numpy made [True, 0.0] the floats [1.0, 0.0]: True scored as 1 (found by the fuzz test)
    message = error_of(dict(n=[True, 0.0], x=[1, 2], s=[0, 0], b=[0, 0], role=["chair"] * 2))
    assert message == "unit 0, column 'n': True is not a count (a whole number ≥ 0)"


def test_times_are_not_numbers():
    # datetime64 values read as nanoseconds (a number) before
    times = np.array(["2024-01-01", "NaT"], dtype="datetime64[ns]")
    message = error_of(dict(n=[1, 2], x=times, s=[0, 0], b=[0, 0], role=["chair"] * 2))
    assert message == "unit 0, column 'x': '2024-01-01T00:00:00.000000000' is not a number"


# ---- the number grammar ------------------------------------------------------------------


@pytest.mark.parametrize("text, value", [
    ("12", 12.0), ("+12", 12.0), ("-1.5", -1.5), ("1.", 1.0), (".5", 0.5), (" 12 ", 12.0),
    ("1e3", 1000.0), ("1E-3", 0.001), ("82%", 0.82), ("82 %", 0.82), ("21.8%", 0.218),
    ("5E1%", 0.5), ("1e-2%", 0.0001), ("-0", -0.0),
])
def test_number_text_in_the_grammar(text, value):
    assert read_number(text.strip()) == value


@pytest.mark.parametrize("text", [
    "1_5", "１２", "٣", "0x10", "inf", "-infinity", "Infinity", "1,5", "1.2.3", "e5", "1e", "++1",
    "12 34", "%", "5%%", "1e5.5", "½", "1 000",
])
def test_number_text_outside_the_grammar(text):
    assert read_number(text.strip()) is None


@pytest.mark.parametrize("text, message", [
    ("1_5", "unit 0, column 'x': '1_5' is not a number"),  # was 15
    ("１２", "unit 0, column 'x': '１２' is not a number (write the digits 0-9)"),  # was 12
    ("٣", "unit 0, column 'x': '٣' is not a number (write the digits 0-9)"),  # was 3
    ("0x10", "unit 0, column 'x': '0x10' is not a number"),
    ("inf", "unit 0, column 'x': 'inf' is not a number"),
    ("1e400", "unit 0, column 'x': '1e400' is too large: numbers stop at ±1.8e308 (a float64)"),
])
def test_number_text_errors(text, message):
    assert error_of(data(x=[text])) == message


def test_percent_with_an_exponent_reads_as_written():
    # ValueError "could not convert string to float: '5E1e-2'" before, even with invalid="mark"
    assert points("s", "5E1%") == 5.0  # 0.5 × 10
    assert points("x", "1e4%") == 10 * 100 / 100  # 100, the top of 0..100
    marked = FRAMEWORK.score(data(s=["1e-2%"]), invalid="mark")
    assert marked.points("cs")[0] == pytest.approx(0.001)


def test_surrounding_spaces_are_ignored():
    assert points("n", " 12 ") == 1.2
    assert points("x", "\t50\u00a0") == 5.0


def test_nan_text_is_no_value_and_inf_text_is_an_error():
    assert np.isnan(FRAMEWORK.score(data(x=["nan"])).columns.values["x"][0])
    assert error_of(data(x=["-inf"])) == "unit 0, column 'x': '-inf' is not a number"


def test_integers_beyond_the_float_range_are_data_errors():
    # OverflowError before
    assert error_of(data(x=[10**400])) == (
        "unit 0, column 'x': 1" + "0" * 59 + "… (401 characters) "
        "is too large: numbers stop at ±1.8e308 (a float64)")
    assert "is not a bool" in error_of(data(b=[10**400]))


def test_a_huge_json_integer_is_a_data_error(tmp_path):
    path = tmp_path / "data.json"
    path.write_text(json.dumps([{"unit": "a", "n": 1, "x": 10**400, "s": 0, "b": True, "role": "chair"}]))
    with pytest.raises(dtiscore.DataError) as info:
        score_table(FRAMEWORK, read_table(path))
    assert str(info.value).startswith(f"{path}:1: unit 'a', column 'x': 1000")
    assert str(info.value).endswith("is too large: numbers stop at ±1.8e308 (a float64)")


def test_a_json_integer_of_5000_digits_is_a_data_error(tmp_path):
    path = tmp_path / "data.json"
    path.write_text('[{"unit": "a", "x": ' + "9" * 5000 + "}]")
    with pytest.raises(dtiscore.DataError, match="cannot read: Exceeds the limit"):
        read_table(path)


def test_csv_cells_follow_the_grammar_in_the_fast_path_too(tmp_path):
    # numpy's float() read "1_5" as 15 and " 12" as 12 for a column without a bad cell
    path = tmp_path / "data.csv"
    path.write_text("unit,n,x,s,b,role\na,1_5,1,0,1,chair\nb,12,1,0,1,chair\n")
    with pytest.raises(dtiscore.DataError) as info:
        score_table(FRAMEWORK, read_table(path))
    assert str(info.value) == f"{path}:2: unit 'a', column 'n': '1_5' is not a count (a whole number ≥ 0)"


def test_decimal_comma_uses_the_same_grammar(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("unit;n;x;s;b;role\na;12;5,5e1;82,5%;1;chair\nb;１２;1;0;1;chair\n")
    with pytest.raises(dtiscore.DataError) as info:
        score_table(FRAMEWORK, read_table(path), decimal_comma=True)
    assert str(info.value) == f"{path}:3: unit 'b', column 'n': '１２' is not a count (a whole number ≥ 0) (write the digits 0-9)"
    path.write_text("unit;n;x;s;b;role\na;12;5,5e1;82,5%;1;chair\n")
    result = score_table(FRAMEWORK, read_table(path), decimal_comma=True)
    assert result.columns.values["x"][0] == 55.0 and result.columns.values["s"][0] == 0.825


# ---- no value, whatever the dtype ----------------------------------------------------------


MISSING = [None, float("nan"), np.float32("nan"), np.float16("nan"), decimal.Decimal("NaN"), pd.NA, pd.NaT,
           np.datetime64("NaT")]


@pytest.mark.parametrize("column", ["n", "x", "s", "b", "role"])
@pytest.mark.parametrize("marker", MISSING, ids=repr)
def test_every_missing_marker_is_no_value_in_an_object_column(column, marker):
    values = np.empty(1, dtype=object)
    values[0] = marker
    result = FRAMEWORK.score(data(**{column: values}))
    assert np.isnan(result.columns.values[column][0])


@pytest.mark.parametrize("column, dtype", [
    ("b", "boolean"), ("b", "object"), ("role", "string"), ("n", "Int64"), ("x", "Float64"),
    ("x", "float64[pyarrow]"), ("n", "int64[pyarrow]"), ("b", "bool[pyarrow]"), ("role", "string[pyarrow]"),
    ("role", "category"),
])
def test_pandas_nulls_are_no_value_in_every_dtype(column, dtype):
    # pd.NA in boolean, string and object columns was "not a bool" while Int64's NA was missing
    present = {"b": True, "role": "chair", "n": 50, "x": 50.0}[column]
    series = pd.Series([present, None], dtype=dtype)
    frame = pd.DataFrame({**{k: v * 2 for k, v in data().items()}, column: series})
    values = FRAMEWORK.score(frame).columns.values[column]
    assert not np.isnan(values[0]) and np.isnan(values[1])


def test_an_arrow_array_with_nulls_is_a_column():
    import pyarrow as pa

    result = FRAMEWORK.score(data(x=pa.array([None], type=pa.float64())))
    assert np.isnan(result.columns.values["x"][0])


def test_numbers_of_other_types():
    assert points("x", decimal.Decimal("50")) == 5.0
    assert points("x", np.int8(50)) == 5.0
    assert points("n", np.uint16(50)) == 5.0
    assert "is not a number" in error_of(data(x=[1 + 0j]))
    assert "True is not a number" in error_of(data(x=[True]))


# ---- unit ids ------------------------------------------------------------------------------


def test_unit_ids_in_two_unicode_forms_are_an_error_naming_both():
    columns = {name: values * 2 for name, values in data().items()}
    message = error_of(columns, units=[HANOI_NFC, HANOI_NFD])
    assert message == (
        f"unit ids {HANOI_NFC!r} and {HANOI_NFD!r} (positions 0 and 1) differ only in Unicode normalisation "
        r"('H\xe0 N\u1ed9i' and 'Ha\u0300 No\u0323\u0302i'): they look alike but are different text; "
        "write both the same way")


def test_unit_ids_in_two_unicode_forms_in_a_file_name_the_rows(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text(f"unit,n,x,s,b,role\n{HANOI_NFC},1,1,0,1,chair\nhue,1,1,0,1,chair\n{HANOI_NFD},1,1,0,1,chair\n",
                    encoding="utf-8")
    with pytest.raises(dtiscore.DataError) as info:
        read_table(path)
    assert str(info.value).startswith(f"{path}:4: unit ids {HANOI_NFC!r} and {HANOI_NFD!r} (rows 2 and 4) differ only")


def test_unit_ids_in_two_unicode_forms_in_two_chunks(tmp_path):
    from dtiscore.io.formats import csvfile
    path = tmp_path / "data.csv"
    path.write_text(f"unit,n\n{HANOI_NFC},1\nhue,1\n{HANOI_NFD},1\n", encoding="utf-8")
    with pytest.raises(dtiscore.DataError) as info:
        list(csvfile.read_chunks(path, 2))
    assert str(info.value).startswith(f"{path}:4: unit ids {HANOI_NFC!r} and {HANOI_NFD!r} (rows 2 and 4) differ only")


def test_a_long_value_is_shortened_in_messages():
    cell = "7" * 5_000_000
    message = error_of(data(role=[cell]))
    assert message == "unit 0, column 'role': '" + "7" * 59 + "… (5,000,000 characters) is not one of chair, member"
    assert show("short") == "'short'"


# ---- spreadsheets -------------------------------------------------------------------------


def test_a_formula_without_a_saved_value_is_an_error_naming_the_cell(tmp_path):
    # was read as no value: the criterion silently scored as missing
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append(["unit", "n", "x", "s", "b", "role"])
    sheet.append(["a", 50, 50, 0.5, True, "chair"])
    sheet.append(["b", 50, "=C2*2", 0.5, True, "chair"])
    path = tmp_path / "script.xlsx"
    book.save(path)
    with pytest.raises(dtiscore.DataError) as info:
        read_table(path)
    assert str(info.value) == (
        f"{path}: 'Sheet1'!C3: the formula has no saved value (the workbook was written by a program and never "
        "calculated): open the file in a spreadsheet program (Excel, LibreOffice) and save it, which stores every "
        "formula's value")


def test_a_formula_with_a_saved_value_reads_its_value(tmp_path):
    # as a spreadsheet program saves it: <f> and the value in <v>; an empty text result is t="str"
    book = openpyxl.Workbook()
    book.active.append(["unit", "n", "x", "s", "b", "role"])
    book.active.append(["a", 50, 50, 0.5, True, "chair"])
    path = tmp_path / "saved.xlsx"
    book.save(path)
    import zipfile
    with zipfile.ZipFile(path) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    xml = files[sheet].decode()
    cell = xml[xml.index('<c r="C2"'):xml.index("</c>", xml.index('<c r="C2"')) + 4]
    files[sheet] = xml.replace(cell, '<c r="C2"><f>B2*2</f><v>100</v></c>').replace(
        '<c r="F2"', '<c r="G2" t="str"><f>""</f><v></v></c><c r="F2"').encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    table = read_table(path)
    assert table.columns["x"] == [100]


@pytest.mark.parametrize("unit", ['=HYPERLINK("http://x","y")', "=1+1", "#N/A", "+1", "@SUM(A1)"])
def test_text_written_to_a_spreadsheet_stays_text(tmp_path, unit):
    path = tmp_path / "out.xlsx"
    write_table(path, {"unit": [unit, "hue"], "total": [1.0, 2.0]})
    cell = openpyxl.load_workbook(path).active["A2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (unit, "s", True)
    assert openpyxl.load_workbook(path).active["A3"].data_type == "s"


def test_a_template_writes_unit_ids_as_text(tmp_path):
    from dtiscore.io.template import write_template
    path = tmp_path / "form.xlsx"
    write_template(FRAMEWORK, path, units=['=HYPERLINK("http://x","y")'])
    cell = openpyxl.load_workbook(path).worksheets[0]["A2"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x","y")', "s")


def test_csv_output_keeps_formula_like_text_as_it_is():
    import io
    out = io.StringIO()
    write_table(out, {"unit": ["=1+1"], "total": [1.0]})
    assert out.getvalue() == "unit,total\n=1+1,1\n"


def test_text_no_spreadsheet_cell_can_hold_is_a_data_error(tmp_path):
    with pytest.raises(dtiscore.DataError, match=r"cannot write 'a\\x01' to a .xlsx file: it holds a control character"):
        write_table(tmp_path / "out.xlsx", {"unit": ["a\x01"], "total": [1.0]})
    with pytest.raises(dtiscore.DataError, match="a cell holds at most 32,767 characters"):
        write_table(tmp_path / "out.xlsx", {"unit": ["a" * 40_000], "total": [1.0]})


def test_a_csv_cell_past_the_csv_module_limit_is_a_data_error():
    from dtiscore.io.formats import csvfile
    with pytest.raises(dtiscore.DataError, match=r"<data>:2: cannot read the row: field larger than field limit"):
        csvfile.parse('unit,x\n"' + "a" * 200_000 + '",1\n')


# ---- params= and loads() ------------------------------------------------------------------

PARAM_TEXT = """framework p "P" {
    max 10
    param goal = 50
    param strict = true
    input x number
    criterion c "C" max 10 { linear x from 0 to goal }
    criterion e "E" max 0 { award when strict }
}"""


@pytest.mark.parametrize("params, message", [
    ([("goal", 1)], "params must be a mapping of param name → value, e.g. {'target': 0.8}, not a list"),
    ("goal=1", "params must be a mapping of param name → value, e.g. {'target': 0.8}, not a str"),
    ({1: 2}, "params: a param's name is a str, not 1 (int)"),
])
def test_params_of_the_wrong_type_name_the_argument(params, message):
    # AttributeError and a TypeError from deep inside before
    with pytest.raises(TypeError) as info:
        dtiscore.loads(PARAM_TEXT, params=params)
    assert str(info.value) == message


def test_numpy_scalars_are_params():
    framework = dtiscore.loads(PARAM_TEXT, params={"goal": np.int8(100), "strict": np.bool_(False)})
    assert framework.score({"x": [50.0]}).points("c")[0] == 5.0


def test_a_param_beyond_the_float_range_is_a_check_error():
    # OverflowError before
    with pytest.raises(dtiscore.CheckError) as info:
        dtiscore.loads(PARAM_TEXT, params={"goal": 10**400})
    assert str(info.value) == "<string>: param 'goal': the override is too large for a float64 (beyond ±1.8e308)"


def test_loads_accepts_a_byte_order_mark_as_load_does():
    assert dtiscore.loads("\ufeff" + PARAM_TEXT).id == "p"


def test_a_lone_surrogate_in_the_text_is_a_syntax_error():
    # UnicodeEncodeError from the cache key before
    with pytest.raises(dtiscore.DtiSyntaxError) as info:
        dtiscore.loads(PARAM_TEXT.replace('"P"', '"\ud800"'))
    assert str(info.value) == (
        r"<string>:1:14: '\ud800' is a lone surrogate, not a character: the text was decoded wrongly "
        "(read the file as UTF-8)\n"
        r'    framework p "\ud800" {' "\n"
        "                 ^")
    str(info.value).encode("utf-8")  # the message itself prints


def test_loads_of_bytes_is_a_type_error():
    with pytest.raises(TypeError, match="loads takes the text of a .dti file"):
        dtiscore.loads(PARAM_TEXT.encode())


# ---- docs/data.md shows the messages as they are --------------------------------------------


def test_the_messages_in_the_data_doc_are_the_real_ones(tmp_path, monkeypatch):
    from pathlib import Path
    doc = (Path(__file__).resolve().parents[2] / "docs" / "data.md").read_text(encoding="utf-8")
    framework = dtiscore.loads("""framework doc "Doc" {
        max 10
        input dossiers count
        input spending number
        input online_share share
        criterion c "C" max 10 { linear dossiers from 0 to 10 }
    }""")
    monkeypatch.chdir(tmp_path)
    for column, cell in [("dossiers", "1_5"), ("spending", "１２"), ("spending", "inf"), ("spending", "1e400"),
                         ("online_share", "5%%"), ("online_share", "82")]:
        cells = {"dossiers": "1", "spending": "1", "online_share": "1", column: cell}
        Path("data.csv").write_text("unit,dossiers,spending,online_share\nhanoi,1,1,1\n"
                                    f"hue,{cells['dossiers']},{cells['spending']},{cells['online_share']}\n",
                                    encoding="utf-8")
        with pytest.raises(dtiscore.DataError) as info:
            score_table(framework, read_table("data.csv"))
        assert str(info.value) in doc.splitlines()
    for value in ["75", 75, {"a": 1}, np.ones((3, 2)), [[1, 2], [3]]]:
        values = value if not isinstance(value, list) else value
        with pytest.raises(dtiscore.DataError) as info:
            framework.score({"dossiers": values, "spending": [1, 1], "online_share": [0, 0]})
        assert str(info.value).splitlines()[0] in doc.splitlines(), str(info.value)
    Path("data.csv").write_text("unit,dossiers,spending,online_share\n" + f"{HANOI_NFC},1,1,1\n"
                                + "".join(f"u{i},1,1,1\n" for i in range(6)) + f"{HANOI_NFD},1,1,1\n",
                                encoding="utf-8")
    with pytest.raises(dtiscore.DataError) as info:
        read_table("data.csv")
    assert unicodedata.normalize("NFC", str(info.value)) in unicodedata.normalize("NFC", doc).splitlines()
