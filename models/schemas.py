"""Request and response bodies for accounts, shared by the JSON API and the portal forms."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, EmailStr, Field, ValidationInfo, field_validator

from core.security import password_problem
from models.enums import AccountStatus, Role
from models.fields import PersonName
from models.input import Input

MISMATCH = "The two passwords do not match."


class Stripped(Input):
    """Account and sign-in bodies."""


class LoginIn(Stripped):
    email: str = Field(min_length=1, max_length=254, description="Email address or username")
    password: str = Field(min_length=1, max_length=200)


class NewPassword(Stripped):
    password: str = Field(min_length=1, max_length=200)
    password_confirm: str = Field(min_length=1, max_length=200)

    @field_validator("password")
    @classmethod
    def _strong(cls, value: str) -> str:
        problem = password_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("password_confirm")
    @classmethod
    def _match(cls, value: str, info: ValidationInfo) -> str:
        if "password" in info.data and value != info.data["password"]:
            raise ValueError(MISMATCH)
        return value

    @classmethod
    def also_refused(cls, data: Mapping[str, Any], errors: Mapping[str, str]) -> dict[str, str]:
        """A refused password leaves the confirmation unchecked: a confirmation that differs is
        named with it, at once (api.forms asks)."""
        if "password" in errors and data.get("password") != data.get("password_confirm"):
            return {"password_confirm": MISMATCH}
        return {}


class RegistrationIn(NewPassword):
    first_name: PersonName
    last_name: PersonName
    email: EmailStr


class PasswordChangeIn(NewPassword):
    current_password: str = Field(min_length=1, max_length=200)


class ConfirmEmailIn(Stripped):
    token: str = Field(min_length=10, max_length=200)


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    first_name: str
    last_name: str
    role: Role
    status: AccountStatus
    organization_id: int | None
    must_change_password: bool


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - not a secret
    expires_at: datetime
    user: UserOut


class RegistrationAccepted(BaseModel):
    """The one answer to every registration: it says nothing of whether the address was free."""

    email: str
    next_step: str
