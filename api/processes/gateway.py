"""The one place that holds the Temporal client, builds workflow handles and turns Temporal's
answers into ours.

Every action is bounded: a start or an update not accepted within the action timeout answers
503 "not done, try again", and because each update carries that deadline (workflows/guard.py)
the workflow refuses it if it arrives later, so the answer stays true. Once Temporal could not
be reached at all, actions for the next few seconds are refused at once, unsent, instead of
each waiting out its timeout against a server that is not there. Rows the API writes for
a process (an account, a case, a message) are flushed before the process is told and committed
only after it accepted, so either both happen or neither does.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import (
    Client,
    WithStartWorkflowOperation,
    WorkflowQueryFailedError,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
    WorkflowUpdateStage,
)
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from core.errors import Conflict, CVMSError, StillWorking, Unavailable
from core.i18n import N_
from core.settings import Settings
from core.temporal import connect
from models.base import utcnow
from models.contracts.base import Command

log = logging.getLogger("cvms.processes")
C = TypeVar("C", bound=Command)

# Also said on recipients' Spanish pages: in the catalogue (babel.cfg reads this file).
NOT_DONE = N_("The case system did not answer in time, so this was not done. Nothing you "
              "entered was lost; try again in a minute.")
FINISHED = "This process has already finished, so the action was not applied."
STILL_WORKING = ("Your action was received and is being completed; it is taking longer than "
                 "usual. You do not need to send it again: reload this page in a few minutes "
                 "to see it done (any email it sends goes out then).")
# ApplicationError types raised by workflows, validators and activities, as HTTP statuses.
STATUS = {"NotFound": 404, "Invalid": 422, "Conflict": 409, "Forbidden": 403, "Gone": 410}
MARGIN = timedelta(seconds=2)  # the caller waits a little past the deadline it sends
# After Temporal could not be reached, how long actions are refused without trying (a health
# check that reaches it, or the first action after this, tries again).
UNREACHABLE_FOR = 5.0


def refusal(error: BaseException) -> CVMSError:
    """A workflow's refusal as our error: its type picks the status, its details the fields."""
    cause: BaseException | None = error
    while cause is not None and not isinstance(cause, ApplicationError):
        cause = cause.__cause__ or getattr(cause, "cause", None)
    if not isinstance(cause, ApplicationError):
        return Conflict("That action cannot be taken now.")
    if cause.type == "Expired":
        return Unavailable(NOT_DONE)
    details = cause.details[0] if cause.details and isinstance(cause.details[0], dict) else {}
    mapped = CVMSError(cause.message, errors={str(k): str(v) for k, v in details.items()})
    mapped.status_code = STATUS.get(cause.type or "", 409)
    mapped.code = (cause.type or "conflict").lower()
    return mapped


def unreachable(error: BaseException) -> bool:
    """The server was not there (no connection), as opposed to slow or refusing."""
    return isinstance(error, RPCError) and error.status == RPCStatusCode.UNAVAILABLE


def unavailable(error: BaseException) -> CVMSError:
    if isinstance(error, RPCError) and error.status == RPCStatusCode.NOT_FOUND:
        return Conflict(FINISHED)
    log.warning("Temporal did not answer: %s: %s", type(error).__name__, error)
    return Unavailable(NOT_DONE)


ROLLBACK_ONLY = "rollback_only"


async def _undo(session: AsyncSession | None) -> None:
    """The process did not take the action: nothing the API wrote for it may stay. The
    request's transaction ends in a rollback even if a page goes on to render the refusal."""
    if session is not None:
        session.info[ROLLBACK_ONLY] = True


def keep_after_refusal(session: AsyncSession) -> None:
    """The request goes on to another action the process accepts (a refused reopening sent as
    the reply it now is): what it wrote is kept if that one is taken."""
    session.info.pop(ROLLBACK_ONLY, None)


class Gateway:
    """Connects on first use, so the portal starts (and /healthz reports) while Temporal is down."""

    def __init__(self, settings: Settings, client: Client | None = None,
                 clock: Callable[[], Awaitable[datetime]] | None = None) -> None:
        self.settings = settings
        self._client = client
        self._lock = asyncio.Lock()
        self._clock = clock
        self._unreachable_until = 0.0  # loop time until which actions are refused unsent

    async def now(self) -> datetime:
        """The processes' time: the wall clock, or a test server's skipped time. Records a
        process compares with its timers (when Section B last changed) are stamped with it."""
        return await self._clock() if self._clock else utcnow()

    @property
    def task_queue(self) -> str:
        return self.settings.temporal_task_queue

    @property
    def timeout(self) -> timedelta:
        return timedelta(seconds=self.settings.action_timeout_seconds)

    def _remember(self, error: BaseException) -> None:
        """A server that was not there is not tried again for a few seconds."""
        if unreachable(error):
            self._unreachable_for_now()

    def _unreachable_for_now(self) -> None:
        self._unreachable_until = asyncio.get_running_loop().time() + UNREACHABLE_FOR

    def _noted(self, error: BaseException) -> CVMSError:
        """Our error for Temporal's, the server's absence remembered."""
        self._remember(error)
        return unavailable(error)

    async def _reachable_client(self) -> Client:
        """The client for an action, a hint or a query. Temporal could not be reached a moment
        ago: refused at once (Unavailable) rather than waiting out the timeout against a server
        that is not there; nothing is sent, so nothing half happens."""
        if asyncio.get_running_loop().time() < self._unreachable_until:
            raise Unavailable(NOT_DONE)
        return await self.client()

    async def client(self) -> Client:
        if self._client is None:
            async with self._lock:
                if self._client is None:
                    try:
                        self._client = await asyncio.wait_for(
                            connect(self.settings, give_up_after=self.timeout),
                            self.timeout.total_seconds())
                    except (RuntimeError, OSError, TimeoutError) as error:
                        self._unreachable_for_now()
                        raise unavailable(error) from error
        return self._client

    async def start(self, run: Callable, arg: Any, *, id: str,  # noqa: A002 - Temporal's name
                    session: AsyncSession | None = None,
                    reuse: WorkflowIDReusePolicy = WorkflowIDReusePolicy.ALLOW_DUPLICATE) -> None:
        """Start a process once (a repeat joins the running one). The session's pending rows
        are flushed first; the caller's transaction commits them after the start."""
        if session is not None:
            await session.flush()
        args = [] if arg is None else [arg]
        try:
            client = await self._reachable_client()
            await client.start_workflow(
                run, args=args, id=id, task_queue=self.task_queue, id_reuse_policy=reuse,
                id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
                rpc_timeout=self.timeout)
        except (WorkflowAlreadyStartedError, RPCError, CVMSError) as error:
            await _undo(session)
            if isinstance(error, CVMSError):
                raise
            raise (Conflict(FINISHED) if isinstance(error, WorkflowAlreadyStartedError)
                   else self._noted(error)) from error

    async def update(self, workflow_id: str, update: Callable, command: C, *,
                     session: AsyncSession | None = None,
                     start: tuple[Callable, Any] | None = None) -> Any:
        """Deliver a person's action and return the process's answer.

        With `session`, its pending rows are flushed before and committed once the process has
        accepted the action (its handler may read them). With `start`, the process is started
        first if it is not running (update-with-start)."""
        command = command.model_copy(update={"deadline": await self.now() + self.timeout})
        if session is not None:
            await session.flush()
        try:
            handle = await self._accepted(workflow_id, update, command, start)
        except CVMSError:
            await _undo(session)
            raise
        if session is not None:
            await session.commit()
        try:
            return await handle.result(rpc_timeout=timedelta(
                seconds=self.settings.action_result_timeout_seconds))
        except WorkflowUpdateFailedError as error:
            raise refusal(error) from error
        except (WorkflowUpdateRPCTimeoutOrCancelledError, RPCError) as error:
            log.warning("update %s on %s accepted but not finished: %s", update, workflow_id,
                        error)
            raise StillWorking(STILL_WORKING) from error

    async def _accepted(self, workflow_id: str, update: Callable, command: Command,
                        start: tuple[Callable, Any] | None):
        client = await self._reachable_client()
        wait = {"wait_for_stage": WorkflowUpdateStage.ACCEPTED,
                "rpc_timeout": self.timeout + MARGIN}
        try:
            if start is None:
                return await client.get_workflow_handle(workflow_id).start_update(
                    update, command, **wait)
            operation = WithStartWorkflowOperation(
                start[0], start[1], id=workflow_id, task_queue=self.task_queue,
                id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING)
            _settle_when_done(operation)
            return await client.start_update_with_start_workflow(
                update, command, start_workflow_operation=operation, **wait)
        except WorkflowUpdateFailedError as error:
            raise refusal(error) from error
        except (WorkflowUpdateRPCTimeoutOrCancelledError, RPCError) as error:
            raise self._noted(error) from error

    async def _signal(self, client: Client, workflow_id: str, signal: Callable | str,
                      arg: Any) -> None:
        handle = client.get_workflow_handle(workflow_id)
        await (handle.signal(signal, rpc_timeout=self.timeout) if arg is None
               else handle.signal(signal, arg, rpc_timeout=self.timeout))

    async def signal(self, workflow_id: str, signal: Callable, arg: Any = None) -> None:
        """A hint, sent after the fact is committed, for a process that reads the truth from
        the database itself: a process that already ended, or Temporal being away, costs the
        hint only (logged), never the caller's answer (nor its time, while Temporal was just
        found unreachable)."""
        try:
            client = await self._reachable_client()
            await self._signal(client, workflow_id, signal, arg)
        except (RPCError, Unavailable) as error:
            self._remember(error)
            log.info("%s not told (%s): it reads the database itself", workflow_id, error)

    async def tell(self, workflow_id: str, signal: Callable | str, arg: Any,
                   session: AsyncSession, *,
                   start: tuple[Callable, Any] | None = None) -> None:  # arg None: no argument
        """A signal the caller's change must not go without: the session's rows are flushed,
        the process told, and the caller commits only after; if Temporal cannot be reached the
        change is rolled back and the caller answers "not done, try again" (503). The process
        may look before the commit: `arg` says what it should find (it waits to see it). With
        `start` (its run and input), a process that is not running is started with the signal
        (signal-with-start) instead of the signal failing: the signal is then given by its name,
        which is what the SDK's start takes."""
        await session.flush()
        try:
            client = await self._reachable_client()
            if start is None:
                await self._signal(client, workflow_id, signal, arg)
            else:
                run, data = start
                if not isinstance(signal, str):
                    raise TypeError("signal-with-start takes the signal's name")
                await client.start_workflow(
                    run, data, id=workflow_id, task_queue=self.task_queue,
                    start_signal=signal,
                    start_signal_args=[] if arg is None else [arg], rpc_timeout=self.timeout)
        except RPCError as error:
            await _undo(session)
            raise self._noted(error) from error
        except CVMSError:
            await _undo(session)
            raise

    async def query(self, workflow_id: str, query: Callable, seconds: float = 5.0) -> Any:
        """Live detail; None when the process cannot answer (pages fall back to the
        database projection)."""
        try:
            client = await self._reachable_client()
            handle = client.get_workflow_handle(workflow_id)
            return await handle.query(query, rpc_timeout=timedelta(seconds=seconds))
        except (CVMSError, RPCError, RuntimeError, WorkflowQueryFailedError) as error:
            self._remember(error)
            log.info("no live detail from %s: %s", workflow_id, error)
            return None

    async def server_healthy(self) -> bool:
        """Asks the server itself (never refused unsent): reached, actions are tried again."""
        client = await self.client()
        try:
            healthy = await client.service_client.check_health()
        except RPCError as error:
            self._noted(error)
            raise
        if healthy:
            self._unreachable_until = 0.0
        return healthy


def _settle_when_done(operation: WithStartWorkflowOperation) -> None:
    """When the call fails, the SDK sets the start operation's handle future to the same error;
    nobody asks for that handle here, so read the error off it as it is set, or asyncio logs
    "Future exception was never retrieved" with a traceback for every refused action."""
    future = getattr(operation, "_workflow_handle", None)  # the SDK's; absent if it changes
    if future is not None:
        future.add_done_callback(lambda done: done.cancelled() or done.exception())
