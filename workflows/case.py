"""A help-desk case from intake to closure.

Agents act through updates (assign, ask the requester, resolve; the requester reopens); stored
messages arrive as signals. The service-level clock counts only time not spent waiting on the
requester: a case is flagged near a target and escalated to the team lead past it. Emails go
out from the main loop, so an SMTP outage never holds up an agent's click.
"""

from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.helpdesk import HelpdeskActivities
    from models.contracts import (
        AssignCase,
        CaseChange,
        CaseEmail,
        CaseInput,
        CaseMessageRef,
        CaseStatusOut,
        WelcomeInput,
    )
    from models.helpdesk import CaseStatus
    from workflows.options import DB, MAIL

H = HelpdeskActivities
C = CaseStatus


class ServiceClock:
    """Active time: runs while the case is with the help desk, pauses while it waits."""

    def __init__(self, now: datetime) -> None:
        self.consumed = timedelta(0)
        self.running_since: datetime | None = now

    def active(self, now: datetime) -> timedelta:
        running = now - self.running_since if self.running_since else timedelta(0)
        return self.consumed + running

    def pause(self, now: datetime) -> None:
        if self.running_since is not None:
            self.consumed += now - self.running_since
            self.running_since = None

    def resume(self, now: datetime) -> None:
        if self.running_since is None:
            self.running_since = now

    def due_at(self, target: timedelta, now: datetime) -> datetime | None:
        """When active time reaches the target (None while paused)."""
        return now + (target - self.active(now)) if self.running_since else None


@workflow.defn
class CaseWorkflow:
    @workflow.init
    def __init__(self, data: CaseInput) -> None:
        self.data = data
        self.status = C.NEW
        self.seq = 0
        self.assignee: int | None = None
        self.first_response = False
        self.sla_flag: str | None = None
        self.escalations: set[str] = set()
        self.clock = ServiceClock(workflow.now())
        self.waiting_since: datetime | None = None
        self.info_message: int | None = None
        self.reminded = False
        self.resolved_at: datetime | None = None
        self.outbox: list[CaseEmail] = []
        self.emails = 0
        self.busy = False

    @workflow.run
    async def run(self, data: CaseInput) -> str:
        self._email("received")
        while self.status != C.CLOSED:
            await self._send_emails()
            deadline = self._next_deadline()
            timeout = max(deadline - workflow.now(), timedelta(seconds=1)) if deadline else None
            try:
                await workflow.wait_condition(lambda: bool(self.outbox) or self.status == C.CLOSED,
                                              timeout=timeout)
            except TimeoutError:
                await self._on_time()
        await self._send_emails()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.status

    # --- time ---------------------------------------------------------------------------

    def _targets(self) -> list[tuple[str, timedelta]]:
        targets = []
        if not self.first_response:
            targets.append(("response", self.data.response_target))
        if self.status in C.OPEN:
            targets.append(("resolution", self.data.resolution_target))
        return targets

    def _thresholds(self) -> list[tuple[str, str, timedelta]]:
        return [(name, level, target * (self.data.warn_at if level == "at_risk" else 1))
                for name, target in self._targets() for level in ("at_risk", "breached")
                if f"{name}:{level}" not in self.escalations]

    def _next_deadline(self) -> datetime | None:
        now = workflow.now()
        times = [self.clock.due_at(at, now) for _n, _l, at in self._thresholds()]
        if self.status == C.AWAITING_REQUESTER and self.waiting_since:
            if not self.reminded:
                times.append(self.waiting_since + self.data.info_reminder_after)
            times.append(self.waiting_since + self.data.info_close_after)
        if self.status == C.RESOLVED and self.resolved_at:
            times.append(self.resolved_at + self.data.reopen_within)
        return min((t for t in times if t is not None), default=None)

    async def _on_time(self) -> None:
        now = workflow.now()
        for name, level, at in self._thresholds():
            if self.clock.running_since and self.clock.active(now) >= at:
                self.escalations.add(f"{name}:{level}")
                await self._flag(level, f"{'is near' if level == 'at_risk' else 'is past'} its "
                                        f"{name} target")
        if self.status == C.AWAITING_REQUESTER and self.waiting_since:
            if now >= self.waiting_since + self.data.info_close_after:
                await self._close("Nobody answered the request for information.")
            elif not self.reminded and now >= self.waiting_since + self.data.info_reminder_after:
                self.reminded = True
                close_on = self.waiting_since + self.data.info_close_after
                self._email("info_reminder", self.info_message, f"{close_on:%B %d, %Y}")
        if self.status == C.RESOLVED and self.resolved_at and (
                now >= self.resolved_at + self.data.reopen_within):
            await self._close("The reopening period ended.")

    async def _flag(self, level: str, what: str) -> None:
        if self.sla_flag != "breached":
            self.sla_flag = level
        await self._project(self.status)
        self._email("escalated", detail=what)

    async def _close(self, reason: str) -> None:
        self.clock.pause(workflow.now())
        await self._project(C.CLOSED, closed_reason=reason)
        self._email("closed", detail=reason)

    # --- helpers ------------------------------------------------------------------------

    def _email(self, kind: str, message_id: int | None = None, detail: str | None = None) -> None:
        self.emails += 1
        self.outbox.append(CaseEmail(case_id=self.data.case_id, kind=kind, message_id=message_id,
                                     detail=detail, key=f"case-{self.data.case_id}:email-"
                                                        f"{self.emails}:{kind}"))

    async def _send_emails(self) -> None:
        while self.outbox:
            await workflow.execute_activity_method(H.send_case_email, self.outbox.pop(0), **MAIL)

    async def _project(self, status: str, actor: str = "system", resolution: int | None = None,
                       closed_reason: str | None = None) -> None:
        self.status = status
        self.seq += 1
        change = CaseChange(case_id=self.data.case_id, seq=self.seq, status=status,
                            assignee_id=self.assignee, sla_flag=self.sla_flag,
                            first_response=self.first_response, actor=actor,
                            resolution_message_id=resolution, closed_reason=closed_reason)
        await workflow.execute_activity_method(H.project_case, change, **DB)

    def _refuse_unless(self, allowed: tuple[str, ...], action: str) -> None:
        if self.busy:
            raise ApplicationError("Another action on this case is being recorded; try again.",
                                   type="Conflict")
        if self.status not in allowed:
            raise ApplicationError(f"This case is {self.status.replace('_', ' ')}: it cannot "
                                   f"be {action}.", type="Conflict")

    # --- people's actions ---------------------------------------------------------------

    @workflow.update
    async def assign(self, data: AssignCase) -> str:
        self.busy = True
        try:
            self.assignee = data.agent_id
            await self._project(C.IN_PROGRESS if self.status == C.NEW else self.status,
                                actor=f"user:{data.by_user_id}")
            if data.agent_id != data.by_user_id:
                self._email("for_agent", detail="assigned to you")
            return self.status
        finally:
            self.busy = False

    @assign.validator
    def _validate_assign(self, _data: AssignCase) -> None:
        self._refuse_unless(C.OPEN, "assigned")

    @workflow.update
    async def request_info(self, data: CaseMessageRef) -> str:
        self.busy = True
        try:
            now = workflow.now()
            self.first_response = True
            self.clock.pause(now)
            self.waiting_since, self.info_message, self.reminded = now, data.message_id, False
            await self._project(C.AWAITING_REQUESTER, actor=f"user:{data.user_id}")
            self._email("info_requested", data.message_id)
            return self.status
        finally:
            self.busy = False

    @request_info.validator
    def _validate_request_info(self, _data: CaseMessageRef) -> None:
        self._refuse_unless((C.NEW, C.IN_PROGRESS), "sent a request for information")

    @workflow.update
    async def resolve(self, data: CaseMessageRef) -> str:
        self.busy = True
        try:
            now = workflow.now()
            self.first_response = True
            self.clock.pause(now)
            self.resolved_at, self.waiting_since = now, None
            await self._project(C.RESOLVED, actor=f"user:{data.user_id}",
                                resolution=data.message_id)
            self._email("resolved", data.message_id)
            return self.status
        finally:
            self.busy = False

    @resolve.validator
    def _validate_resolve(self, _data: CaseMessageRef) -> None:
        self._refuse_unless(C.OPEN, "resolved")

    @workflow.update
    async def reopen(self, data: CaseMessageRef) -> str:
        self.busy = True
        try:
            self.resolved_at = None
            self.clock.resume(workflow.now())
            await self._project(C.IN_PROGRESS, actor=f"user:{data.user_id}")
            self._email("for_agent", data.message_id, "reopened by the requester")
            return self.status
        finally:
            self.busy = False

    @reopen.validator
    def _validate_reopen(self, _data: CaseMessageRef) -> None:
        self._refuse_unless((C.RESOLVED,), "reopened")
        if self.resolved_at and workflow.now() >= self.resolved_at + self.data.reopen_within:
            raise ApplicationError("The period to reopen this case has ended; open a new case.",
                                   type="Conflict")

    @workflow.signal
    async def message_added(self, data: CaseMessageRef) -> None:
        """A stored message: a public agent reply reaches the requester; a requester's reply
        to a request for information puts the case back with the help desk."""
        if data.internal or self.status == C.CLOSED:
            return
        if data.author_kind == "agent":
            self.first_response = True
            self._email("updated", data.message_id)
            return
        if self.status == C.AWAITING_REQUESTER:
            self.clock.resume(workflow.now())
            self.waiting_since = None
            await self._project(C.IN_PROGRESS, actor="requester")
        self._email("for_agent", data.message_id, "the requester replied")

    @workflow.query
    def detail(self) -> CaseStatusOut:
        now = workflow.now()
        due = {name: self.clock.due_at(target, now) for name, target in self._targets()}
        closes = None
        if self.status == C.AWAITING_REQUESTER and self.waiting_since:
            closes = self.waiting_since + self.data.info_close_after
        elif self.status == C.RESOLVED and self.resolved_at:
            closes = self.resolved_at + self.data.reopen_within
        return CaseStatusOut(status=self.status,
                             active_minutes=int(self.clock.active(now).total_seconds() // 60),
                             waiting_on_requester=self.status == C.AWAITING_REQUESTER,
                             response_due_at=due.get("response"),
                             resolution_due_at=due.get("resolution"), closes_at=closes)


@workflow.defn
class RequesterWelcomeWorkflow:
    """A help-desk registration: the username and temporary password, delivered once."""

    @workflow.run
    async def run(self, data: WelcomeInput) -> None:
        await workflow.execute_activity_method(H.send_credentials, data, **MAIL)
