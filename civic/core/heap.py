"""Keeps the garbage collector from pausing a busy process.

Everything a process builds before it serves (modules, table metadata, route tables, templates' code)
lives until it exits, yet CPython's full collections walk all of it: under signing load a process ran a
full collection every half second or so, each stopping every request for 100 ms or more, which set the
99th-percentile latency. Freezing those objects once startup is done leaves full collections only the
objects made since.
"""

from __future__ import annotations

import gc


def freeze_startup_objects() -> None:
    gc.collect()  # what startup threw away is collected now, not kept for good
    gc.freeze()
