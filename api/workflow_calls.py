"""Delivering people's actions into workflows, with Temporal's refusals mapped to our errors."""

import logging
from typing import Any

from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from core.errors import Conflict, CVMSError

log = logging.getLogger("cvms.workflow_calls")

FINISHED = "This process has already finished, so the action was not applied."
# ApplicationError types raised by workflows and their validators, as HTTP statuses.
WORKFLOW_ERROR_STATUS = {"NotFound": 404, "Invalid": 422, "Conflict": 409, "Forbidden": 403}


def workflow_refusal(exc: WorkflowUpdateFailedError) -> CVMSError:
    """An update's validator or handler refused: its reason becomes our error type."""
    cause = exc.cause
    while cause is not None and not isinstance(cause, ApplicationError):
        cause = cause.cause
    if isinstance(cause, ApplicationError):
        error = CVMSError(cause.message)
        error.status_code = WORKFLOW_ERROR_STATUS.get(cause.type or "", 409)
        error.code = (cause.type or "conflict").lower()
        return error
    return Conflict("That action cannot be taken now.")


async def run_update(handle: WorkflowHandle, update: Any, arg: Any = None) -> Any:
    """Execute an update; a finished or unknown workflow becomes a 409/404, not a 503."""
    try:
        if arg is None:
            return await handle.execute_update(update)
        return await handle.execute_update(update, arg)
    except WorkflowUpdateFailedError as error:
        raise workflow_refusal(error) from error
    except RPCError as error:
        if error.status == RPCStatusCode.NOT_FOUND:
            log.info("update on a missing or finished workflow: %s", error.message)
            raise Conflict(FINISHED) from error
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
