"""What a location's workflow tells its organization's workflow. Kept apart so both can import
it (the organization's module imports the location's to start it as a child)."""

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from models.contracts import EnrollmentState, LocationDecided, SignaturesNeeded


class OrganizationInbox:
    s: EnrollmentState

    @workflow.signal
    def signatures_needed(self, data: SignaturesNeeded) -> None:
        """The location's Section B is done: it waits for the officers' signatures."""
        for group in (self.s.ready, self.s.awaiting):
            if data.location_id not in group:
                group.append(data.location_id)

    @workflow.signal
    def location_decided(self, data: LocationDecided) -> None:
        if data.location_id in self.s.ready:
            self.s.ready.remove(data.location_id)
        if data.approved and data.location_id not in self.s.approved:
            self.s.approved.append(data.location_id)
