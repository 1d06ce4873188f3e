"""A worker process for the bare shape (bench/bare.py), configured as ours is (worker.py: the
same runner, and `tuning`: cache size, workflow-task slots, pollers; the start-up heap frozen), so that
its resident memory per cached workflow is the Temporal SDK's floor for that shape.

    .venv/bin/python -m bench.bare_worker TASK_QUEUE   (the app's settings name the server)
"""

import asyncio
import logging
import signal
import sys

from temporalio.worker import Worker

from bench.bare import BareWorkflow, noop
from core.heap import freeze_startup_heap, limit_malloc_arenas
from core.settings import get_settings
from worker import connect_with_retry, serve, tuning, workflow_runner

POLLING = "bare worker polling"


async def main(task_queue: str) -> None:
    settings = get_settings()
    limit_malloc_arenas(settings.worker_malloc_arenas)  # before the SDK's threads
    client = await connect_with_retry(settings)
    worker = Worker(client, task_queue=task_queue, workflows=[BareWorkflow],
                    activities=[noop], workflow_runner=workflow_runner(settings), **tuning(settings))
    freeze_startup_heap(settings.gc_freeze)
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    logging.getLogger(__name__).warning(POLLING)
    await serve(worker, stop, settings.worker_heap_trim_seconds)


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    asyncio.run(main(sys.argv[1]))
