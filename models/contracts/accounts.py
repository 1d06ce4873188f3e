"""Account workflows' inputs and results."""

from datetime import timedelta

from pydantic import BaseModel

from models.contracts.base import Command


class AccountActivationInput(BaseModel):
    user_id: int
    verify_within: timedelta = timedelta(days=7)


class AccountRef(BaseModel):
    user_id: int


class ConfirmEmail(Command):
    link_id: int


class ActivationResult(BaseModel):
    user_id: int
    outcome: str  # "verified" | "expired"


class PasswordResetInput(BaseModel):
    user_id: int
    request: str  # one reset request; a newer one kills the older link
    valid_for: timedelta = timedelta(hours=1)


class ResetUsed(BaseModel):
    link_id: int
