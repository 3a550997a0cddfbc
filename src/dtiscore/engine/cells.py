"""One data cell → its input's float encoding: the number grammar of data, the values that
mean "no value", the words of a bool, and what a bad value is told. `columns` reads each
distinct value of a column through `parse` once.

Number text has one grammar, whatever Python's float() would take: an optional sign, ASCII
digits with at most one decimal mark ('.', or ',' with the decimal-comma option), an optional
exponent, and for a share or a number an optional '%'; surrounding spaces are ignored.
"1_5", "１２", "٣", "0x10", "inf" and "1,5" (without the option) are not numbers.
"""

from __future__ import annotations

import decimal
import math
import numbers
import re
from typing import Any

import numpy as np

from ..language import ir

TRUE_WORDS = frozenset({"true", "1", "yes", "y", "có", "co", "đúng", "x"})
FALSE_WORDS = frozenset({"false", "0", "no", "n", "không", "khong", "sai"})
MISSING_WORDS = frozenset({"", "na", "n/a", "nan", "none", "null", "-"})
PERCENT_KINDS = ("share", "number")
LARGEST = "±1.8e308"  # the float64 range, as messages say it


def _grammar(mark: str) -> re.Pattern:
    digits = rf"(?:[0-9]+(?:{re.escape(mark)}[0-9]*)?|{re.escape(mark)}[0-9]+)"
    return re.compile(rf"(?P<mantissa>[+-]?{digits})(?:[eE](?P<exponent>[+-]?[0-9]+))?(?P<percent>\s*%)?")


NUMBER = {".": _grammar("."), ",": _grammar(",")}  # by decimal mark


def read_number(text: str, percent: bool = True, mark: str = ".") -> float | None:
    """The value of number text (already stripped) by the data grammar, correctly rounded
    (a percent too: "21.8%" is 21.8e-2, as the language reads it); ±inf beyond the float64
    range; None when the text is no number of the grammar (or a percent where none is taken)."""
    match = NUMBER[mark].fullmatch(text)
    if match is None or (match["percent"] and not percent):
        return None
    mantissa = match["mantissa"].replace(mark, ".")
    exponent = match["exponent"] or "0"
    if len(exponent.lstrip("+-0")) > 6:  # far past the range: int() of 5,000 digits fails
        exponent = ("-" if exponent.startswith("-") else "") + "1000000"
    return float(f"{mantissa}e{int(exponent) - (2 if match['percent'] else 0)}")


def no_value(value: Any) -> bool:
    """Whether a value that is not text means "no value": None, any NaN (Python, numpy of any
    width, Decimal), pandas' NA and NaT, numpy's NaT."""
    if value is None:
        return True
    if isinstance(value, (float, np.floating)):
        return value != value
    if isinstance(value, (np.datetime64, np.timedelta64)):
        return bool(np.isnat(value))
    if isinstance(value, decimal.Decimal):
        return value.is_nan()
    return type(value).__name__ in ("NAType", "NaTType") and type(value).__module__.startswith("pandas")


def missing(value: Any, options: tuple[str, ...] = ()) -> bool:
    """Whether a cell says "no value" (as opposed to a value that fails to parse); a choice's
    option named like a missing word (`none`) is a value."""
    if isinstance(value, str):
        text = value.strip()
        return text not in options and text.lower() in MISSING_WORDS
    return no_value(value)


def parse(spec: ir.Input, value: Any) -> float | None:
    """A single value as the input's float encoding; NaN for no value; None when bad."""
    if isinstance(value, str):
        text = value.strip()
        if spec.kind == "choice" and text in spec.options:  # an option named `none` is a value
            return float(spec.options.index(text))
        if text.lower() in MISSING_WORDS:
            return math.nan
        return _parse_text(spec, text)
    if no_value(value):
        return math.nan
    if isinstance(value, (bool, np.bool_)):
        return float(value) if spec.kind == "bool" else None
    if spec.kind == "choice" or not isinstance(value, (numbers.Real, decimal.Decimal)):
        return None
    try:
        number = float(value)
    except OverflowError:  # an int beyond the float64 range
        return None
    if spec.kind == "bool":
        return number if number in (0.0, 1.0) else None
    return number


def _parse_text(spec: ir.Input, text: str) -> float | None:
    if spec.kind == "bool":
        word = text.lower()
        if word in TRUE_WORDS or word == "1.0":
            return 1.0
        return 0.0 if word in FALSE_WORDS or word == "0.0" else None
    if spec.kind == "choice":
        return None
    number = read_number(text, spec.kind in PERCENT_KINDS)
    return number if number is not None and math.isfinite(number) else None


def explain(spec: ir.Input, value: Any) -> str:
    """Why a value is not one of the input's: the value (shortened), then the rule."""
    value = value.item() if isinstance(value, np.generic) else value
    shown = show(value)
    if spec.type == ir.NUM and _too_large(value):
        return f"{shown} is too large: numbers stop at {LARGEST} (a float64)"
    if spec.kind == "count":
        return f"{shown} is not a count (a whole number ≥ 0)" + _hint(value) + _range_note(spec)
    if spec.kind == "share":
        return f"{shown} is not a share (a number in [0, 1], or a percent like 82%)" + _hint(value) + _range_note(spec)
    if spec.kind == "number":
        return f"{shown} is not a number" + _hint(value) + _range_note(spec)
    if spec.kind == "bool":
        return f"{shown} is not a bool (true/false, 1/0, yes/no, có/không)"
    return f"{shown} is not one of {', '.join(spec.options)}"


def _too_large(value: Any) -> bool:
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            float(value)
        except OverflowError:
            return True
    if isinstance(value, str):
        number = read_number(value.strip())
        return number is not None and math.isinf(number)
    return False


def _hint(value: Any) -> str:
    if isinstance(value, str) and any(c.isdigit() and not "0" <= c <= "9" for c in value):
        return " (write the digits 0-9)"
    return ""


def _range_note(spec: ir.Input) -> str:
    if spec.within is None:
        return ""
    return f" within {spec.within[0]:g}..{spec.within[1]:g}"


SHOWN = 60  # characters of a long value that a message shows


def show(value: Any) -> str:
    """A value as a message shows it: its repr, cut after SHOWN characters when long (a
    5 MB cell is not echoed whole)."""
    try:
        text = repr(value)
    except ValueError:  # an int of more digits than Python converts to text
        return f"an integer of {value.bit_length():,} bits"
    if len(text) <= SHOWN + 20:
        return text
    size = len(value) if isinstance(value, (str, bytes)) else len(text)
    return f"{text[:SHOWN]}… ({size:,} characters)"


def float_text(value: float) -> str:
    """A float as a file holds it: the shortest text that reads back as the same float (its
    `repr`, which this grammar reads), without a trailing `.0` (`85`, not `85.0`); no value
    (NaN) is an empty cell."""
    if value != value:
        return ""
    text = repr(value)
    return text[:-2] if text.endswith(".0") else text
