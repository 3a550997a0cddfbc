"""CSV text written a column at a time by Arrow (`csvtext`) is byte for byte what the csv
module writes row by row from each value's `cell_text`."""

import csv
import io
import math
import os

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dtiscore.io.formats import csvfile, csvtext
from dtiscore.io.output import write_table
from dtiscore.io.formats.csvtext import cell_texts


def by_csv_module(columns, delimiter=",", decimal_comma=False) -> str:
    """The text as the csv module writes it, a row at a time: what `csvtext.lines` must give."""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(
        zip(*(cell_texts(values, decimal_comma) for values in columns)))
    return out.getvalue()


# floats of every layout: near the edges of Arrow's and Python's positional ranges, ±0, NaN, ±inf
EDGES = [0.0, -0.0, 1e-4, 9.999999999999999e-05, 1e-5, 1e10, 9999999999.999998, 1e16, 1e15, 1e-7,
         123456789.00000001, 0.1 + 0.2, 5e-324, 1.7976931348623157e308, -2.5e-300, math.nan, math.inf, -math.inf]
floats = st.one_of(st.floats(), st.sampled_from(EDGES), st.floats(-1e12, 1e12),
                   st.integers(-10**17, 10**17).map(float), st.floats(0, 100).map(lambda x: round(x, 2)))
texts = st.one_of(st.text(), st.sampled_from(["=SUM(A1:A3)", "+1", "-2", "@x", '"', 'a"b', "a,b", "a;b",
                                              "a\tb", "line\nbreak", "cr\rhere", "\r\n", "", " ", "Hà Nội",
                                              "Đà Nẵng", "None"]))


@st.composite
def columns(draw):
    n = draw(st.integers(0, 12))
    kinds = draw(st.lists(st.sampled_from(["float", "float32", "int", "uint", "bool", "text", "text_or_none",
                                           "ints", "big_ints", "floats", "mixed", "arrow_text", "arrow_coded"]),
                             min_size=1, max_size=5))
    out = []
    for kind in kinds:
        if kind == "float":
            out.append(np.array(draw(st.lists(floats, min_size=n, max_size=n)), dtype=float))
        elif kind == "float32":
            out.append(np.array(draw(st.lists(st.floats(width=32), min_size=n, max_size=n)), dtype=np.float32))
        elif kind in ("int", "uint"):
            low = -2**63 if kind == "int" else 0
            high = 2**63 - 1 if kind == "int" else 2**64 - 1
            out.append(np.array(draw(st.lists(st.integers(low, high), min_size=n, max_size=n)),
                                dtype=np.int64 if kind == "int" else np.uint64))
        elif kind == "bool":
            out.append(np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool))
        elif kind == "text":
            out.append(draw(st.lists(texts, min_size=n, max_size=n)))
        elif kind == "text_or_none":
            out.append(draw(st.lists(st.one_of(texts, st.none()), min_size=n, max_size=n)))
        elif kind == "ints":
            out.append(draw(st.lists(st.integers(-10**6, 10**6), min_size=n, max_size=n)))
        elif kind == "big_ints":
            out.append(draw(st.lists(st.integers(), min_size=n, max_size=n)))
        elif kind == "floats":
            out.append(draw(st.lists(st.one_of(floats, st.none()), min_size=n, max_size=n)))
        elif kind == "arrow_text":  # text whose kind its maker knows (the ledger's): an Arrow array
            out.append(pa.array(draw(st.lists(st.one_of(texts, st.none()), min_size=n, max_size=n)), pa.string()))
        elif kind == "arrow_coded":  # names by position (the ledger's criteria, statuses)
            names = draw(st.lists(texts, min_size=1, max_size=4))
            codes = draw(st.lists(st.one_of(st.integers(0, len(names) - 1), st.none()), min_size=n, max_size=n))
            out.append(pa.DictionaryArray.from_arrays(pa.array(codes, pa.int32()), pa.array(names, pa.string())))
        else:
            out.append(draw(st.lists(st.one_of(floats, texts, st.none(), st.integers(), st.booleans()),
                                     min_size=n, max_size=n)))
    # a list may come as a numpy array of objects (the ledger's text columns do)
    return [np.array(c, dtype=object) if isinstance(c, list) and draw(st.booleans()) else c for c in out]


@settings(max_examples=400)
@given(columns(), st.sampled_from([(",", False), (";", True), ("\t", False), ("\t", True), (",", True)]))
@example([["a", "", "b"]], (",", False))  # a row of one empty cell is quoted
@example([np.array([1e15, 1e-5, -0.0, math.nan, 85.0])], (";", True))
def test_arrow_text_is_the_csv_modules(columns, dialect):
    delimiter, decimal_comma = dialect
    assert csvtext.lines(columns, delimiter, decimal_comma) == by_csv_module(columns, delimiter, decimal_comma)


def test_floats_in_full_and_layout_as_python_writes_them():
    values = np.array([1e15, 1e16, 1e-5, 1e-4, 9999999999.5, 1e10, -0.0, 0.0, 85.0, 1 / 3, math.nan, math.inf])
    assert csvtext.lines([values]).splitlines() == [
        "1000000000000000", "1e+16", "1e-05", "0.0001", "9999999999.5", "10000000000", "-0", "0", "85",
        "0.3333333333333333", '""', "inf"]


def test_many_rows_are_written_in_blocks(monkeypatch):
    monkeypatch.setattr(csvtext, "ROWS_AT_ONCE", 7)
    values = np.arange(50) / 7
    columns = [[f"u{i}" for i in range(50)], values, np.arange(50)]
    assert csvtext.lines(columns) == by_csv_module(columns)


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_writer_header_and_rows(delimiter):
    out = io.StringIO()
    writer = csvfile.Writer(out, delimiter)
    writer.write({"unit": ["a,b", 'say "hi"'], "total": np.array([1.5, math.nan]), "rank": [1, None]})
    writer.write({"unit": ["c"], "total": np.array([2.0]), "rank": [2]})
    expected = io.StringIO()
    rows = csv.writer(expected, delimiter=delimiter, lineterminator="\n")
    rows.writerows([["unit", "total", "rank"], ["a,b", 'say "hi"'][0:1] + ["1.5", "1"],
                    ['say "hi"', "", ""], ["c", "2", "2"]])
    assert out.getvalue() == expected.getvalue()


def test_text_that_is_no_utf8_is_written_by_the_csv_module():
    out = io.StringIO()
    csvfile.Writer(out).write({"unit": ["a\ud800"], "total": np.array([1.0])})
    assert out.getvalue() == "unit,total\na\ud800,1\n"


@settings(max_examples=150)
@given(columns(), st.sampled_from([(",", False), (";", True), ("\t", False)]), st.booleans())
@example([["Hà Nội", 'a "b"', "cr\rhere", "x,y"], pa.array(["Đà Nẵng", None, "\r\n", "ơ"])], (",", False), False)
def test_rows_written_to_the_binary_file_are_the_text_files(tmp_path_factory, columns, dialect, bom):
    """Into a UTF-8 text file the rows' bytes go to the binary file under it: the same bytes
    as the text path (a StringIO's), non-ASCII, quotes and carriage returns included."""
    delimiter, decimal_comma = dialect
    names = {f"c{i}": values for i, values in enumerate(columns)}
    path = tmp_path_factory.mktemp("csv") / "out.csv"
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csvfile.Writer(handle, delimiter, decimal_comma, lines_as_is=True)
        assert writer._binary is handle.buffer  # the fast path, or this test tests nothing
        writer.write(names)
        writer.write(names)
    text = io.StringIO()
    slow = csvfile.Writer(text, delimiter, decimal_comma)
    assert slow._binary is None
    slow.write(names)
    slow.write(names)
    assert path.read_bytes() == ("\ufeff" if bom else "").encode() + text.getvalue().encode("utf-8")


def test_text_files_that_change_what_is_written_get_text(tmp_path):
    with open(tmp_path / "latin.csv", "w", encoding="latin-1", newline="") as handle:
        assert csvfile.Writer(handle, lines_as_is=True)._binary is None
    with open(tmp_path / "out.csv", "wb") as binary:
        assert csvfile.Writer(io.TextIOWrapper(binary, encoding="UTF8", newline=""), lines_as_is=True)._binary is binary


@pytest.mark.parametrize("newline", ["\r\n", "\r", None, ""])
def test_a_callers_file_keeps_its_line_ends(tmp_path, newline):
    """A text file the caller opened says nothing of its line ends: rows go through it, so
    a file opened with newline="\\r\\n" gets "\\r\\n", as from the csv module."""
    columns = {"unit": ["Hà Nội", 'a "b"'], "total": np.array([1.5, 2.0])}
    with open(tmp_path / "out.csv", "w", encoding="utf-8", newline=newline) as handle:
        write_table(handle, columns)
    end = os.linesep if newline is None else (newline or "\n")
    expected = end.join(["unit,total", "Hà Nội,1.5", '"a ""b""",2', ""])
    assert (tmp_path / "out.csv").read_bytes() == expected.encode("utf-8")
