"""Errors and diagnostics. Every error dtiscore raises is a `DtiError`.

A diagnostic that comes from a `.dti` file carries its position; `str()` shows
`file:line:col: message`, the source line and a caret under the spot, the way compilers do,
so that a framework author can find the mistake without reading a traceback.
"""

from __future__ import annotations

import difflib
import math
import numbers
import functools
from typing import Iterable, Sequence

import attrs


@attrs.frozen
class Span:
    """A 1-based region of source text: where a node or a token stands."""

    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def point(cls, line: int, column: int, width: int = 1) -> "Span":
        return cls(line, column, line, column + width)


@attrs.frozen
class Source:
    """The text a span points into, and the name to show for it."""

    text: str
    filename: str = "<string>"

    def line(self, number: int) -> str:
        """Line `number` (1-based) as the parser counts lines: by "\n" only."""
        lines = _lines(self.text)
        return lines[number - 1].rstrip("\r") if 0 < number <= len(lines) else ""


@functools.lru_cache(maxsize=4)
def _lines(text: str) -> tuple[str, ...]:
    # the checker asks for a line at every name it places: split each text once
    return tuple(text.split("\n"))


@attrs.frozen
class Diagnostic:
    code: str  # a stable short name, e.g. "unknown-name"; tests and tools match on it
    message: str
    span: Span | None = None
    severity: str = "error"  # or "warning"
    suggestion: str | None = None

    def render(self, source: Source | None) -> str:
        text = self.message
        if self.suggestion:
            text += f" (did you mean '{self.suggestion}'?)"
        if self.severity == "warning":
            text = "warning: " + text
        if self.span is None or source is None:
            where = source.filename if source else "<string>"
            return f"{where}: {text}"
        head = f"{source.filename}:{self.span.line}:{self.span.column}: {text}"
        line = source.line(self.span.line)
        if not line:
            return head
        width = 1
        if self.span.end_line == self.span.line:
            width = max(1, self.span.end_column - self.span.column)
        caret = " " * (self.span.column - 1) + "^" * min(width, max(1, len(line) - self.span.column + 1))
        return f"{head}\n    {line}\n    {caret}"


class DtiError(Exception):
    """The root of every error dtiscore raises on purpose."""


class FrameworkError(DtiError):
    """A `.dti` file that cannot be used: a syntax error or failed static checks."""

    def __init__(self, diagnostics: Sequence[Diagnostic], source: Source | None = None):
        self.diagnostics = tuple(diagnostics)
        self.source = source
        super().__init__(self._render())

    def _render(self) -> str:
        return "\n".join(d.render(self.source) for d in self.diagnostics)

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "error")


class DtiSyntaxError(FrameworkError):
    """The text is not in the language's grammar."""


class CheckError(FrameworkError):
    """The text parses, but breaks a rule of the language (names, types, points)."""


@attrs.frozen
class DataProblem:
    """One thing wrong with data: the message, and where it is when that is known
    (`position`: the unit's row among the data, from 0; `column`: the column's name), so a
    reader of a file can add the file name and the row it came from."""

    message: str
    position: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        return self.message


class DataError(DtiError):
    """Data that cannot be scored: names the unit, the column and the value."""

    def __init__(self, problems: Sequence[str | DataProblem]):
        self.details = tuple(p if isinstance(p, DataProblem) else DataProblem(str(p)) for p in problems)
        self.problems = tuple(p.message for p in self.details)
        shown = list(self.problems[:20])
        if len(self.problems) > 20:
            shown.append(f"... and {len(self.problems) - 20} more")
        super().__init__("\n".join(shown))


class MissingDataError(DataError):
    """A criterion with `on_missing error` met a unit with missing inputs."""


class UnknownIdError(DtiError, KeyError):
    """An unknown node or unit id: a DtiError, and a KeyError for code that expects one."""

    @classmethod
    def of(cls, what: str, name: object, known: Iterable) -> "UnknownIdError":
        suggestion = did_you_mean(str(name), [str(k) for k in known])
        hint = f" (did you mean '{suggestion}'?)" if suggestion else ""
        return cls(f"no {what} {name!r}{hint}")

    def __str__(self) -> str:
        return str(self.args[0])


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    """The closest known name, when one is close enough to be a likely typo."""
    matches = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None


# ---- a public function's arguments: the one place their errors are worded ----------------


class ArgumentError(DtiError, ValueError):
    """An argument of a public function has a value it does not take (a DtiError, and a
    ValueError for code that expects one). The message names the argument and what it takes."""


def choice(argument: str, value: object, choices: Sequence[str]) -> str:
    """`value`, one of `choices`; else TypeError (not a str) or ArgumentError, naming both."""
    listed = ", ".join(repr(c) for c in choices)
    if not isinstance(value, str):
        raise TypeError(f"{argument} must be one of {listed}, not {type(value).__name__}")
    if value not in choices:
        hint = did_you_mean(value, choices)
        raise ArgumentError(f"{argument} must be one of {listed}, not {value!r}"
                            + (f" (did you mean {hint!r}?)" if hint else ""))
    return value


def whole(argument: str, value: object, least: int = 0, most: int | None = None) -> int:
    """`value` as an int in [least, most]: TypeError for what is no whole number (bools
    included), ArgumentError for one outside."""
    span = f"≥ {least}" if most is None else f"from {least} to {most}"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{argument} must be a whole number {span}, not {type(value).__name__}")
    if value < least or (most is not None and value > most):
        raise ArgumentError(f"{argument} must be a whole number {span}, not {value}")
    return int(value)


def instance(argument: str, value: object, kind: type, what: str) -> None:
    """TypeError naming the argument unless `value` is a `kind` (`what` says it in words)."""
    if not isinstance(value, kind):
        raise TypeError(f"{argument} must be {what}, not {type(value).__name__}")


def real(argument: str, value: object) -> float:
    """`value` as a finite float: TypeError for what is no real number (bools included),
    ArgumentError for one no float holds or an infinity or NaN."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{argument} must be a number, not {type(value).__name__}")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise ArgumentError(f"{argument} must be a finite number, not {value!r:.40}")
    return number


def threads(value: object) -> int | None:
    """`threads=`: None (the default) or a whole number ≥ 1."""
    return None if value is None else whole("threads", value, 1)
