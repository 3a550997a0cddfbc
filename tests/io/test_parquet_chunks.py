"""Parquet files read with their text as Arrow, and a batch of rows at a time (`--chunk-size`)."""


import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import dtiscore
from dtiscore.cli import main
from dtiscore.io.formats import parquet
from dtiscore.io.formats.common import TextCells
from dtiscore.io.tables import FileChunks, read_table, score_chunks, score_table

FRAMEWORK = dtiscore.loads("""framework pq_chunks "Parquet" {
    max 20
    input dossiers count
    input role choice(chair, deputy)
    criterion a "Dossiers" max 10 { linear dossiers from 0 to best(dossiers) }
    criterion b "Chair" max 10 { award when role == chair }
}""")


def write(path, units, dossiers, roles, row_group_size=3):
    pq.write_table(pa.table({"unit": units, "dossiers": dossiers, "role": roles}), path,
                   row_group_size=row_group_size)


def test_text_is_read_as_arrow_and_chunks_score_as_the_whole_file(tmp_path):
    path = tmp_path / "data.parquet"
    n = 10
    write(path, [f"u{i}" for i in range(n)], list(range(n)), ["chair", "deputy"] * (n // 2))
    table = read_table(path)
    assert isinstance(table.columns["role"], TextCells) and table.rows == list(range(1, n + 1))
    whole = score_table(FRAMEWORK, table)
    parts = list(score_chunks(FRAMEWORK, FileChunks(FRAMEWORK, path, 4)))
    assert [len(chunk) for _, chunk in parts] == [4, 4, 2]
    assert [chunk.rows[0] for _, chunk in parts] == [1, 5, 9]
    assert np.array_equal(np.concatenate([result.total for result, _ in parts]), whole.total)


def test_a_bad_cell_in_a_later_chunk_names_its_record(tmp_path):
    path = tmp_path / "data.parquet"
    write(path, ["a", "b", "c", "d", "e"], [1, 2, 3, 4, 5], ["chair", "chair", "chair", "boss", "chair"])
    chunks = FileChunks(FRAMEWORK, path, 2)
    with pytest.raises(dtiscore.DataError) as info:
        list(score_chunks(FRAMEWORK, chunks))
    assert str(info.value) == f"{path}:4: unit 'd', column 'role': 'boss' is not one of chair, deputy"


def test_a_unit_id_in_two_chunks(tmp_path):
    path = tmp_path / "data.parquet"
    write(path, ["a", "b", "c", "a"], [1, 2, 3, 4], ["chair"] * 4)
    with pytest.raises(dtiscore.DataError) as info:
        list(score_chunks(FRAMEWORK, FileChunks(FRAMEWORK, path, 2)))
    assert str(info.value) == f"{path}:4: unit id 'a' appears twice (rows 1 and 4); each unit needs its own row"


def test_an_empty_file_gives_one_empty_chunk(tmp_path):
    path = tmp_path / "data.parquet"
    pq.write_table(pa.table({"unit": pa.array([], pa.string()), "dossiers": pa.array([], pa.int64()),
                             "role": pa.array([], pa.string())}), path)
    assert [len(table) for table in parquet.read_chunks(path, 5)] == [0]


def test_the_command_streams_a_parquet_file(tmp_path, capsys):
    path = tmp_path / "data.parquet"
    write(path, [f"u{i}" for i in range(7)], [3, 1, 4, 1, 5, 9, 2], ["chair"] * 7)
    source = tmp_path / "f.dti"
    source.write_text(FRAMEWORK.source.text, encoding="utf-8")
    assert main(["score", str(source), str(path), "--format", "csv"]) == 0
    whole = capsys.readouterr().out
    assert main(["score", str(source), str(path), "--format", "csv", "--chunk-size", "3"]) == 0
    assert capsys.readouterr().out == whole


def test_other_formats_are_not_read_a_chunk_at_a_time(tmp_path):
    with pytest.raises(dtiscore.DtiError, match="only CSV .* and Parquet .* files are read a chunk at a time"):
        FileChunks(FRAMEWORK, tmp_path / "data.xlsx", 2)
