"""Delivering people's actions into workflows, with Temporal's refusals mapped to our errors."""

from typing import Any

from temporalio.client import WorkflowHandle
from temporalio.service import RPCError, RPCStatusCode

from core.errors import Conflict, NotFound

FINISHED = "This process has already finished, so the action was not applied."


async def run_update(handle: WorkflowHandle, update: Any, arg: Any = None) -> Any:
    """Execute an update; a finished or unknown workflow becomes a 409/404, not a 503."""
    try:
        if arg is None:
            return await handle.execute_update(update)
        return await handle.execute_update(update, arg)
    except RPCError as error:
        if error.status == RPCStatusCode.NOT_FOUND:
            if "completed" in error.message or "closed" in error.message:
                raise Conflict(FINISHED) from error
            raise NotFound("No running process was found for this record.") from error
        raise


async def send_signal(handle: WorkflowHandle, signal: Any, arg: Any = None) -> None:
    try:
        if arg is None:
            await handle.signal(signal)
        else:
            await handle.signal(signal, arg)
    except RPCError as error:
        if error.status == RPCStatusCode.NOT_FOUND:
            raise Conflict(FINISHED) from error
        raise
