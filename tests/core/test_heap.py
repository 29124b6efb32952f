"""Before serving, the engine's lazy tables are loaded and the heap frozen."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from app.core import heap
from app.dedup.engine import tables


def test_every_shipped_table_is_loaded() -> None:
    public = {
        name
        for name, value in vars(tables).items()
        if callable(value) and not name.startswith("_") and hasattr(value, "cache_info")
    }
    assert {table.__name__ for table in heap.TABLES} == public


@pytest.fixture
def unfrozen() -> Iterator[None]:
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()  # this test process goes on creating and dropping apps
    gc.set_threshold(*thresholds)


def test_settle_loads_the_tables_then_freezes_what_exists(unfrozen: None) -> None:
    for table in heap.TABLES:
        table.cache_clear()
    heap.settle()
    assert all(table.cache_info().currsize == 1 for table in heap.TABLES)
    assert gc.get_freeze_count() > 10_000
    frozen = gc.get_freeze_count()
    assert len(gc.get_objects()) < frozen  # later collections walk only what came after
    assert gc.get_threshold() == heap.THRESHOLDS
