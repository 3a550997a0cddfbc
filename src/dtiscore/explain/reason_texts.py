"""The reason texts of one criterion for many units at once, for the deduction ledger.

Making a `Reason` per unit costs about 10 µs; a ledger of 100k units has millions of rows.
So units are put in groups whose texts differ only in numbers (the same reason code, branch,
matched exclusion, inputs without a value or with an invalid one), each group's text is laid
out once by the same renderers as a single reason (`reasons.render`, with `reasons.Field`s
where the numbers go), and each number is written once per distinct value. The words and
the numbers' texts are joined by Arrow, a token at a time over the group's units, so no
Python text is made per unit (the CSV writer takes the Arrow array as it is). The texts are
exactly those of `Reasons.build(...)[i].text(lang)` (tests/explain/test_reason_texts.py).
"""

from __future__ import annotations

from typing import Any, Callable, Iterator, Mapping, Sequence

import numpy as np

from ..language import ir
from .reasons import CODES, TOKEN, Field, Reason, Reasons, Template, reason_codes, render
from .values import Values
from .wording import format_value, number

_STATUS_CODES = frozenset({"excluded", "inactive", "invalid", "no_evidence", "missing", "undefined"})


def reason_texts(reasons: Reasons, crit: ir.Criterion, values: Values, status: np.ndarray, branch: np.ndarray,
                 points: np.ndarray, invalid: Mapping[str, np.ndarray] | None, lang: str,
                 written: dict | None = None) -> np.ndarray:
    """The text of each unit of `values.positions` (status, branch and points per unit), as
    an object array: `reason_pieces` put in order. written: numbers' texts kept from one
    call to the next (a ledger made a block of units at a time writes each distinct number
    once, not once a block)."""
    pieces = list(reason_pieces(reasons, crit, values, status, branch, points, invalid, lang, written))
    texts = in_order([texts for _, texts in pieces], [rows for rows, _ in pieces])
    return texts.to_numpy(zero_copy_only=False).astype(object, copy=False)


def reason_pieces(reasons: Reasons, crit: ir.Criterion, values: Values, status: np.ndarray, branch: np.ndarray,
                  points: np.ndarray, invalid: Mapping[str, np.ndarray] | None, lang: str,
                  written: dict | None = None) -> Iterator[tuple[np.ndarray, Any]]:
    """(rows, their texts as an Arrow text array) of each group of units whose texts differ
    only in numbers: a group's text joined from its words and its numbers' texts by Arrow,
    no Python text made per unit (a caller putting several criteria's texts in order does it
    once for all, `in_order`)."""
    import pyarrow as pa

    n = len(values.positions)
    names = reasons.names(crit)
    if len(names) > 62:  # too many inputs for a bit each in the groups' keys: one reason at a time
        built = reasons.build(crit, values, status, branch, points, invalid)
        yield np.arange(n), pa.array([reason.text(lang) for reason in built], pa.string())
        return
    missing = {name: np.isnan(values(ir.Column(name, reasons.inputs[name].type))) for name in names}
    absent = np.zeros(n, dtype=bool)
    absent_bits = np.zeros(n, dtype=np.int64)
    bad_bits = np.zeros(n, dtype=np.int64)
    for j, name in enumerate(names):
        absent |= missing[name]
        absent_bits |= missing[name].astype(np.int64) << j
        if invalid and name in invalid:
            bad_bits |= invalid[name].astype(np.int64) << j
    codes = reason_codes(crit, status, branch, absent)
    matched = np.full(n, -1, dtype=np.int64)  # the exclusion that holds, the first one winning
    for k in reversed(range(len(crit.exclusions))):
        matched[values(crit.exclusions[k].cond) == 1.0] = k
    if not n:
        return
    makers = reasons._makers(crit)
    base = {"criterion": crit.id, "title": crit.title, "max": crit.max}
    for rows in _groups([codes, branch, matched, absent_bits, bad_bits]):
        i = int(rows[0])
        code = CODES[codes[i]]

        def at(key: str, expr: ir.Expr, unit: int, scored: bool = code not in _STATUS_CODES):
            return Field(key, expr) if scored else values(expr)[unit]

        params = Template(dict(base, points=Field("points")))
        params.update(makers[code](i, int(branch[i]), at, lambda name, unit: bool(missing[name][unit]),
                                   lambda name, unit: bool(invalid and name in invalid and invalid[name][unit])))
        text = render(Reason(code, params), lang)
        yield rows, _filled(text, params, rows, values, points, lang, {} if written is None else written)


def in_order(pieces: list, at_rows: list[np.ndarray]) -> Any:
    """One Arrow array of the pieces' cells, each piece's at its rows (together: 0..n-1)."""
    import pyarrow as pa

    if not pieces:
        return pa.array([], pa.string())
    joined = pa.concat_arrays(pieces) if len(pieces) > 1 else pieces[0]
    rows = np.concatenate(at_rows)
    if (np.diff(rows) > 0).all():
        return joined
    where = np.empty(len(rows), dtype=np.int64)
    where[rows] = np.arange(len(rows))
    return joined.take(where)


def _groups(columns: Sequence[np.ndarray]) -> list[np.ndarray]:
    """The row indices of each distinct combination of the columns' values (integers), rows
    in order within a group. The columns are put into one integer key where their ranges
    allow (usually: most are one value), so that the grouping is one sort of small integers."""
    key = np.zeros(len(columns[0]), dtype=np.int64)
    room = 1
    for column in columns:
        low, high = int(column.min()), int(column.max())
        if high > low:
            room *= high - low + 1
            if room >= 1 << 62:  # too wide: rows grouped by their whole tuples
                _, key = np.unique(np.stack([c.astype(np.int64) for c in columns], axis=1), axis=0,
                                   return_inverse=True)
                key = key.reshape(-1)
                break
            key = key * (high - low + 1) + (column.astype(np.int64) - low)
    if int(key.max()) < 1 << 15:  # a radix sort
        key = key.astype(np.int16)
    order = np.argsort(key, kind="stable")
    return np.split(order, np.flatnonzero(np.diff(key[order])) + 1)


def _filled(text: str, params: Template, rows: np.ndarray, values: Values, points: np.ndarray,
            lang: str, written: dict) -> Any:
    """The text with each token replaced by the unit's number, for the units at `rows`
    (an Arrow text array): each token's distinct texts put at their units, joined with the
    words between them."""
    import pyarrow as pa
    import pyarrow.compute as pc

    parts = text.split(TOKEN)
    if len(parts) == 1:  # no number in it: one text for every unit
        return pa.array([text], pa.string()).take(np.zeros(len(rows), dtype=np.int32))
    joined: list = []
    for k, word in enumerate(parts[::2]):
        if word:
            joined.append(word)
        if 2 * k + 1 < len(parts):
            texts, codes = _written(params.specs[int(parts[2 * k + 1])], params, rows, values, points, lang, written)
            joined.append(pa.array(texts, pa.string()).take(codes))
    return pc.binary_join_element_wise(*joined, "") if len(joined) > 1 else joined[0]


def _written(spec: tuple, params: Template, rows: np.ndarray, values: Values, points: np.ndarray,
             lang: str, written: dict) -> tuple[np.ndarray, np.ndarray]:
    """One token's texts for the units at `rows`, as (distinct texts, each unit's position
    among them): each distinct value written once (kept in `written` under what writes it)."""
    field = params[spec[1]]
    own = points[rows] if field.expr is None else values(field.expr)[rows]
    if spec[0] == "number":
        return _each(own, lambda value: number(value, lang), _alike(own, 1.0, 2), written, ("number", lang))
    _, _, kind, options, against = spec
    limit = params.get(against) if against else None
    if isinstance(limit, Field):
        other = points[rows] if limit.expr is None else values(limit.expr)[rows]
        if not (other == other[0]).all():  # a limit that differs from unit to unit: write each pair
            return (_objects([format_value(v, kind, lang, options, a) for v, a in zip(own.tolist(), other.tolist())]),
                    np.arange(len(own)))
        limit = float(other[0])  # NaN is never equal, so it differs: the loop above
    limit = float("nan") if limit is None else limit
    alike = None
    if kind not in ("bool", "choice"):  # as `format_value` writes them: shares as percents, others as numbers
        alike = _alike(own, 100.0, 1, limit) if kind == "share" else _alike(own, 1.0, 2, limit)
    return _each(own, lambda value: format_value(value, kind, lang, options, limit if against else None), alike,
                 written, ("value", kind, lang, options, limit, bool(against)))


def _each(numbers: np.ndarray, write: Callable[[float], str], alike: np.ndarray | None, written: dict,
          writer: tuple) -> tuple[np.ndarray, np.ndarray]:
    """`write` of every number, called once per distinct value, or once per distinct `alike`
    key (numbers with one key are written alike), on any one number with that key. The
    rounded keys and the numbers kept apart (`_alike`) are grouped separately: a sort of
    floats, not of complex numbers."""
    exact = written.setdefault(writer + ("exact",), {})
    if alike is None:
        return _once(numbers, numbers, write, exact)
    rounded = written.setdefault(writer + ("rounded",), {})
    apart = alike.real == _APART
    if not apart.any():
        return _once(alike.real, numbers, write, rounded)
    near, near_codes = _once(alike.real[~apart], numbers[~apart], write, rounded)
    far, far_codes = _once(numbers[apart], numbers[apart], write, exact)
    codes = np.empty(len(numbers), dtype=np.intp)
    codes[~apart], codes[apart] = near_codes, far_codes + len(near)
    return np.concatenate([near, far]), codes


def _once(keys: np.ndarray, numbers: np.ndarray, write: Callable[[float], str],
          known: dict) -> tuple[np.ndarray, np.ndarray]:
    """`write` of one number per distinct key, as (the distinct keys' texts, each number's
    key's position among them); a key already in `known` (key → text) is not written again."""
    distinct, inverse = np.unique(keys, return_inverse=True)
    one = np.empty(len(distinct), dtype=np.intp)
    one[inverse] = np.arange(len(keys))  # (some number with the key)
    texts = np.empty(len(distinct), dtype=object)
    wanted = distinct.tolist()
    texts[:] = list(map(known.get, wanted))  # those written before
    for i in np.flatnonzero(texts == None).tolist():  # noqa: E711 - the keys not written yet
        texts[i] = known[wanted[i]] = write(numbers[one[i]].item())
    return texts, inverse.reshape(-1)


def _alike(numbers: np.ndarray, scale: float, decimals: int, limit: float = float("nan")) -> np.ndarray:
    """Keys such that numbers with one key are written alike by `wording.number` (of
    number × scale, with `decimals` decimals): the number rounded to its decimals where that
    is surely what correct rounding gives (not near a half, not huge), else the number itself
    (apart: complex keys). A number written like `limit` at these decimals is compared with
    it at more decimals: it keeps a key of its own."""
    with np.errstate(all="ignore"):
        scaled = numbers * scale * 10.0 ** decimals
        whole = np.rint(scaled)
        sure = (np.abs(scaled - whole) < 0.499) & (np.abs(scaled) < 1e9)
        if limit == limit:
            sure &= ~(np.abs(scaled - limit * scale * 10.0 ** decimals) <= 1.5)
        return np.where(sure, whole + 0j, _APART + numbers * 1j)


_APART = 2e9  # the real part of a number's own key: no rounded number has it


def _objects(values: list) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out
