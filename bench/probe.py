"""Another person's requests, sent and timed from a process of their own.

A benchmark that times another person's requests from its own event loop measures itself as
well: whatever else that process does meanwhile (the SMTP catcher parsing every email in its
thread, encoding an upload's multipart body) holds the interpreter while the answer waits to
be read. Here the other person is a separate process, as a person is a separate computer:

    async with OtherPerson(url, headers, every=0.02, expect="email") as person:
        ...                       # the work whose effect on others is measured
        waits = person.between(start, end)

The child (`python -m bench.probe`) asks for `url` every `every` seconds until it is told to
stop and prints one line per answer: when the request started (`time.monotonic()`, which is
the same clock in every process), how long its answer took and how long of that the API
itself spent on it (its `Server-Timing`), in milliseconds: the difference is time the request
waited outside the API's code (the machine's other processes, the network stack).
"""

import asyncio
import json
import os
import signal
import sys
import time
from pathlib import Path

import httpx

HEADERS = "BENCH_PROBE_HEADERS"
ROOT = Path(__file__).resolve().parent.parent  # where `-m bench.probe` is found


class OtherPerson:
    def __init__(self, url: str, headers: dict[str, str], *, every: float, expect: str) -> None:
        self.argv = [sys.executable, "-m", "bench.probe", url, str(every), expect]
        self.headers = headers
        # (started at, milliseconds waited, milliseconds inside the API)
        self.samples: list[tuple[float, float, float]] = []
        self._process: asyncio.subprocess.Process | None = None
        self._reading: asyncio.Task | None = None

    async def __aenter__(self) -> "OtherPerson":
        env = {**os.environ, HEADERS: json.dumps(self.headers)}
        self._process = await asyncio.create_subprocess_exec(
            *self.argv, stdout=asyncio.subprocess.PIPE, env=env, cwd=ROOT)
        self._reading = asyncio.create_task(self._read())
        return self

    async def _read(self) -> None:
        assert self._process and self._process.stdout
        async for line in self._process.stdout:
            started, ms, inside = line.split()
            self.samples.append((float(started), float(ms), float(inside)))

    async def wait_for(self, count: int, timeout: float = 60) -> None:
        """Until `count` answers have come back."""
        deadline = time.monotonic() + timeout
        while len(self.samples) < count:
            if self._process.returncode is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the probe answered {len(self.samples)} of {count} times")
            await asyncio.sleep(0.05)

    def between(self, start: float, end: float) -> list[float]:
        """The waits of the requests sent between two `time.monotonic()` readings."""
        return [ms for started, ms, _inside in self.samples if start <= started <= end]

    def inside_between(self, start: float, end: float) -> list[float]:
        """The API's own time (Server-Timing) for the same requests."""
        return [inside for started, _ms, inside in self.samples if start <= started <= end]

    async def __aexit__(self, *exc) -> None:
        assert self._process and self._reading
        if self._process.returncode is None:
            self._process.send_signal(signal.SIGTERM)
        await self._reading
        if await self._process.wait() != 0:
            raise RuntimeError(f"the probe stopped with {self._process.returncode} (stderr above)")


async def _probe(url: str, every: float, expect: str) -> None:
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    async with httpx.AsyncClient(headers=json.loads(os.environ[HEADERS]), timeout=60) as http:
        while not stop.is_set():
            started = time.monotonic()
            response = await http.get(url)
            ms = (time.monotonic() - started) * 1000
            if response.status_code != 200 or expect not in response.text:
                sys.exit(f"{url}: {response.status_code} {response.text[:300]}")
            inside = response.headers.get("server-timing", "app;dur=nan").partition("=")[2]
            sys.stdout.write(f"{started:.6f} {ms:.3f} {inside}\n")
            sys.stdout.flush()
            await asyncio.sleep(every)


if __name__ == "__main__":
    url, every, expect = sys.argv[1:4]
    asyncio.run(_probe(url, float(every), expect))
