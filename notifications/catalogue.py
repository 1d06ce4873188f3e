"""Every email the system sends: one kind, one typed context, one template folder each."""

from enum import StrEnum

from pydantic import BaseModel


class EmailKind(StrEnum):
    VERIFY_EMAIL = "verify_email"
    REGISTRATION_EXPIRED = "registration_expired"


class EmailContext(BaseModel):
    """Fields every email can use."""

    recipient_name: str


class VerifyEmailContext(EmailContext):
    verify_url: str
    expires_on: str


class RegistrationExpiredContext(EmailContext):
    register_url: str


CONTEXTS: dict[EmailKind, type[EmailContext]] = {
    EmailKind.VERIFY_EMAIL: VerifyEmailContext,
    EmailKind.REGISTRATION_EXPIRED: RegistrationExpiredContext,
}


def context_type(kind: EmailKind) -> type[EmailContext]:
    return CONTEXTS[kind]
