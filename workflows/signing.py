"""One signing round: the CEO and CMO sign the documents covering a set of locations.

Links go out at once, again (fresh, the old ones dying) every few days to whoever has not
signed, and the administrator is told once when the round has waited too long. Signing itself
is recorded by the API in one database transaction guarded by the link; this workflow is told
by a signal and sends the receipt.
"""

import contextlib
from datetime import datetime, timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.signing import SigningActivities
    from models.contracts import (
        RequestRef,
        RoundOutcome,
        RoundRef,
        SigningEscalation,
        SigningNotice,
        SigningRoundInput,
    )
    from workflows.options import DB, MAIL

S = SigningActivities


@workflow.defn
class SigningRoundWorkflow:
    @workflow.init
    def __init__(self, data: SigningRoundInput) -> None:
        self.data = data
        self.round_id: int | None = None
        self.pending: set[int] = set()
        self.signed: list[int] = []
        self.renew: list[int] = []
        self.cancelled = False
        self.reminders = 0
        self.renewals = 0
        self.escalated = False

    @workflow.run
    async def run(self, data: SigningRoundInput) -> RoundOutcome:
        opened = await workflow.execute_activity_method(S.open_round, data, **DB)
        self.round_id = opened.round_id
        self.pending = {r.request_id for r in opened.requests}
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
        await self._drain()
        if self.cancelled:
            return RoundOutcome(round_id=self.round_id, complete=False,
                                location_ids=data.location_ids)
        ref = RoundRef(round_id=self.round_id, location_ids=data.location_ids)
        await workflow.execute_activity_method(S.close_round, ref, **DB)
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
            ref = RequestRef(request_id=self.signed.pop(0))
            await workflow.execute_activity_method(S.send_receipt, ref, **MAIL)
        while self.renew:
            request_id = self.renew.pop(0)
            if request_id in self.pending and not self.cancelled:
                self.renewals += 1
                await self._notify([request_id], f"renew-{self.renewals}", 0)

    async def _notify(self, request_ids: list[int], label: str, reminder: int) -> None:
        notice = SigningNotice(round_id=self.round_id, request_ids=request_ids, label=label,
                               reminder=reminder, link_ttl=self.data.link_ttl)
        signed = await workflow.execute_activity_method(S.send_links, notice, **MAIL)
        for request_id in signed:
            self.request_signed(RequestRef(request_id=request_id))  # its signal was missed

    @workflow.signal
    def request_signed(self, data: RequestRef) -> None:
        if data.request_id in self.pending:
            self.pending.discard(data.request_id)
            self.signed.append(data.request_id)

    @workflow.signal
    def link_requested(self, data: RequestRef) -> None:
        if data.request_id in self.pending:
            self.renew.append(data.request_id)

    @workflow.signal
    def cancel(self) -> None:
        self.cancelled = True

    @workflow.query
    def unsigned(self) -> list[int]:
        return sorted(self.pending)
