"""The long-lived processes' heap after start-up.

Importing the app (FastAPI, SQLAlchemy, Temporal, fhir.resources, Babel, ...) leaves ~280,000
objects the cyclic garbage collector tracks; every full collection walks them all, ~170 ms on
this machine, and a request that arrives meanwhile waits for it (bench/lists.py saw those
pauses as a p99 of 200-300 ms). `gc.freeze()` moves what start-up made into a permanent
generation the collector never walks again: a full collection then only sees what requests
and workflows created since (CPython's documented way for long-running servers).
"""

import ctypes
import functools
import gc


def freeze_startup_heap(enabled: bool = True) -> None:
    if enabled:
        gc.collect()
        gc.freeze()


M_ARENA_MAX = -8  # glibc's <malloc.h>


@functools.cache
def _glibc() -> ctypes.CDLL | None:
    """The C library, once per process; None where it is not glibc (musl, macOS): there the
    allocator keeps its own defaults."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
    except OSError:
        return None
    return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None


def limit_malloc_arenas(arenas: int) -> bool:
    """At most `arenas` glibc malloc arenas for the threads made from now on (0: glibc's own
    default, 8 per core). The worker's threads (the Temporal SDK's tokio runtime, the database
    driver's) each take an arena of their own and keep its freed memory apart from the
    others': with 2, a burst of 300 cases left the worker ~25 KiB a case smaller (bench.cases,
    README). Call it before the SDK starts its runtime. False where there is no glibc."""
    libc = _glibc()
    return arenas > 0 and libc is not None and bool(libc.mallopt(M_ARENA_MAX, arenas))


def release_free_memory() -> bool:
    """Hand the allocator's free pages back to the system (glibc's `malloc_trim(0)`: every
    arena, not only the top of the heap). False where there is no glibc."""
    libc = _glibc()
    return libc is not None and bool(libc.malloc_trim(0))
