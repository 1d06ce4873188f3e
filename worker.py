"""The Temporal worker: registers every workflow and activity; stops cleanly on SIGTERM/Ctrl-C."""

import asyncio
import logging
import os
import signal
import sys
from datetime import timedelta

from temporalio.client import Client
from temporalio.converter import DataConverter
from temporalio.worker import (
    PollerBehaviorAutoscaling,
    UnsandboxedWorkflowRunner,
    Worker,
    WorkflowRunner,
)
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from activities.registry import build_activities
from core.build import build_id
from core.db import create_engine, session_factory
from core.heap import freeze_startup_heap, limit_malloc_arenas, release_free_memory
from core.profiling import profiled
from core.security import use_password_hashing
from core.settings import Settings, get_settings
from core.temporal import DATA_CONVERTER, connect
from core.workflow_watch import WatchedRunner, plain_payloads
from notifications.sender import MailSender, SmtpSender
from workflows.files import start_file_sweep
from workflows.options import allow_local_db_steps
from workflows.registry import WORKFLOWS

log = logging.getLogger("cvms.worker")

# Our own packages and heavy third-party ones load once, outside the workflow sandbox.
SHUTDOWN_LIMIT = timedelta(seconds=20)  # in-flight activities get 10 s (graceful_shutdown_timeout)
PASSTHROUGH = ("activities", "core", "models", "notifications", "workflows.options",
               "pydantic", "pydantic_core", "sqlmodel", "sqlalchemy", "jinja2", "aiosmtplib")


def sandbox_runner() -> SandboxedWorkflowRunner:
    """The strict workflow sandbox: each run imports its workflow module afresh, and a
    non-deterministic call (datetime.now, random, I/O) fails the workflow task. The tests run
    every workflow in it (the fast ring) and replay every history the suite made in it."""
    return SandboxedWorkflowRunner(
        restrictions=SandboxRestrictions.default.with_passthrough_modules(*PASSTHROUGH))


def workflow_runner(settings: Settings) -> WorkflowRunner:
    """How the worker runs workflow code (WORKER_SANDBOX). By default outside any sandbox:
    the sandbox guards only the modules it imports itself, and a fresh copy of each workflow
    module per cached run cost ~42 KiB per location workflow (bench.cases), so the worker
    passed `workflows` through it, after which it refused nothing in them (a passed-through
    module reads the real clock: tests/test_workflow_runner.py) and still cost ~7 KiB per
    cached workflow and ~10% of the worker's CPU. With WORKER_SANDBOX=true, the strict one."""
    return sandbox_runner() if settings.worker_sandbox else UnsandboxedWorkflowRunner()


def watched_runner(settings: Settings,
                   converter: DataConverter = DATA_CONVERTER) -> WatchedRunner:
    """The worker's runner, with failed, slow and timed-out workflow tasks logged as warnings."""
    slow = timedelta(seconds=settings.worker_slow_activation_seconds)
    return WatchedRunner(workflow_runner(settings), slow,
                         plain_payloads=plain_payloads(converter))


def tuning(settings: Settings) -> dict:
    """The worker's cache, slots, pollers and build ID (README, "Worker tuning"); the bare
    shape's benchmark worker (bench/bare_worker.py) runs with the same."""
    return {"max_cached_workflows": settings.worker_max_cached_workflows,
            "max_concurrent_workflow_tasks": settings.worker_max_concurrent_workflow_tasks,
            "max_concurrent_activities": settings.worker_max_concurrent_activities,
            "workflow_task_poller_behavior": PollerBehaviorAutoscaling(),
            "activity_task_poller_behavior": PollerBehaviorAutoscaling(),
            "build_id": build_id(settings.worker_build_id)}


def build_worker(client: Client, settings: Settings, sender: MailSender | None = None,
                 *, task_queue: str | None = None, engine=None,
                 graceful: timedelta = timedelta(seconds=10)) -> Worker:
    engine = engine or create_engine(settings.resolved_database_url)
    allow_local_db_steps(engine.dialect.name != "sqlite")  # see workflows/options.py
    # a help-desk case's new account gets a temporary password (activities/helpdesk.py)
    use_password_hashing(settings.password_hash_time_cost, settings.password_hash_memory_kib)
    return Worker(
        client,
        task_queue=task_queue or settings.temporal_task_queue,
        workflows=WORKFLOWS,
        activities=build_activities(session_factory(engine), sender or SmtpSender(settings),
                                    settings),
        workflow_runner=watched_runner(settings, client.data_converter),
        graceful_shutdown_timeout=graceful,
        **tuning(settings),
    )


async def connect_with_retry(settings: Settings, attempts: int = 60) -> Client:
    for attempt in range(1, attempts + 1):
        try:
            return await connect(settings)
        except RuntimeError as error:
            if attempt == attempts:
                raise
            log.warning("Temporal at %s not reachable yet (%s); retrying",
                        settings.temporal_address, error)
            await asyncio.sleep(1)
    raise AssertionError("unreachable")


async def release_memory_every(seconds: float) -> None:
    """The allocator's free pages back to the system, every `seconds` (WORKER_HEAP_TRIM_SECONDS):
    a burst of activities (SQL, emails) leaves the heap at its high-water mark otherwise. In a
    thread: trimming a fragmented heap of a few hundred MiB takes 5-25 ms."""
    while True:
        await asyncio.sleep(seconds)
        await asyncio.to_thread(release_free_memory)


async def serve(worker: Worker, stop: asyncio.Event, trim_every: float = 0) -> None:
    """Run until asked to stop (or a fatal worker error), then shut down within a bound;
    meanwhile, with `trim_every` > 0, hand freed memory back every so many seconds."""
    running = asyncio.create_task(worker.run())
    trimming = asyncio.create_task(release_memory_every(trim_every)) if trim_every > 0 else None
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    if trimming is not None:
        trimming.cancel()
    if running.done():
        running.result()  # a fatal worker error: raised, so the process exits non-zero
        return
    log.info("worker shutting down")
    try:
        await asyncio.wait_for(worker.shutdown(), SHUTDOWN_LIMIT.total_seconds())
        await running
    except TimeoutError:
        log.warning("worker did not finish shutting down in %s; exiting anyway", SHUTDOWN_LIMIT)


async def main() -> None:
    settings = get_settings()
    limit_malloc_arenas(settings.worker_malloc_arenas)  # before the SDK's threads
    client = await connect_with_retry(settings)
    sender = SmtpSender(settings)  # one SMTP connection for the process, kept open
    worker = build_worker(client, settings, sender)
    # the processes that no person starts: removing stored files nothing uses
    await start_file_sweep(client, settings.temporal_task_queue)
    freeze_startup_heap(settings.gc_freeze)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    log.info("worker polling task queue %r at %s", settings.temporal_task_queue,
             settings.temporal_address)
    with profiled():
        await serve(worker, stop, settings.worker_heap_trim_seconds)
    await sender.close()
    log.info("worker stopped")


def run_loop(main_coroutine) -> None:
    """The process's event loop: uvloop where it is installed (it comes with uvicorn[standard],
    which the API runs on), asyncio's own otherwise. Workflow code runs on the SDK's own
    deterministic loop either way; this one carries polling, activities and sockets."""
    try:
        import uvloop
    except ImportError:
        asyncio.run(main_coroutine)
    else:
        uvloop.run(main_coroutine)


def exit_without_teardown(code: int) -> None:
    """End the process without the interpreter's teardown.

    The Temporal client and worker run a Rust (tokio) runtime whose threads outlive the event
    loop; during interpreter finalization one of them may still call into Python and CPython
    aborts with "Fatal Python error: PyGILState_Release" (temporalio/sdk-python#300). Once
    the worker has shut down and the logs are flushed there is nothing left to clean up, so
    the process ends here, before finalization can race those threads."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    status = 0
    try:
        run_loop(main())
    except KeyboardInterrupt:  # Ctrl-C before the worker was up (still connecting)
        log.info("worker interrupted before it started")
    except Exception:
        log.exception("worker failed")
        status = 1
    exit_without_teardown(status)
