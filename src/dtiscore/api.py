"""`load` and `loads`: text → parse → check → Framework (compiled on first score).

Loading is cached in the process, keyed on the text, the file name and the params: loading
the same file again (a service re-reading its frameworks, a notebook re-running a cell)
costs a read and a hash. Frameworks are immutable, so sharing one is safe.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from typing import Mapping

import numpy as np

from .engine import buffers, kernels
from .language.check import check
from .errors import Diagnostic, DtiError, DtiSyntaxError, Source, Span
from .framework import Framework
from .language.parse import parse

CACHE_SIZE = 64
_cache: OrderedDict[tuple, Framework] = OrderedDict()
_lock = threading.Lock()


def loads(text: str, params: Mapping[str, object] | None = None, filename: str = "<string>") -> Framework:
    """A framework from `.dti` source text. `params` override the file's `param` values.
    Raises `DtiSyntaxError` or `CheckError` (both `DtiError`) with file:line:col. Text that
    starts with a byte-order mark reads as without it, as a file does."""
    if not isinstance(text, str):
        raise TypeError(f"loads takes the text of a .dti file (a str), not {type(text).__name__}: "
                        "decode it first, or use dtiscore.load(path)")
    if not isinstance(filename, str):
        raise TypeError(f"filename must be a str, not {type(filename).__name__}")
    text = text.removeprefix("\ufeff")
    params = _overrides(params)
    key = _key(text, params, filename)
    with _lock:
        if key is not None and key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    tree = parse(text, filename)
    source = Source(text, filename)
    checked, warnings = check(tree, source, params)
    framework = Framework(checked, warnings, source)
    if key is not None:
        with _lock:
            _cache[key] = framework
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
    return framework


def load(path: str | os.PathLike, params: Mapping[str, object] | None = None) -> Framework:
    """A framework from a `.dti` file (UTF-8, with or without a byte-order mark)."""
    if not isinstance(path, (str, os.PathLike)):  # open() takes an int as a file descriptor, and closes it
        raise TypeError(f"load takes the path of a .dti file (a str or path), not {type(path).__name__}: "
                        "for the text itself, use dtiscore.loads(text)")
    try:
        with open(path, encoding="utf-8-sig") as handle:
            text = handle.read()
    except OSError as error:
        raise DtiError(f"{path}: cannot read: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise DtiError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    except ValueError as error:  # a NUL character, which no path holds
        raise DtiError(f"{path!r}: cannot read: {error}") from None
    return loads(text, params, os.fspath(path))


def clear_cache() -> None:
    """Forget every loaded framework (the next load parses, checks and compiles again), the
    result arrays kept for reuse (`dtiscore.engine.buffers`) and the constant arrays the
    kernels keep (`dtiscore.engine.kernels`)."""
    with _lock:
        _cache.clear()
    buffers.clear()
    kernels.clear()


def _overrides(params: Mapping[str, object] | None) -> dict[str, object]:
    """`params=` as the checker takes it: param name → value, numpy numbers and bools as
    Python's (the checker says which values are no param's)."""
    if params is None:
        return {}
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a mapping of param name → value, e.g. {{'target': 0.8}}, "
                        f"not a {type(params).__name__}")
    overrides = {}
    for name, value in params.items():
        if not isinstance(name, str):
            raise TypeError(f"params: a param's name is a str, not {name!r} ({type(name).__name__})")
        overrides[name] = value.item() if isinstance(value, (np.bool_, np.integer, np.floating)) else value
    return overrides


def _key(text: str, params: dict[str, object], filename: str) -> tuple | None:
    encoded = _utf8(text, filename)
    try:
        frozen = tuple(sorted((k, (type(v).__name__, v)) for k, v in params.items()))
        hash(frozen)
    except TypeError:  # an unhashable override: not cached (the checker reports it)
        return None
    return (hashlib.sha256(encoded).digest(), filename, frozen)


def _utf8(text: str, filename: str) -> bytes:
    """The text as UTF-8; a lone surrogate (half of a UTF-16 pair, left by text decoded
    wrongly) is no character, and a syntax error at its place."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as error:
        line = text.count("\n", 0, error.start) + 1
        column = error.start - text.rfind("\n", 0, error.start)
        message = (f"{ascii(text[error.start])} is a lone surrogate, not a character: the text was decoded "
                   "wrongly (read the file as UTF-8)")
        shown = Source(text.encode("utf-8", "backslashreplace").decode("utf-8"), filename)
        raise DtiSyntaxError([Diagnostic("syntax", message, Span.point(line, column))], shown) from None
