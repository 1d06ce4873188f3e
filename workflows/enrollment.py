"""An organization's enrollment: a child workflow per location, and the officers' signing rounds.

One signing round is open at a time; locations whose Section B completes meanwhile wait for
the next. If the organization's data changes before review, the signatures covering
unapproved locations are void and those locations are asked for again.
"""

import asyncio

from temporalio import workflow
from temporalio.exceptions import WorkflowAlreadyStartedError

with workflow.unsafe.imports_passed_through():
    from activities.enrollment import EnrollmentActivities
    from activities.signing import SigningActivities
    from models.contracts import (
        EnrollmentInput,
        LocationAdded,
        LocationDecided,
        LocationInput,
        OrganizationChanged,
        OrganizationRef,
        RoundOutcome,
        SignaturesNeeded,
        SigningRoundInput,
        VoidSignatures,
    )
    from workflows import ids, names
    from workflows.location import LocationEnrollmentWorkflow
    from workflows.options import DB, MAIL
    from workflows.signing import SigningRoundWorkflow


@workflow.defn
class OrganizationEnrollmentWorkflow:
    @workflow.init
    def __init__(self, data: EnrollmentInput) -> None:
        self.data = data
        self.to_start: list[int] = list(data.location_ids)
        self.started: list[int] = []
        self.awaiting: list[int] = []
        self.covered: set[int] = set()
        self.approved: set[int] = set()
        self.round_number = 0
        self.open_round: list[int] | None = None
        self.round_handle = None
        self.changes: list[str] = []
        self.tasks: list[asyncio.Task] = []

    @workflow.run
    async def run(self, data: EnrollmentInput) -> None:
        ref = OrganizationRef(organization_id=data.organization_id)
        await workflow.execute_activity_method(EnrollmentActivities.confirm_section_a, ref,
                                               **MAIL)
        while True:
            await workflow.wait_condition(lambda: bool(
                self.to_start or self.changes or (self.awaiting and self.open_round is None)))
            while self.changes:
                await self._void_for_change(self.changes.pop(0))
            while self.to_start:
                await self._start_location(self.to_start[0])
                self.started.append(self.to_start.pop(0))
            if self.awaiting and self.open_round is None:
                self.round_number += 1
                self.open_round, self.awaiting = sorted(self.awaiting), []
                self.tasks.append(asyncio.create_task(
                    self._run_round(self.round_number, self.open_round)))

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

    async def _run_round(self, number: int, location_ids: list[int]) -> None:
        round_input = SigningRoundInput(organization_id=self.data.organization_id,
                                        number=number, location_ids=location_ids)
        self.round_handle = await workflow.start_child_workflow(
            SigningRoundWorkflow.run, round_input,
            id=ids.signing_round(self.data.organization_id, number))
        outcome: RoundOutcome = await self.round_handle
        self.round_handle, self.open_round = None, None
        if not outcome.complete:
            self.awaiting.extend(i for i in outcome.location_ids if i not in self.awaiting)
            return
        for location_id in outcome.location_ids:
            self.covered.add(location_id)
            handle = workflow.get_external_workflow_handle(ids.location(location_id))
            await handle.signal(LocationEnrollmentWorkflow.on_officers_signed)

    async def _void_for_change(self, reason: str) -> None:
        signed = sorted(self.covered - self.approved)
        affected = sorted(set(signed) | set(self.open_round or []))
        if not affected:
            return
        void = VoidSignatures(organization_id=self.data.organization_id,
                              location_ids=affected, reason=reason)
        await workflow.execute_activity_method(SigningActivities.void_signatures, void, **DB)
        if self.round_handle is not None:
            await self.round_handle.signal(SigningRoundWorkflow.cancel)
        self.covered -= set(signed)
        for location_id in signed:
            handle = workflow.get_external_workflow_handle(ids.location(location_id))
            await handle.signal(LocationEnrollmentWorkflow.signatures_voided)

    @workflow.signal
    def location_added(self, data: LocationAdded) -> None:
        if data.location_id not in self.started + self.to_start:
            self.to_start.append(data.location_id)

    @workflow.signal(name=names.SIGNATURES_NEEDED)
    def signatures_needed(self, data: SignaturesNeeded) -> None:
        if data.location_id not in self.awaiting and data.location_id not in (
                self.open_round or []):
            self.awaiting.append(data.location_id)

    @workflow.signal(name=names.LOCATION_DECIDED)
    def location_decided(self, data: LocationDecided) -> None:
        if data.approved:
            self.approved.add(data.location_id)

    @workflow.signal
    def organization_changed(self, data: OrganizationChanged) -> None:
        self.changes.append(data.reason)

    @workflow.query
    def locations(self) -> list[int]:
        return self.started + self.to_start
