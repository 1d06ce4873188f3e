"""A self-registered account's email verification: confirm within the window or expire."""


from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.accounts import AccountActivities
    from models.contracts import (
        AccountActivationInput,
        AccountRef,
        ActivationResult,
        ConfirmEmail,
        PasswordResetInput,
    )
    from workflows.options import DB, MAIL


@workflow.defn
class AccountActivationWorkflow:
    @workflow.init
    def __init__(self, data: AccountActivationInput) -> None:
        self.data = data
        self.state = "awaiting_confirmation"

    @workflow.run
    async def run(self, data: AccountActivationInput) -> ActivationResult:
        await workflow.execute_activity_method(AccountActivities.send_verification, data, **MAIL)
        try:
            await workflow.wait_condition(lambda: self.state != "awaiting_confirmation",
                                          timeout=data.verify_within)
        except TimeoutError:
            self.state = "expired"
            ref = AccountRef(user_id=data.user_id)
            await workflow.execute_activity_method(AccountActivities.expire_registration,
                                                   ref, **MAIL)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return ActivationResult(user_id=data.user_id, outcome=self.state)

    @workflow.update
    async def confirm_email(self, data: ConfirmEmail) -> str:
        self.state = "confirming"  # stops the expiry timer from racing the activation
        await workflow.execute_activity_method(AccountActivities.activate_account, data, **DB)
        self.state = "verified"
        return self.state

    @confirm_email.validator
    def _validate_confirm(self, _data: ConfirmEmail) -> None:
        if self.state != "awaiting_confirmation":
            raise ApplicationError(f"This registration is already {self.state}.",
                                   type="Conflict")

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
        await workflow.execute_activity_method(AccountActivities.expire_password_reset, data,
                                               **DB)
