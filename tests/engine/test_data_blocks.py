"""Data checks taken a block at a time, and numpy text columns of choices: the quick paths
give the same columns and the same errors as value-by-value checking."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dtiscore
from dtiscore.engine.columns import _CHECK_BLOCK, _option_guess, _parse_distinct, _parse_options, to_columns
from dtiscore.language import ir

FRAMEWORK = dtiscore.loads("""framework d "Data" {
    max 20
    input visits count in 0..1000
    input role   choice(chair, none, member)
    criterion busy "Busy" max 10 { proportional visits target 1000 }
    criterion led "Led" max 10 { award when role == chair }
}""")
N = 2 * _CHECK_BLOCK + 7_000  # more than two blocks of the quick pass


def columns(**changes):
    data = {"visits": np.full(N, 500.0), "role": np.array(["chair", "none", "member", "chair"] * (N // 4))}
    data.update(changes)
    return data


@pytest.mark.parametrize("position", [0, _CHECK_BLOCK - 1, _CHECK_BLOCK, N - 1])
def test_a_fractional_count_in_any_block_is_named(position):
    visits = np.full(N, 500.0)
    visits[position] = 2.5
    with pytest.raises(dtiscore.DataError) as info:
        FRAMEWORK.score(columns(visits=visits))
    assert f"unit {position}," in str(info.value) and "2.5" in str(info.value)


@pytest.mark.parametrize("value", [np.nan, 1001.0, -1.0, np.inf])
def test_a_value_out_of_range_or_missing_late_in_the_column(value):
    visits = np.full(N, 500.0)
    visits[N - 2] = value
    if np.isnan(value):
        assert FRAMEWORK.score(columns(visits=visits)).status("busy")[N - 2] == "missing"
    else:
        with pytest.raises(dtiscore.DataError, match=f"unit {N - 2},"):
            FRAMEWORK.score(columns(visits=visits))


def test_text_choices_match_option_by_option_and_parse_the_rest():
    role = np.array(["chair", " member ", "n/a", "none", "", "chairman", "member"])
    n = len(role)
    data = {"visits": np.full(n, 1.0), "role": role}
    mapped = to_columns(FRAMEWORK.ir, data, invalid="mark")
    as_objects = to_columns(FRAMEWORK.ir, {"visits": data["visits"], "role": role.astype(object)}, invalid="mark")
    expected = [0.0, 2.0, np.nan, 1.0, np.nan, np.nan, 2.0]  # "none" is an option, "n/a" no value
    np.testing.assert_array_equal(mapped.values["role"], expected)
    np.testing.assert_array_equal(as_objects.values["role"], expected)
    assert mapped.invalid["role"].tolist() == [False, False, False, False, False, True, False]
    assert as_objects.invalid["role"].tolist() == mapped.invalid["role"].tolist()


@pytest.mark.parametrize("late", [None, np.nan, 2.5])
def test_only_columns_the_quick_pass_saw_whole_are_complete(late):
    """Scoring skips the search for missing values in columns the data checks found
    complete: a column with a NaN, or with a bad value marked as no value, is not."""
    visits = np.full(N, 500.0)
    if late is not None:
        visits[N - 1] = late
    checked = to_columns(FRAMEWORK.ir, columns(visits=visits), invalid="mark")
    assert ("visits" in checked.complete) == (late is None)
    assert "role" not in checked.complete  # text: parsed, not checked by the quick pass
    if late is not None:
        assert np.isnan(checked.values["visits"][N - 1])
        assert FRAMEWORK.score(columns(visits=visits), invalid="mark").points("busy")[N - 1] == 0.0


def test_columns_checked_on_threads_report_problems_in_input_order():
    visits = np.full(N, 500.0)
    visits[[3, N - 1]] = 2.5
    role = columns()["role"].copy()
    role[7] = "chairman"
    data = columns(visits=visits, role=role)
    messages = []
    for threads in (1, 2):
        with pytest.raises(dtiscore.DataError) as info:
            to_columns(FRAMEWORK.ir, data, threads=threads)
        messages.append(str(info.value))
    assert messages[0] == messages[1]
    assert messages[0].index("unit 3,") < messages[0].index(f"unit {N - 1},") < messages[0].index("unit 7,")


_OPTION_TEXT = st.from_regex(r"[abcñ中_][abcñ中_0-9]{0,5}", fullmatch=True)  # options are names


@settings(max_examples=200, deadline=None)
@given(options=st.lists(_OPTION_TEXT, min_size=1, max_size=6, unique=True),
       extra=st.lists(st.text(alphabet="abcñ中 _-x", max_size=8), max_size=4),
       picks=st.lists(st.integers(0, 20), min_size=1, max_size=40),
       layout=st.sampled_from(["plain", "strided", "big-endian", "wide"]))
def test_text_choices_read_through_one_letter_as_cell_by_cell(options, extra, picks, layout):
    """A numpy text column of choices is matched to options through one letter where they
    all differ; every cell's result is what parsing it alone gives (an option's position,
    no value, or bad), whatever the options share and however the column is laid out."""
    spec = ir.Input("role", "choice", options=tuple(options))
    pool = list(options) + [o.upper() for o in options] + [" " + o for o in options] + [o[:-1] for o in options] + extra
    cells = [pool[p % len(pool)] for p in picks]
    raw = np.array(cells)
    if layout == "strided":
        raw = np.array([c for cell in cells for c in (cell, "pad")])[::2]
    elif layout == "big-endian":
        raw = raw.astype(raw.dtype.newbyteorder(">"))
    elif layout == "wide":
        raw = raw.astype(f"<U{raw.dtype.itemsize // 4 + 5}")
    column, missing = _parse_options(spec, raw)
    expected, expected_missing = _parse_distinct(spec, np.array(cells, dtype=object))
    np.testing.assert_array_equal(column, expected)
    np.testing.assert_array_equal(missing, expected_missing)


def test_the_letter_lookup_is_used_where_a_letter_tells_options_apart():
    raw = np.array(["chair", "chairman", "deputy", "chairs", "x"])
    # the first five letters do not tell chair from chairman; the sixth does: none, m, y
    assert _option_guess(("chair", "chairman", "deputy"), raw).tolist() == [0, 1, 2, -1, 0]
    assert _option_guess(("ab", "ba", "aa", "bb"), np.array(["ab"])) is None  # no letter differs in all four


@pytest.mark.parametrize("threads", [1, 2])
def test_a_bound_broken_only_in_the_last_block_is_named(threads):
    framework = dtiscore.loads("""framework b "Bounds" {
        max 10
        input staff count
        input trained count <= staff
        criterion t "Trained" max 10 { proportional ratio(trained, staff) target 100% }
    }""")
    n = 2 * _CHECK_BLOCK + 5
    staff, trained = np.full(n, 10.0), np.full(n, 5.0)
    trained[n - 1] = 11.0
    with pytest.raises(dtiscore.DataError, match=f"unit {n - 1}, column 'trained': 11 is more than staff"):
        to_columns(framework.ir, {"staff": staff, "trained": trained}, threads=threads)
    marked = to_columns(framework.ir, {"staff": staff, "trained": trained}, invalid="mark", threads=threads)
    assert np.flatnonzero(marked.invalid["trained"]).tolist() == [n - 1]


def test_default_unit_ids_are_made_only_when_asked():
    checked = to_columns(FRAMEWORK.ir, columns())
    assert isinstance(checked.ids, range) and len(checked) == N
    result = FRAMEWORK.score(columns())
    assert result.explain(N - 1).unit == N - 1 and result.position(np.int64(5)) == 5 and len(result) == N
    assert "units" not in result.columns.__dict__  # scoring and explaining one unit made no list of ids
    assert result.units[:3] == [0, 1, 2] and checked.units == list(range(N))
    with pytest.raises(dtiscore.UnknownIdError):
        result.position(N)
