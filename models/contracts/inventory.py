"""Transfer workflow contracts."""

from datetime import date, timedelta

from pydantic import BaseModel

from models.contracts.base import Command
from models.inventory_rules import DECIDE_WITHIN, RECEIVE_WITHIN, SHIP_WITHIN


class TransferInput(BaseModel):
    transfer_id: int
    decide_within: timedelta = DECIDE_WITHIN
    receive_within: timedelta = RECEIVE_WITHIN
    ship_within: timedelta = SHIP_WITHIN


class TransferRef(BaseModel):
    transfer_id: int
    # Who took the step ("user:5", "reviewer:7"), for the ledger entry it makes; None in the
    # steps of runs scheduled before it was passed (the entry then names the transfer alone).
    actor: str | None = None
    # receive: the day the doses arrived when not the day it is recorded (confirmed after an
    # outage), which the ledger entry carries
    received_on: date | None = None
    # ship: the day the doses left, likewise (marked after an outage)
    shipped_on: date | None = None


class TransferActor(Command):
    user_id: int


class TransferShipment(TransferActor):
    shipped_on: date | None = None  # see TransferRef


class TransferReceipt(TransferActor):
    received_on: date | None = None  # see TransferRef


class TransferDecision(Command):
    reviewer_id: int
    reviewer_role: str
    approve: bool
    reason: str | None = None


class TransferResolution(Command):
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
    shipped_on: date | None = None  # shipped: the day the doses left, when not today


class TransferEmail(BaseModel):
    transfer_id: int
    kind: str
    key: str
