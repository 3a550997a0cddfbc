"""read_ahead: the items in order, an error where it would have come, at most two items alive,
and the reading stopped when the caller stops."""

import gc
import threading
import weakref

import pytest

from dtiscore.io.ahead import read_ahead


class Item:
    pass


def test_items_come_in_order_and_an_error_after_the_items_before_it():
    def items():
        yield from range(5)
        raise ValueError("row 6 is bad")

    got = []
    with pytest.raises(ValueError, match="row 6 is bad"):
        for item in read_ahead(items()):
            got.append(item)
    assert got == [0, 1, 2, 3, 4]


def test_at_most_two_items_are_alive():
    alive = weakref.WeakSet()
    most = []

    def items():
        for _ in range(20):
            item = Item()
            alive.add(item)
            yield item
            del item

    for item in read_ahead(items()):
        gc.collect()
        most.append(len(alive))
        del item
    assert max(most) <= 2 and len(most) == 20


def test_stopping_early_stops_the_reading_and_closes_the_items():
    read, closed = [], threading.Event()

    def items():
        try:
            for i in range(1000):
                read.append(i)
                yield i
        finally:
            closed.set()

    for item in read_ahead(items()):
        if item == 3:
            break
    assert closed.wait(5) and len(read) <= 5


def test_an_error_of_the_caller_is_not_hidden_by_one_read_ahead():
    def items():
        yield 1
        raise ValueError("the next chunk is bad")

    with pytest.raises(KeyError):
        for _ in read_ahead(items()):
            raise KeyError("scoring the first chunk failed")
