"""How the worker runs workflow code (WORKER_SANDBOX, core/settings.py): outside the SDK's
sandbox by default, because the tests run every workflow in the strict one (the fast ring's
workers and the replay of every history the suite made use `worker.sandbox_runner()`), where a
non-deterministic call fails the workflow instead of passing unnoticed."""

import uuid

import pytest
from temporalio.client import WorkflowFailureError
from temporalio.worker import UnsandboxedWorkflowRunner, Worker
from temporalio.worker.workflow_sandbox import (
    RestrictedWorkflowAccessError,
    SandboxedWorkflowRunner,
)

from core.build import build_id
from core.settings import Settings
from tests.support.clock_workflow import ClockWorkflow
from worker import sandbox_runner, watched_runner, workflow_runner


def test_the_worker_runs_workflows_outside_the_sandbox_unless_asked():
    assert isinstance(workflow_runner(Settings(_env_file=None)), UnsandboxedWorkflowRunner)
    assert isinstance(workflow_runner(Settings(_env_file=None, worker_sandbox=True)),
                      SandboxedWorkflowRunner)
    assert isinstance(watched_runner(Settings(_env_file=None)).inner, UnsandboxedWorkflowRunner)


async def run_clock(client, runner) -> str:
    queue = f"clock-{uuid.uuid4().hex[:6]}"
    async with Worker(client, task_queue=queue, workflows=[ClockWorkflow], workflow_runner=runner,
                      workflow_failure_exception_types=[RestrictedWorkflowAccessError],
                      build_id=build_id()):
        return await client.execute_workflow(ClockWorkflow.run, id=queue, task_queue=queue)


async def test_the_strict_sandbox_refuses_the_clock_the_production_runner_does_not(dev_env):
    with pytest.raises(WorkflowFailureError) as failed:
        await run_clock(dev_env.client, sandbox_runner())
    assert "datetime.datetime.now" in str(failed.value.cause)
    assert await run_clock(dev_env.client, workflow_runner(Settings(_env_file=None)))
