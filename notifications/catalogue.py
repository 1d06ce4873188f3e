"""Every email the system sends: one kind, one typed context, one template folder each."""

from datetime import date
from enum import StrEnum
from typing import ClassVar

from pydantic import BaseModel


class EmailKind(StrEnum):
    VERIFY_EMAIL = "verify_email"
    REGISTRATION_EXPIRED = "registration_expired"
    COORDINATOR_INVITATION = "coordinator_invitation"
    SECTION_A_SUBMITTED = "section_a_submitted"
    SECTION_B_REMINDER = "section_b_reminder"
    SECTION_B_ESCALATION = "section_b_escalation"
    SECTION_B_SUBMITTED = "section_b_submitted"
    SIGNING_REQUEST = "signing_request"
    SIGNING_ESCALATION = "signing_escalation"
    SIGNATURE_RECEIPT = "signature_receipt"
    LOCATION_APPROVED = "location_approved"
    LOCATION_REJECTED = "location_rejected"
    HELPDESK_CREDENTIALS = "helpdesk_credentials"
    CASE_RECEIVED = "case_received"
    CASE_UPDATED = "case_updated"
    CASE_INFO_REQUESTED = "case_info_requested"
    CASE_INFO_REMINDER = "case_info_reminder"
    CASE_RESOLVED = "case_resolved"
    CASE_CLOSED = "case_closed"
    CASE_ESCALATED = "case_escalated"
    CASE_FOR_AGENT = "case_for_agent"
    TRANSFER_NOTICE = "transfer_notice"
    PASSWORD_RESET = "password_reset"  # noqa: S105 - an email kind, not a secret
    ACCOUNT_EXISTS = "account_exists"
    ACCOUNT_DEACTIVATED = "account_deactivated"
    PORTAL_INVITATION = "portal_invitation"
    LOCATION_ACCESS = "location_access"
    CONTACT_VALIDATION = "contact_validation"
    CONTACT_WELCOME = "contact_welcome"
    CONTACT_NEW_LINK_ASKED = "contact_new_link_asked"
    RECIPIENT_INVITATION = "recipient_invitation"
    RECIPIENT_UPLOAD_DONE = "recipient_upload_done"
    RECIPIENT_REGISTERED = "recipient_registered"
    SECOND_DOSE_REMINDER = "second_dose_reminder"
    APPOINTMENT_NOTICE = "appointment_notice"


class EmailContext(BaseModel):
    """Fields every email can use."""

    recipient_name: str
    # Read by someone with no help-desk account (a vaccine recipient): its help line leads to
    # the public question form. A case's email says so per email (`public`).
    PUBLIC_READER: ClassVar[bool] = False

    @property
    def public_reader(self) -> bool:
        return self.PUBLIC_READER


class PortalInvitationContext(EmailContext):
    location_name: str
    profile: str
    username: str
    manager_name: str
    set_password_url: str
    expires_on: str


class LocationAccessContext(EmailContext):
    """A help-desk requester's account now works at a location (same login and password)."""

    location_name: str
    profile: str
    manager_name: str
    login_name: str  # the username they were emailed when they registered
    login_url: str


class ContactValidationContext(EmailContext):
    employer_name: str
    manager_name: str
    validate_url: str
    expires_on: str


class ContactWelcomeContext(EmailContext):
    employer_name: str
    login_email: str
    login_url: str
    # The employee upload is open once the organization is linked to a vaccinating location.
    can_upload: bool = True


class ContactNewLinkAskedContext(EmailContext):
    contact_name: str
    employer_name: str
    record_url: str


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
    has_account: bool = False  # the address already has an account: sign in, not register


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
    resubmitted: bool = False  # after a rejection: it goes back to review


class SigningLink(BaseModel):
    title: str
    url: str
    role: str | None = None  # one person holding both roles: which role this link signs in


class SigningRequestContext(EmailContext):
    organization_name: str
    role_label: str
    locations: list[str]
    links: list[SigningLink]
    expires_on: str
    reminder: int
    addendum: list[str] = []  # what changed since the officer last signed
    signed_before: bool = True  # the officer signed before: the request is an addendum
    renewal: bool = False  # sent again (asked for, or the request corrected): older links died
    changes: list[str] = []  # why what the officer signs changed since the last email


class SigningEscalationContext(EmailContext):
    organization_name: str
    days: int
    unsigned: list[str]
    dashboard_url: str


class SignatureReceiptContext(EmailContext):
    organization_name: str
    document_title: str
    signed_at: str
    content_sha256: str
    locations: list[str]
    copy_url: str
    still_unsigned: list[str] = []  # the officer's other documents still waiting for them


class LocationDecisionContext(LocationEmail):
    reason: str | None
    amendment: str | None
    action_url: str
    # the approval also goes to the Organization Administrator, who has no inventory: theirs
    admin_url: str | None = None


class CredentialsContext(EmailContext):
    username: str
    temporary_password: str
    valid_days: int = 7  # the temporary password is refused after these days unused
    login_url: str


class CaseEmailContext(EmailContext):
    case_number: str
    case_subject: str
    message: str | None = None
    detail: str | None = None
    url: str
    language: str = "en"  # a public requester's: Spanish if they asked in Spanish
    files: list[str] = []  # the names of the files attached to the message
    public: bool = False  # to a requester who asked without an account

    @property
    def public_reader(self) -> bool:
        return self.public


class TransferNoticeContext(EmailContext):
    number: str
    kind_label: str
    headline: str
    product: str
    lot_number: str
    expiration_date: str
    doses: int
    from_site: str
    to_site: str
    reason: str | None = None  # the request's
    requested_by: str | None = None  # who asked for it, and from which site
    decision_reason: str | None = None  # the state's, when it denied the request
    approval_note: str | None = None  # the state's note, when it approved it with one
    next_step: str | None = None
    url: str


class PasswordResetContext(EmailContext):
    reset_url: str
    minutes: int


class AccountExistsContext(PasswordResetContext):
    """Someone registered an address that already has an account: how its owner logs in."""

    login_url: str
    login_name: str  # the email address, or a help-desk requester's username
    # never logged in yet: their password is the temporary one emailed when they registered
    temporary: bool = False


class AccountDeactivatedContext(EmailContext):
    """A password reset or a registration asked for an address whose account a Location
    Manager deactivated: its owner is told why nothing came, and who can reactivate it."""

    registering: bool  # they tried to register (else: "Forgot your password?")
    # an organization's point of contact, deactivated by whoever manages the organization
    point_of_contact: bool = False


class RecipientInvitationContext(EmailContext):
    """In the recipient's language (en or es): the whole email is translated."""

    location_name: str
    register_url: str
    language: str = "en"
    PUBLIC_READER: ClassVar[bool] = True


class RecipientRegisteredContext(EmailContext):
    """Someone registered at the point of care who gave an email address: their personal link,
    in their language (en or es)."""

    location_name: str
    portal_url: str
    language: str = "en"
    # registered at the point of care; readdressed: their email address was corrected (the
    # link sent before stopped working); asked: they asked for it with their address
    reason: str = "registered"
    PUBLIC_READER: ClassVar[bool] = True


class RecipientUploadDoneContext(EmailContext):
    location_name: str
    filename: str
    total_rows: int
    imported: int
    new_recipients: int
    invited: int
    skipped: int
    url: str
    # nothing imported, as the uploader chose for a file with problems: its valid rows may
    # still be imported from the upload's page (the email said they were "skipped because of
    # errors")
    refused: bool = False
    valid_rows: int = 0


class SecondDoseReminderContext(EmailContext):
    """In the recipient's language (en or es). The location is the first dose's, with where
    it is and its phone (its organization's: a location has none of its own); `booking`:
    their link books appointments (their location's scheduling is on)."""

    product_name: str
    location_name: str
    location_address: str = ""
    location_phone: str = ""
    booking: bool = False
    first_dose_on: date
    due_on: date
    portal_url: str
    language: str = "en"
    # their second-dose appointment still to come, when booked already (its time in their
    # language, and where: its location's name, address and phone, its organization's): named
    # instead of asking them to book one, and given as the place to go (the first dose's
    # location is then named only, its address and phone left out: it may be another place)
    appointment_when: str = ""
    appointment_place: str = ""
    appointment_address: str = ""
    appointment_phone: str = ""
    PUBLIC_READER: ClassVar[bool] = True


class AppointmentNoticeContext(EmailContext):
    """A booking confirmed, moved to another time or cancelled, in the recipient's language
    (en or es)."""

    # booked, moved, cancelled, released (its dose was recorded already) or withdrawn (a dose
    # corrected or removed as entered in error left it unfit for their doses)
    change: str
    location_name: str
    location_address: str = ""  # where to come: street, city, state and ZIP code
    # the location takes appointments: a cancellation's next step is to book again (else it
    # takes walk-ins, and says where to come)
    booking: bool = True
    when_text: str  # the appointment's time, already in the recipient's language
    dose_number: int
    portal_url: str
    language: str = "en"
    PUBLIC_READER: ClassVar[bool] = True


CONTEXTS: dict[EmailKind, type[EmailContext]] = {
    EmailKind.VERIFY_EMAIL: VerifyEmailContext,
    EmailKind.REGISTRATION_EXPIRED: RegistrationExpiredContext,
    EmailKind.COORDINATOR_INVITATION: CoordinatorInvitationContext,
    EmailKind.SECTION_A_SUBMITTED: SectionASubmittedContext,
    EmailKind.SECTION_B_REMINDER: SectionBReminderContext,
    EmailKind.SECTION_B_ESCALATION: SectionBEscalationContext,
    EmailKind.SECTION_B_SUBMITTED: SectionBSubmittedContext,
    EmailKind.SIGNING_REQUEST: SigningRequestContext,
    EmailKind.SIGNING_ESCALATION: SigningEscalationContext,
    EmailKind.SIGNATURE_RECEIPT: SignatureReceiptContext,
    EmailKind.LOCATION_APPROVED: LocationDecisionContext,
    EmailKind.LOCATION_REJECTED: LocationDecisionContext,
    EmailKind.HELPDESK_CREDENTIALS: CredentialsContext,
    **{kind: CaseEmailContext for kind in (
        EmailKind.CASE_RECEIVED, EmailKind.CASE_UPDATED, EmailKind.CASE_INFO_REQUESTED,
        EmailKind.CASE_INFO_REMINDER, EmailKind.CASE_RESOLVED, EmailKind.CASE_CLOSED,
        EmailKind.CASE_ESCALATED, EmailKind.CASE_FOR_AGENT)},
    EmailKind.TRANSFER_NOTICE: TransferNoticeContext,
    EmailKind.PASSWORD_RESET: PasswordResetContext,
    EmailKind.ACCOUNT_EXISTS: AccountExistsContext,
    EmailKind.ACCOUNT_DEACTIVATED: AccountDeactivatedContext,
    EmailKind.PORTAL_INVITATION: PortalInvitationContext,
    EmailKind.LOCATION_ACCESS: LocationAccessContext,
    EmailKind.CONTACT_VALIDATION: ContactValidationContext,
    EmailKind.CONTACT_WELCOME: ContactWelcomeContext,
    EmailKind.CONTACT_NEW_LINK_ASKED: ContactNewLinkAskedContext,
    EmailKind.RECIPIENT_INVITATION: RecipientInvitationContext,
    EmailKind.RECIPIENT_UPLOAD_DONE: RecipientUploadDoneContext,
    EmailKind.RECIPIENT_REGISTERED: RecipientRegisteredContext,
    EmailKind.SECOND_DOSE_REMINDER: SecondDoseReminderContext,
    EmailKind.APPOINTMENT_NOTICE: AppointmentNoticeContext,
}


def context_type(kind: EmailKind) -> type[EmailContext]:
    return CONTEXTS[kind]
