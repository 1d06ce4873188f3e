"""A transfer or redistribution: requested -> the state decides -> shipped -> received.

The debit at shipping and the credit at receipt are keyed ledger entries, so retries,
restarts and double clicks move the doses exactly once. An undecided request is escalated to
the state; a shipment not received in time is flagged to both sites and the state, who can
resolve it as received or returned to the sender.
"""

import asyncio
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.inventory import InventoryActivities
    from core.timefmt import EASTERN
    from models.contracts import (
        TransferActor,
        TransferChange,
        TransferDecision,
        TransferEmail,
        TransferInput,
        TransferReceipt,
        TransferRef,
        TransferResolution,
        TransferShipment,
    )
    from models.inventory_rules import NOT_STATE, TransferStatus, action_problem
    from workflows.guard import in_time, refuse
    from workflows.options import MAIL, db_step

I = InventoryActivities  # noqa: E741
T = TransferStatus
# An approved transfer not shipped within `ship_within` is flagged, as a shipment not received
# in time is; runs started before waited for the shipment without a deadline.
UNSHIPPED = "flag-approved-transfers-not-shipped"
# A shipment marked after an outage with the day it left is flagged `receive_within` after that
# day (noon in NC, as its shipped time is recorded), not after the click; runs that passed the
# shipment before counted from the click.
FROM_DAY_SHIPPED = "receipt-deadline-from-day-shipped"


@workflow.defn
class TransferWorkflow:
    @workflow.init
    def __init__(self, data: TransferInput) -> None:
        self.data = data
        self.status = T.REQUESTED
        self.seq = 0
        self.lock = asyncio.Lock()
        self.escalated = False
        self.flagged = False
        self.reverted = False  # an approval was refused where it is written: undecided again
        self.outbox: list[TransferEmail] = []
        self.emails = 0
        self.shipped_on: date | None = None  # the day the doses left, when marked later

    @workflow.run
    async def run(self, data: TransferInput) -> str:
        self._email("requested")
        deadline = workflow.now() + data.decide_within
        while True:
            if self.escalated:
                await self._wait(lambda: self.status != T.REQUESTED)
            elif not await self._wait(lambda: self.status != T.REQUESTED,
                                      deadline - workflow.now()):
                self.escalated = True
                await self._project(self.status)
                self._email("escalated")
                await self._wait(lambda: self.status != T.REQUESTED)
            self.reverted = False
            if self.status == T.APPROVED and not self.flagged and workflow.patched(UNSHIPPED):
                await self._flag_if_late(lambda: self.status != T.APPROVED, data.ship_within,
                                         "not_shipped")
            await self._wait(lambda: self.status not in (T.APPROVED, T.REQUESTED)
                             or self.reverted)
            if not self.reverted:
                break
            # An approval refused where it was written (see `decide`): the request is
            # undecided again, and escalates at its deadline as if never approved.
        if self.status == T.SHIPPED:
            await self._flag_if_late(lambda: self.status != T.SHIPPED, self._receive_within(),
                                     "flagged")
        await workflow.wait_condition(workflow.all_handlers_finished)
        await self._send_emails()
        return self.status

    def _receive_within(self) -> timedelta:
        """How long the receiving site has left to confirm the receipt: `receive_within` from
        the day the doses left (a shipment marked after an outage has had some of it already;
        one due already is flagged at once)."""
        if self.shipped_on is None or not workflow.patched(FROM_DAY_SHIPPED):
            return self.data.receive_within
        left = datetime.combine(self.shipped_on, time(12), EASTERN)
        return max(left + self.data.receive_within - workflow.now(), timedelta(seconds=1))

    async def _flag_if_late(self, done: Callable[[], bool], within: timedelta,
                            email: str) -> None:
        """Wait for `done`; past `within`, flag the transfer (to both sites and the state) and
        wait on."""
        if not await self._wait(done, within):
            self.flagged = True
            await self._project(self.status)
            self._email(email)
            await self._wait(done)

    async def _wait(self, done: Callable[[], bool], within: timedelta | None = None) -> bool:
        """Send queued emails while waiting; False if `within` passed first."""
        deadline = workflow.now() + within if within else None
        while not done():
            remaining = deadline - workflow.now() if deadline else None
            if remaining is not None and remaining <= timedelta(0):
                return False
            try:
                await workflow.wait_condition(lambda: done() or bool(self.outbox),
                                              timeout=remaining)
            except TimeoutError:
                return done()
            await self._send_emails()
        return True

    def _email(self, kind: str) -> None:
        self.emails += 1
        self.outbox.append(TransferEmail(transfer_id=self.data.transfer_id, kind=kind,
                                         key=f"transfer-{self.data.transfer_id}:email-"
                                             f"{self.emails}:{kind}"))

    async def _send_emails(self) -> None:
        while self.outbox:
            await workflow.execute_activity_method(I.send_transfer_email, self.outbox.pop(0),
                                                   **MAIL)

    async def _project(self, status: T, actor: str = "system", reason: str | None = None,
                       decided_by: int | None = None, shipped_on: date | None = None) -> None:
        self.status = status
        self.seq += 1
        await db_step(I.project_transfer, TransferChange(
            transfer_id=self.data.transfer_id, seq=self.seq, status=status, actor=actor,
            decision_reason=reason, decided_by=decided_by, escalated=self.escalated,
            flagged=self.flagged, shipped_on=shipped_on))

    def _ref(self, actor: str, received_on: date | None = None,
             shipped_on: date | None = None) -> TransferRef:
        return TransferRef(transfer_id=self.data.transfer_id, actor=actor,
                           received_on=received_on, shipped_on=shipped_on)

    def _allow(self, action: str, role: str = "") -> None:
        problem = action_problem(action, self.status, role)
        if problem:
            raise refuse(problem, "Forbidden" if problem == NOT_STATE else "Conflict")

    async def _step(self, status: T, actor: str, activity=None,
                    received_on: date | None = None, **projection) -> str:
        if activity is not None:  # (the same steps: a day shipped rides in their inputs)
            await db_step(activity, self._ref(actor, received_on,
                                              projection.get("shipped_on")))
        if self.status == T.APPROVED:
            self.flagged = False  # a flag for not shipping ends with the shipment (or cancel)
        await self._project(status, actor, **projection)
        self._email(status.value)
        return self.status

    @workflow.update
    async def decide(self, data: TransferDecision) -> str:
        async with self.lock:
            self._allow("decide", data.reviewer_role)
            status = T.APPROVED if data.approve else T.DENIED
            before = (self.status, self.seq)
            try:
                return await self._step(status, f"reviewer:{data.reviewer_id}",
                                        reason=data.reason, decided_by=data.reviewer_id)
            except (ActivityError, ApplicationError):  # (a local activity's, on Postgres)
                # Refused where it is written (the lot's doses were given meanwhile): nothing
                # was written, and the request waits for the reviewer's decision again.
                self.status, self.seq = before
                self.reverted = True
                raise

    @decide.validator
    def _validate_decide(self, data: TransferDecision) -> None:
        in_time(data)
        self._allow("decide", data.reviewer_role)
        if not data.approve and not (data.reason or "").strip():
            raise refuse("Give the reason for denying the request.", "Invalid")

    @workflow.update
    async def cancel(self, data: TransferActor) -> str:
        async with self.lock:
            self._allow("cancel")
            return await self._step(T.CANCELLED, f"user:{data.user_id}")

    @cancel.validator
    def _validate_cancel(self, data: TransferActor) -> None:
        in_time(data)
        self._allow("cancel")

    @workflow.update
    async def ship(self, data: TransferShipment) -> str:
        async with self.lock:
            self._allow("ship")
            self.shipped_on = data.shipped_on  # before the run sees the status change
            return await self._step(T.SHIPPED, f"user:{data.user_id}", I.ship,
                                    shipped_on=data.shipped_on)

    @ship.validator
    def _validate_ship(self, data: TransferShipment) -> None:
        in_time(data)
        self._allow("ship")

    @workflow.update
    async def receive(self, data: TransferReceipt) -> str:
        async with self.lock:
            self._allow("receive")
            return await self._step(T.RECEIVED, f"user:{data.user_id}", I.receive,
                                    received_on=data.received_on)

    @receive.validator
    def _validate_receive(self, data: TransferReceipt) -> None:
        in_time(data)
        self._allow("receive")

    @workflow.update
    async def resolve(self, data: TransferResolution) -> str:
        """The state settles a flagged shipment: it arrived after all, or went back."""
        async with self.lock:
            self._allow("resolve", data.reviewer_role)
            returned = data.outcome == "returned"
            return await self._step(T.RETURNED if returned else T.RECEIVED,
                                    f"reviewer:{data.reviewer_id}",
                                    I.return_to_sender if returned else I.receive)

    @resolve.validator
    def _validate_resolve(self, data: TransferResolution) -> None:
        in_time(data)
        self._allow("resolve", data.reviewer_role)
        if data.outcome not in ("received", "returned"):
            raise refuse("Resolve as received or returned.", "Invalid")
