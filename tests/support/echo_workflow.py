"""A workflow with payloads both ways (its argument, an activity's, their results), for the
worker-runner tests."""

from datetime import timedelta

from temporalio import activity, workflow


@activity.defn
async def echo(text: str) -> str:
    return text


@workflow.defn
class EchoWorkflow:
    @workflow.run
    async def run(self, text: str) -> str:
        return await workflow.execute_activity(echo, text,
                                               start_to_close_timeout=timedelta(seconds=10))
