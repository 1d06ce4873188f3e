"""One location's enrollment, from invitation to enrolled site.

invitation -> Section B (7-day reminders) -> submitted -> officers' signatures -> review ->
approved (then amendments, each reviewed on its own) or rejected -> resubmission -> review ...

People's actions arrive as updates whose handlers run the activity that writes, so the
database and the workflow never disagree. Section B drafts are the API's own rows: a save
costs no workflow task; when a reminder is due the workflow reads the last activity and
re-arms from it. Status changes are projected into the database at every transition; live
detail (reminders, next reminder) comes from the `detail` query. The state lives in one model
so the workflow can continue as new without losing anything.
"""

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.enrollment import EnrollmentActivities
    from activities.review import ReviewActivities
    from models.contracts import (
        AcceptInvitation,
        AddStorageUnit,
        AmendmentRequested,
        Decision,
        DecisionRecord,
        DecisionResult,
        InviteCoordinator,
        JoinLocation,
        LocationDecided,
        LocationDetail,
        LocationInput,
        LocationRef,
        LocationReminder,
        LocationState,
        LocationStep,
        ReminderDue,
        RenewInvitation,
        Resubmit,
        SectionBActivity,
        SectionBReminder,
        SectionBResult,
        SignaturesNeeded,
        StatusChange,
        SubmitSectionB,
    )
    from models.enrollment_enums import (
        WAITING_AFTER_REJECTION,
        WAITING_OFFICERS,
        WAITING_REGISTRATION,
        WAITING_RESUBMISSION,
        WAITING_REVIEW,
        WAITING_SECTION_B,
        LocationStatus,
    )
    from models.review_rules import CHANGE_MOVED, REVIEW_MOVED, decision_problem
    from workflows import ids
    from workflows.guard import history_is_long, in_time, refuse
    from workflows.options import MAIL, db_step, local_db_steps
    from workflows.organization_inbox import OrganizationInbox
    from workflows.releases import RELEASE, patched

A = EnrollmentActivities
R = ReviewActivities
S = LocationStatus
ESCALATE_FROM_REMINDER = 2
# Runs started after this change project the next reminder into the database, so pages ask
# no workflow; runs started before it (recorded histories) replay without those writes.
PROJECT_REMINDER = "project-next-reminder"
# Runs started after this change have a step and the transition it leads to (the invitation,
# a registration's join, Section B's completion and its confirmation, a decision, a
# resubmission) written by one activity; runs before it (recorded histories) replay with a
# projection after the step (`_step_then`).
STEPS_PROJECT = "steps-project-their-transition"


@workflow.defn
class LocationEnrollmentWorkflow:
    @workflow.init
    def __init__(self, data: LocationInput) -> None:
        self.data = data
        self.s: LocationState = data.state or LocationState()
        self.lock = asyncio.Lock()
        self.next_reminder_at: datetime | None = None
        self.wake = False  # a hint that Section B started; the truth is read from the database

    @workflow.run
    async def run(self, data: LocationInput) -> None:
        if data.state is None and patched(self.data.release, STEPS_PROJECT):
            # The invitation's step writes the first status (and the first reminder, counted
            # from now) before the email goes out.
            self.s.last_activity = self.s.idle_since = workflow.now()
            await self._invite(then=self._change(S.NEW, WAITING_REGISTRATION))
        elif data.state is None:
            # The status is projected before the invitation goes out: a coordinator who
            # registers the moment it arrives holds the API's transaction open until the
            # registration is accepted, which a projection still running would hold up.
            project_first = local_db_steps()
            if not project_first:
                await self._invite()
            if patched(self.data.release, PROJECT_REMINDER):
                self.s.last_activity = self.s.idle_since = workflow.now()  # projected first
            await self._project(S.NEW, WAITING_REGISTRATION)
            if project_first:
                await self._invite()
        phases = {"section_b": self._section_b, "signatures": self._signatures,
                  "review": self._review, "rejected": self._rejected,
                  "enrolled": self._enrolled}
        while True:
            await phases[self.s.phase]()
            if history_is_long(data.history_limit):
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(data.model_copy(update={"state": self.s,
                                                                  "release": RELEASE}))

    # --- phases: each returns after a transition, or when the history is long ------------

    async def _section_b(self) -> None:
        """Wait for Section B; remind after every 7 days without an update."""
        s = self.s
        s.last_activity = s.last_activity or workflow.now()
        self.next_reminder_at = s.last_activity + self.data.reminder_every
        await self._show_reminder()
        woke = await self._wait(lambda: s.phase != "section_b" or s.reinvite_requested
                                or self.wake, self.next_reminder_at)
        if s.phase != "section_b":
            self.next_reminder_at = None
            return
        if s.reinvite_requested:
            s.reinvite_requested = False
            s.invitation_round += 1
            await self._invite()
        if self.wake or not woke:
            self.wake = False
            await self._check_activity(remind=not woke)

    async def _check_activity(self, remind: bool) -> None:
        """Read when Section B last changed: re-arm from it, or remind if it is too old."""
        s = self.s
        seen: SectionBActivity = await db_step(A.section_b_activity, self._ref())
        if seen.revision != s.revision_seen and seen.updated_at is not None:
            s.revision_seen = seen.revision
            s.last_activity = max(s.last_activity or seen.updated_at, seen.updated_at)
            s.idle_since = max(s.idle_since or seen.updated_at, seen.updated_at)
            if s.status == S.NEW:
                await self._project(S.IN_PROGRESS, WAITING_SECTION_B)
        if remind and workflow.now() >= s.last_activity + self.data.reminder_every:
            await self._remind()
            s.last_activity = workflow.now()

    async def _signatures(self) -> None:
        s = self.s
        if s.confirm_pending and not s.signatures_requested \
                and s.status != S.AWAITING_SIGNATURES:
            await self._step_then(A.confirm_section_b, self._step(), S.AWAITING_SIGNATURES,
                                  WAITING_OFFICERS, actor="system", mail=True,
                                  done=self._confirmed)
        elif s.confirm_pending:
            await workflow.execute_activity_method(A.confirm_section_b, self._step(), **MAIL)
            self._confirmed()
        if not s.signatures_requested:
            if s.status != S.AWAITING_SIGNATURES:
                await self._project(S.AWAITING_SIGNATURES, WAITING_OFFICERS)
            await self._parent_signal(OrganizationInbox.signatures_needed,
                                      SignaturesNeeded(location_id=self.data.location_id))
            s.signatures_requested = True
        await self._wait(lambda: s.officers_signed)
        if s.officers_signed:
            s.phase, s.signatures_void, s.signatures_requested = "review", False, False

    async def _review(self) -> None:
        s = self.s
        if s.status != S.PENDING_REVIEW:
            await self._project(S.PENDING_REVIEW, WAITING_REVIEW)
        await self._wait(lambda: s.phase != "review" or s.signatures_void)
        if s.phase == "review" and s.signatures_void:
            s.phase, s.officers_signed, s.signatures_void = "signatures", False, False
            s.signatures_requested = False
        await self._send_decision_emails()

    async def _rejected(self) -> None:
        await self._wait(lambda: self.s.phase != "rejected" or bool(self.s.outbox))
        await self._send_decision_emails()

    async def _enrolled(self) -> None:
        """An enrolled site; each added storage unit goes through review on its own."""
        s = self.s
        await self._wait(lambda: bool(s.outbox or (s.amendments and s.current_amendment is None)))
        await self._send_decision_emails()
        if s.amendments and s.current_amendment is None:
            s.current_amendment = s.amendments.pop(0)
            change = AmendmentRequested(storage_unit_id=s.current_amendment)
            await db_step(R.open_amendment, change, callers_transaction=True)

    # --- helpers ------------------------------------------------------------------------

    async def _wait(self, done, until: datetime | None = None) -> bool:
        """True when `done` held before `until` (or before the history grew long)."""
        limit = self.data.history_limit
        timeout = None if until is None else max(until - workflow.now(), timedelta(0))
        if timeout == timedelta(0):
            return done()
        try:
            await workflow.wait_condition(lambda: done() or history_is_long(limit),
                                          timeout=timeout)
        except TimeoutError:
            return False
        return True

    def _confirmed(self) -> None:
        self.s.confirm_pending = False

    async def _invite(self, then: StatusChange | None = None) -> None:
        invite = InviteCoordinator(location_id=self.data.location_id, then=then,
                                   round=self.s.invitation_round, ttl=self.data.invitation_ttl)
        await workflow.execute_activity_method(A.invite_coordinator, invite, **MAIL)

    async def _remind(self) -> None:
        self.s.reminders_sent += 1
        idle = workflow.now() - self.s.idle_since if self.s.idle_since else None
        reminder = SectionBReminder(location_id=self.data.location_id,
                                    number=self.s.reminders_sent,
                                    invitation_ttl=self.data.invitation_ttl,
                                    days_idle=idle.days if idle else None)
        await workflow.execute_activity_method(A.remind_section_b, reminder, **MAIL)
        if self.s.reminders_sent >= ESCALATE_FROM_REMINDER:
            await workflow.execute_activity_method(A.escalate_section_b, reminder, **MAIL)

    async def _send_decision_emails(self) -> None:
        while self.s.outbox:
            await workflow.execute_activity_method(R.send_decision_email, self.s.outbox[0],
                                                   **MAIL)
            self.s.outbox.pop(0)

    async def _project(self, status: S, waiting_on: str | None, actor: str = "system",
                       note: str | None = None) -> None:
        await db_step(A.project_location, self._change(status, waiting_on, actor, note))

    def _change(self, status: S, waiting_on: str | None, actor: str = "system",
                note: str | None = None) -> StatusChange:
        """Move to `status`: the transition to write (state changes with it)."""
        self.s.status = status
        self.s.seq += 1
        return StatusChange(location_id=self.data.location_id, seq=self.s.seq, status=status,
                            waiting_on=waiting_on, actor=actor, note=note,
                            reminder=self._reminder_changed())

    async def _step_then(self, activity, arg, status: S, waiting_on: str | None, *,
                         actor: str, note: str | None = None, callers_transaction: bool = False,
                         mail: bool = False, done: Callable[[], None] = lambda: None):
        """Run a database step, then `done()`, and move to `status`: one activity writes the
        step and the transition (`arg.then`), or, in runs started before that, the step, `done`
        and the projection (in that order, as they were recorded). When the step fails (an
        incomplete Section B, a link already used) nothing moved and `done` is not called.
        A `mail` step is an ordinary activity with the mail retry policy."""
        s = self.s

        def step(arg):
            if mail:
                return workflow.execute_activity_method(activity, arg, **MAIL)
            return db_step(activity, arg, callers_transaction=callers_transaction)

        if not patched(self.data.release, STEPS_PROJECT):
            result = await step(arg)
            done()
            await self._project(status, waiting_on, actor, note)
            return result
        before = (s.status, s.seq, s.reminder_seq, s.reminder_at, s.reminder_count)
        arg = arg.model_copy(update={"then": self._change(status, waiting_on, actor, note)})
        try:
            result = await step(arg)
        except BaseException:
            s.status, s.seq, s.reminder_seq, s.reminder_at, s.reminder_count = before
            raise
        done()
        return result

    def _reminder_changed(self) -> ReminderDue | None:
        """The next reminder as pages show it, when it changed since it was last projected."""
        s = self.s
        if not patched(self.data.release, PROJECT_REMINDER):
            return None
        at = None
        if s.phase == "section_b" and s.status in (S.NEW, S.IN_PROGRESS) and s.last_activity:
            at = s.last_activity + self.data.reminder_every
        if s.reminder_seq and (at, s.reminders_sent) == (s.reminder_at, s.reminder_count):
            return None
        s.reminder_seq, s.reminder_at, s.reminder_count = s.reminder_seq + 1, at, s.reminders_sent
        return ReminderDue(seq=s.reminder_seq, at=at, sent=s.reminders_sent)

    async def _show_reminder(self) -> None:
        """Project a re-armed reminder (one a status change did not carry already)."""
        due = self._reminder_changed()
        if due is not None:
            await db_step(A.project_location_reminder, LocationReminder(
                location_id=self.data.location_id, reminder=due))

    def _ref(self) -> LocationRef:
        return LocationRef(location_id=self.data.location_id)

    def _step(self) -> LocationStep:
        return LocationStep(location_id=self.data.location_id)

    async def _parent_signal(self, signal, arg) -> None:
        parent = workflow.get_external_workflow_handle(ids.enrollment(self.data.organization_id))
        await parent.signal(signal, arg)

    # --- signals: from the organization's workflow, and a hint from the API -------------

    @workflow.signal
    def section_b_started(self) -> None:
        """The first save of a new Section B: project 'in progress' without waiting a week."""
        if self.s.phase == "section_b" and self.s.status == S.NEW:
            self.wake = True

    @workflow.signal
    def officers_signed(self) -> None:
        self.s.officers_signed = True

    @workflow.signal
    def signatures_voided(self) -> None:
        """What the officers signed changed before review: they must sign again (the
        organization's workflow already counts this location as waiting for them)."""
        self.s.officers_signed = False
        if self.s.phase == "review":
            self.s.signatures_void = True

    # --- updates: people's actions ------------------------------------------------------

    @workflow.update
    async def accept_invitation(self, data: AcceptInvitation) -> str:
        """The coordinator registered (or used an existing account) from the emailed link."""
        async with self.lock:
            join = JoinLocation(location_id=self.data.location_id, link_id=data.link_id,
                                user_id=data.user_id)
            if not self.s.coordinator_registered and self.s.status == S.NEW:
                await self._step_then(A.join_location, join, S.NEW, WAITING_SECTION_B,
                                      actor=f"user:{data.user_id}", callers_transaction=True,
                                      done=self._registered)
            else:
                await db_step(A.join_location, join, callers_transaction=True)
                self._registered()
            return self.s.status

    def _registered(self) -> None:
        self.s.coordinator_registered = True

    @accept_invitation.validator
    def _validate_accept(self, data: AcceptInvitation) -> None:
        in_time(data)

    @workflow.update
    async def renew_invitation(self, data: RenewInvitation) -> str:
        """From an expired or replaced link: a fresh one is emailed (the old one dies)."""
        self.s.reinvite_requested = True
        return "A new invitation link is on its way."

    @renew_invitation.validator
    def _validate_renew(self, data: RenewInvitation) -> None:
        in_time(data)
        if self.s.coordinator_registered or self.s.phase != "section_b":
            raise refuse("This invitation was already used to register. Log in to open "
                         "Section B.")

    @workflow.update
    async def submit_section_b(self, data: SubmitSectionB) -> SectionBResult:
        """Step 12's last click: complete Section B (refused, with reasons, if incomplete)."""
        async with self.lock:
            self._submittable()
            result = await self._step_then(A.complete_section_b, self._step(), S.SUBMITTED,
                                           WAITING_OFFICERS, actor=f"user:{data.user_id}")
            self.s.phase, self.s.confirm_pending = "signatures", True
            self.s.officers_signed = self.s.signatures_requested = False
            self.next_reminder_at = None
            return result

    @submit_section_b.validator
    def _validate_submit(self, data: SubmitSectionB) -> None:
        in_time(data)
        self._submittable()

    def _submittable(self) -> None:
        if self.s.phase != "section_b":
            raise refuse(f"Section B was already submitted. The location's status: "
                         f"{S(self.s.status).label}.")

    @workflow.update
    async def decide(self, data: Decision) -> DecisionResult:
        """A reviewer approves, or rejects with a reason (an enrollment or an amendment)."""
        async with self.lock:
            self._decidable(data)
            s = self.s
            amendment = s.current_amendment
            record = DecisionRecord(location_id=self.data.location_id, decision=data,
                                    key=f"location-{self.data.location_id}:decision-"
                                        f"{s.decisions + 1}", amendment_unit_id=amendment)

            def decided() -> None:  # the decision is recorded; its email goes next
                s.decisions += 1
                s.outbox.append(record)
                if amendment is None:
                    s.phase = "enrolled" if data.approve else "rejected"

            if amendment is not None:
                await db_step(R.record_decision, record)
                decided()
                s.current_amendment = None
                return DecisionResult(location_id=self.data.location_id, status=s.status,
                                      amendment=True)
            status, waiting = (S.APPROVED, None) if data.approve else (
                S.REJECTED, WAITING_AFTER_REJECTION)
            await self._step_then(R.record_decision, record, status, waiting, done=decided,
                                  actor=f"reviewer:{data.reviewer_id}", note=data.reason)
            await self._parent_signal(OrganizationInbox.location_decided, LocationDecided(
                location_id=self.data.location_id, approved=data.approve))
            return DecisionResult(location_id=self.data.location_id, status=status)

    @decide.validator
    def _validate_decision(self, data: Decision) -> None:
        in_time(data)
        self._decidable(data)

    def _decidable(self, data: Decision) -> None:
        pending = self.s.phase == "review" and not self.s.signatures_void
        problem = decision_problem(data.reviewer_role, data.approve, data.reason,
                                   pending or self.s.current_amendment is not None,
                                   S(self.s.status).label)
        if problem:
            raise refuse(*problem)
        if data.change_seen is not None and data.change_seen != self.s.current_amendment:
            raise refuse(CHANGE_MOVED)
        if data.decisions_seen is not None and data.decisions_seen != self.s.decisions:
            raise refuse(REVIEW_MOVED)

    @workflow.update
    async def resubmit(self, data: Resubmit) -> str:
        """After a rejection the coordinator reopens Section B; its last page resubmits."""
        async with self.lock:
            if self.s.phase != "rejected":
                raise refuse("This location was already reopened for resubmission.")
            await self._step_then(R.start_resubmission, self._step(), S.IN_PROGRESS,
                                  WAITING_RESUBMISSION, actor=f"user:{data.user_id}")
            self.s.phase, self.s.last_activity = "section_b", workflow.now()
            self.s.idle_since = self.s.last_activity
            return self.s.status

    @resubmit.validator
    def _validate_resubmit(self, data: Resubmit) -> None:
        in_time(data)
        if self.s.phase != "rejected":
            raise refuse(f"Only a rejected location can be resubmitted. This location's "
                         f"status: {S(self.s.status).label}.")

    @workflow.update
    async def add_storage_unit(self, data: AddStorageUnit) -> str:
        """An enrolled site lists another storage unit: it is reviewed on its own."""
        if data.storage_unit_id not in self.s.amendments:
            self.s.amendments.append(data.storage_unit_id)
        return "The new storage unit is waiting for review."

    @add_storage_unit.validator
    def _validate_unit(self, data: AddStorageUnit) -> None:
        in_time(data)
        if self.s.phase != "enrolled":
            raise refuse("Storage units are reviewed with Section B until the location is "
                         "enrolled.")

    @workflow.query
    def detail(self) -> LocationDetail:
        return LocationDetail(status=self.s.status,
                              coordinator_registered=self.s.coordinator_registered,
                              reminders_sent=self.s.reminders_sent,
                              next_reminder_at=self.next_reminder_at,
                              invitation_round=self.s.invitation_round)
