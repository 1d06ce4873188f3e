"""How the worker runs workflow code (WORKER_SANDBOX, core/settings.py, worker.workflow_runner).

The strict sandbox, in which the tests run every workflow (the fast ring's workers) and replay
every history the suite made, fails a workflow that reads the clock. The worker used to run a
sandbox with our workflow modules passed through it (a fresh copy of each module per cached run
cost ~42 KiB); such a sandbox refuses nothing in a passed-through module, so it cost memory and
CPU for no guard, and the worker now runs workflows outside any sandbox unless told to use the
strict one."""

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


async def run_clock(client, runner) -> str:
    queue = f"clock-{uuid.uuid4().hex[:6]}"
    async with Worker(client, task_queue=queue, workflows=[ClockWorkflow], workflow_runner=runner,
                      workflow_failure_exception_types=[RestrictedWorkflowAccessError],
                      build_id=build_id()):
        return await client.execute_workflow(ClockWorkflow.run, id=queue, task_queue=queue)


def test_the_worker_runs_workflows_outside_a_sandbox_unless_told_to_use_the_strict_one():
    assert isinstance(workflow_runner(Settings(_env_file=None)), UnsandboxedWorkflowRunner)
    assert isinstance(watched_runner(Settings(_env_file=None)).inner, UnsandboxedWorkflowRunner)
    strict = workflow_runner(Settings(_env_file=None, worker_sandbox=True))
    assert isinstance(strict, SandboxedWorkflowRunner)
    assert strict.restrictions == sandbox_runner().restrictions


async def test_only_the_strict_sandbox_refuses_the_clock(dev_env):
    for strict in (sandbox_runner(), workflow_runner(Settings(_env_file=None, worker_sandbox=True))):
        with pytest.raises(WorkflowFailureError) as failed:
            await run_clock(dev_env.client, strict)
        assert "datetime.datetime.now" in str(failed.value.cause)
    # The sandbox as the worker ran it, its workflow modules passed through: nothing refused
    passed_through = SandboxedWorkflowRunner(restrictions=sandbox_runner().restrictions
                                             .with_passthrough_modules(ClockWorkflow.__module__))
    assert await run_clock(dev_env.client, passed_through)
    assert await run_clock(dev_env.client, workflow_runner(Settings(_env_file=None)))
