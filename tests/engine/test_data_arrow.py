"""Arrow text columns read at C speed (engine.arrow_columns) read every cell as the Python path
does, with the same errors; and the shapes data comes in (engine.sources): pyarrow Tables
and RecordBatches, polars and pandas frames, lists of records, float64 columns not copied."""

import math

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dtiscore
from dtiscore.testing.strategies import number_text

FRAMEWORK = dtiscore.loads("""framework arrow_data "Data" {
    max 100
    input dossiers        count
    input online          count  <= dossiers
    input smartphones     share
    input resolution      bool
    input role            choice(chair, deputy, none)
    input satisfaction    number in 1..10
    criterion a "Online" max 20 { proportional ratio(online, dossiers) }
    criterion b "Phones" max 20 { proportional smartphones }
    criterion c "Adopted" max 20 { award when resolution }
    criterion d "Led by the chair" max 20 { award when role == chair }
    criterion e "Satisfaction" max 20 { linear satisfaction from 1 to 10 }
}""")
NAMES = list(FRAMEWORK.inputs)

# text a cell may hold: numbers of every form, near-numbers, words of every kind, blanks
WORDS = ["", " ", "na", "N/A", "-", "null", "None", "nan", "NaN", "inf", "-inf", "Infinity", "1e400", "-1e400",
         "1e-400", "true", "False", "yes", "có", "không", "x", "1", "0", "1.0", "0.0", "2", "chair", "deputy",
         "none", " chair ", "Chair", "1_5", "１２", "٣", "0x10", "1,5", "1 000", "5%%", "82%", "82 %", "5E1%",
         "+12", ".5", "1.", "-0", "1e", "e5", ".", "+", "--1", "1.2.3", "12.5", "0.5", "0.25", "7", "11",
         "a" * 70, "\t3\t", "3\u00a0", "1e99999999999", "0001"]


@st.composite
def text_cell(draw):
    if draw(st.booleans()):
        return draw(st.sampled_from(WORDS))
    if draw(st.booleans()):
        value = draw(st.floats(allow_nan=False, allow_infinity=False, width=64) | st.integers(0, 10**6).map(float))
        return number_text(value, draw(st.sampled_from(("plain", "padded", "signed", "exponent", "percent"))))
    return draw(st.text(alphabet="0123456789eE.+-%, na", max_size=8))


@st.composite
def text_columns(draw):
    n = draw(st.integers(1, 12))
    return {name: draw(st.lists(text_cell() | st.none(), min_size=n, max_size=n)) for name in NAMES}


def as_arrow(draw, cells: list):
    """The cells as Arrow text: a string, large string or dictionary array, or chunked."""
    how = draw(st.sampled_from(("string", "large", "dictionary", "chunked")))
    if how == "dictionary":
        return pa.array(cells, pa.string()).dictionary_encode()
    array = pa.array(cells, pa.large_string() if how == "large" else pa.string())
    if how == "chunked":
        cut = draw(st.integers(0, len(cells)))
        return pa.chunked_array([array[:cut], array[cut:]], type=array.type)
    return array


def outcome(columns, invalid="raise"):
    try:
        result = FRAMEWORK.score(columns, invalid=invalid)
    except dtiscore.DataError as error:
        return str(error)
    return {name: (result.columns.values[name], result.columns.invalid.get(name)) for name in NAMES}


def same(a, b) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    for name in NAMES:
        (va, ia), (vb, ib) = a[name], b[name]
        if not np.array_equal(va, vb, equal_nan=True):
            return False
        if (ia is None) != (ib is None) or (ia is not None and not np.array_equal(ia, ib)):
            return False
    return True


@settings(max_examples=300, deadline=None)
@given(st.data(), text_columns())
def test_arrow_text_reads_every_cell_as_python_objects_do(data, cells):
    objects = {name: np.array(column, dtype=object) for name, column in cells.items()}
    arrow = {name: as_arrow(data.draw, column) for name, column in cells.items()}
    for invalid in ("raise", "mark"):
        want, got = outcome(objects, invalid), outcome(arrow, invalid)
        assert same(want, got), (invalid, want, got)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="0123456789eE.+-nifaINFx_ ", max_size=10), min_size=1, max_size=20))
def test_the_arrow_cast_takes_no_number_the_grammar_does_not(texts):
    """Arrow's cast takes more than the grammar ("nan", "inf"): those cells are still bad."""
    spec = FRAMEWORK.ir.inputs[NAMES.index("satisfaction")]
    from dtiscore.engine import arrow_columns
    from dtiscore.engine.cells import parse

    column, bad = arrow_columns.convert(spec, pa.array(texts))
    for text, value, wrong in zip(texts, column, bad):
        meant = parse(spec, text)
        if meant is None or math.isinf(meant):
            assert wrong or math.isinf(value), text
        else:
            assert not wrong and (value == meant or (value != value and meant != meant)), text


def test_a_bad_arrow_cell_is_named_as_the_python_path_names_it():
    columns = {"dossiers": pa.array(["10", "1_5", "7"]), "online": pa.array(["1", "2", "30"]),
               "smartphones": pa.array(["82%", "0.5", "-nan"]), "resolution": pa.array(["có", "maybe", None]),
               "role": pa.array(["chair", "boss", "none"]).dictionary_encode(),
               "satisfaction": pa.array(["1e400", "5", "5"])}
    with pytest.raises(dtiscore.DataError) as info:
        FRAMEWORK.score(columns, units=["hue", "hcm", "hn"])
    assert str(info.value).splitlines() == [
        "unit 'hcm', column 'dossiers': '1_5' is not a count (a whole number ≥ 0)",
        "unit 'hn', column 'smartphones': '-nan' is not a share (a number in [0, 1], or a percent like 82%)",
        "unit 'hcm', column 'resolution': 'maybe' is not a bool (true/false, 1/0, yes/no, có/không)",
        "unit 'hcm', column 'role': 'boss' is not one of chair, deputy, none",
        "unit 'hue', column 'satisfaction': '1e400' is too large: numbers stop at ±1.8e308 (a float64)",
        "unit 'hn', column 'online': 30 is more than dossiers (7), but online <= dossiers",
    ]


# ---- the shapes data comes in --------------------------------------------------------------

UNITS = ["hue", "hcm", "hn"]
PLAIN = {"dossiers": [10.0, 20.0, 30.0], "online": [5.0, 20.0, 0.0], "smartphones": [0.5, 0.25, 1.0],
         "resolution": [True, False, True], "role": ["chair", "deputy", "none"], "satisfaction": [1.0, 5.5, 10.0]}
WANT = FRAMEWORK.score(PLAIN, units=UNITS)


def assert_scores(result, units=UNITS):
    assert list(result.units) == units
    assert np.array_equal(result.total, WANT.total)
    for name in NAMES:
        assert np.array_equal(result.columns.values[name], WANT.columns.values[name]), name


def test_a_pyarrow_table_and_record_batch_with_a_unit_column():
    table = pa.table({"unit": UNITS, **PLAIN})
    assert_scores(FRAMEWORK.score(table))
    assert_scores(FRAMEWORK.score(table.to_batches()[0]))


def test_a_polars_frame_with_a_unit_column():
    assert_scores(FRAMEWORK.score(pl.DataFrame({"unit": UNITS, **PLAIN})))


def test_pandas_arrow_backed_and_nullable_columns():
    arrow = pd.DataFrame({name: pd.Series(values, dtype=pd.ArrowDtype(pa.array(values).type))
                          for name, values in PLAIN.items()})
    arrow.index = pd.Index(UNITS, name="unit")
    assert_scores(FRAMEWORK.score(arrow))
    nullable = pd.DataFrame({"unit": UNITS, "dossiers": pd.Series([10, 20, 30], dtype="Int64"),
                             "online": pd.Series([5, 20, 0], dtype="Int64"),
                             "smartphones": pd.Series([0.5, 0.25, 1.0], dtype="Float64"),
                             "resolution": pd.Series([True, False, True], dtype="boolean"),
                             "role": pd.Series(["chair", "deputy", "none"], dtype="category"),
                             "satisfaction": pd.Series([1.0, 5.5, 10.0], dtype="Float64")})
    assert_scores(FRAMEWORK.score(nullable))


def test_no_value_in_arrow_polars_and_nullable_pandas_columns():
    gaps = {"dossiers": [10, None, 30], "smartphones": [None, 0.25, 1.0], "resolution": [True, None, True],
            "role": ["chair", None, "none"], "satisfaction": [None, 5.5, 10.0], "online": [5, 20, None]}
    want = FRAMEWORK.score({name: [math.nan if v is None else v for v in values] if name not in ("role",) else
                            values for name, values in gaps.items()})
    for data in (pa.table(gaps), pl.DataFrame(gaps),
                 pd.DataFrame({name: pd.Series(values, dtype=pd.ArrowDtype(pa.array(values).type))
                               for name, values in gaps.items()})):
        result = FRAMEWORK.score(data)
        for name in NAMES:
            assert np.array_equal(result.columns.values[name], want.columns.values[name], equal_nan=True), name


def test_a_list_of_records():
    records = [{"unit": unit, **{name: values[i] for name, values in PLAIN.items()}} for i, unit in enumerate(UNITS)]
    assert_scores(FRAMEWORK.score(records))
    del records[1]["role"]  # a record without a key has no value there
    result = FRAMEWORK.score(records)
    assert math.isnan(result.columns.values["role"][1])


def test_records_that_are_not_dicts_are_an_error():
    with pytest.raises(dtiscore.DataError, match="list of records"):
        FRAMEWORK.score([1, 2, 3])


@pytest.mark.parametrize("shape", ["numpy", "arrow", "arrow table", "polars", "pandas", "pandas arrow"])
def test_float64_columns_are_not_copied(shape):
    values = np.array([0.5, 0.25, 1.0])
    data = {name: np.asarray(PLAIN[name]) if name != "role" else PLAIN[name] for name in PLAIN}
    data["smartphones"] = values
    if shape == "arrow":
        data["smartphones"] = pa.array(values)
    elif shape == "arrow table":
        data = pa.table({**PLAIN, "smartphones": pa.array(values)})
    elif shape == "polars":
        data = pl.DataFrame({**PLAIN, "smartphones": values})
    elif shape == "pandas":
        data = pd.DataFrame({**PLAIN, "smartphones": values})
    elif shape == "pandas arrow":
        data = pd.DataFrame({**PLAIN, "smartphones": pd.Series(pd.arrays.ArrowExtensionArray(pa.array(values)))})
    held = _float_buffer(data, shape)
    result = FRAMEWORK.score(data)
    assert np.shares_memory(result.columns.values["smartphones"], held)


def _float_buffer(data, shape) -> np.ndarray:
    """The memory that holds the caller's smartphones column."""
    column = data["smartphones"] if shape not in ("arrow table",) else data.column("smartphones")
    if shape in ("arrow", "arrow table"):
        return np.asarray((column.chunk(0) if hasattr(column, "chunk") else column).to_numpy())
    if shape == "polars":
        return column.to_numpy()
    if shape == "pandas arrow":
        return np.asarray(pa.array(column.array).to_numpy())
    return np.asarray(column)


def test_the_example_file_scores_alike_from_every_shape():
    """docs/data.md's example: a pyarrow Table (types inferred by Arrow), polars, records."""
    import pyarrow.csv
    from pathlib import Path

    from dtiscore.io.tables import read_table, score_table

    root = Path(__file__).resolve().parents[2]
    framework = dtiscore.load(root / "frameworks" / "vn-dti-department.dti")
    table = pyarrow.csv.read_csv(root / "examples" / "department.csv")
    want = score_table(framework, read_table(root / "examples" / "department.csv"))
    for data in (table, pl.from_arrow(table), table.to_pylist(), table.to_pandas(types_mapper=pd.ArrowDtype)):
        result = framework.score(data)
        assert list(result.units) == list(want.units)
        assert np.array_equal(result.total, want.total), type(data)


def test_score_batches_takes_record_batches_and_a_parquet_file(tmp_path):
    import pyarrow.parquet as pq

    table = pa.table({"unit": UNITS, **PLAIN})
    scored = list(FRAMEWORK.score_batches(table.to_batches(max_chunksize=2)))
    assert [list(result.units) for result in scored] == [UNITS[:2], UNITS[2:]]
    assert np.array_equal(np.concatenate([result.total for result in scored]), WANT.total)
    pq.write_table(table, tmp_path / "data.parquet", row_group_size=1)
    batches = lambda: pq.ParquetFile(tmp_path / "data.parquet").iter_batches(batch_size=1)  # noqa: E731
    assert np.array_equal(np.concatenate([r.total for r in FRAMEWORK.score_batches(batches)]), WANT.total)
