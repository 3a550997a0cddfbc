"""dtiscore: digital transformation index frameworks as code.

    import dtiscore
    framework = dtiscore.load("frameworks/vn-dti-province-2022.dti")
    result = framework.score({"dossiers": [...], ...})
    result.total, result.rank(), result.explain(0)
"""

from .api import load, loads
from .errors import (
    CheckError,
    DataError,
    Diagnostic,
    DtiError,
    DtiSyntaxError,
    FrameworkError,
    MissingDataError,
    UnknownIdError,
)
from .framework import Framework, InputInfo, Node
from .ir import STATUSES
from .result import Result, View

__all__ = [
    "load", "loads", "Framework", "Node", "InputInfo", "Result", "View", "STATUSES",
    "DtiError", "FrameworkError", "DtiSyntaxError", "CheckError", "DataError",
    "MissingDataError", "UnknownIdError", "Diagnostic",
]
__version__ = "0.1.0"
