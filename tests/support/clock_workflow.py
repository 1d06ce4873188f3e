"""A workflow that reads the wall clock (not deterministic), for the sandbox tests."""

from datetime import datetime

from temporalio import workflow


@workflow.defn
class ClockWorkflow:
    @workflow.run
    async def run(self) -> str:
        return datetime.now().isoformat()
