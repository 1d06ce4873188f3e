"""Proof that a worker polls the task queue: a workflow that waits forever and answers a query.

A query needs a worker to answer it, and adds nothing to the history, so `/healthz` can ask
every few seconds for nothing."""

from temporalio import workflow


@workflow.defn
class HealthWorkflow:
    @workflow.run
    async def run(self) -> None:
        await workflow.wait_condition(lambda: False)

    @workflow.query
    def ping(self) -> str:
        return "ok"
