"""Hostile values × every input type, through `Framework.score` (lists, numpy arrays of
several dtypes, pandas columns), the file readers (CSV, JSON, xlsx) and `dtiscore score`:
the only exceptions are DtiError, and what scores reads every cell as its meaning (the
value, no value, or bad) and agrees with the reference interpreter.

Each generated cell carries its meaning, decided here independently of dtiscore's reader:
a float, NaN (no value) or BAD. DTI_FUZZ_EXAMPLES=N runs N examples per test by hand."""

import atexit
import collections
import csv
import decimal
import json
import math
import os
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dtiscore
from dtiscore.cli import main
from dtiscore.language.reference import Reference
from dtiscore.testing.strategies import no_value_markers, number_text

import openpyxl  # noqa: E402  (the dev extra: these tests run in CI, never skipped)
import pandas as pd  # noqa: E402

EXAMPLES = int(os.environ.get("DTI_FUZZ_EXAMPLES", "100"))
TRIED: collections.Counter = collections.Counter()  # what a run tried, printed at exit on a run by hand
if "DTI_FUZZ_EXAMPLES" in os.environ:
    atexit.register(lambda: print("fuzz tried:", dict(sorted(TRIED.items())), file=sys.stderr))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
BAD = "bad"

TEXT = """framework fuzz "Fuzz" {
    max 50
    input n count
    input m count <= n
    input x number in -1000..1000
    input s share
    input b bool
    input role choice(chair, member, none)
    criterion cn "N" max 10 { linear n from 0 to 100 }
    criterion cm "M" max 10 { proportional ratio(m, n) }
    criterion cx "X" max 10 { steps x { >= 500: 10
        >= 0: 5
        else: 0 } }
    criterion cs "S" max 10 { proportional s }
    criterion cb "B" max 5 { award when b }
    criterion cr "R" max 5 { award when role == chair }
}"""
FRAMEWORK = dtiscore.loads(TEXT)
SPECS = {spec.name: spec for spec in FRAMEWORK.ir.inputs}
NO_VALUE_WORDS = ["", "  ", "n/a", "NA", "-", "null", "None", "nan", "NaN"]
BAD_TEXT = ["1_5", "１２", "٣", "0x10", "inf", "-inf", "Infinity", "1,5", "12abc", "5%%", "e5", "1e", "++1",
            "1 000", "½", "1e400", "-1e999", "=1+1", "#N/A", "7" * 500, "yes please", "\x01", "'12"]
BAD_OBJECTS = [10**400, -(10**400), math.inf, -math.inf, 1 + 0j, b"12", [1], {"a": 1}, decimal.Decimal("Infinity"),
               np.datetime64("2024-01-01"), object()]


def _allowed(name: str, value: float) -> bool:
    spec = SPECS[name]
    if spec.kind == "count":
        return value >= 0 and value == math.floor(value) and math.isfinite(value)
    if spec.kind == "share":
        return 0 <= value <= 1
    if spec.within:
        return spec.within[0] <= value <= spec.within[1]
    return math.isfinite(value)


@st.composite
def numeric_cell(draw, name: str, clean: bool = False):
    """(cell, meaning) for a count, number or share; clean: no bad text or object."""
    spec = SPECS[name]
    kind = draw(st.sampled_from(("value", "value", "value", "text", "missing")
                                + (() if clean else ("bad text", "bad object"))))
    if kind == "missing":
        return draw(st.sampled_from(no_value_markers() + NO_VALUE_WORDS)), math.nan
    if kind == "bad text":
        return draw(st.sampled_from(BAD_TEXT) | st.text(max_size=8).filter(lambda t: _meaning(name, t) is BAD)), BAD
    if kind == "bad object":
        return draw(st.sampled_from(BAD_OBJECTS + [True, False, np.bool_(True)])), BAD
    value = draw(st.sampled_from((0.0, 1.0, 0.5, 100.0, 500.0, -0.0, 1e300, 2.0**53 + 2, 5e-324, 1e-5))
                 | st.integers(-10, 2000).map(float) | st.floats(-1e6, 1e6, allow_nan=False))
    if clean and not _allowed(name, value):
        value = 0.0
    if kind == "text":
        forms = ("repr", "padded", "signed", "exponent") + (("percent",) if spec.kind != "count" else ())
        cell = number_text(value, draw(st.sampled_from(forms)))
    else:
        cell = draw(st.sampled_from(_numbers_equal_to(value)))
    return cell, (value if _allowed(name, value) else BAD)


def _numbers_equal_to(value: float) -> list:
    out = [value, np.float64(value), decimal.Decimal(repr(value))]
    if value == math.floor(value):
        out += [int(value)]
        if -128 <= value <= 127:
            out += [np.int8(value), np.int16(value)]
    return out


def _meaning(name: str, text: str):
    """What number text means, by the grammar written out again here (not dtiscore's)."""
    stripped = text.strip()
    if stripped.lower() in ("", "na", "n/a", "nan", "none", "null", "-"):
        return math.nan
    body, percent = (stripped[:-1].rstrip(), True) if stripped.endswith("%") else (stripped, False)
    if percent and SPECS[name].kind == "count":
        return BAD
    allowed = set("0123456789+-.eE")
    if not body or not set(body) <= allowed:
        return BAD
    try:
        value = float(body)
    except ValueError:
        return BAD
    if not math.isfinite(value):
        return BAD
    if percent:
        mantissa, _, exponent = body.lower().partition("e")
        value = float(f"{mantissa}e{int(exponent or 0) - 2}")
    return value if _allowed(name, value) else BAD


BOOL_WORDS = {"true": 1.0, "yes": 1.0, "có": 1.0, "x": 1.0, "1": 1.0, "1.0": 1.0, "false": 0.0, "no": 0.0,
              "không": 0.0, "0": 0.0, "0.0": 0.0, "sai": 0.0}


@st.composite
def bool_cell(draw, clean: bool = False):
    kind = draw(st.sampled_from(("value", "word", "missing") + (() if clean else ("bad",))))
    if kind == "missing":
        return draw(st.sampled_from(no_value_markers() + NO_VALUE_WORDS)), math.nan
    if kind == "word":
        word = draw(st.sampled_from(sorted(BOOL_WORDS)))
        cased = draw(st.sampled_from((word, word.upper(), f" {word} ")))
        return cased, BOOL_WORDS[word]
    if kind == "bad":
        return draw(st.sampled_from([2, -1, 0.5, "maybe", "1.5", "2", [True], 10**400, math.inf, "có thể"])), BAD
    truth = draw(st.booleans())
    return draw(st.sampled_from((truth, np.bool_(truth), int(truth), float(truth)))), float(truth)


@st.composite
def choice_cell(draw, clean: bool = False):
    options = SPECS["role"].options
    kind = draw(st.sampled_from(("value", "value", "missing") + (() if clean else ("bad",))))
    if kind == "missing":
        return draw(st.sampled_from([m for m in no_value_markers() + NO_VALUE_WORDS
                                     if not (isinstance(m, str) and m.strip().lower() == "none")])), math.nan
    if kind == "bad":
        return draw(st.sampled_from(["Chair", "chairman", 0, 1.0, True, "=chair", b"chair", "", "x" * 300])
                    .filter(lambda c: c != "")), BAD
    position = draw(st.integers(0, len(options) - 1))
    return draw(st.sampled_from((options[position], f" {options[position]} "))), float(position)


def cell_of(name: str, clean: bool):
    kind = SPECS[name].kind
    return bool_cell(clean) if kind == "bool" else choice_cell(clean) if kind == "choice" else numeric_cell(name, clean)


@st.composite
def hostile(draw, max_units: int = 6):
    """(columns of (cell, meaning) pairs, n)."""
    n = draw(st.integers(1, max_units))
    clean = draw(st.booleans())  # half the examples score: no bad value in them
    columns = {name: draw(st.lists(cell_of(name, clean), min_size=n, max_size=n)) for name in SPECS}
    if clean:  # m <= n: a unit's m above its n takes n's cell
        columns["m"] = [bound if not math.isnan(mine[1]) and not math.isnan(bound[1]) and mine[1] > bound[1] else mine
                        for mine, bound in zip(columns["m"], columns["n"])]
    return columns, n


def expected(pairs: dict) -> dict[str, np.ndarray]:
    """Each column's meaning as floats (NaN: no value); None when some cell is bad, or a
    unit's m is above its n (the `<=` bound)."""
    columns = {name: [meaning for _, meaning in cells] for name, cells in pairs.items()}
    if any(_is_bad(meaning) for column in columns.values() for meaning in column):
        return None
    floats = {name: np.array(column, dtype=float) for name, column in columns.items()}
    with np.errstate(invalid="ignore"):
        if np.any(floats["m"] > floats["n"]):
            return None
    return floats


def _is_bad(meaning) -> bool:
    return isinstance(meaning, str)


def as_container(draw, cells: list):
    """The column as a list, an object array, a numpy array numpy infers, or a pandas Series."""
    how = draw(st.sampled_from(("list", "objects", "numpy", "series")))
    TRIED[f"column as {how}"] += 1
    TRIED["cells"] += len(cells)
    if how == "list":
        return list(cells)
    objects = np.empty(len(cells), dtype=object)
    for i, cell in enumerate(cells):
        objects[i] = cell
    if how == "objects":
        return objects
    if how == "series":
        return pd.Series(objects, dtype=object)
    try:
        inferred = np.array(cells)
    except (ValueError, TypeError, OverflowError):
        return objects
    if inferred.dtype.kind not in "fiub" or inferred.ndim != 1 or not all(
            _same(a, b) for a, b in zip(inferred.tolist(), cells)):
        return objects  # numpy would change a value (a bool into 1.0, text into a number...)
    return inferred


def _same(a, b) -> bool:
    return type(a) is type(b.item() if isinstance(b, np.generic) else b) and (a == b or (a != a and b != b))


def assert_scores_as_meant(pairs: dict, result) -> None:
    want = expected(pairs)
    assert want is not None, "scored data holding a bad value"
    TRIED["scored"] += 1
    for name, column in want.items():
        got = result.columns.values[name]
        assert np.array_equal(got, column, equal_nan=True), f"{name}: read {got.tolist()}, meant {column.tolist()}"
    rows = [result.input_row(i) for i in range(len(result))]
    reference = Reference(FRAMEWORK.ir, rows, None, result.units)
    for i in range(len(result)):
        unit = reference.unit(i)
        for node in FRAMEWORK.nodes:
            mine, theirs = float(result.points(node)[i]), unit.points[node]
            assert math.isclose(mine, theirs, rel_tol=1e-9, abs_tol=1e-9), f"{node}: compiled {mine}, reference {theirs}"


def score_or_error(score, pairs: dict):
    """Score; a DataError is right exactly when some cell is bad (or breaks `<=`)."""
    try:
        result = score()
    except dtiscore.DataError as error:
        assert expected(pairs) is None, f"DataError on good data: {error}"
        assert str(error)
        TRIED["data errors"] += 1
        return None
    assert_scores_as_meant(pairs, result)
    return result


# ---- Framework.score ----------------------------------------------------------------------


@FUZZ
@given(st.data(), hostile())
def test_score_reads_every_cell_as_meant(data, case):
    pairs, n = case
    columns = {name: as_container(data.draw, [cell for cell, _ in cells]) for name, cells in pairs.items()}
    score_or_error(lambda: FRAMEWORK.score(columns), pairs)
    try:
        marked = FRAMEWORK.score(columns, invalid="mark")  # bad cells are marked, not raised
    except dtiscore.DataError as error:  # but a column of lists of one length is 2-D: no column
        assert "must be 1-D" in str(error)
        return
    for name, cells in pairs.items():
        bad = np.array([_is_bad(meaning) for _, meaning in cells])
        flagged = marked.columns.invalid.get(name, np.zeros(n, dtype=bool))
        assert np.array_equal(flagged & ~bad, np.zeros(n, dtype=bool)) or name == "m", name
        assert np.array_equal(flagged[bad], np.ones(bad.sum(), dtype=bool)), name


@FUZZ
@given(hostile())
def test_a_data_frame_reads_every_cell_as_meant(case):
    pairs, n = case
    frame = pd.DataFrame({name: pd.Series([cell for cell, _ in cells], dtype=object) for name, cells in pairs.items()})
    TRIED["data frames"] += 1
    TRIED["cells"] += n * len(pairs)
    score_or_error(lambda: FRAMEWORK.score(frame), pairs)


# ---- files and the command line -----------------------------------------------------------


def _text_pairs(pairs: dict) -> dict:
    """The cells a CSV file holds: text (None as an empty cell), each with its meaning."""
    out = {}
    for name, cells in pairs.items():
        kept = []
        for cell, meaning in cells:
            if cell is None:
                cell = ""
            if not isinstance(cell, str) or "\r" in cell or "\x00" in cell:
                cell, meaning = "", math.nan
            kept.append((cell, meaning))
        out[name] = kept
    return out


def _json_value(cell, meaning):
    if cell is None or isinstance(cell, (str, bool, int, list, dict)) and not isinstance(cell, np.generic):
        return cell, meaning
    if isinstance(cell, float) and math.isfinite(cell):
        return cell, meaning
    return None, math.nan  # no JSON value (NaN, a numpy number, bytes...): left empty


@FUZZ
@given(hostile(), st.sampled_from(("csv", "json", "jsonl", "xlsx")))
def test_files_read_every_cell_as_meant(tmp_path_factory, case, kind):
    pairs, n = case
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / f"data.{kind}"
    units = [f"u{i}" for i in range(n)]
    if kind == "csv":
        pairs = _text_pairs(pairs)
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["unit", *pairs])
            writer.writerows(zip(units, *([cell for cell, _ in cells] for cells in pairs.values())))
    elif kind in ("json", "jsonl"):
        pairs = {name: [_json_value(*pair) for pair in cells] for name, cells in pairs.items()}
        records = [{"unit": unit, **{name: cells[i][0] for name, cells in pairs.items()}} for i, unit in enumerate(units)]
        text = json.dumps(records) if kind == "json" else "\n".join(map(json.dumps, records))
        path.write_text(text, encoding="utf-8")
    else:
        pairs = {name: [_xlsx_value(name, *pair) for pair in cells] for name, cells in pairs.items()}
        book = openpyxl.Workbook()
        book.active.append(["unit", *pairs])
        for i, unit in enumerate(units):
            book.active.append([unit, *(cells[i][0] for cells in pairs.values())])
        book.save(path)
    from dtiscore.io.tables import read_table, score_table
    TRIED[f"{kind} files"] += 1
    TRIED["cells"] += sum(map(len, pairs.values()))
    score_or_error(lambda: score_table(FRAMEWORK, read_table(path)), pairs)
    framework = folder / "fuzz.dti"
    framework.write_text(TEXT, encoding="utf-8")
    for out in ("out.csv", "out.xlsx", "out.json"):
        code = main(["score", str(framework), str(path), "-o", str(folder / out)])
        assert code == (0 if expected(pairs) is not None else 1), out
        TRIED["cli runs"] += 1


def _xlsx_value(name: str, cell, meaning):
    """A cell as a script writes it with openpyxl: a number (to 16 digits, as openpyxl
    writes it), text, a bool or nothing."""
    if isinstance(cell, str):
        if any(ord(c) < 32 and c not in "\t\n\r" for c in cell):
            return None, math.nan
        if cell.startswith("=") or cell.strip() in ("#N/A",):
            return cell, BAD  # a formula without a saved value, an error code: an error either way
        return cell, meaning
    if isinstance(cell, bool) or cell is None:
        return cell, meaning
    if isinstance(cell, (int, float)) and not isinstance(cell, np.generic) and abs(cell) < 2**53:
        if isinstance(cell, float) and not _is_bad(meaning) and SPECS[name].type == "num":
            cell = float("%.16g" % cell)
            return cell, (cell if _allowed(name, cell) else BAD)
        return cell, meaning
    return None, math.nan
