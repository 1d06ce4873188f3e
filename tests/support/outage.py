"""A Temporal dev server a test can stop and start again (same port, same file store), and
the whole system on it with a short action timeout: for outage and fault tests."""

import asyncio
import uuid
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from tests.support.smtp import SmtpCapture, free_port
from tests.support.system import System, local_temporal, start_system

# Long enough for a person's action to be accepted while a loaded machine runs both suites
# (3 s was not, once: a setup step's update, not an outage, answered 503), short enough for
# the refusals while Temporal or the worker is away to come quickly.
ACTION_TIMEOUT = 5.0


class RestartableTemporal:
    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.store = directory / "temporal.db"
        self.env: WorkflowEnvironment | None = None
        self.first: WorkflowEnvironment | None = None

    async def start(self) -> WorkflowEnvironment:
        self.env = await local_temporal("--db-filename", str(self.store), port=self.port)
        self.first = self.first or self.env
        return self.env

    async def stop(self) -> None:
        await self.env.shutdown()
        self.env = None


async def outage_system(temporal: RestartableTemporal, database_url: str, smtp: SmtpCapture,
                        directory: Path) -> System:
    """The system keeps its first clients: they reconnect when the server is back. The API's is
    its own, made as in production (its retries bounded by the action's timeout)."""
    env = await temporal.start()
    system = await start_system(env, database_url, smtp, f"cvms-outage-{uuid.uuid4().hex[:8]}",
                                directory, gateway_connects=True,
                                temporal_address=f"127.0.0.1:{temporal.port}",
                                action_timeout_seconds=ACTION_TIMEOUT)
    return system


async def activities_done(system: System, workflow_id: str, timeout: float = 30) -> None:
    """Wait until the process has no activity under way: one stopped with the server has sent
    its email but its completion is lost, so Temporal runs it again only after its
    start-to-close timeout (30 s), and whatever the process does next (a link asked for again)
    waits behind it. A test that stops the server right after an email stops it there."""
    handle = system.client.get_workflow_handle(workflow_id)
    for _ in range(int(timeout * 10)):
        if not (await handle.describe()).raw_description.pending_activities:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{workflow_id} still has an activity under way after {timeout} s")
