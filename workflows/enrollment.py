"""An organization's enrollment: Section A's submission, a child workflow per location, and the
responsible officers' agreement.

The officers sign once for the organization: the first completed Section B opens a signing
round covering every location named in Section A. A location whose Section B completes while
that round is open joins it; one that completes after the officers signed goes straight to
review. Only a location added after a signature, or a correction of the organization's
details, asks them to sign again: an addendum naming what changed (a correction also voids the
signatures of locations not yet approved). A correction that leaves a redistribution participant
without both officers' signatures on the Supplemental Redistribution Agreement asks for it: in
the next round, or, when no location waits for one (all approved), in a round of its own that
sends no location back to review.
"""

import asyncio

from temporalio import workflow
from temporalio.exceptions import WorkflowAlreadyStartedError

with workflow.unsafe.imports_passed_through():
    from activities.enrollment import EnrollmentActivities
    from activities.signing import SigningActivities
    from models.agreements import DocumentKind
    from models.contracts import (
        AddLocation,
        CorrectDetails,
        CorrectionRecord,
        DetailsCorrected,
        EnrollmentInput,
        EnrollmentState,
        LocationAttached,
        LocationInput,
        OrganizationRef,
        RoundOutcome,
        SectionAResult,
        SigningRoundInput,
        SubmitSectionA,
        VoidSignatures,
    )
    from workflows import ids
    from workflows.guard import history_is_long, in_time, refuse
    from workflows.location import LocationEnrollmentWorkflow
    from workflows.options import MAIL, db_step
    from workflows.organization_inbox import OrganizationInbox
    from workflows.releases import RELEASE, patched
    from workflows.signing import SigningRoundWorkflow

E = EnrollmentActivities
# Runs started after this change start their locations' workflows together, while Section A's
# confirmation is emailed, and tell their locations together: the organization takes one
# workflow task for what took one per location. Runs before it (recorded histories) replay
# one at a time.
TOGETHER = "organization-steps-together"
# Runs started after this change ask the officers for the Supplemental Redistribution Agreement
# alone when the organization redistributes without it and no round would ask for it (every
# location approved): before it, a correction making it a participant asked nobody, and every
# redistribution it requested was refused.
REDISTRIBUTION_ALONE = "redistribution-agreement-alone"
REDISTRIBUTION = DocumentKind.REDISTRIBUTION_AGREEMENT.value


@workflow.defn
class OrganizationEnrollmentWorkflow(OrganizationInbox):
    """Signals from the locations' workflows arrive through OrganizationInbox."""

    @workflow.init
    def __init__(self, data: EnrollmentInput) -> None:
        self.data = data
        self.s: EnrollmentState = data.state or EnrollmentState()
        self.lock = asyncio.Lock()
        self.round_handle = None
        self.confirm_pending = False

    @workflow.run
    async def run(self, data: EnrollmentInput) -> None:
        await workflow.wait_condition(lambda: self.s.submitted)
        while True:
            await workflow.wait_condition(lambda: self._has_work() or self._may_continue())
            if not self._has_work():
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(data.model_copy(update={"state": self.s,
                                                                  "release": RELEASE}))
            if (self.confirm_pending or self.s.to_start) and patched(data.release, TOGETHER):
                await self._confirm_and_start()
            if self.confirm_pending:
                await self._confirm_section_a()
            while self.s.to_start:
                await self._start_location(self.s.to_start[0])
                self.s.started.append(self.s.to_start.pop(0))
            await self._serve_awaiting()

    async def _confirm_section_a(self) -> None:
        ref = OrganizationRef(organization_id=self.data.organization_id)
        await workflow.execute_activity_method(E.confirm_section_a, ref, **MAIL)
        self.confirm_pending = False

    async def _confirm_and_start(self) -> None:
        """Email Section A's confirmation and start the locations' workflows, all at once."""
        batch = list(self.s.to_start)
        steps = [self._start_location(location_id) for location_id in batch]
        if self.confirm_pending:
            steps.append(self._confirm_section_a())
        await asyncio.gather(*steps)
        for location_id in batch:  # locations added meanwhile stay in `to_start`
            self.s.to_start.remove(location_id)
            self.s.started.append(location_id)

    def _has_work(self) -> bool:
        s = self.s
        ready_to_open = s.open_round is None and (bool(s.addendum) or s.redistribution_due or bool(
            set(s.awaiting) - set(s.covered)))
        return bool(self.confirm_pending or s.to_start or set(s.awaiting) & set(s.covered)
                    or ready_to_open)

    def _may_continue(self) -> bool:
        return self.s.open_round is None and history_is_long(self.data.history_limit)

    async def _start_location(self, location_id: int) -> None:
        child = LocationInput(location_id=location_id,
                              organization_id=self.data.organization_id,
                              reminder_every=self.data.reminder_every,
                              invitation_ttl=self.data.invitation_ttl,
                              history_limit=self.data.history_limit, release=RELEASE)
        try:
            await workflow.start_child_workflow(
                LocationEnrollmentWorkflow.run, child, id=ids.location(location_id),
                parent_close_policy=workflow.ParentClosePolicy.ABANDON)
        except WorkflowAlreadyStartedError:
            workflow.logger.info("location %s already enrolling", location_id)

    async def _serve_awaiting(self) -> None:
        """Covered locations go on to review; the rest wait for a (new) signing round."""
        s = self.s
        signed = [i for i in s.awaiting if i in s.covered]
        if signed and patched(self.data.release, TOGETHER):
            s.awaiting = [i for i in s.awaiting if i not in signed]
            await self._tell_all(signed, LocationEnrollmentWorkflow.officers_signed)
        for location_id in [i for i in s.awaiting if i in s.covered]:
            s.awaiting.remove(location_id)
            await self._tell(location_id, LocationEnrollmentWorkflow.officers_signed)
        uncovered = set(s.awaiting) - set(s.covered)
        if s.open_round is None and (uncovered or s.addendum or s.redistribution_due):
            cover = self._cover()
            addendum, s.addendum = s.addendum, []
            due, s.redistribution_due = s.redistribution_due, False
            if cover:  # a round asks for every document the organization signs
                s.round_number += 1
                s.open_round = cover
                asyncio.create_task(self._run_round(s.round_number, cover, addendum))  # noqa: RUF006
            elif due:  # every location approved (or covered): that agreement alone
                s.round_number += 1
                s.open_round, s.redistribution_round = sorted(s.started), s.round_number
                asyncio.create_task(self._run_round(  # noqa: RUF006
                    s.round_number, sorted(s.started), addendum, [REDISTRIBUTION]))

    def _cover(self) -> list[int]:
        """The locations the next round covers: started, neither covered nor approved."""
        s = self.s
        return sorted(i for i in s.started if i not in s.covered and i not in s.approved)

    async def _run_round(self, number: int, location_ids: list[int],
                         addendum: list[str], documents: list[str] = ()) -> None:
        round_input = SigningRoundInput(organization_id=self.data.organization_id,
                                        number=number, location_ids=location_ids,
                                        addendum=addendum, documents=list(documents))
        self.round_handle = await workflow.start_child_workflow(
            SigningRoundWorkflow.run, round_input,
            id=ids.signing_round(self.data.organization_id, number))
        outcome: RoundOutcome = await self.round_handle
        self.round_handle, self.s.open_round = None, None
        if self.s.redistribution_round == number:
            self.s.redistribution_round = None
        if outcome.complete:  # it asked for every document the organization signs
            self.s.redistribution_due = False
            self.s.covered = sorted(set(self.s.covered) | set(outcome.location_ids))

    async def _tell_all(self, location_ids: list[int], signal) -> None:
        await asyncio.gather(*(self._tell(location_id, signal) for location_id in location_ids))

    async def _tell(self, location_id: int, signal) -> None:
        handle = workflow.get_external_workflow_handle_for(LocationEnrollmentWorkflow.run,
                                                           ids.location(location_id))
        await handle.signal(signal)

    # --- updates: the administrator's actions -------------------------------------------

    @workflow.update
    async def submit_section_a(self, data: SubmitSectionA) -> SectionAResult:
        """Section A is complete: every location's coordinator is invited."""
        async with self.lock:
            self._submittable()
            ref = OrganizationRef(organization_id=self.data.organization_id)
            result = await db_step(E.submit_section_a, ref)
            self.s.submitted, self.confirm_pending = True, True
            self.s.to_start.extend(i for i in result.location_ids if i not in self.s.to_start)
            return result

    @submit_section_a.validator
    def _validate_submit(self, data: SubmitSectionA) -> None:
        in_time(data)
        self._submittable()

    def _submittable(self) -> None:
        if self.s.submitted:
            raise refuse("Section A was already submitted. To change it now, open a "
                         "help-desk case.")

    @workflow.update
    async def add_location(self, data: AddLocation) -> LocationAttached:
        """A location added after Section A: its coordinator is invited at once; if the
        officers have been asked to sign already, they are asked for an addendum."""
        async with self.lock:
            attached = await db_step(E.attach_location, data, callers_transaction=True)
            if attached.location_id not in self.s.started + self.s.to_start:
                self.s.to_start.append(attached.location_id)
                if self.s.round_number:
                    self.s.addendum.append(f"Location added: {attached.name}")
            return attached

    @add_location.validator
    def _validate_add(self, data: AddLocation) -> None:
        in_time(data)
        if not self.s.submitted:
            raise refuse("Submit Section A first; until then locations are part of it.")

    @workflow.update
    async def correct_details(self, data: CorrectDetails) -> DetailsCorrected:
        """The organization's details corrected after Section A: what the officers signed no
        longer holds for locations not yet approved, so they sign an addendum."""
        async with self.lock:
            record = CorrectionRecord(organization_id=self.data.organization_id,
                                      details=data.details)
            corrected = await db_step(E.correct_organization, record)
            if corrected.changed and self.s.round_number:
                await self._void(f"Organization details changed: "
                                 f"{', '.join(corrected.changed)}")
                if self._cover():
                    corrected.to_sign = corrected.documents
            if (corrected.redistribution_unsigned and self.s.round_number
                    and patched(self.data.release, REDISTRIBUTION_ALONE)):
                self.s.redistribution_due = True  # unless a round asks for it, one alone
                corrected.to_sign = corrected.to_sign or [REDISTRIBUTION]
            return corrected

    @correct_details.validator
    def _validate_correct(self, data: CorrectDetails) -> None:
        in_time(data)
        if not self.s.submitted:
            raise refuse("Section A is still a draft: save the details there.")

    async def _void(self, reason: str) -> None:
        s = self.s
        affected = sorted(i for i in s.started if i not in s.approved)
        alone = [s.redistribution_round] if s.redistribution_round else []
        void = VoidSignatures(organization_id=self.data.organization_id,
                              location_ids=affected, reason=reason, rounds=alone)
        await db_step(SigningActivities.void_signatures, void)
        if self.round_handle is not None:
            await self.round_handle.signal(SigningRoundWorkflow.cancel)
        s.covered = [i for i in s.covered if i in s.approved]
        s.addendum.append(reason)
        if s.ready and patched(self.data.release, TOGETHER):
            s.awaiting.extend(i for i in s.ready if i not in s.awaiting)
            await self._tell_all(list(s.ready), LocationEnrollmentWorkflow.signatures_voided)
            return
        for location_id in s.ready:
            if location_id not in s.awaiting:
                s.awaiting.append(location_id)
            await self._tell(location_id, LocationEnrollmentWorkflow.signatures_voided)
