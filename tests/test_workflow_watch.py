"""Failed, slow and timed-out workflow tasks are logged as warnings (issue 17)."""

import asyncio
import dataclasses
import logging
import time
import uuid
from datetime import timedelta

from temporalio.bridge.proto.workflow_activation import RemoveFromCache, WorkflowActivation
from temporalio.bridge.proto.workflow_completion import WorkflowActivationCompletion
from temporalio.client import Client
from temporalio.converter import PayloadCodec
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox._runner import _Instance

from core.build import build_id
from core.settings import Settings
from core.temporal import DATA_CONVERTER
from core.workflow_watch import WatchedInstance
from tests.support.broken_workflow import BrokenWorkflow
from tests.support.echo_workflow import EchoWorkflow, echo
from worker import watched_runner

LOGGER = "cvms.workflow_tasks"


class Info:
    workflow_id, workflow_type, task_timeout = "case-1", "CaseWorkflow", timedelta(seconds=10)


class Inner:
    def __init__(self, failed: bool = False, takes: float = 0.0) -> None:
        self.failed, self.takes = failed, takes

    def activate(self, act: WorkflowActivation) -> WorkflowActivationCompletion:
        time.sleep(self.takes)
        completion = WorkflowActivationCompletion(run_id=act.run_id)
        if self.failed:
            completion.failed.failure.message = "boom"
        else:
            completion.successful.SetInParent()
        return completion


def activation(seconds_ago: float, replaying: bool = False) -> WorkflowActivation:
    act = WorkflowActivation(run_id="r", is_replaying=replaying)
    act.timestamp.FromMicroseconds(int((time.time() - seconds_ago) * 1e6))
    return act


def warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.name == LOGGER and r.levelno == logging.WARNING]


def test_a_task_completed_past_its_timeout_is_a_warning(caplog):
    caplog.set_level(logging.WARNING, LOGGER)
    WatchedInstance(Inner(), Info(), slow=1.0).activate(activation(12))
    assert len(warnings(caplog)) == 1 and "past its 10 s timeout" in warnings(caplog)[0]
    assert "case-1" in warnings(caplog)[0]


def test_a_slow_activation_and_a_failed_task_are_warnings_a_quick_one_is_not(caplog):
    caplog.set_level(logging.WARNING, LOGGER)
    WatchedInstance(Inner(), Info(), slow=1.0).activate(activation(0.01))
    WatchedInstance(Inner(), Info(), slow=1.0).activate(activation(60, replaying=True))
    assert warnings(caplog) == [], "a replay's old timestamps are not a timeout"
    WatchedInstance(Inner(takes=0.05), Info(), slow=0.01).activate(activation(0))
    WatchedInstance(Inner(failed=True), Info(), slow=1.0).activate(activation(0))
    slow, failed = warnings(caplog)
    assert slow.startswith("slow workflow activation for case-1")
    assert failed == "workflow task failed for case-1 (CaseWorkflow): boom"


def test_a_task_the_server_no_longer_had_is_a_warning_a_full_cache_is_not(caplog):
    """The server timed the task out (or could not record its completion) while the completion
    was on its way: the worker learns it only from the run's eviction."""
    caplog.set_level(logging.WARNING, LOGGER)
    for reason in (RemoveFromCache.CACHE_FULL, RemoveFromCache.WORKFLOW_EXECUTION_ENDING,
                   RemoveFromCache.TASK_NOT_FOUND):
        act = activation(3600)  # an eviction of a run cached an hour: no task timed out
        act.jobs.add().remove_from_cache.CopyFrom(
            RemoveFromCache(reason=reason, message="Workflow task not found"))
        WatchedInstance(Inner(), Info(), slow=1.0).activate(act)
    said, = warnings(caplog)
    assert said.startswith("workflow task for case-1 (CaseWorkflow) was not taken by the "
                           "server (TASK_NOT_FOUND): Workflow task not found"), said


async def test_the_worker_logs_a_failing_workflow_task(dev_env, caplog):
    caplog.set_level(logging.WARNING, LOGGER)
    queue = f"watch-{uuid.uuid4().hex[:6]}"
    runner = watched_runner(Settings(_env_file=None))
    async with Worker(dev_env.client, task_queue=queue, workflows=[BrokenWorkflow],
                      workflow_runner=runner, build_id=build_id()):
        handle = await dev_env.client.start_workflow(BrokenWorkflow.run, id=queue,
                                                     task_queue=queue)
        for _ in range(100):
            if any(queue in w and "a bug in workflow code" in w for w in warnings(caplog)):
                break
            await asyncio.sleep(0.1)
        await handle.terminate()
    assert any(f"workflow task failed for {queue}" in w for w in warnings(caplog))


class SameBytes(PayloadCodec):
    async def encode(self, payloads):
        return list(payloads)

    async def decode(self, payloads):
        return list(payloads)


async def run_echo(client: Client) -> int:
    """Run one workflow through the worker's runner; how many times the sandbox was asked for
    a serialization context."""
    asked = []
    real = _Instance.get_serialization_context

    def counted(self, command_info):
        asked.append(command_info)
        return real(self, command_info)

    _Instance.get_serialization_context = counted
    try:
        queue = f"echo-{uuid.uuid4().hex[:6]}"
        async with Worker(client, task_queue=queue, workflows=[EchoWorkflow], activities=[echo],
                          workflow_runner=watched_runner(
                              Settings(_env_file=None, worker_sandbox=True),
                              client.data_converter),
                          build_id=build_id()):
            assert await client.execute_workflow(EchoWorkflow.run, "hello", id=queue,
                                                 task_queue=queue) == "hello"
    finally:
        _Instance.get_serialization_context = real
    return len(asked)


async def test_plain_payloads_skip_the_sandboxs_serialization_context(dev_env):
    """With no codec (the system's converter), the worker does not ask the sandbox for a
    context per payload; with a codec it does, and must."""
    plain = Client(**{**dev_env.client.config(), "data_converter": DATA_CONVERTER})
    assert await run_echo(plain) == 0
    coded = dataclasses.replace(DATA_CONVERTER, payload_codec=SameBytes())
    assert await run_echo(Client(**{**dev_env.client.config(), "data_converter": coded})) > 0
