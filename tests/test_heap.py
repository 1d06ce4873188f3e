"""The API process moves what start-up made out of the garbage collector's walks (a full
collection over the imported app took ~170 ms and stalled requests); the test suite, which
starts many systems in one process, turns it off."""

import gc
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from core.heap import release_free_memory
from core.settings import Settings
from tests.support.system import TEST_SECRET

ROOT = Path(__file__).resolve().parent.parent


def _settings(tmp_path, freeze: bool) -> Settings:
    return Settings(_env_file=None, environment="test", secret_key=TEST_SECRET,
                    database_url=f"sqlite:///{tmp_path}/heap.db", data_dir=tmp_path,
                    gc_freeze=freeze)


def test_the_app_freezes_its_start_up_heap_only_when_asked(tmp_path):
    gc.unfreeze()
    try:
        with TestClient(create_app(_settings(tmp_path, freeze=False))):
            assert gc.get_freeze_count() == 0
        with TestClient(create_app(_settings(tmp_path, freeze=True))):
            frozen = gc.get_freeze_count()
            assert frozen > 10_000, "start-up's objects are out of the collector's walks"
            gc.collect()  # a collection leaves them there (only objects freed outright leave)
            assert gc.get_freeze_count() > frozen * 0.9
    finally:
        gc.unfreeze()


ARENAS = """
import ctypes, sys, threading
from core.heap import limit_malloc_arenas
limited = limit_malloc_arenas(int(sys.argv[1]))
start = threading.Barrier(8)
def allocate():
    start.wait()
    kept = [bytearray(200) for _ in range(20_000)]
    start.wait()
threads = [threading.Thread(target=allocate) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
libc = ctypes.CDLL("libc.so.6")
libc.fopen.restype = ctypes.c_void_p
out = libc.fopen(sys.argv[2].encode(), b"w")
libc.malloc_info(0, ctypes.c_void_p(out))
libc.fclose(ctypes.c_void_p(out))
print(limited, open(sys.argv[2]).read().count("<heap nr="))
"""


def _arenas_after_eight_threads(tmp_path, limit: int) -> tuple[str, int]:
    answer = subprocess.run([sys.executable, "-c", ARENAS, str(limit), str(tmp_path / "info.xml")],
                            capture_output=True, text=True, check=True, cwd=ROOT)
    limited, arenas = answer.stdout.split()
    return limited, int(arenas)


@pytest.mark.skipif(not Path("/lib/x86_64-linux-gnu/libc.so.6").exists()
                    and not Path("/lib/aarch64-linux-gnu/libc.so.6").exists(), reason="glibc's")
def test_the_worker_keeps_its_threads_to_the_arenas_it_is_given(tmp_path):
    """Eight threads allocating at once take an arena each (glibc's default); limited, as the
    worker limits itself (WORKER_MALLOC_ARENAS, 2), they share two."""
    assert Settings(_env_file=None).worker_malloc_arenas == 2
    limited, arenas = _arenas_after_eight_threads(tmp_path, 0)
    assert limited == "False" and arenas > 2, arenas
    assert _arenas_after_eight_threads(tmp_path, 2) == ("True", 2)


TRIM = """
import sys
import psutil
from core.heap import release_free_memory
kept = [bytearray(2000) for _ in range(100_000)]  # ~200 MiB through malloc (not pymalloc)
for n in range(len(kept)):
    if n % 16:
        kept[n] = None  # freed, but between survivors: the heap cannot shrink from its top
before = psutil.Process().memory_info().rss
released = release_free_memory() if sys.argv[1] == "trim" else None
print(released, (before - psutil.Process().memory_info().rss) // 2**20)
"""


def _mib_given_back(how: str) -> tuple[str, int]:
    answer = subprocess.run([sys.executable, "-c", TRIM, how], capture_output=True, text=True,
                            check=True, cwd=ROOT)
    released, mib = answer.stdout.split()
    return released, int(mib)


@pytest.mark.skipif(not Path("/lib/x86_64-linux-gnu/libc.so.6").exists()
                    and not Path("/lib/aarch64-linux-gnu/libc.so.6").exists(), reason="glibc's")
def test_the_worker_hands_freed_memory_back():
    """What a burst freed between the objects that stay is kept by the allocator (the process
    stays at its high-water mark) until the worker's periodic trim (WORKER_HEAP_TRIM_SECONDS)
    gives the free pages back."""
    assert Settings(_env_file=None).worker_heap_trim_seconds == 5.0
    assert _mib_given_back("keep") == ("None", 0)
    released, mib = _mib_given_back("trim")
    assert released == "True" and mib > 100, mib


async def test_the_worker_trims_every_so_often(monkeypatch):
    """The worker's loop (worker.serve) trims again and again, at its interval, not in a
    busy loop: the trim itself is the real one, counted on its way through."""
    import asyncio
    import time

    import worker
    trims: list[float] = []

    def counted() -> bool:
        trims.append(time.monotonic())
        return release_free_memory()

    monkeypatch.setattr(worker, "release_free_memory", counted)
    trimming = asyncio.create_task(worker.release_memory_every(0.05))
    deadline = time.monotonic() + 10
    while len(trims) < 3 and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    trimming.cancel()
    assert len(trims) >= 3, trims
    assert all(later - earlier >= 0.04 for earlier, later in zip(trims, trims[1:], strict=False)), trims
