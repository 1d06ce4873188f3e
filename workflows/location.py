"""One location's enrollment, from invitation to enrolled site.

invitation -> Section B (7-day reminders) -> submitted -> officers' signatures -> review ->
approved (then amendments, each reviewed on its own) or rejected -> resubmission -> review ...

Status changes are projected into the database by an activity at every transition; live
detail (reminders sent, next reminder) comes from the `detail` query. Decision emails go out
from the main loop, so an SMTP outage never holds up a reviewer's click.
"""

from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.enrollment import EnrollmentActivities
    from activities.review import ReviewActivities
    from models.contracts import (
        AmendmentRequested,
        CoordinatorRegistered,
        Decision,
        DecisionRecord,
        DecisionResult,
        InviteCoordinator,
        LocationDecided,
        LocationDetail,
        LocationInput,
        LocationRef,
        ProvidersChanged,
        Resubmit,
        SectionBReminder,
        SectionBResult,
        SectionBTouched,
        SignaturesNeeded,
        StatusChange,
        SubmitSectionB,
    )
    from models.enrollment_enums import LocationStatus
    from models.enums import Role
    from workflows import ids, names
    from workflows.options import DB, MAIL

A = EnrollmentActivities
R = ReviewActivities
S = LocationStatus
WAITING_REGISTRATION = "Vaccine coordinator: register from the invitation email"
WAITING_SECTION_B = "Vaccine coordinator: complete Section B"
WAITING_RESUBMISSION = "Vaccine coordinator: correct and resubmit Section B"
WAITING_OFFICERS = "Responsible officers (CEO and CMO): sign the provider agreement"
WAITING_REVIEW = "Immunization Branch: review the location"
WAITING_AFTER_REJECTION = "Vaccine coordinator: resubmit Section B after the rejection"
ESCALATE_FROM_REMINDER = 2


@workflow.defn
class LocationEnrollmentWorkflow:
    @workflow.init
    def __init__(self, data: LocationInput) -> None:
        self.data = data
        self.status = S.NEW
        self.seq = 0
        self.coordinator_registered = False
        self.registration_noted = True
        self.touched = False
        self.submitting = False
        self.submitted = False
        self.reinvite_requested = False
        self.invitation_round = 1
        self.reminders_sent = 0
        self.next_reminder_at: datetime | None = None
        self.officers_signed = False
        self.signatures_void = False
        self.active_providers = 0
        self.deciding = False
        self.decision: Decision | None = None
        self.decisions = 0
        self.resubmitting = False
        self.amendments: list[int] = []
        self.current_amendment: int | None = None
        self.outbox: list[DecisionRecord] = []

    @workflow.run
    async def run(self, data: LocationInput) -> None:
        await self._invite()
        await self._project(S.NEW, WAITING_REGISTRATION)
        while True:
            await self._section_b()
            await workflow.execute_activity_method(A.confirm_section_b, self._ref(), **MAIL)
            if await self._review():
                break
            await workflow.wait_condition(lambda: self.resubmitting)
            self.resubmitting = False
        await self._enrolled()

    # --- Section B ----------------------------------------------------------------------

    async def _section_b(self) -> None:
        """Wait for Section B; remind after every 7 days without an update."""
        last_activity = workflow.now()
        while not self.submitted:
            self.next_reminder_at = last_activity + self.data.reminder_every
            woke = await self._wait_until(self.next_reminder_at)
            if self.submitting or self.submitted:
                await workflow.wait_condition(lambda: not self.submitting)
                continue
            await self._note_registration()
            if self.reinvite_requested:
                self.reinvite_requested = False
                self.invitation_round += 1
                await self._invite()
            if self.touched:
                self.touched = False
                last_activity = workflow.now()
                if self.status == S.NEW:
                    await self._project(S.IN_PROGRESS, WAITING_SECTION_B)
            elif not woke:
                await self._remind()
                last_activity = workflow.now()
        self.next_reminder_at = None

    async def _wait_until(self, deadline: datetime) -> bool:
        """True when something happened before the deadline, False when it passed."""
        remaining = deadline - workflow.now()
        if remaining <= timedelta(0):
            return False
        try:
            await workflow.wait_condition(
                lambda: self.touched or self.submitting or self.submitted
                or self.reinvite_requested or not self.registration_noted, timeout=remaining)
            return True
        except TimeoutError:
            return False

    async def _note_registration(self) -> None:
        if not self.registration_noted:
            self.registration_noted = True
            if self.status == S.NEW:
                await self._project(S.NEW, WAITING_SECTION_B)

    async def _invite(self) -> None:
        invite = InviteCoordinator(location_id=self.data.location_id,
                                   round=self.invitation_round, ttl=self.data.invitation_ttl)
        await workflow.execute_activity_method(A.invite_coordinator, invite, **MAIL)

    async def _remind(self) -> None:
        self.reminders_sent += 1
        reminder = SectionBReminder(location_id=self.data.location_id,
                                    number=self.reminders_sent,
                                    invitation_ttl=self.data.invitation_ttl)
        await workflow.execute_activity_method(A.remind_section_b, reminder, **MAIL)
        if self.reminders_sent >= ESCALATE_FROM_REMINDER:
            await workflow.execute_activity_method(A.escalate_section_b, reminder, **MAIL)

    # --- signatures and review ----------------------------------------------------------

    async def _review(self) -> bool:
        """Until decided: officers' signatures, then review. True when approved."""
        while True:
            if not self.officers_signed:
                await self._project(S.AWAITING_SIGNATURES, WAITING_OFFICERS)
                await self._parent().signal(names.SIGNATURES_NEEDED,
                                            SignaturesNeeded(location_id=self.data.location_id))
                await workflow.wait_condition(lambda: self.officers_signed)
            self.signatures_void = False
            await self._project(S.PENDING_REVIEW, WAITING_REVIEW)
            await workflow.wait_condition(lambda: self.decision is not None
                                          or self.signatures_void)
            if self.decision is not None:
                approved = self.decision.approve
                self.decision = None
                await self._send_decision_emails()
                await self._parent().signal(names.LOCATION_DECIDED, LocationDecided(
                    location_id=self.data.location_id, approved=approved))
                return approved

    async def _enrolled(self) -> None:
        """An enrolled site; each added storage unit goes through review on its own."""
        while True:
            await workflow.wait_condition(lambda: bool(
                self.outbox or (self.amendments and self.current_amendment is None)))
            await self._send_decision_emails()
            if self.amendments and self.current_amendment is None:
                self.current_amendment = self.amendments.pop(0)
                change = AmendmentRequested(storage_unit_id=self.current_amendment)
                await workflow.execute_activity_method(R.open_amendment, change, **DB)

    async def _send_decision_emails(self) -> None:
        while self.outbox:
            await workflow.execute_activity_method(R.send_decision_email, self.outbox.pop(0),
                                                   **MAIL)

    async def _project(self, status: S, waiting_on: str | None, actor: str = "system",
                       note: str | None = None) -> None:
        self.status = status
        self.seq += 1
        change = StatusChange(location_id=self.data.location_id, seq=self.seq, status=status,
                              waiting_on=waiting_on, actor=actor, note=note)
        await workflow.execute_activity_method(A.project_location, change, **DB)

    def _ref(self) -> LocationRef:
        return LocationRef(location_id=self.data.location_id)

    def _parent(self):
        return workflow.get_external_workflow_handle(ids.enrollment(self.data.organization_id))

    # --- signals ------------------------------------------------------------------------

    @workflow.signal
    def section_b_touched(self, _data: SectionBTouched) -> None:
        self.touched = True

    @workflow.signal(name="coordinator_registered")
    def on_coordinator_registered(self, _data: CoordinatorRegistered) -> None:
        if not self.coordinator_registered:
            self.coordinator_registered = True
            self.registration_noted = False

    @workflow.signal
    def invitation_requested(self) -> None:
        if not self.coordinator_registered and not self.submitted:
            self.reinvite_requested = True

    @workflow.signal(name="officers_signed")
    def on_officers_signed(self) -> None:
        self.officers_signed = True

    @workflow.signal
    def signatures_voided(self) -> None:
        """What the officers signed changed before review: they must sign again."""
        self.officers_signed = False
        if self.status == S.PENDING_REVIEW and not self.deciding:
            self.signatures_void = True

    @workflow.signal
    def providers_changed(self, data: ProvidersChanged) -> None:
        self.active_providers = data.active

    @workflow.signal
    def storage_unit_added(self, data: AmendmentRequested) -> None:
        if self.status == S.APPROVED and data.storage_unit_id not in self.amendments:
            self.amendments.append(data.storage_unit_id)

    # --- updates: people's decisions ----------------------------------------------------

    @workflow.update
    async def submit_section_b(self, data: SubmitSectionB) -> SectionBResult:
        """Step 12's last click: complete Section B (refused, with reasons, if incomplete)."""
        self.submitting = True
        try:
            result = await workflow.execute_activity_method(A.complete_section_b, self._ref(),
                                                            **DB)
            self.active_providers = result.active_providers
            # Projected before answering, so the coordinator's next page already says so.
            await self._project(S.SUBMITTED, WAITING_OFFICERS, actor=f"user:{data.user_id}")
            self.submitted = True
            return result
        finally:
            self.submitting = False

    @submit_section_b.validator
    def _validate_submit(self, _data: SubmitSectionB) -> None:
        if self.submitted:
            raise ApplicationError("Section B was already submitted.", type="Conflict")
        if self.submitting:
            raise ApplicationError("Section B is already being submitted.", type="Conflict")
        if self.status not in (S.NEW, S.IN_PROGRESS):
            raise ApplicationError(f"Section B cannot be submitted while the location is "
                                   f"{self.status.label.lower()}.", type="Conflict")

    @workflow.update
    async def decide(self, data: Decision) -> DecisionResult:
        """A reviewer approves, or rejects with a reason (an enrollment or an amendment)."""
        self.deciding = True
        try:
            self.decisions += 1
            amendment = self.current_amendment
            record = DecisionRecord(location_id=self.data.location_id, decision=data,
                                    key=f"location-{self.data.location_id}:decision-"
                                        f"{self.decisions}", amendment_unit_id=amendment)
            await workflow.execute_activity_method(R.record_decision, record, **DB)
            self.outbox.append(record)
            if amendment is not None:
                self.current_amendment = None
                return DecisionResult(location_id=self.data.location_id, status=self.status,
                                      amendment=True)
            status, waiting = (S.APPROVED, None) if data.approve else (
                S.REJECTED, WAITING_AFTER_REJECTION)
            await self._project(status, waiting, actor=f"reviewer:{data.reviewer_id}",
                                note=data.reason)
            self.decision = data
            return DecisionResult(location_id=self.data.location_id, status=status)
        finally:
            self.deciding = False

    @decide.validator
    def _validate_decision(self, data: Decision) -> None:
        if data.reviewer_role != Role.REVIEWER:
            raise ApplicationError("Only Immunization Branch reviewers decide on locations.",
                                   type="Forbidden")
        if self.deciding:
            raise ApplicationError("A decision on this location is being recorded.",
                                   type="Conflict")
        if self.status != S.PENDING_REVIEW and self.current_amendment is None:
            raise ApplicationError(f"This location is {self.status.label.lower()}: there is "
                                   "nothing to decide.", type="Conflict")
        if not data.approve and not (data.reason or "").strip():
            raise ApplicationError("Give the reason for the rejection; the coordinator "
                                   "receives it.", type="Invalid")
        if data.approve and self.current_amendment is None and self.active_providers < 1:
            raise ApplicationError("This location cannot be approved: it has no active "
                                   "practicing provider. Add at least one (or import the bulk "
                                   "upload) first.", type="Invalid")

    @workflow.update
    async def resubmit(self, data: Resubmit) -> str:
        """After a rejection the coordinator reopens Section B; its last page resubmits."""
        await workflow.execute_activity_method(R.start_resubmission, self._ref(), **DB)
        self.submitted = False
        self.touched = False
        await self._project(S.IN_PROGRESS, WAITING_RESUBMISSION, actor=f"user:{data.user_id}")
        self.resubmitting = True
        return self.status

    @resubmit.validator
    def _validate_resubmit(self, _data: Resubmit) -> None:
        if self.status != S.REJECTED or self.resubmitting:
            raise ApplicationError(f"Only a rejected location can be resubmitted; this one is "
                                   f"{self.status.label.lower()}.", type="Conflict")

    @workflow.query
    def detail(self) -> LocationDetail:
        return LocationDetail(status=self.status,
                              coordinator_registered=self.coordinator_registered,
                              reminders_sent=self.reminders_sent,
                              next_reminder_at=self.next_reminder_at,
                              invitation_round=self.invitation_round)
