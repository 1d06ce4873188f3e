"""Help-desk case workflow contracts."""

from datetime import datetime, timedelta

from pydantic import BaseModel

from models.business_hours import BusinessHours
from models.contracts.base import Command
from models.service_clock import ServiceClock


class CaseEmail(BaseModel):
    case_id: int
    kind: str
    key: str
    message_id: int | None = None
    detail: str | None = None
    due_at: datetime | None = None  # the date the email names (the activity shows it Eastern)
    to_user_id: int | None = None  # an agent it is for, other than the case's holder


class CaseLinkRef(BaseModel):
    """A public question's personal link, emailed once to the address on file: the link's new
    version to the address an agent corrected (`readdressed`), or asked for by address
    (`asked`, once per `request`)."""

    case_id: int
    reason: str = "readdressed"  # readdressed or asked
    version: int = 0  # the link's version the change that told of it made (read once committed)
    request: str = ""  # an ask's own key: each ask is one email


class CaseState(BaseModel):
    """Everything a case's workflow carries across continue-as-new."""

    status: str = "new"
    seq: int = 0
    assignee: int | None = None
    first_response: bool = False
    sla_flag: str | None = None
    escalations: list[str] = []
    clock: ServiceClock = ServiceClock()
    waiting_since: datetime | None = None
    info_message: int | None = None
    reminded: bool = False
    reminded_last: bool = False  # again, the day before the case closes
    resolved_at: datetime | None = None
    outbox: list[CaseEmail] = []
    emails: int = 0


class CaseInput(BaseModel):
    case_id: int
    response_target: timedelta
    resolution_target: timedelta
    warn_at: float = 0.8
    info_reminder_after: timedelta = timedelta(days=2)
    info_close_after: timedelta = timedelta(days=5)
    reopen_within: timedelta = timedelta(days=7)
    # The desk's hours of operation with its holidays: targets count only open time. None (a
    # case opened before the desk had hours) counts every hour.
    hours: BusinessHours | None = None
    state: CaseState | None = None
    history_limit: int | None = None
    release: int = 0  # the release that started the run (workflows/releases.py); 0: before them


class AssignCase(Command):
    agent_id: int
    by_user_id: int
    # Taken only from the holder the person saw (None: nobody), so that of two takes at once
    # one wins and the other is refused. False in actions recorded before it: no check.
    check_holder: bool = False
    holder_seen: int | None = None


class CaseMessageRef(Command):
    """A message the API stored unpublished; the workflow publishes it and reacts."""

    message_id: int
    user_id: int | None = None
    # An agent's answer (a request for information, a resolution) to a case nobody holds makes
    # it theirs, as a reply does. False in actions recorded before it.
    pick_up: bool = False
    # An agent's reply to the requester (not a note): refused on a resolved case, where it
    # would be emailed about a case that stays resolved. False in actions recorded before it.
    reply: bool = False


class PublishedMessage(BaseModel):
    message_id: int
    author_kind: str  # agent or requester
    internal: bool


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
    sla_due_at: datetime | None = None
    assigned: bool = False  # this transition gave the case to `assignee_id` (the audit says so)


class CaseStatusOut(BaseModel):
    status: str
    active_minutes: int
    waiting_on_requester: bool
    response_due_at: datetime | None
    resolution_due_at: datetime | None
    closes_at: datetime | None
    # The next service-level step ("response:at_risk", "resolution:breached") and when it is due.
    next_step: str | None = None
    next_step_due_at: datetime | None = None
    business_hours: bool = False


class WelcomeInput(BaseModel):
    user_id: int
