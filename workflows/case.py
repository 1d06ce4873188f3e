"""A help-desk case from intake to closure.

Every action is an update (assign; post a message; ask the requester; resolve; reopen). A
message is stored by the API unpublished; the update's handler publishes it and reacts, so a
refused or lost action leaves nothing visible. The service-level clock counts only time not
spent waiting on the requester: a case is flagged near a target and escalated to the team lead
past it. Emails go out from the main loop, so an SMTP outage never holds up an agent's click.
"""

import asyncio
from datetime import datetime, timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.helpdesk import HelpdeskActivities
    from models.contracts import (
        AssignCase,
        CaseChange,
        CaseEmail,
        CaseInput,
        CaseLinkRef,
        CaseMessageRef,
        CaseState,
        CaseStatusOut,
        PublishedMessage,
        WelcomeInput,
    )
    from models.helpdesk import CaseStatus
    from models.helpdesk_rules import LAST_REMINDER_BEFORE, NOBODY_ANSWERED, REOPENING_ENDED
    from workflows.guard import history_is_long, in_time, refuse
    from workflows.options import MAIL, db_step
    from workflows.releases import RELEASE, patched

H = HelpdeskActivities
C = CaseStatus
SLA_DUE = "case-sla-due-projected"
# a case a lead moves away from its holder: the old holder is told (runs in flight take it)
TELL_OLD_HOLDER = "case-tell-old-holder"
# a requester asked for information is reminded again the day before the case closes (SPEC §4:
# "with reminders"); runs in flight take it
LAST_REMINDER = "case-last-reminder"
# an agent's reply that reaches the handler after the case was resolved (sent at the moment of
# the resolution) is refused, not emailed about a case that stays resolved; runs in flight take it
NO_REPLY_ON_RESOLVED = "case-no-reply-on-resolved"
NOT_SENT = "This case is resolved: your reply was not sent. Reopen it if it needs more work."


@workflow.defn
class CaseWorkflow:
    @workflow.init
    def __init__(self, data: CaseInput) -> None:
        self.data = data
        self.s: CaseState = data.state or CaseState()
        if data.state is None:
            self.s.clock.resume(workflow.now())
        self.lock = asyncio.Lock()

    @workflow.run
    async def run(self, data: CaseInput) -> str:
        if data.state is None:
            self._email("received")
            # the console sorts new cases by when they are due
            if patched(data.release, SLA_DUE):
                await self._project(C.NEW)
        while self.s.status != C.CLOSED:
            await self._send_emails()
            if history_is_long(data.history_limit):
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(data.model_copy(update={"state": self.s,
                                                                  "release": RELEASE}))
            deadline = self._next_deadline()
            timeout = max(deadline - workflow.now(), timedelta(seconds=1)) if deadline else None
            try:
                await workflow.wait_condition(
                    lambda: bool(self.s.outbox) or self.s.status == C.CLOSED
                    or history_is_long(data.history_limit), timeout=timeout)
            except TimeoutError:
                await self._on_time()
        await workflow.wait_condition(workflow.all_handlers_finished)
        await self._send_emails()
        return self.s.status

    # --- time ---------------------------------------------------------------------------

    def _targets(self) -> list[tuple[str, timedelta]]:
        targets = []
        if not self.s.first_response:
            targets.append(("response", self.data.response_target))
        if self.s.status in C.OPEN:
            targets.append(("resolution", self.data.resolution_target))
        return targets

    def _thresholds(self) -> list[tuple[str, str, timedelta]]:
        return [(name, level, target * (self.data.warn_at if level == "at_risk" else 1))
                for name, target in self._targets() for level in ("at_risk", "breached")
                if f"{name}:{level}" not in self.s.escalations]

    def _next_deadline(self) -> datetime | None:
        s, now = self.s, workflow.now()
        times = [s.clock.due_at(at, now, self.data.hours) for _n, _l, at in self._thresholds()]
        if s.status == C.AWAITING_REQUESTER and s.waiting_since:
            if not s.reminded:
                times.append(s.waiting_since + self.data.info_reminder_after)
            elif self._reminds_last():
                times.append(self._last_reminder_at())
            times.append(s.waiting_since + self.data.info_close_after)
        if s.status == C.RESOLVED and s.resolved_at:
            times.append(s.resolved_at + self.data.reopen_within)
        return min((t for t in times if t is not None), default=None)

    async def _on_time(self) -> None:
        s, now = self.s, workflow.now()
        for name, level, at in self._thresholds():
            if s.clock.running_since and s.clock.active(now, self.data.hours) >= at:
                s.escalations.append(f"{name}:{level}")
                await self._flag(level, f"{'is near' if level == 'at_risk' else 'is past'} its "
                                        f"{name} target")
        if s.status == C.AWAITING_REQUESTER and s.waiting_since:
            if now >= s.waiting_since + self.data.info_close_after:
                await self._close(NOBODY_ANSWERED)
            elif not s.reminded and now >= s.waiting_since + self.data.info_reminder_after:
                s.reminded = True
                self._email("info_reminder", s.info_message,
                            due_at=s.waiting_since + self.data.info_close_after)
            elif self._reminds_last() and now >= self._last_reminder_at():
                s.reminded_last = True
                self._email("info_reminder", s.info_message,
                            due_at=s.waiting_since + self.data.info_close_after)
        if s.status == C.RESOLVED and s.resolved_at and (
                now >= s.resolved_at + self.data.reopen_within):
            await self._close(REOPENING_ENDED)

    def _last_reminder_at(self) -> datetime:
        return self.s.waiting_since + self.data.info_close_after - LAST_REMINDER_BEFORE

    def _reminds_last(self) -> bool:
        """Reminded once and not yet a last time, the day before the close (when that day
        comes after the first reminder's)."""
        s = self.s
        return (s.reminded and not s.reminded_last
                and self._last_reminder_at() > s.waiting_since + self.data.info_reminder_after
                and patched(self.data.release, LAST_REMINDER))

    async def _flag(self, level: str, what: str) -> None:
        if self.s.sla_flag != "breached":
            self.s.sla_flag = level
        await self._project(self.s.status)
        self._email("escalated", detail=what)

    async def _close(self, reason: str) -> None:
        self.s.clock.pause(workflow.now(), self.data.hours)
        await self._project(C.CLOSED, closed_reason=reason)
        self._email("closed", detail=reason)

    # --- helpers ------------------------------------------------------------------------

    def _email(self, kind: str, message_id: int | None = None, detail: str | None = None,
               due_at: datetime | None = None, to_user_id: int | None = None) -> None:
        self.s.emails += 1
        self.s.outbox.append(CaseEmail(
            case_id=self.data.case_id, kind=kind, message_id=message_id, detail=detail,
            due_at=due_at, key=f"case-{self.data.case_id}:email-{self.s.emails}:{kind}",
            to_user_id=to_user_id))

    async def _send_emails(self) -> None:
        while self.s.outbox:
            await workflow.execute_activity_method(H.send_case_email, self.s.outbox[0], **MAIL)
            self.s.outbox.pop(0)

    def _sla_due(self) -> datetime | None:
        """When the next target is past (None while the clock is paused or the case is done)."""
        if self.s.status not in C.OPEN:
            return None
        now = workflow.now()
        due = [self.s.clock.due_at(target, now, self.data.hours)
               for _name, target in self._targets()]
        return min((d for d in due if d is not None), default=None)

    async def _project(self, status: str, actor: str = "system", resolution: int | None = None,
                       closed_reason: str | None = None, assigned: bool = False) -> None:
        s = self.s
        s.status = status
        s.seq += 1
        change = CaseChange(case_id=self.data.case_id, seq=s.seq, status=status,
                            assignee_id=s.assignee, sla_flag=s.sla_flag,
                            sla_due_at=self._sla_due(),
                            first_response=s.first_response, actor=actor,
                            resolution_message_id=resolution, closed_reason=closed_reason,
                            assigned=assigned)
        await db_step(H.project_case, change)

    async def _publish(self, data: CaseMessageRef) -> PublishedMessage:
        return await db_step(H.publish_message, data, callers_transaction=True)

    def _pick_up(self, data: CaseMessageRef) -> bool:
        """An agent's answer to a case nobody holds makes it theirs: the requester's answer
        then reaches them."""
        if data.pick_up and self.s.assignee is None and data.user_id is not None:
            self.s.assignee = data.user_id
            return True
        return False

    def _untaken(self, data: AssignCase) -> None:
        """Of two takes at once, the second finds the case no longer as its taker saw it."""
        if data.check_holder and self.s.assignee not in (data.holder_seen, data.agent_id):
            raise refuse("Someone else took this case a moment ago.", kind="Taken")

    def _allow(self, allowed: tuple[str, ...], action: str) -> None:
        if self.s.status not in allowed:
            raise refuse(f"This case is {C.label(self.s.status).lower()}: it cannot be "
                         f"{action}.")

    # --- people's actions ---------------------------------------------------------------

    @workflow.update
    async def assign(self, data: AssignCase) -> str:
        async with self.lock:
            self._allow(C.OPEN, "assigned")
            self._untaken(data)
            changed = self.s.assignee != data.agent_id
            held_by = self.s.assignee
            self.s.assignee = data.agent_id
            await self._project(C.IN_PROGRESS if self.s.status == C.NEW else self.s.status,
                                actor=f"user:{data.by_user_id}", assigned=changed)
            if data.agent_id != data.by_user_id:
                self._email("for_agent", detail="assigned to you")
            if held_by not in (None, data.agent_id, data.by_user_id) and patched(
                    self.data.release, TELL_OLD_HOLDER):
                self._email("taken_from", to_user_id=held_by)
            return self.s.status

    @assign.validator
    def _validate_assign(self, data: AssignCase) -> None:
        in_time(data)
        self._allow(C.OPEN, "assigned")
        self._untaken(data)

    @workflow.update
    async def post_message(self, data: CaseMessageRef) -> str:
        """A reply or an internal note: an agent's public reply reaches the requester; a
        requester's reply to a request for information puts the case back with the desk."""
        async with self.lock:
            self._allow(C.ACTIVE, "answered")
            # accepted while a resolution waited for the lock: the case is resolved now
            if data.reply and self.s.status == C.RESOLVED and patched(
                    self.data.release, NO_REPLY_ON_RESOLVED):
                raise refuse(NOT_SENT, kind="Resolved")
            published = await self._publish(data)
            if published.internal:
                return self.s.status
            if published.author_kind == "agent":
                answered = not self.s.first_response
                self.s.first_response = True
                # now the resolution target is due
                if answered and patched(self.data.release, SLA_DUE):
                    await self._project(self.s.status, actor=f"user:{data.user_id}")
                self._email("updated", published.message_id)
                return self.s.status
            if self.s.status == C.AWAITING_REQUESTER:
                self.s.clock.resume(workflow.now())
                self.s.waiting_since = None
                await self._project(C.IN_PROGRESS, actor="requester")
            self._email("for_agent", published.message_id, "the requester replied")
            return self.s.status

    @post_message.validator
    def _validate_post(self, data: CaseMessageRef) -> None:
        in_time(data)
        self._allow(C.ACTIVE, "answered")
        # a validator's refusal leaves no event, so no patch is needed here (nor allowed)
        if data.reply and self.s.status == C.RESOLVED:
            raise refuse(NOT_SENT, kind="Resolved")

    @workflow.update
    async def request_info(self, data: CaseMessageRef) -> str:
        async with self.lock:
            self._allow((C.NEW, C.IN_PROGRESS), "sent a request for information")
            await self._publish(data)
            s, now = self.s, workflow.now()
            s.first_response = True
            s.clock.pause(now, self.data.hours)
            s.waiting_since, s.info_message, s.reminded = now, data.message_id, False
            s.reminded_last = False
            await self._project(C.AWAITING_REQUESTER, actor=f"user:{data.user_id}",
                                assigned=self._pick_up(data))
            self._email("info_requested", data.message_id,
                        due_at=now + self.data.info_close_after)
            return s.status

    @request_info.validator
    def _validate_request_info(self, data: CaseMessageRef) -> None:
        in_time(data)
        self._allow((C.NEW, C.IN_PROGRESS), "sent a request for information")

    @workflow.update
    async def resolve(self, data: CaseMessageRef) -> str:
        async with self.lock:
            self._allow(C.OPEN, "resolved")
            await self._publish(data)
            s, now = self.s, workflow.now()
            s.first_response = True
            s.clock.pause(now, self.data.hours)
            s.resolved_at, s.waiting_since = now, None
            await self._project(C.RESOLVED, actor=f"user:{data.user_id}",
                                resolution=data.message_id, assigned=self._pick_up(data))
            self._email("resolved", data.message_id, due_at=now + self.data.reopen_within)
            return s.status

    @resolve.validator
    def _validate_resolve(self, data: CaseMessageRef) -> None:
        in_time(data)
        self._allow(C.OPEN, "resolved")

    @workflow.update
    async def reopen(self, data: CaseMessageRef) -> str:
        async with self.lock:
            self._reopenable()
            await self._publish(data)
            self.s.resolved_at = None
            self.s.clock.resume(workflow.now())
            await self._project(C.IN_PROGRESS, actor=f"user:{data.user_id}")
            self._email("for_agent", data.message_id, "reopened by the requester")
            return self.s.status

    @reopen.validator
    def _validate_reopen(self, data: CaseMessageRef) -> None:
        in_time(data)
        self._reopenable()

    def _reopenable(self) -> None:
        self._allow((C.RESOLVED,), "reopened")
        if self.s.resolved_at and workflow.now() >= self.s.resolved_at + self.data.reopen_within:
            raise refuse("The period to reopen this case has ended; open a new case.")

    @workflow.query
    def detail(self) -> CaseStatusOut:
        s, now, hours = self.s, workflow.now(), self.data.hours
        due = {name: s.clock.due_at(target, now, hours) for name, target in self._targets()}
        steps = [(s.clock.due_at(at, now, hours), name, level)
                 for name, level, at in self._thresholds()]
        step = min(((at, n, lv) for at, n, lv in steps if at), default=None)
        closes = None
        if s.status == C.AWAITING_REQUESTER and s.waiting_since:
            closes = s.waiting_since + self.data.info_close_after
        elif s.status == C.RESOLVED and s.resolved_at:
            closes = s.resolved_at + self.data.reopen_within
        return CaseStatusOut(status=s.status,
                             active_minutes=int(s.clock.active(now, hours).total_seconds() // 60),
                             waiting_on_requester=s.status == C.AWAITING_REQUESTER,
                             response_due_at=due.get("response"),
                             resolution_due_at=due.get("resolution"), closes_at=closes,
                             next_step=f"{step[1]}:{step[2]}" if step else None,
                             next_step_due_at=step[0] if step else None,
                             business_hours=hours is not None)


@workflow.defn
class RequesterWelcomeWorkflow:
    """A help-desk registration: the username and temporary password, delivered once."""

    @workflow.run
    async def run(self, data: WelcomeInput) -> None:
        await workflow.execute_activity_method(H.send_credentials, data, **MAIL)


@workflow.defn
class CaseLinkWorkflow:
    """A public question's personal link emailed alone, once (the requester's address
    corrected, or the link asked for), retried until the mail relay takes it; the case's own
    process is not involved."""

    @workflow.run
    async def run(self, data: CaseLinkRef) -> None:
        await workflow.execute_activity_method(H.send_case_link, data, **MAIL)
