"""Account workflows' inputs and results."""

from datetime import timedelta

from pydantic import BaseModel

from models.contracts.base import Command

VERIFY_WITHIN = timedelta(days=7)  # a self-registration's window to confirm the address


class AccountActivationInput(BaseModel):
    user_id: int
    verify_within: timedelta = VERIFY_WITHIN
    round: int = 0  # 0: the registration's own email; n: the n-th sent again on registering again


class ConfirmEmail(Command):
    link_id: int


class ActivationResult(BaseModel):
    user_id: int
    outcome: str  # "verified" | "expired"


class PasswordResetInput(BaseModel):
    user_id: int
    request: str  # one reset request; a newer one kills the older link
    valid_for: timedelta = timedelta(hours=1)
    # True when someone tried to register the account's address again: the email says the
    # account exists (how to log in) and carries the reset link for a forgotten password
    registering: bool = False


class ResetUsed(BaseModel):
    link_id: int
