"""A progress report on standard error for commands that can run longer than about two
seconds (reading and scoring a large data file, explaining, the ledger, the report,
`verify`'s generated data sets). No dependency.

Shown by default only where a person watches: standard error is a terminal (and, for a data
file, the file is large enough to take a while), redrawn in place on one line with a
carriage return and wiped at the end. Never in pipes, logs or CI unless asked for with
`--progress`; then each step is a line of its own, so a log stays readable.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Iterator, TextIO

LARGE_FILE = 5_000_000  # bytes: below this, reading and scoring take about a second or less
STEPS = 10  # a log (not a terminal) gets the share read in tenths, not every percent


class Progress:
    def __init__(self, name: str, stream: TextIO | None = None, enabled: bool = True):
        self.name = name
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self.redraw = is_terminal(self.stream)  # one line redrawn in place; else a line per step
        self._shown = ""
        self._width = 0

    @classmethod
    def for_file(cls, path: str, stream: TextIO | None = None, threshold: int | None = None,
                 forced: bool = False) -> "Progress":
        """For reading and scoring the data file `path`: enabled when `stream` (standard
        error) is a terminal and the file is large (`threshold` bytes, default LARGE_FILE),
        or when `forced` (`--progress`)."""
        stream = stream if stream is not None else sys.stderr
        threshold = LARGE_FILE if threshold is None else threshold
        try:
            large = os.path.getsize(path) >= threshold
        except OSError:
            large = False
        return cls(os.path.basename(path), stream, enabled=forced or (large and is_terminal(stream)))

    @classmethod
    def for_run(cls, name: str, stream: TextIO | None = None, forced: bool = False) -> "Progress":
        """For work that is long whatever the input (`verify`): enabled on a terminal, or
        when `forced`."""
        stream = stream if stream is not None else sys.stderr
        return cls(name, stream, enabled=forced or is_terminal(stream))

    def reading(self, fraction: float) -> None:
        if not self.redraw:
            fraction = int(fraction * STEPS) / STEPS
        done = int(fraction * 30)
        self._show(f"reading {self.name} [{'#' * done}{'.' * (30 - done)}] {fraction:4.0%}")

    def counting(self, done: int, total: int, what: str) -> None:
        """`what: done/total`; in a log, only at each tenth of `total` (and past it)."""
        if not self.redraw and done < total and done % max(1, total // STEPS):
            return
        self.stage(f"{what} {done:,}/{total:,}")

    def stage(self, text: str) -> None:
        self._show(f"{self.name}: {text}")

    def done(self) -> None:
        if self.enabled and self.redraw and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
        self._width = 0

    def _show(self, text: str) -> None:
        if not self.enabled or text == self._shown:
            return
        self._shown = text
        if self.redraw:
            self.stream.write("\r" + text.ljust(self._width))
            self._width = max(self._width, len(text))
        else:
            self.stream.write(text + "\n")
        self.stream.flush()


@contextlib.contextmanager
def shown(progress: Progress) -> Iterator[Progress]:
    """The progress, wiped from the terminal when the work ends (or fails: the error is
    then printed on a clean line)."""
    try:
        yield progress
    finally:
        progress.done()


def is_terminal(stream) -> bool:
    """Whether `stream` is read by a person (a terminal), not a pipe or a file."""
    return getattr(stream, "isatty", lambda: False)()
