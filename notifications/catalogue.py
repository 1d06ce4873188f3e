"""Every email the system sends: one kind, one typed context, one template folder each."""

from enum import StrEnum

from pydantic import BaseModel


class EmailKind(StrEnum):
    VERIFY_EMAIL = "verify_email"
    REGISTRATION_EXPIRED = "registration_expired"
    COORDINATOR_INVITATION = "coordinator_invitation"
    SECTION_A_SUBMITTED = "section_a_submitted"
    SECTION_B_REMINDER = "section_b_reminder"
    SECTION_B_ESCALATION = "section_b_escalation"
    SECTION_B_SUBMITTED = "section_b_submitted"


class EmailContext(BaseModel):
    """Fields every email can use."""

    recipient_name: str


class VerifyEmailContext(EmailContext):
    verify_url: str
    expires_on: str


class RegistrationExpiredContext(EmailContext):
    register_url: str


class LocationEmail(EmailContext):
    organization_name: str
    location_name: str


class CoordinatorInvitationContext(LocationEmail):
    register_url: str
    expires_on: str
    admin_name: str


class SectionASubmittedContext(EmailContext):
    organization_name: str
    locations: list[str]
    dashboard_url: str


class SectionBReminderContext(LocationEmail):
    number: int
    days_idle: int
    action_url: str
    needs_registration: bool


class SectionBEscalationContext(LocationEmail):
    coordinator_name: str
    coordinator_email: str
    days_idle: int
    dashboard_url: str


class SectionBSubmittedContext(LocationEmail):
    providers_pending: bool
    status_url: str


CONTEXTS: dict[EmailKind, type[EmailContext]] = {
    EmailKind.VERIFY_EMAIL: VerifyEmailContext,
    EmailKind.REGISTRATION_EXPIRED: RegistrationExpiredContext,
    EmailKind.COORDINATOR_INVITATION: CoordinatorInvitationContext,
    EmailKind.SECTION_A_SUBMITTED: SectionASubmittedContext,
    EmailKind.SECTION_B_REMINDER: SectionBReminderContext,
    EmailKind.SECTION_B_ESCALATION: SectionBEscalationContext,
    EmailKind.SECTION_B_SUBMITTED: SectionBSubmittedContext,
}


def context_type(kind: EmailKind) -> type[EmailContext]:
    return CONTEXTS[kind]
