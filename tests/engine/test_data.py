"""Data going in: types, constraints, missing values, and the errors that name unit, column
and value."""

import numpy as np
import pytest

import dtiscore

NAN = float("nan")

FRAMEWORK = dtiscore.loads("""framework d "Data" {
    max 100
    input dossiers        count
    input dossiers_online count  <= dossiers
    input smartphones     share
    input resolution      bool
    input role            choice(chair, deputy, member)
    input satisfaction    number in 1..10
    criterion online "Online" max 20 { proportional ratio(dossiers_online, dossiers) }
    criterion phones "Phones" max 20 { proportional smartphones }
    criterion adopted "Adopted" max 20 { award when resolution }
    criterion led "Led by the chair" max 20 { award when role == chair }
    criterion happy "Satisfaction" max 20 { linear satisfaction from 1 to 10 }
}""")


def good(n=1, **changes):
    """Valid columns for n units (every criterion at full points), with some replaced."""
    columns = dict(
        dossiers=[100] * n, dossiers_online=[100] * n, smartphones=[1.0] * n,
        resolution=[True] * n, role=["chair"] * n, satisfaction=[10] * n,
    )
    columns.update(changes)
    return columns


def data_error(columns, units=None):
    with pytest.raises(dtiscore.DataError) as info:
        FRAMEWORK.score(columns, units=units)
    return str(info.value)


def test_good_data_scores_full():
    assert FRAMEWORK.score(good(2)).total.tolist() == [100, 100]


# ---------------------------------------------------------------- errors


def test_missing_column():
    columns = good()
    del columns["smartphones"]
    message = data_error(columns)
    assert "smartphones" in message
    assert "missing" in message.lower()


def test_wrong_type_names_unit_column_and_value():
    message = data_error(good(2, dossiers=["100", "lots"]), units=["hanoi", "hue"])
    assert "hue" in message and "dossiers" in message and "lots" in message
    assert "hanoi" not in message


def test_negative_count():
    message = data_error(good(2, dossiers=[100, -1]), units=["hanoi", "hue"])
    assert "hue" in message and "dossiers" in message and "-1" in message


def test_fractional_count():
    message = data_error(good(2, dossiers=[2.5, 100], dossiers_online=[1, 100]), units=["hanoi", "hue"])
    assert "hanoi" in message and "'dossiers'" in message and "2.5" in message


def test_fractional_count_as_text():
    message = data_error(good(1, dossiers=["12.5"], dossiers_online=["1"]), units=["hue"])
    assert "hue" in message and "dossiers" in message and "12.5" in message


def test_share_above_one():
    message = data_error(good(2, smartphones=[0.5, 1.2]), units=["hanoi", "hue"])
    assert "hue" in message and "smartphones" in message and "1.2" in message


def test_share_as_percent_text_is_accepted():
    # "82%" = 0.82 → proportional 20 × 0.82 = 16.4; "0.5" → 10; "100%" → 20
    result = FRAMEWORK.score(good(3, smartphones=["82%", "0.5", "100%"]))
    assert result.points("phones").tolist() == pytest.approx([16.4, 10, 20])


def test_share_percent_above_100_is_an_error():
    message = data_error(good(1, smartphones=["120%"]), units=["hue"])
    assert "hue" in message and "smartphones" in message and "120%" in message


@pytest.mark.parametrize("word, expected", [
    ("true", 20), ("false", 0), ("TRUE", 20), ("False", 0),
    ("1", 20), ("0", 0),
    ("yes", 20), ("no", 0), ("Yes", 20), ("NO", 0),
    ("có", 20), ("không", 0), ("Có", 20), ("KHÔNG", 0),
])
def test_bool_spellings(word, expected):
    result = FRAMEWORK.score(good(1, resolution=[word]))
    assert result.points("adopted")[0] == expected


def test_bool_numbers_and_python_bools():
    result = FRAMEWORK.score(good(4, resolution=[1, 0, True, False]))
    assert result.points("adopted").tolist() == [20, 0, 20, 0]


def test_bool_not_a_bool():
    message = data_error(good(2, resolution=["yes", "maybe"]), units=["hanoi", "hue"])
    assert "hue" in message and "resolution" in message and "maybe" in message


def test_bool_number_other_than_zero_or_one():
    message = data_error(good(1, resolution=[2]), units=["hue"])
    assert "hue" in message and "resolution" in message and "2" in message


def test_choice_not_an_option():
    message = data_error(good(2, role=["deputy", "president"]), units=["hanoi", "hue"])
    assert "hue" in message and "role" in message and "president" in message


def test_choice_options_score():
    # only the chair gets the award
    result = FRAMEWORK.score(good(3, role=["chair", "deputy", "member"]))
    assert result.points("led").tolist() == [20, 0, 0]


def test_at_most_constraint_broken():
    message = data_error(good(2, dossiers=[100, 100], dossiers_online=[100, 101]), units=["hanoi", "hue"])
    assert "hue" in message and "dossiers_online" in message and "101" in message
    assert "hanoi" not in message


def test_at_most_constraint_equal_is_fine():
    result = FRAMEWORK.score(good(1, dossiers=[7], dossiers_online=[7]))
    assert result.points("online")[0] == 20


def test_in_range_broken_both_ends():
    message = data_error(good(3, satisfaction=[11, 0.5, 1]), units=["hanoi", "hue", "hai_phong"])
    assert "hanoi" in message and "hue" in message and "satisfaction" in message
    assert "11" in message and "0.5" in message
    assert "hai_phong" not in message


def test_in_range_ends_are_included():
    # 1 → 0 points, 10 → 20, 5.5 → 20 × 4.5/9 = 10
    result = FRAMEWORK.score(good(3, satisfaction=[1, 10, 5.5]))
    assert result.points("happy").tolist() == pytest.approx([0, 20, 10])


def test_columns_of_different_lengths():
    columns = good(2)
    columns["smartphones"] = [0.5, 0.5, 0.5]
    message = data_error(columns)
    assert "length" in message.lower()


def test_units_of_a_different_length():
    data_error(good(2), units=["only_one"])


def test_duplicate_unit_ids():
    message = data_error(good(3), units=["hanoi", "hue", "hanoi"])
    assert "hanoi" in message


def test_every_problem_is_reported():
    message = data_error(good(2, smartphones=[2.0, 0.5], role=["chair", "king"]), units=["hanoi", "hue"])
    assert "smartphones" in message and "role" in message


def test_data_error_is_a_dti_error():
    with pytest.raises(dtiscore.DtiError):
        FRAMEWORK.score(good(1, dossiers=[-3]))


# ---------------------------------------------------------------- containers and missing values


def test_numpy_arrays():
    result = FRAMEWORK.score(good(
        2,
        dossiers=np.array([200, 100]), dossiers_online=np.array([50, 100]),
        smartphones=np.array([0.25, 1.0]), resolution=np.array([True, False]),
        satisfaction=np.array([10.0, 1.0]),
    ))
    # unit 0: online 20 × 0.25 = 5, phones 5, adopted 20, led 20, happy 20 → 70
    # unit 1: 20 + 20 + 0 + 20 + 0 = 60
    assert result.total.tolist() == pytest.approx([70, 60])


def test_none_and_nan_are_missing():
    result = FRAMEWORK.score(good(3, smartphones=[None, NAN, 0.5]))
    assert result.status("phones").tolist() == ["missing", "missing", "scored"]
    assert result.points("phones").tolist() == [0, 0, 10]


def test_empty_text_is_missing():
    result = FRAMEWORK.score(good(2, dossiers=["", "100"], dossiers_online=["", "50"]))
    assert result.status("online").tolist() == ["missing", "scored"]
    assert result.points("online").tolist() == [0, 10]


def test_missing_value_does_not_break_at_most():
    # dossiers missing: the constraint cannot be tested, the criterion is missing, no error
    result = FRAMEWORK.score(good(1, dossiers=[None], dossiers_online=[5]))
    assert result.status("online")[0] == "missing"


def test_units_are_used_as_ids():
    result = FRAMEWORK.score(good(2), units=["hanoi", "hue"])
    assert list(result.units) == ["hanoi", "hue"]
    assert result.explain("hue").unit == "hue"


def test_pandas_dataframe():
    import pandas as pd

    frame = pd.DataFrame(good(
        2, smartphones=[0.5, None], resolution=[True, False], dossiers=[10, 10], dossiers_online=[5, 10],
    ))
    result = FRAMEWORK.score(frame, units=["hanoi", "hue"])
    # hanoi: 10 + 10 + 20 + 20 + 20 = 80; hue: 20 + 0 (missing) + 0 + 20 + 20 = 60
    assert result.total.tolist() == pytest.approx([80, 60])
    assert result.status("phones").tolist() == ["scored", "missing"]


def test_pandas_dataframe_bad_value_named():
    import pandas as pd

    frame = pd.DataFrame(good(2, dossiers=[10, -4], dossiers_online=[1, 1]))
    with pytest.raises(dtiscore.DataError) as info:
        FRAMEWORK.score(frame, units=["hanoi", "hue"])
    message = str(info.value)
    assert "hue" in message and "dossiers" in message and "-4" in message


@pytest.mark.parametrize("word", ["", "  ", "NA", "n/a", "-", "null", "None", "nan"])
def test_missing_words(word):
    result = FRAMEWORK.score(good(1, smartphones=[word]))
    assert result.status("phones")[0] == "missing"


def test_nan_in_a_float_bool_column_is_missing():
    result = FRAMEWORK.score(good(2, resolution=np.array([1.0, NAN])))
    assert result.status("adopted").tolist() == ["scored", "missing"]
    assert result.points("adopted").tolist() == [20, 0]


def test_negative_in_range():
    fw = dtiscore.loads("""framework nr "Negative range" {
        max 10
        input change number in -10..10
        criterion c "C" max 10 { linear change from -10 to 10 }
    }""")
    # −10 → 0, 0 → 5, 10 → 10
    assert fw.score({"change": [-10, 0, 10]}).points("c").tolist() == pytest.approx([0, 5, 10])
    with pytest.raises(dtiscore.DataError) as info:
        fw.score({"change": [-11]}, units=["hue"])
    assert "hue" in str(info.value) and "change" in str(info.value) and "-11" in str(info.value)
