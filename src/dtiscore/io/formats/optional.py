"""Optional dependencies, imported when first needed, with the extra that brings them."""

from __future__ import annotations

import importlib
from types import ModuleType

from ...errors import DtiError


def require(module: str, extra: str, purpose: str) -> ModuleType:
    """Import `module`, or say which extra to install: pip install "dtiscore[EXTRA]"."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise DtiError(f"to {purpose}, dtiscore needs {module.split('.')[0]}: "
                       f'pip install "dtiscore[{extra}]"') from None
