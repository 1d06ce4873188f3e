"""An organization's enrollment: starts a child workflow per location after Section A."""

from temporalio import workflow
from temporalio.exceptions import WorkflowAlreadyStartedError

with workflow.unsafe.imports_passed_through():
    from activities.enrollment import EnrollmentActivities
    from models.contracts import (
        EnrollmentInput,
        LocationAdded,
        LocationInput,
        LocationRef,
        OrganizationRef,
    )
    from workflows import ids
    from workflows.location import LocationEnrollmentWorkflow
    from workflows.options import MAIL


@workflow.defn
class OrganizationEnrollmentWorkflow:
    @workflow.init
    def __init__(self, data: EnrollmentInput) -> None:
        self.data = data
        self.to_start: list[int] = list(data.location_ids)
        self.started: list[int] = []
        self.completed: list[int] = []

    @workflow.run
    async def run(self, data: EnrollmentInput) -> None:
        ref = OrganizationRef(organization_id=data.organization_id)
        await workflow.execute_activity_method(EnrollmentActivities.confirm_section_a, ref,
                                               **MAIL)
        while True:
            await workflow.wait_condition(lambda: bool(self.to_start))
            while self.to_start:
                await self._start_location(self.to_start[0])
                self.started.append(self.to_start.pop(0))

    async def _start_location(self, location_id: int) -> None:
        child = LocationInput(location_id=location_id,
                              organization_id=self.data.organization_id,
                              reminder_every=self.data.reminder_every,
                              invitation_ttl=self.data.invitation_ttl)
        try:
            await workflow.start_child_workflow(
                LocationEnrollmentWorkflow.run, child, id=ids.location(location_id),
                parent_close_policy=workflow.ParentClosePolicy.ABANDON)
        except WorkflowAlreadyStartedError:
            workflow.logger.info("location %s already enrolling", location_id)

    @workflow.signal
    def location_added(self, data: LocationAdded) -> None:
        if data.location_id not in self.started + self.to_start:
            self.to_start.append(data.location_id)

    @workflow.signal
    def section_b_completed(self, data: LocationRef) -> None:
        if data.location_id not in self.completed:
            self.completed.append(data.location_id)

    @workflow.query
    def locations(self) -> list[int]:
        return self.started + self.to_start
