"""The Temporal worker: registers every workflow and activity; stops cleanly on SIGTERM/Ctrl-C."""

import asyncio
import logging
import signal
from datetime import timedelta

from temporalio.client import Client
from temporalio.worker import PollerBehaviorAutoscaling, Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from activities.registry import build_activities
from core.db import create_engine, session_factory
from core.settings import Settings, get_settings
from core.temporal import connect
from notifications.sender import MailSender, SmtpSender
from workflows.registry import WORKFLOWS

log = logging.getLogger("cvms.worker")

# Our own packages and heavy third-party ones load once, outside the workflow sandbox.
PASSTHROUGH = ("activities", "core", "models", "notifications", "workflows.options",
               "pydantic", "pydantic_core", "sqlmodel", "sqlalchemy", "jinja2", "aiosmtplib")


def sandbox_runner() -> SandboxedWorkflowRunner:
    restrictions = SandboxRestrictions.default.with_passthrough_modules(*PASSTHROUGH)
    return SandboxedWorkflowRunner(restrictions=restrictions)


def build_worker(client: Client, settings: Settings, sender: MailSender | None = None,
                 *, task_queue: str | None = None, engine=None) -> Worker:
    engine = engine or create_engine(settings.resolved_database_url)
    return Worker(
        client,
        task_queue=task_queue or settings.temporal_task_queue,
        workflows=WORKFLOWS,
        activities=build_activities(session_factory(engine), sender or SmtpSender(settings),
                                    settings),
        workflow_runner=sandbox_runner(),
        workflow_task_poller_behavior=PollerBehaviorAutoscaling(),
        activity_task_poller_behavior=PollerBehaviorAutoscaling(),
        graceful_shutdown_timeout=timedelta(seconds=10),
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


async def main() -> None:
    settings = get_settings()
    client = await connect_with_retry(settings)
    worker = build_worker(client, settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    log.info("worker polling task queue %r at %s", settings.temporal_task_queue,
             settings.temporal_address)
    async with worker:
        await stop.wait()
        log.info("worker shutting down")
    log.info("worker stopped")


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    asyncio.run(main())
