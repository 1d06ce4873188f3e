"""Optional profiling of a long-running process for the benchmarks: CVMS_PROFILE=FILE profiles
the event loop's thread from start-up to a clean stop and writes FILE (read it with
`python -m pstats FILE`). uvicorn re-raises SIGTERM after its shutdown, so `python -m cProfile`
around it never gets to write; the app's lifespan and the worker's main do it themselves."""

import cProfile
import os
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def profiled(variable: str = "CVMS_PROFILE") -> Iterator[None]:
    target = os.environ.get(variable)
    if not target:
        yield
        return
    profile = cProfile.Profile()
    profile.enable()
    try:
        yield
    finally:
        profile.disable()
        profile.dump_stats(target)
