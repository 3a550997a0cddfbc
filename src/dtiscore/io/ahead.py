"""An iterator run one item ahead, on a thread of its own: the next chunk of a file is read
(Arrow parses it with the GIL released) while the caller scores and writes the last one.

Items come in order, and an error comes where it would have come without the thread: after
the items before it, and not at all if the caller stops first. At most two items are alive
at a time: the one the caller holds and the one being read.
"""

from __future__ import annotations

import queue
import threading
from typing import Iterator, TypeVar

T = TypeVar("T")

_END = object()


def read_ahead(items: Iterator[T]) -> Iterator[T]:
    """`items`, each read on another thread while the caller works on the one before."""
    ready: queue.Queue = queue.Queue(maxsize=1)
    stop = threading.Event()

    def read() -> None:
        try:
            for item in items:
                if not _hand_over(ready, (item, None), stop):
                    return
                del item
            _hand_over(ready, (_END, None), stop)
        except BaseException as error:  # handed to the caller, raised there
            _hand_over(ready, (None, error), stop)
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()

    reader = threading.Thread(target=read, name="dtiscore-read-ahead", daemon=True)
    reader.start()
    try:
        while True:
            item, error = ready.get()
            ready.task_done()
            if error is not None:
                raise error
            if item is _END:
                return
            yield item
            del item
    finally:
        stop.set()
        while reader.is_alive():
            try:
                ready.get_nowait()
                ready.task_done()
            except queue.Empty:
                reader.join(0.01)


def _hand_over(ready: queue.Queue, entry: tuple, stop: threading.Event) -> bool:
    """Put `entry` and wait until the caller takes it (so that no third item is read);
    False when the caller stopped first."""
    while not stop.is_set():
        try:
            ready.put(entry, timeout=0.05)
            break
        except queue.Full:
            continue
    else:
        return False
    with ready.all_tasks_done:  # queue.join(), giving up when the caller stops
        while ready.unfinished_tasks and not stop.is_set():
            ready.all_tasks_done.wait(0.05)
    return not stop.is_set()
