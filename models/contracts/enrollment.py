"""Provider enrollment (Section A/B) workflow contracts."""

from datetime import datetime, timedelta

from pydantic import BaseModel

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
