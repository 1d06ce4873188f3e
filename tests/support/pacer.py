"""A pacer for the time-skipping test server: a workflow whose timer always fires within
PACE, so the server never leaps further than that while time is unlocked.

The server skips time whenever nothing is running, to the earliest timer it holds. Awaiting the
result of a workflow whose last step is an activity, a test let it find an idle moment with no
timer but its own ten-year ones: the clock leapt ten years at once (tests/fast/test_pacer.py;
2026 -> 2036 on each of several awaits, and past 2100 on a CI worker, where the `holidays`
package, and with it the help desk's calendar, ends). The clock is the session's, shared by
every test on that server, so each leap moved every later test's dates. With the pacer's timer
always pending the server stops there, and the pacer's workflow task, outstanding until its
worker answers, holds time still until its next timer is set: a leap is at most PACE, and a
skip over days fires only a few of its timers.
"""

import asyncio
import uuid
from datetime import timedelta

from temporalio import workflow
from temporalio.client import Client
from temporalio.worker import Worker

from tests.support.echo_workflow import echo

PACE = timedelta(days=30)


@workflow.defn
class PacerWorkflow:
    @workflow.run
    async def run(self) -> None:
        while True:
            await workflow.sleep(PACE)
            if workflow.info().is_continue_as_new_suggested():
                workflow.continue_as_new()


class Pacer:
    def __init__(self, client: Client) -> None:
        self.client = client
        self.task_queue = f"pacer-{uuid.uuid4().hex[:8]}"
        self.worker = Worker(client, task_queue=self.task_queue, workflows=[PacerWorkflow])
        self.handle = None

    async def __aenter__(self) -> "Pacer":
        self._task = asyncio.create_task(self.worker.run())
        self.handle = await self.client.start_workflow(
            PacerWorkflow.run, id=self.task_queue, task_queue=self.task_queue)
        return self

    async def __aexit__(self, *exc) -> None:
        await self.handle.terminate("the session ended")
        await self.worker.shutdown()
        await self._task


@workflow.defn
class SleepWorkflow:
    """Sleeps the days it is given, then runs an activity (tests/fast/test_pacer.py)."""

    @workflow.run
    async def run(self, days: int) -> str:
        await workflow.sleep(timedelta(days=days))
        return await workflow.execute_activity(echo, "awake",
                                               start_to_close_timeout=timedelta(seconds=10))
