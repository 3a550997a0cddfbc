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

from .engine import buffers
from .language.check import check
from .errors import DtiError, Source
from .framework import Framework
from .language.parse import parse

CACHE_SIZE = 64
_cache: OrderedDict[tuple, Framework] = OrderedDict()
_lock = threading.Lock()


def loads(text: str, params: Mapping[str, object] | None = None, filename: str = "<string>") -> Framework:
    """A framework from `.dti` source text. `params` override the file's `param` values.
    Raises `DtiSyntaxError` or `CheckError` (both `DtiError`) with file:line:col."""
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
    try:
        with open(path, encoding="utf-8-sig") as handle:
            text = handle.read()
    except OSError as error:
        raise DtiError(f"{path}: cannot read: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise DtiError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    return loads(text, params, os.fspath(path))


def clear_cache() -> None:
    """Forget every loaded framework (the next load parses, checks and compiles again) and
    the result arrays kept for reuse (`dtiscore.engine.buffers`)."""
    with _lock:
        _cache.clear()
    buffers.clear()


def _key(text: str, params: Mapping[str, object] | None, filename: str) -> tuple | None:
    try:
        frozen = tuple(sorted((str(k), (type(v).__name__, v)) for k, v in (params or {}).items()))
        hash(frozen)
    except TypeError:  # an unhashable override: not cached (the checker reports it)
        return None
    return (hashlib.sha256(text.encode("utf-8")).digest(), filename, frozen)
