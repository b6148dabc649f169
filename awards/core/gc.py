"""Pausing Python's cyclic garbage collector around bulk work that makes many short-lived, acyclic objects."""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused(*, collect_after: int | None = None) -> Iterator[None]:
    """Hold the cyclic collector while tens of thousands of plain values are built (rows, facts, reports).

    They hold no cycles (reference counting frees them), yet every few hundred allocations the collector
    walks the whole heap again: measured, that doubled a 100,000-row import (bench/metrics_import.py) and
    tripled loading the facts of 10,000 people (bench/eligibility.py). The previous setting is restored.
    ``collect_after``: collect that generation once at the end, for work whose objects do form cycles (a
    WeasyPrint render: awards/documents/render.py).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
            if collect_after is not None:
                gc.collect(collect_after)
