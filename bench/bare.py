"""The bare shape: workflows with no-op activities and updates, nothing of ours in between."""

import asyncio
import time
from datetime import timedelta

from pydantic import BaseModel
from temporalio import activity, workflow


class BareSpec(BaseModel):
    activities: int
    updates: int
    local_activities: int = 0


def spread(count: int, parts: int) -> list[int]:
    """`count` shared out over `parts` as evenly as whole numbers go (7 over 3: 3, 2, 2)."""
    return [count // parts + (1 if i < count % parts else 0) for i in range(parts)]


@activity.defn
async def noop() -> None:
    return None


@workflow.defn
class BareWorkflow:
    def __init__(self) -> None:
        self.updates = 0

    @workflow.run
    async def run(self, spec: BareSpec) -> None:
        for _ in range(spec.activities):
            await workflow.execute_activity(noop, start_to_close_timeout=timedelta(seconds=30))
        for _ in range(spec.local_activities):
            await workflow.execute_local_activity(noop,
                                                  start_to_close_timeout=timedelta(seconds=30))
        await workflow.wait_condition(lambda: self.updates >= spec.updates)

    @workflow.update
    async def bump(self) -> int:
        self.updates += 1
        return self.updates


async def started_and_waiting(client, task_queue: str, spec: BareSpec, count: int,
                              tag: str) -> list:
    """Start `count` bare workflows (ids `bare-<tag>-<n>`) on `task_queue`; their handles once
    every one ran its activities and waits (each activity is 6 events: scheduled, started,
    completed, a workflow task)."""
    handles = [await client.start_workflow(BareWorkflow.run, spec, id=f"bare-{tag}-{n}",
                                           task_queue=task_queue)
               for n in range(count)]
    events = 4 + 6 * spec.activities + 3 * spec.local_activities
    start, pending = time.perf_counter(), handles
    while pending:
        # Each workflow's event count (describe), not its whole history, 50 at a time
        found = await asyncio.gather(*(h.describe() for h in pending[:50]))
        waiting = [h for h, described in zip(pending[:50], found, strict=True)
                   if described.history_length < events]
        if waiting:
            await asyncio.sleep(0.2)
        pending = waiting + pending[50:]
        if time.perf_counter() - start > 600:
            raise TimeoutError(f"{len(pending)} bare workflows not waiting after 600 s")
    return handles
