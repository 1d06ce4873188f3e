"""One location's enrollment: invitation, Section B with its 7-day reminders, submission.

Status changes are projected into the database by an activity at every transition; live
detail (reminders sent, next reminder) comes from the `detail` query.
"""

from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.enrollment import EnrollmentActivities
    from models.contracts import (
        CoordinatorRegistered,
        InviteCoordinator,
        LocationDetail,
        LocationInput,
        LocationRef,
        SectionBReminder,
        SectionBResult,
        SectionBTouched,
        StatusChange,
        SubmitSectionB,
    )
    from models.enrollment_enums import LocationStatus
    from workflows import ids
    from workflows.options import DB, MAIL

A = EnrollmentActivities
WAITING_REGISTRATION = "Vaccine coordinator: register from the invitation email"
WAITING_SECTION_B = "Vaccine coordinator: complete Section B"
WAITING_OFFICERS = "Responsible officers (CEO and CMO): sign the provider agreement"
ESCALATE_FROM_REMINDER = 2


@workflow.defn
class LocationEnrollmentWorkflow:
    @workflow.init
    def __init__(self, data: LocationInput) -> None:
        self.data = data
        self.status = LocationStatus.NEW
        self.seq = 0
        self.coordinator_registered = False
        self.touched = False
        self.submitting = False
        self.submitted = False
        self.reinvite_requested = False
        self.registration_noted = True
        self.invitation_round = 1
        self.reminders_sent = 0
        self.next_reminder_at: datetime | None = None

    @workflow.run
    async def run(self, data: LocationInput) -> None:
        await self._invite()
        await self._project(LocationStatus.NEW, WAITING_REGISTRATION)
        await self._section_b()
        await workflow.execute_activity_method(A.confirm_section_b, self._ref(), **MAIL)
        parent = workflow.get_external_workflow_handle(ids.enrollment(data.organization_id))
        await parent.signal("section_b_completed", self._ref())
        await workflow.wait_condition(workflow.all_handlers_finished)

    async def _section_b(self) -> None:
        """Wait for Section B; remind after every 7 days without an update."""
        last_activity = workflow.now()
        while not self.submitted:
            self.next_reminder_at = last_activity + self.data.reminder_every
            woke = await self._wait_until(self.next_reminder_at)
            if self.submitting or self.submitted:
                await workflow.wait_condition(lambda: not self.submitting)
                continue
            if not self.registration_noted:
                self.registration_noted = True
                if self.status == LocationStatus.NEW:
                    await self._project(LocationStatus.NEW, WAITING_SECTION_B)
            if self.reinvite_requested:
                self.reinvite_requested = False
                self.invitation_round += 1
                await self._invite()
            if self.touched:
                self.touched = False
                last_activity = workflow.now()
                if self.status == LocationStatus.NEW:
                    await self._project(LocationStatus.IN_PROGRESS, WAITING_SECTION_B)
            elif not woke:
                await self._remind()
                last_activity = workflow.now()

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

    async def _project(self, status: LocationStatus, waiting_on: str | None,
                       actor: str = "system", note: str | None = None) -> None:
        self.status = status
        self.seq += 1
        change = StatusChange(location_id=self.data.location_id, seq=self.seq, status=status,
                              waiting_on=waiting_on, actor=actor, note=note)
        await workflow.execute_activity_method(A.project_location, change, **DB)

    def _ref(self) -> LocationRef:
        return LocationRef(location_id=self.data.location_id)

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

    @workflow.update
    async def submit_section_b(self, data: SubmitSectionB) -> SectionBResult:
        """Step 12's last click: complete Section B (refused, with reasons, if incomplete)."""
        self.submitting = True
        try:
            result = await workflow.execute_activity_method(A.complete_section_b, self._ref(),
                                                            **DB)
            # Projected before answering, so the coordinator's next page already says so.
            await self._project(LocationStatus.SUBMITTED, WAITING_OFFICERS,
                                actor=f"user:{data.user_id}")
            self.submitted = True
            self.next_reminder_at = None
            return result
        finally:
            self.submitting = False

    @submit_section_b.validator
    def _validate_submit(self, _data: SubmitSectionB) -> None:
        if self.submitted:
            raise ApplicationError("Section B was already submitted.", type="Conflict")
        if self.submitting:
            raise ApplicationError("Section B is already being submitted.", type="Conflict")
        if self.status not in (LocationStatus.NEW, LocationStatus.IN_PROGRESS):
            raise ApplicationError(f"Section B cannot be submitted while the location is "
                                   f"{self.status.label.lower()}.", type="Conflict")

    @workflow.query
    def detail(self) -> LocationDetail:
        return LocationDetail(status=self.status, coordinator_registered=self.coordinator_registered,
                              reminders_sent=self.reminders_sent,
                              next_reminder_at=self.next_reminder_at,
                              invitation_round=self.invitation_round)
