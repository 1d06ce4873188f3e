"""The worker process stops cleanly on Ctrl-C and SIGTERM, at any moment after it starts
(issue 10, "Clean stop"): exit status 0, its last words logged, no crash in teardown."""

import asyncio
import os
import signal
import sys
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.once

ROOT = Path(__file__).resolve().parent.parent


def read(log: Path) -> str:
    return log.read_text()  # a small local file: reading it blocks for microseconds


async def start_worker(dev_env, database_url: str, log: Path) -> asyncio.subprocess.Process:
    env = {**os.environ, "TEMPORAL_ADDRESS": dev_env.client.service_client.config.target_host,
           "DATABASE_URL": database_url, "TEMPORAL_TASK_QUEUE": f"stop-{uuid.uuid4().hex[:8]}",
           "DATA_DIR": str(log.parent)}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "worker.py", cwd=ROOT, env=env, stdout=log.open("w"),
        stderr=asyncio.subprocess.STDOUT)
    for _ in range(1200):  # up to a minute: importing the worker is slow on a busy machine
        if "worker polling" in read(log):
            return process
        assert process.returncode is None, read(log)
        await asyncio.sleep(0.05)
    raise AssertionError(f"the worker never started polling: {read(log)}")


# The teardown crash was a race (about one stop in twenty here): several stops, at several
# moments, give it its chances.
@pytest.mark.parametrize(("sig", "after"), [
    (signal.SIGINT, 0.0), (signal.SIGINT, 0.05), (signal.SIGINT, 1.0), (signal.SIGTERM, 0.0),
    (signal.SIGTERM, 0.2), (signal.SIGTERM, 1.0)])
async def test_the_worker_stops_cleanly(dev_env, database_url, tmp_path, sig, after):
    log = tmp_path / "worker.log"
    process = await start_worker(dev_env, database_url, log)
    await asyncio.sleep(after)
    process.send_signal(sig)
    status = await asyncio.wait_for(process.wait(), 30)
    output = read(log)
    assert status == 0, output
    assert "worker stopped" in output
    assert "Fatal Python error" not in output and "Traceback" not in output, output
