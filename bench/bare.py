"""The bare shape: workflows with no-op activities and updates, nothing of ours in between."""

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
