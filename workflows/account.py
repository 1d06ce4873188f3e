"""A self-registered account's email verification: confirm within the window or expire."""


from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.accounts import AccountActivities
    from models.contracts import (
        AccountActivationInput,
        ActivationResult,
        ConfirmEmail,
        PasswordResetInput,
    )
    from workflows.guard import in_time, refuse
    from workflows.options import MAIL, db_step

FIRST_LINK_ANSWERS = "first-link-answers-an-early-registration"
# Named here because a registration may start the process with it (signal-with-start, which
# takes the signal's name).
SEND_AGAIN = "send_again"


@workflow.defn
class AccountActivationWorkflow:
    @workflow.init
    def __init__(self, data: AccountActivationInput) -> None:
        self.data = data
        self.state = "awaiting_confirmation"
        self.asked_again = 0  # registrations of the same address since this one
        self.sent = 0

    @workflow.run
    async def run(self, data: AccountActivationInput) -> ActivationResult:
        # Started by a registration again (signal-with-start: the earlier process was gone),
        # the first link is the fresh one. Marked only then: a run of earlier code that heard
        # the signal this early sent a second link.
        if self.asked_again and workflow.patched(FIRST_LINK_ANSWERS):
            self.sent = self.asked_again
        await workflow.execute_activity_method(AccountActivities.send_verification, data, **MAIL)
        while True:  # registering again sends a fresh link and gives a fresh window
            try:
                await workflow.wait_condition(
                    lambda: self.state == "verified" or (self.asked_again > self.sent
                                                         and self.state == "awaiting_confirmation"),
                    timeout=data.verify_within)
            except TimeoutError:
                await workflow.wait_condition(lambda: self.state != "confirming")
                break
            if self.state == "verified":
                break
            self.sent = self.asked_again
            again = data.model_copy(update={"round": self.sent})
            await workflow.execute_activity_method(AccountActivities.send_verification, again,
                                                   **MAIL)
        if self.state != "verified":
            self.state = "expired"
            last = data.model_copy(update={"round": self.sent})
            await workflow.execute_activity_method(AccountActivities.expire_registration,
                                                   last, **MAIL)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return ActivationResult(user_id=data.user_id, outcome=self.state)

    @workflow.update
    async def confirm_email(self, data: ConfirmEmail) -> str:
        self.state = "confirming"  # refuses a concurrent confirmation; holds off the expiry
        try:
            await db_step(AccountActivities.activate_account, data)
        except ActivityError:
            self.state = "awaiting_confirmation"  # e.g. the link was replaced meanwhile
            raise
        self.state = "verified"
        return self.state

    @confirm_email.validator
    def _validate_confirm(self, data: ConfirmEmail) -> None:
        in_time(data)
        if self.state != "awaiting_confirmation":
            raise refuse(f"This registration is already {self.state}.")

    @workflow.signal(name=SEND_AGAIN)
    def send_again(self) -> None:
        """The address was registered again while this one waits: the API has stored the
        newer name and password; the owner is sent a fresh link."""
        self.asked_again += 1

    @workflow.query
    def status(self) -> str:
        return self.state


@workflow.defn
class PasswordResetWorkflow:
    """One reset request: the emailed link lives for its window, then dies."""

    @workflow.run
    async def run(self, data: PasswordResetInput) -> None:
        await workflow.execute_activity_method(AccountActivities.send_password_reset, data,
                                               **MAIL)
        await workflow.sleep(data.valid_for)
        await db_step(AccountActivities.expire_password_reset, data)
