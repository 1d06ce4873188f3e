"""Types that cross the workflow boundary: IDs and small values, never ORM rows.

This module must stay free of SQLModel/SQLAlchemy imports: workflows load it in the sandbox.
"""

from datetime import timedelta

from pydantic import BaseModel


class AccountActivationInput(BaseModel):
    user_id: int
    verify_within: timedelta = timedelta(days=7)


class AccountRef(BaseModel):
    user_id: int


class ConfirmEmail(BaseModel):
    link_id: int


class ActivationResult(BaseModel):
    user_id: int
    outcome: str  # "verified" | "expired"
