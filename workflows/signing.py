"""One signing round: the CEO and CMO sign the documents covering a set of locations.

Links go out at once, again (fresh, the old ones dying) every few days to whoever has not
signed, and the administrator is told once when the round has waited too long. An officer's
signature is an update: its activity claims the link and the request in one database
transaction (so a link works once, whatever the concurrency) and the round learns the outcome
from its result.
"""

import asyncio
import contextlib
from datetime import datetime, timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.signing import SigningActivities
    from models.contracts import (
        OfficerSign,
        RenewLink,
        RequestRef,
        RoundOutcome,
        RoundRef,
        SignatureRecorded,
        SigningEscalation,
        SigningNotice,
        SigningRoundInput,
    )
    from workflows.guard import in_time, refuse
    from workflows.options import MAIL, db_step

S = SigningActivities
USED = ("This signing link was already used: the document is signed. Nothing more is needed "
        "from you.")
VOID = ("What this link asked you to sign has changed, so it no longer works. A new request is "
        "emailed to you with the updated agreement.")


@workflow.defn
class SigningRoundWorkflow:
    @workflow.init
    def __init__(self, data: SigningRoundInput) -> None:
        self.data = data
        self.round_id: int | None = None
        self.opened = False
        self.pending: set[int] = set()
        self.signed: list[int] = []
        self.renew: list[list[int]] = []  # each ask: the requests renewed in one email
        self.cancelled = False
        self.reminders = 0
        self.renewals = 0
        self.escalated = False
        self.lock = asyncio.Lock()

    @workflow.run
    async def run(self, data: SigningRoundInput) -> RoundOutcome:
        opened = await db_step(S.open_round, data)
        self.round_id = opened.round_id
        self.pending = {r.request_id for r in opened.requests}
        self.opened = True
        await self._notify(sorted(self.pending), "request", 0)
        started = last = workflow.now()
        while self.pending and not self.cancelled:
            next_reminder = last + data.reminder_every
            escalate_at = started + data.escalate_after
            await self._wait(next_reminder if self.escalated else min(next_reminder, escalate_at))
            await self._drain()
            if not self.pending or self.cancelled:
                break
            if not self.escalated and workflow.now() >= escalate_at:
                self.escalated = True
                escalation = SigningEscalation(round_id=self.round_id,
                                               days=data.escalate_after.days)
                await workflow.execute_activity_method(S.escalate, escalation, **MAIL)
            if workflow.now() >= next_reminder:
                self.reminders += 1
                await self._notify(sorted(self.pending), f"reminder-{self.reminders}",
                                   self.reminders)
                last = workflow.now()
        await workflow.wait_condition(workflow.all_handlers_finished)
        await self._drain()
        if self.cancelled:
            return RoundOutcome(round_id=self.round_id, complete=False,
                                location_ids=data.location_ids)
        ref = RoundRef(round_id=self.round_id, location_ids=data.location_ids)
        await db_step(S.close_round, ref)
        return RoundOutcome(round_id=self.round_id, complete=True, location_ids=data.location_ids)

    async def _wait(self, deadline: datetime) -> None:
        remaining = deadline - workflow.now()
        if remaining <= timedelta(0):
            return
        with contextlib.suppress(TimeoutError):  # the deadline passing is an answer too
            await workflow.wait_condition(
                lambda: not self.pending or self.cancelled or bool(self.signed or self.renew),
                timeout=remaining)

    async def _drain(self) -> None:
        while self.signed:
            ref = RequestRef(request_id=self.signed[0])
            await workflow.execute_activity_method(S.send_receipt, ref, **MAIL)
            self.signed.pop(0)
        while self.renew:
            # one ask, one email: its documents still waiting, each with a fresh link (an ask
            # without `also`, as every ask before it, is one document, as it always was)
            request_ids = [r for r in self.renew.pop(0) if r in self.pending]
            if request_ids and not self.cancelled:
                self.renewals += 1
                await self._notify(request_ids, f"renew-{self.renewals}", 0)

    async def _notify(self, request_ids: list[int], label: str, reminder: int) -> None:
        notice = SigningNotice(round_id=self.round_id, request_ids=request_ids, label=label,
                               reminder=reminder, link_ttl=self.data.link_ttl)
        await workflow.execute_activity_method(S.send_links, notice, **MAIL)

    def _signable(self, request_id: int) -> None:
        if self.cancelled:
            raise refuse(VOID, "Gone")
        if self.opened and request_id not in self.pending:
            raise refuse(USED, "Gone")

    @workflow.update
    async def sign(self, data: OfficerSign) -> SignatureRecorded:
        async with self.lock:
            self._signable(data.request_id)
            recorded = await db_step(S.record_signature, data, callers_transaction=True)
            self.pending.discard(data.request_id)
            self.signed.append(data.request_id)
            return recorded

    @sign.validator
    def _validate_sign(self, data: OfficerSign) -> None:
        in_time(data)
        self._signable(data.request_id)

    @workflow.update
    async def renew_link(self, data: RenewLink) -> str:
        self.renew.append([data.request_id, *data.also])
        return "A new signing link is on its way."

    @renew_link.validator
    def _validate_renew(self, data: RenewLink) -> None:
        in_time(data)
        if not self.cancelled and any(r in self.pending for r in data.also):
            return  # another document of the ask still waits: that one is renewed
        self._signable(data.request_id)

    @workflow.signal
    def cancel(self) -> None:
        self.cancelled = True

    @workflow.query
    def unsigned(self) -> list[int]:
        return sorted(self.pending)
