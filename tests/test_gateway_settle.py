"""A refused start-with-update leaves the SDK's start-operation future holding the error; the
gateway reads it off, so asyncio does not log "Future exception was never retrieved" (with a
traceback) for every action refused while Temporal is slow or away."""

import asyncio
import gc

from temporalio.client import WithStartWorkflowOperation
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.service import RPCError, RPCStatusCode

from api.processes.gateway import _settle_when_done
from workflows.health import HealthWorkflow


async def _unretrieved(settle: bool) -> list[dict]:
    loop = asyncio.get_running_loop()
    reported: list[dict] = []
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _loop, context: reported.append(context))
    try:
        operation = WithStartWorkflowOperation(
            HealthWorkflow.run, None, id="settle", task_queue="q",
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING)
        if settle:
            _settle_when_done(operation)
        operation._workflow_handle.set_exception(  # what the SDK does when the call fails
            RPCError("Timeout expired", RPCStatusCode.DEADLINE_EXCEEDED, b""))
        await asyncio.sleep(0)  # done callbacks run
        del operation
        gc.collect()
    finally:
        loop.set_exception_handler(previous)
    return [c for c in reported if "never retrieved" in c.get("message", "")]


async def test_a_failed_start_operation_does_not_log_an_unretrieved_error():
    assert await _unretrieved(settle=False), "without it asyncio reports the error"
    assert await _unretrieved(settle=True) == []
