"""Transfer workflow contracts."""

from datetime import timedelta

from pydantic import BaseModel


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
