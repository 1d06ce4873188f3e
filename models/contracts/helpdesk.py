"""Help-desk case workflow contracts."""

from datetime import datetime, timedelta

from pydantic import BaseModel


class CaseInput(BaseModel):
    case_id: int
    response_target: timedelta
    resolution_target: timedelta
    warn_at: float = 0.8
    info_reminder_after: timedelta = timedelta(days=2)
    info_close_after: timedelta = timedelta(days=5)
    reopen_within: timedelta = timedelta(days=7)


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
