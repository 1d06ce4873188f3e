"""A workflow whose code raises: every workflow task it gets fails (until terminated)."""

from temporalio import workflow


@workflow.defn
class BrokenWorkflow:
    @workflow.run
    async def run(self) -> None:
        raise RuntimeError("a bug in workflow code")
