"""A one-line progress report on standard error, for large data files: shown only when
standard error is a terminal (never in pipes, logs or tests that don't ask for it), redrawn
with a carriage return, no dependency."""

from __future__ import annotations

import os
import sys
from typing import TextIO

LARGE_FILE = 5_000_000  # bytes: below this, reading and scoring take about a second or less


class Progress:
    def __init__(self, name: str, stream: TextIO | None = None, enabled: bool = True):
        self.name = name
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self._shown = ""
        self._width = 0

    @classmethod
    def for_file(cls, path: str, stream: TextIO | None = None, threshold: int | None = None) -> "Progress":
        """Enabled when `stream` (standard error) is a terminal and the file is large
        (`threshold` bytes, default LARGE_FILE)."""
        stream = stream if stream is not None else sys.stderr
        threshold = LARGE_FILE if threshold is None else threshold
        try:
            large = os.path.getsize(path) >= threshold
        except OSError:
            large = False
        is_tty = getattr(stream, "isatty", lambda: False)()
        return cls(os.path.basename(path), stream, enabled=large and is_tty)

    def reading(self, fraction: float) -> None:
        done = int(fraction * 30)
        self._show(f"reading {self.name} [{'#' * done}{'.' * (30 - done)}] {fraction:4.0%}")

    def stage(self, text: str) -> None:
        self._show(f"{self.name}: {text}")

    def done(self) -> None:
        if self.enabled and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
        self._width = 0

    def _show(self, text: str) -> None:
        if not self.enabled or text == self._shown:
            return
        self._shown = text
        self.stream.write("\r" + text.ljust(self._width))
        self.stream.flush()
        self._width = max(self._width, len(text))
