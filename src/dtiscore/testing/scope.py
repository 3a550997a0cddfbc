"""What expressions may name while a framework is drawn, and the literals they write: the
shared ground of `generate` (the whole language) and `shapes` (its big shapes)."""

from __future__ import annotations

import itertools
import math
import re
from decimal import Decimal

import attrs
from hypothesis import strategies as st

COMPARISONS = ("<", "<=", ">", ">=", "==", "!=")
TITLES = ("Nhận thức số", "Thể chế số", "Hạ tầng số", "Tỷ lệ hồ sơ trực tuyến",
          "Văn bản ký số", "Quoted \\\"title\\\"", "Plain title")
ANY = (-math.inf, math.inf)
RARITY = 30  # by default a big shape (shapes.py) is drawn about once in this many chances
# Constants near the ends of the float range, as the language writes them (no exponent).
EXTREMES = ("1" + "0" * 300, "179769313486231" + "0" * 294, "0." + "0" * 300 + "1", "0." + "0" * 320 + "5")


def number_text(value: float) -> str:
    """A non-negative float written exactly as the language reads it back (no exponent)."""
    text = repr(float(value))
    if "e" in text:
        text = format(Decimal(value), "f")
        text = text.rstrip("0").rstrip(".") if "." in text else text
    return text[:-2] if text.endswith(".0") else text


def title(name: str) -> str:
    """A title for a node, label or reason: fixed by its name, so it costs no draw."""
    return TITLES[sum(map(ord, name)) % len(TITLES)]


@st.composite
def literals(draw, low: float = 0.0, high: float = 1000.0) -> tuple[str, float]:
    """A non-negative number literal as (text, value): integers, decimals or percents,
    read exactly as the parser reads them."""
    kind = draw(st.sampled_from(("int", "int", "decimal", "percent", "percent")))
    if kind == "int":
        whole = draw(st.integers(math.ceil(low), max(math.ceil(low), math.floor(min(high, 200)))))
        return str(whole), float(whole)
    if kind == "decimal":
        whole = draw(st.integers(0, 20))
        frac = draw(st.sampled_from(("5", "25", "75", "1", "125")))
        text = f"{whole}.{frac}"
    else:
        whole = draw(st.integers(0, 100))
        text = f"{whole}%" if draw(st.booleans()) else f"{whole}.5%"
    value = float(text[:-1] + "e-2") if text.endswith("%") else float(text)
    if not low <= value <= high:
        return number_text(low), float(low)
    return text, value


# ---- the names in scope while a framework is drawn --------------------------------------


@attrs.define
class Scope:
    """Everything expressions may name, with what the generator must know about it."""

    population: bool = True
    rarity: int = RARITY  # a big shape about once in this many chances (0: never)
    beyond: bool = False  # big shapes may pass the checker's limits
    scale: float = 1.0  # every max is a multiple of this (a power of two)
    counter: itertools.count = attrs.field(factory=itertools.count)
    nums: list[str] = attrs.field(factory=list)  # numeric inputs, params and lets
    ranges: dict[str, tuple[float, float]] = attrs.field(factory=dict)  # their intervals
    bools: list[str] = attrs.field(factory=list)
    bool_inputs: list[str] = attrs.field(factory=list)
    choices: dict[str, tuple[str, ...]] = attrs.field(factory=dict)
    constants: list[tuple[str, float]] = attrs.field(factory=list)  # numeric params, by value
    declarations: list[str] = attrs.field(factory=list)
    shallow: list[str] = attrs.field(factory=list)  # numeric inputs and params: one level deep
    shallow_bools: list[str] = attrs.field(factory=list)  # bool inputs and params
    whole: list[str] = attrs.field(factory=list)  # lets nesting at the limit: a rule's whole expression only

    def fresh(self, prefix: str) -> str:
        return f"{prefix}{next(self.counter)}"

    def rare(self, draw, often: int = 1) -> bool:
        """True about `often` times in `rarity` draws (never for rarity 0); shrinks to False.
        Places drawn once per framework ask more often than places drawn many times."""
        every = max(1, self.rarity // often)
        return self.rarity > 0 and draw(st.integers(0, every - 1)) == every - 1


def constant(draw, scope: Scope) -> tuple[str, float]:
    """A constant with a known value: a literal or a numeric param (rarely near the float range)."""
    if scope.rare(draw):
        text = draw(st.sampled_from(EXTREMES))
        return text, float(text)
    if scope.constants and draw(st.integers(0, 3)) == 0:
        return draw(st.sampled_from(scope.constants))
    return draw(literals())


_WORDS = frozenset("ratio min max clamp abs round count all any best worst mean percentile "
                   "if then else and or not true false".split())


def may_be_share(text: str, bounds: tuple[float, float]) -> bool:
    """Whether the checker might take an expression for a share (language/shares.py): its
    interval lies in [0, 1], or it holds a ratio (a part of a whole)."""
    return 0.0 <= bounds[0] and bounds[1] <= 1.0 or "ratio(" in text


def against(draw, side: tuple[str, tuple[float, float]], other: tuple[str, tuple[float, float]]) -> str:
    """`other`'s text, or a constant in [0, 1] where `other` is a constant that might lie
    outside [0, 1] and `side` might be a share: the checker refuses `share >= 50`."""
    text, bounds = other
    constant = all(w in _WORDS or w.startswith("p") for w in re.findall(r"[a-z_][a-z0-9_]*", text))
    if constant and not (0.0 <= bounds[0] and bounds[1] <= 1.0) and may_be_share(*side):
        return draw(literals(0.0, 1.0))[0]
    return text
