"""Portal accounts: a portal contact's invitation, and a point of contact's 48-hour
validation link, whose expiry is this workflow's timer (never a timestamp compared at use)."""

from contextlib import suppress

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.portal import PortalActivities
    from models.contracts import (
        AskNewLink,
        ContactClaim,
        ContactValidationInput,
        LocationAccessInput,
        PortalInvitationInput,
        ValidateContact,
    )
    from workflows.guard import in_time, refuse
    from workflows.options import MAIL, db_step


@workflow.defn
class PortalInvitationWorkflow:
    """The set-password link a manager's new portal contact is emailed: it lives its window."""

    @workflow.run
    async def run(self, data: PortalInvitationInput) -> None:
        await workflow.execute_activity_method(PortalActivities.send_portal_invitation, data,
                                               **MAIL)
        await workflow.sleep(data.valid_for)
        await db_step(PortalActivities.expire_portal_invitation, data)


@workflow.defn
class LocationAccessWorkflow:
    """A help-desk requester's account made staff of a location: the email telling them, once."""

    @workflow.run
    async def run(self, data: LocationAccessInput) -> None:
        await workflow.execute_activity_method(PortalActivities.send_location_access, data,
                                               **MAIL)


@workflow.defn
class ContactValidationWorkflow:
    """One validation link of a point of contact: validated within 48 hours (then welcomed),
    or expired, after which the contact may ask the manager for a new one."""

    @workflow.init
    def __init__(self, data: ContactValidationInput) -> None:
        self.data = data
        self.state = "pending"
        self.asked = False

    @workflow.run
    async def run(self, data: ContactValidationInput) -> str:
        await workflow.execute_activity_method(PortalActivities.send_contact_validation, data,
                                               **MAIL)
        try:
            await workflow.wait_condition(lambda: self.state == "validated",
                                          timeout=data.valid_for)
        except TimeoutError:
            await workflow.wait_condition(lambda: self.state != "validating")
        if self.state == "validated":
            await workflow.execute_activity_method(PortalActivities.send_contact_welcome, data,
                                                   **MAIL)
        else:
            self.state = "expired"
            await db_step(PortalActivities.expire_contact_link, data)
            with suppress(TimeoutError):  # nobody asked: the link stays expired
                await workflow.wait_condition(lambda: self.asked, timeout=data.ask_within)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.state

    @workflow.update
    async def validate(self, command: ValidateContact) -> int:
        """Claims the link and opens the contact's account; returns the account's id."""
        self.state = "validating"  # holds off the expiry while the claim runs
        try:
            claim = ContactClaim(contact_id=self.data.contact_id, round=self.data.round,
                                 link_id=command.link_id)
            user_id = await db_step(PortalActivities.validate_contact, claim)
        except ActivityError:
            self.state = "pending"
            raise
        self.state = "validated"
        return user_id

    @validate.validator
    def _validate_in_time(self, command: ValidateContact) -> None:
        in_time(command)
        if self.state == "expired":
            raise refuse("This validation link has expired: it worked for 48 hours. Ask for "
                         "a new one below.", "Gone")
        if self.state != "pending":
            raise refuse("This validation link was already used. Sign in instead.")

    @workflow.update
    async def ask_new_link(self, command: AskNewLink) -> str:
        await workflow.execute_activity_method(PortalActivities.notify_new_link_asked,
                                               self.data, **MAIL)
        self.asked = True
        return "asked"

    @ask_new_link.validator
    def _ask_in_time(self, command: AskNewLink) -> None:
        in_time(command)
        if self.state != "expired":
            raise refuse("This link has not expired: use it to validate.")
        if self.asked:
            raise refuse("You already asked for a new link; the manager was told.")

    @workflow.query
    def status(self) -> str:
        return self.state
