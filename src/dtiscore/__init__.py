"""dtiscore: digital transformation index frameworks as code.

    import dtiscore
    framework = dtiscore.load("frameworks/vn-dti-province-2022.dti")
    result = framework.score({"dossiers": [...], ...})
    result.total, result.rank(), result.explain(0)
"""

from .api import clear_cache, load, loads
from .analyses.compare import Comparison, compare
from .analyses.diff import FrameworkDiff, diff
from .analyses.robustness import Robustness, robustness
from .analyses.sensitivity import Sensitivity, sensitivity
from .errors import (
    ArgumentError,
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
from .language.ir import STATUSES
from .result import Result, View
from .analyses.sustain import Sustainability, sustainability

__all__ = [
    "load", "loads", "clear_cache", "Framework", "Node", "InputInfo", "Result", "View", "STATUSES",
    "DtiError", "FrameworkError", "DtiSyntaxError", "CheckError", "DataError",
    "MissingDataError", "UnknownIdError", "ArgumentError", "Diagnostic",
    "compare", "Comparison", "sustainability", "Sustainability", "diff", "FrameworkDiff",
    "sensitivity", "Sensitivity", "robustness", "Robustness",
]
__version__ = "0.1.0"
