"""Provider enrollment (Section A/B, the location's life) workflow contracts."""

from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel

from models.contracts.base import Command

REMINDER_EVERY = timedelta(days=7)
INVITATION_TTL = timedelta(days=14)


class LocationState(BaseModel):
    """Everything a location's workflow carries across continue-as-new."""

    phase: str = "section_b"  # section_b, signatures, review, rejected, enrolled
    status: str = "new"
    seq: int = 0
    coordinator_registered: bool = False
    invitation_round: int = 1
    reinvite_requested: bool = False
    reminders_sent: int = 0
    last_activity: datetime | None = None
    # the last change to Section B (or the start of the wait): what a reminder counts from
    idle_since: datetime | None = None
    revision_seen: int = 0
    confirm_pending: bool = False  # the "Section B submitted" email
    signatures_requested: bool = False
    officers_signed: bool = False
    signatures_void: bool = False
    decisions: int = 0
    amendments: list[int] = []
    current_amendment: int | None = None
    outbox: list["DecisionRecord"] = []
    # The next reminder as last projected into the database (for the pages).
    reminder_seq: int = 0
    reminder_at: datetime | None = None
    reminder_count: int = 0


class LocationInput(BaseModel):
    location_id: int
    organization_id: int
    reminder_every: timedelta = REMINDER_EVERY
    invitation_ttl: timedelta = INVITATION_TTL
    state: LocationState | None = None
    history_limit: int | None = None
    release: int = 0  # the release that started the run (workflows/releases.py); 0: before them


class EnrollmentState(BaseModel):
    """The organization's enrollment across continue-as-new: its locations and the officers'
    agreement (which version covers which locations)."""

    submitted: bool = False
    started: list[int] = []
    to_start: list[int] = []
    ready: list[int] = []  # locations whose Section B is done (not yet approved)
    awaiting: list[int] = []  # ...of which these wait for the officers' signatures
    covered: list[int] = []  # locations covered by a valid signed agreement
    approved: list[int] = []
    round_number: int = 0
    open_round: list[int] | None = None
    addendum: list[str] = []  # what changed since the last signature (for the next round)
    # the officers owe the Supplemental Redistribution Agreement and no round asks for it yet
    redistribution_due: bool = False
    redistribution_round: int | None = None  # the open round asking for that agreement alone


class EnrollmentInput(BaseModel):
    organization_id: int
    reminder_every: timedelta = REMINDER_EVERY
    invitation_ttl: timedelta = INVITATION_TTL
    state: EnrollmentState | None = None
    history_limit: int | None = None
    release: int = 0  # the release that started the run (workflows/releases.py); 0: before them


class SubmitSectionA(Command):
    user_id: int


class SectionAResult(BaseModel):
    organization_id: int
    location_ids: list[int]


class AddLocation(Command):
    location_id: int
    user_id: int


class LocationAttached(BaseModel):
    location_id: int
    name: str


class CorrectDetails(Command):
    user_id: int
    details: dict[str, Any]


class DetailsCorrected(BaseModel):
    changed: list[str]  # the labels of the fields that changed
    # a redistribution participant without both officers' valid signatures on its agreement
    redistribution_unsigned: bool = False
    documents: list[str] = []  # what the officers sign for it now (DocumentKind values)
    to_sign: list[str] = []  # what the officers are asked to sign after this correction


class CorrectionRecord(BaseModel):
    organization_id: int
    details: dict[str, Any]


class AcceptInvitation(Command):
    link_id: int
    user_id: int


class RenewInvitation(Command):
    pass


class SubmitSectionB(Command):
    user_id: int


class SectionBResult(BaseModel):
    location_id: int
    providers_pending: bool
    active_providers: int = 0


class SectionBActivity(BaseModel):
    """What the database says about Section B when a reminder is due."""

    revision: int
    updated_at: datetime | None


class LocationRef(BaseModel):
    location_id: int


class OrganizationRef(BaseModel):
    organization_id: int


class ReminderDue(BaseModel):
    """When the next Section B reminder is due (None: no reminder ahead) and how many went,
    as pages show it; `seq` orders the workflow's writes, so an older one never overwrites."""

    seq: int
    at: datetime | None
    sent: int


class StatusChange(BaseModel):
    """A transition the workflow projects into the database (and the audit trail)."""

    location_id: int
    seq: int
    status: str
    waiting_on: str | None
    actor: str = "system"
    note: str | None = None
    reminder: ReminderDue | None = None  # the next reminder, when it changed with the status


class LocationStep(LocationRef):
    """A database step of a location's process, and the transition it leads to: the step
    writes `then` (as `project_location` would) in its own transaction, so a step and its
    transition cost one activity and one workflow task, not two."""

    then: StatusChange | None = None


class InviteCoordinator(BaseModel):
    location_id: int
    round: int
    ttl: timedelta
    then: StatusChange | None = None  # the first status, written before the email goes out


class JoinLocation(BaseModel):
    location_id: int
    link_id: int
    user_id: int
    then: StatusChange | None = None  # see LocationStep


class SectionBReminder(BaseModel):
    location_id: int
    number: int
    invitation_ttl: timedelta
    days_idle: int | None = None  # days since Section B changed (None: a run from before)


class LocationReminder(BaseModel):
    location_id: int
    reminder: ReminderDue


class LocationDetail(BaseModel):
    status: str
    coordinator_registered: bool
    reminders_sent: int
    next_reminder_at: datetime | None
    invitation_round: int


from models.contracts.review import DecisionRecord  # noqa: E402 - forward reference

LocationState.model_rebuild()
LocationInput.model_rebuild()  # it holds a LocationState: built before the line above
