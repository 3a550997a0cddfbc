"""One writer choice for every command that writes a table: the format by -o's extension,
full precision in files, rounded numbers on a terminal, a decimal comma when asked."""

import csv
import io
import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dtiscore.errors import DtiError
from dtiscore.io.output import WRITE_FORMATS, output_format, write_table
from dtiscore.io.tables import read_table

FLOATS = [0.1 + 0.2, 1 / 3, 718.2915274323051, 1e-17, 123456789.00000001, 85.0, 2.5e300]


def columns(values=FLOATS):
    return {"unit": [f"u{i}" for i in range(len(values))], "total": np.array(values, dtype=float)}


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".json", ".jsonl", ".xlsx", ".parquet"])
def test_files_round_trip_every_float_exactly(tmp_path, suffix):
    path = tmp_path / f"out{suffix}"
    write_table(path, columns())
    table = read_table(path)
    assert table.units == [f"u{i}" for i in range(len(FLOATS))]
    read = [float(value) for value in table.columns["total"]]
    if suffix == ".xlsx":  # openpyxl writes 16 significant digits (Excel itself shows 15)
        assert read == pytest.approx(FLOATS, rel=1e-15) and read[2] == FLOATS[2]
    else:
        assert read == FLOATS


@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1, max_size=20))
def test_csv_and_jsonl_keep_any_float(values):
    for format in ("csv", "jsonl"):
        out = io.StringIO()
        write_table(out, columns(values), format)
        if format == "csv":
            read = [float(row["total"]) for row in csv.DictReader(io.StringIO(out.getvalue()))]
        else:
            read = [json.loads(line)["total"] for line in out.getvalue().splitlines()]
        assert read == values


def test_a_terminal_table_is_rounded(tmp_path):
    path = tmp_path / "out.txt"
    write_table(path, columns([1 / 3]))
    assert "0.33" in path.read_text() and "0.333333" not in path.read_text()


def test_decimal_comma_output():
    out = io.StringIO()
    write_table(out, {"unit": ["Hà Nội", "a.b"], "total": np.array([718.2915274323051, 85.0]),
                      "rank": [1, 2]}, "csv", decimal_comma=True)
    assert out.getvalue() == "unit;total;rank\nHà Nội;718,2915274323051;1\na.b;85;2\n"
    out = io.StringIO()
    write_table(out, {"unit": ["x"], "share": [0.25]}, "tsv", decimal_comma=True)
    assert out.getvalue() == "unit\tshare\nx\t0,25\n"


def test_unknown_extension_lists_the_choices(tmp_path):
    with pytest.raises(DtiError) as error:
        output_format(tmp_path / "out.docx")
    message = str(error.value)
    assert "cannot write .docx files" in message
    for suffix in (".csv", ".tsv", ".json", ".jsonl", ".txt", ".xlsx", ".parquet"):
        assert suffix in message and suffix in WRITE_FORMATS
    with pytest.raises(DtiError, match="unknown output format 'xml'"):
        output_format(None, "xml")
