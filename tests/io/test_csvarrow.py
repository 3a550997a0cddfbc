"""CSV files read by Arrow (io.formats.csvarrow) give the tables and the errors of the Python
reader (io.formats.csvfile): the same units, rows and cells, whole or a chunk at a time,
whatever the file holds (quotes, blank lines, carriage returns, rows of the wrong width,
comments, a BOM, text that is not UTF-8)."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dtiscore
from dtiscore.io.formats import csvarrow, csvfile
from dtiscore.io.formats.common import TextCells
from dtiscore.io.tables import CsvChunks, read_table, score_chunks, score_table


def outcome(read):
    """What a reader gives: (units, rows, every column's cells) per table, or the error's text."""
    try:
        tables = read()
        return [(t.units, t.rows, t.header_row, {name: list(cells) for name, cells in t.columns.items()})
                for t in tables]
    except dtiscore.DataError as error:
        return str(error)


CELL = st.sampled_from(["1", "2.5", "", " ", "a", "x y", "có", "Hà Nội", "-", "82%", "1,5", '"q"', 'a"b', "#c",
                        "\u00a0", "\t", "u1", "u2", '""', '"a""b"', '"1,5"', '"x;y"', ' "x"', '"x" ', '"x"y', '"',
                        '"""', '"u1"', '" "', '"a\tb"', '"1"'])
ROW = st.lists(CELL, min_size=1, max_size=5).map(",".join)


@st.composite
def csv_bytes(draw):
    header = draw(st.sampled_from(["unit,a,b", "unit;a;b", "unit\ta\tb", "a,unit", "unit,,b", "unit,a,a", "x,y"]))
    lines = draw(st.lists(ROW | st.sampled_from(["", "u1,1,2", "u2,3,4", "u1,5,6", ",,", '"u3",1,2', "u4,1",
                                                  "u5,1,2,3", '"u6","a\nb",1', "u7,1;2,3"]), max_size=8))
    before = draw(st.lists(st.sampled_from(["# note", "", "#x,y"]), max_size=2))
    ending = draw(st.sampled_from(["\n", "\r\n", "\n\n"]))
    text = ending.join([*before, header, *lines]) + draw(st.sampled_from(["", "\n"]))
    data = text.encode("utf-8")
    if draw(st.booleans()):
        data = b"\xef\xbb\xbf" + data
    if draw(st.integers(0, 9)) == 0:
        data += b"u9,\xff,1\n"  # not UTF-8
    if draw(st.integers(0, 9)) == 0:
        data = data.replace(b"\n", b"\r", 1)  # a carriage return that ends no line
    return data


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(csv_bytes(), st.integers(1, 4))
def test_arrow_reads_every_file_as_the_python_reader_does(tmp_path, data, size):
    path = tmp_path / "data.csv"
    path.write_bytes(data)
    assert outcome(lambda: [csvarrow.read(path)]) == outcome(lambda: [csvfile.read(path)])
    arrow, python = (outcome(lambda: list(csvarrow.read_chunks(path, size))),
                     outcome(lambda: list(csvfile.read_chunks(path, size))))
    if isinstance(python, str) and "not UTF-8" in python:
        # the Python reader meets bad bytes as soon as its 8 KiB read-ahead does, before any
        # error in the rows above them: either error is the file's
        assert isinstance(arrow, str)
    else:
        assert arrow == python


def test_a_plain_file_is_read_by_arrow(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("# labels\nunit,a,note\nhue,1,x\nhcm,2,y\n", encoding="utf-8")
    table = csvarrow.read(path)
    assert isinstance(table.columns["a"], TextCells)  # not the Python reader's lists
    assert table.units == ["hue", "hcm"] and table.rows == [3, 4] and table.header_row == 2
    assert table.columns["note"] == ["x", "y"] and table.cells("a") == ["1", "2"]


def test_chunks_switch_to_the_python_reader_at_the_first_quote(tmp_path):
    path = tmp_path / "data.csv"
    rows = [f"u{i},{i}" for i in range(10)]
    rows[6] = '"u6","6\n"'  # a quoted cell spanning two lines, in the fourth chunk of two rows
    path.write_text("unit,a\n" + "\n".join(rows) + "\n", encoding="utf-8")
    chunks = list(csvarrow.read_chunks(path, 2))
    kinds = [type(chunk.columns["a"]).__name__ for chunk in chunks]
    assert kinds[:3] == ["TextCells"] * 3 and set(kinds[3:]) == {"list"}
    assert outcome(lambda: chunks) == outcome(lambda: list(csvfile.read_chunks(path, 2)))


def test_a_unit_id_in_two_chunks_is_reported_as_in_the_whole_file(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("unit,a\nu1,1\nu2,2\nu3,3\nu1,4\n", encoding="utf-8")
    with pytest.raises(dtiscore.DataError) as info:
        list(csvarrow.read_chunks(path, 2))
    assert str(info.value) == f"{path}:5: unit id 'u1' appears twice (rows 2 and 5); each unit needs its own row"


FRAMEWORK = dtiscore.loads("""framework seps "Separators" {
    max 10
    input spending number
    input dossiers count
    criterion a "Spending" max 10 { linear spending from 0 to 2000000 }
}""")


def _scored(tmp_path, text, **options):
    path = tmp_path / "data.csv"
    path.write_text(text, encoding="utf-8")
    return score_table(FRAMEWORK, read_table(path), **options)


@pytest.mark.parametrize("text", [
    "unit;spending;dossiers\nhue;1.234.567,5;1.000\nhcm;848,47;12\n",
    'unit;spending;dossiers\nhue;"1.234.567,5";"1.000"\nhcm;848,47;12\n',  # quoted: the Python reader
    "unit;spending;dossiers\nhue;1.234.567,5;1.000\nhcm; 848,47 ;12\n",  # padded: cell by cell
])
def test_a_declared_thousands_separator_with_a_decimal_comma(tmp_path, text):
    result = _scored(tmp_path, text, decimal_comma=True, thousands=".")
    assert result.columns.values["spending"].tolist() == [1234567.5, 848.47]
    assert result.columns.values["dossiers"].tolist() == [1000.0, 12.0]


def test_a_thousands_separator_is_read_only_when_declared(tmp_path):
    text = "unit,spending,dossiers\nhue,\"1,234,567.5\",1\nhcm,1234,2\n"
    assert _scored(tmp_path, text, thousands=",").columns.values["spending"].tolist() == [1234567.5, 1234.0]
    with pytest.raises(dtiscore.DataError) as info:
        _scored(tmp_path, text)
    assert str(info.value) == f"{tmp_path / 'data.csv'}:2: unit 'hue', column 'spending': '1,234,567.5' is not a number"


def test_digits_not_grouped_by_three_are_no_number(tmp_path):
    with pytest.raises(dtiscore.DataError) as info:
        _scored(tmp_path, "unit;spending;dossiers\nhue;12.34.5;1\n", decimal_comma=True, thousands=".")
    assert "'12.34.5' has a '.'" in str(info.value)
    with pytest.raises(dtiscore.DtiError, match="thousands separator"):
        _scored(tmp_path, "unit;spending;dossiers\nhue;1;1\n", decimal_comma=True, thousands=",")


def test_streamed_chunks_score_as_the_whole_file(tmp_path):
    path = tmp_path / "data.csv"
    rows = [f"u{i},{i * 1000},{i}" for i in range(25)]
    path.write_text("unit,spending,dossiers\n" + "\n".join(rows) + "\n", encoding="utf-8")
    whole = score_table(FRAMEWORK, read_table(path))
    chunks = CsvChunks(FRAMEWORK, path, 7)
    totals = np.concatenate([result.total for result, _ in score_chunks(FRAMEWORK, chunks)])
    assert np.array_equal(totals, whole.total)


POPULATION = dtiscore.loads("""framework pops "Population" {
    max 15
    input spending number
    input dossiers count
    input online count <= dossiers
    input staff count
    criterion a "Spending" max 5 { linear spending from 0 to best(spending) }
    criterion b "Online" max 5 { proportional ratio(online, best(online)) }
    criterion c "Staff" max 5 { linear staff from 0 to 10 }
}""")


def test_a_pass_for_population_values_reads_only_their_columns(tmp_path):
    path = tmp_path / "data.csv"
    rows = [f"u{i},{i},{10 + i},{i},{i}" for i in range(9)]
    rows[7] = "u7,7,17,7,many"  # a bad count in a column no population function reads
    path.write_text("unit,spending,dossiers,online,staff\n" + "\n".join(rows) + "\n", encoding="utf-8")
    chunks = CsvChunks(POPULATION, path, 4)
    assert chunks._populations == {"spending", "online", "dossiers"}  # online's bound decides its values
    first = list(chunks())
    assert [list(table.columns) for table in csvarrow.read_chunks(path, 4, only={"spending"})] == [["spending"]] * 3
    assert np.isnan(first[0][1]["staff"]).all() and list(first[2][1]["spending"]) == ["8"]
    with pytest.raises(dtiscore.DataError) as info:
        list(score_chunks(POPULATION, CsvChunks(POPULATION, path, 4)))
    assert str(info.value) == f"{path}:9: unit 'u7', column 'staff': 'many' is not a count (a whole number ≥ 0)"


@pytest.mark.parametrize("scan", [0, 3, 4096])
def test_blocks_of_many_reads_are_cut_at_the_size_th_line(tmp_path, monkeypatch, scan):
    """Lines of very different lengths, blocks of several reads each and a buffer read into
    again for every block: each chunk holds exactly its rows (and keeps them after the next
    is read), whichever way the size-th newline is found."""
    monkeypatch.setattr(csvarrow, "_SCAN", scan)
    monkeypatch.setattr(csvarrow, "MAX_READ", 1 << 16)
    rows = [f"u{i},{'x' * (i % 97) * (1 + 40 * (i // 1500 % 2))},{i}" for i in range(6000)]
    path = tmp_path / "data.csv"
    path.write_text("unit,note,a\n" + "\n".join(rows), encoding="utf-8")  # no newline after the last row
    for size in (1, 700, 2500, 10_000):
        chunks = list(csvarrow.read_chunks(path, size)) if size > 1 else list(csvarrow.read_chunks(path, size))[:50]
        assert all(isinstance(chunk.columns["a"], TextCells) for chunk in chunks)
        expected = list(csvfile.read_chunks(path, size))[:len(chunks)]
        assert outcome(lambda: chunks) == outcome(lambda: expected)


def test_cells_quoted_whole_are_read_by_arrow(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text('unit,a,note\n"Hà Nội",1,"x, y"\nhcm,"2","say ""hi"""\n"",3,\n'.replace('"",3,\n', 'dn,"",z\n'),
                    encoding="utf-8")
    for tables in ([csvarrow.read(path)], list(csvarrow.read_chunks(path, 2))):
        assert all(isinstance(table.columns["a"], TextCells) for table in tables)
    assert outcome(lambda: [csvarrow.read(path)]) == outcome(lambda: [csvfile.read(path)])
    assert csvarrow.read(path).columns["note"] == ["x, y", 'say "hi"', "z"]
    assert outcome(lambda: list(csvarrow.read_chunks(path, 2))) == outcome(lambda: list(csvfile.read_chunks(path, 2)))


@pytest.mark.parametrize("row", ['u1,a"b,1', 'u1, "x",1', 'u1,"x"y,1', 'u1,"x\n",1', 'u1,"x" ,1'])
def test_other_quotes_are_left_to_the_python_reader(tmp_path, row):
    path = tmp_path / "data.csv"
    path.write_text(f"unit,a,b\nu0,1,2\n{row}\n", encoding="utf-8")
    assert isinstance(csvarrow.read(path).columns["a"], list)
    assert outcome(lambda: [csvarrow.read(path)]) == outcome(lambda: [csvfile.read(path)])


@pytest.mark.parametrize("bad", ["1.234", "many"])
def test_a_bad_cell_in_a_later_chunk_is_located_as_in_the_whole_file(tmp_path, bad):
    """The next chunk is read ahead while the last is scored: an error still names the file
    and row of its chunk (a decimal-comma mistake found while reading the cells, or a bad
    value found while scoring)."""
    path = tmp_path / "data.csv"
    rows = [f"u{i};{i},5;{i}" for i in range(12)]
    rows[9] = f"u9;{bad};9"
    path.write_text("unit;spending;dossiers\n" + "\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(dtiscore.DataError) as whole:
        score_table(FRAMEWORK, read_table(path), decimal_comma=True)
    with pytest.raises(dtiscore.DataError) as streamed:
        list(score_chunks(FRAMEWORK, CsvChunks(FRAMEWORK, path, 4, decimal_comma=True)))
    assert str(streamed.value) == str(whole.value) and f"data.csv:11: unit 'u9'" in str(whole.value)
