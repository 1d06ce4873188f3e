"""Types that cross the workflow boundary: IDs and small values, never ORM rows.

This module must stay free of SQLModel/SQLAlchemy imports: workflows load it in the sandbox.
"""

from datetime import datetime, timedelta

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


# --- provider enrollment -------------------------------------------------------------------

REMINDER_EVERY = timedelta(days=7)
INVITATION_TTL = timedelta(days=14)


class EnrollmentInput(BaseModel):
    organization_id: int
    location_ids: list[int]
    reminder_every: timedelta = REMINDER_EVERY
    invitation_ttl: timedelta = INVITATION_TTL


class LocationInput(BaseModel):
    location_id: int
    organization_id: int
    reminder_every: timedelta = REMINDER_EVERY
    invitation_ttl: timedelta = INVITATION_TTL


class LocationAdded(BaseModel):
    location_id: int


class SectionBTouched(BaseModel):
    step: str


class CoordinatorRegistered(BaseModel):
    user_id: int


class SubmitSectionB(BaseModel):
    user_id: int


class SectionBResult(BaseModel):
    location_id: int
    providers_pending: bool
    active_providers: int = 0


class LocationRef(BaseModel):
    location_id: int


class OrganizationRef(BaseModel):
    organization_id: int


class InviteCoordinator(BaseModel):
    location_id: int
    round: int
    ttl: timedelta


class SectionBReminder(BaseModel):
    location_id: int
    number: int
    invitation_ttl: timedelta


class StatusChange(BaseModel):
    """A transition the workflow projects into the database (and the audit trail)."""

    location_id: int
    seq: int
    status: str
    waiting_on: str | None
    actor: str = "system"
    note: str | None = None


class LocationDetail(BaseModel):
    status: str
    coordinator_registered: bool
    reminders_sent: int
    next_reminder_at: datetime | None
    invitation_round: int


# --- officer signatures and review ---------------------------------------------------------

SIGNING_REMINDER_EVERY = timedelta(days=3)
SIGNING_ESCALATE_AFTER = timedelta(days=10)
SIGNING_LINK_TTL = timedelta(days=14)


class SigningRoundInput(BaseModel):
    organization_id: int
    number: int
    location_ids: list[int]
    reminder_every: timedelta = SIGNING_REMINDER_EVERY
    escalate_after: timedelta = SIGNING_ESCALATE_AFTER
    link_ttl: timedelta = SIGNING_LINK_TTL


class RoundRequest(BaseModel):
    request_id: int
    officer_role: str
    document: str


class RoundOpened(BaseModel):
    round_id: int
    requests: list[RoundRequest]


class SigningNotice(BaseModel):
    """Email signing links for these requests (a fresh link each; older ones die)."""

    round_id: int
    request_ids: list[int]
    label: str = "request"  # request, reminder-N, renew-N: one email per officer and label
    reminder: int = 0  # shown in the email: 0 for the request, N for the N-th reminder
    link_ttl: timedelta = SIGNING_LINK_TTL


class RequestRef(BaseModel):
    request_id: int


class RoundRef(BaseModel):
    round_id: int
    location_ids: list[int] = []


class RoundOutcome(BaseModel):
    round_id: int
    complete: bool
    location_ids: list[int]


class SigningEscalation(BaseModel):
    round_id: int
    days: int


class VoidSignatures(BaseModel):
    organization_id: int
    location_ids: list[int]
    reason: str


class OrganizationChanged(BaseModel):
    reason: str


class SignaturesNeeded(BaseModel):
    location_id: int


class ProvidersChanged(BaseModel):
    active: int


class Decision(BaseModel):
    reviewer_id: int
    reviewer_role: str
    approve: bool
    reason: str | None = None


class DecisionRecord(BaseModel):
    """What the decision activity needs; `key` makes it idempotent per decision."""

    location_id: int
    key: str
    decision: Decision
    amendment_unit_id: int | None = None


class DecisionResult(BaseModel):
    location_id: int
    status: str
    amendment: bool = False


class Resubmit(BaseModel):
    user_id: int


class AmendmentRequested(BaseModel):
    storage_unit_id: int


class LocationDecided(BaseModel):
    location_id: int
    approved: bool


# --- help desk -----------------------------------------------------------------------------


class CaseInput(BaseModel):
    case_id: int
    response_target: timedelta
    resolution_target: timedelta
    warn_at: float = 0.8
    info_reminder_after: timedelta = timedelta(days=2)
    info_close_after: timedelta = timedelta(days=5)
    reopen_within: timedelta = timedelta(days=7)


class CaseRef(BaseModel):
    case_id: int


class AssignCase(BaseModel):
    agent_id: int
    by_user_id: int


class CaseMessageRef(BaseModel):
    """A message already stored by the API; the workflow reacts (emails, clocks)."""

    message_id: int
    user_id: int | None = None
    author_kind: str = "agent"  # agent or requester
    internal: bool = False


class CaseChange(BaseModel):
    case_id: int
    seq: int
    status: str
    assignee_id: int | None = None
    sla_flag: str | None = None
    first_response: bool = False
    resolution_message_id: int | None = None
    closed_reason: str | None = None
    actor: str = "system"


class CaseEmail(BaseModel):
    case_id: int
    kind: str
    key: str
    message_id: int | None = None
    detail: str | None = None


class CaseStatusOut(BaseModel):
    status: str
    active_minutes: int
    waiting_on_requester: bool
    response_due_at: datetime | None
    resolution_due_at: datetime | None
    closes_at: datetime | None


class WelcomeInput(BaseModel):
    user_id: int


# --- inventory transfers -------------------------------------------------------------------


class TransferInput(BaseModel):
    transfer_id: int
    decide_within: timedelta = timedelta(days=2)
    receive_within: timedelta = timedelta(days=5)


class TransferRef(BaseModel):
    transfer_id: int


class TransferActor(BaseModel):
    user_id: int


class TransferDecision(BaseModel):
    reviewer_id: int
    reviewer_role: str
    approve: bool
    reason: str | None = None


class TransferResolution(BaseModel):
    reviewer_id: int
    reviewer_role: str
    outcome: str  # received or returned


class TransferChange(BaseModel):
    transfer_id: int
    seq: int
    status: str
    actor: str = "system"
    decision_reason: str | None = None
    decided_by: int | None = None
    escalated: bool = False
    flagged: bool = False


class TransferEmail(BaseModel):
    transfer_id: int
    kind: str
    key: str
