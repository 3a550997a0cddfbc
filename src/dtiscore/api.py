"""`load` and `loads`: text → parse → check → Framework (compiled on first score)."""

from __future__ import annotations

import os
from typing import Mapping

from .check import check
from .errors import DtiError, Source
from .framework import Framework
from .parse import parse


def loads(text: str, params: Mapping[str, object] | None = None, filename: str = "<string>") -> Framework:
    """A framework from `.dti` source text. `params` override the file's `param` values.
    Raises `DtiSyntaxError` or `CheckError` (both `DtiError`) with file:line:col."""
    tree = parse(text, filename)
    source = Source(text, filename)
    checked, warnings = check(tree, source, params)
    return Framework(checked, warnings, source)


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
