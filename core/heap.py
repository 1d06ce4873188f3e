"""The long-lived processes' heap after start-up.

Importing the app (FastAPI, SQLAlchemy, Temporal, fhir.resources, Babel, ...) leaves ~280,000
objects the cyclic garbage collector tracks; every full collection walks them all, ~170 ms on
this machine, and a request that arrives meanwhile waits for it (bench/lists.py saw those
pauses as a p99 of 200-300 ms). `gc.freeze()` moves what start-up made into a permanent
generation the collector never walks again: a full collection then only sees what requests
and workflows created since (CPython's documented way for long-running servers).
"""

import gc


def freeze_startup_heap(enabled: bool = True) -> None:
    if enabled:
        gc.collect()
        gc.freeze()
