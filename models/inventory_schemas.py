"""Inventory and transfer request/response bodies (API and forms alike)."""

import re
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from models.fields import AsTyped, Blankable, Id
from models.input import Input
from models.inventory_rules import (
    EntryKind,
    TransferKind,
    TransferStatus,
    adjusted_day_problem,
    corrected_expiry_problem,
    inventory_today,
    receipt_expiry_problem,
    received_day_problem,
    shipped_day_problem,
)

Doses = Annotated[int, Field(ge=1, le=1_000_000), AsTyped]
Reason = Annotated[str, Field(min_length=1, max_length=500)]
RequestKey = Annotated[str, Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9-]+$",
                                  description="A random key per form; a repeat is one change")]
_REQUEST_KEY = TypeAdapter(RequestKey)
_LOT = re.compile(r"[A-Za-z0-9-]{2,40}")


def _lot_number(value: str) -> str:
    if not value.strip():
        raise ValueError("This field is required.")
    if not _LOT.fullmatch(value):
        raise ValueError("Enter the lot number as printed: 2 to 40 letters, digits and hyphens.")
    return value


LotNumber = Annotated[str, Field(max_length=40,
                                 json_schema_extra={"pattern": f"^{_LOT.pattern}$"}),
                      AfterValidator(_lot_number)]


def is_request_key(value: object) -> bool:
    """Whether a form's posted key is one (a page mints a fresh key when it is not)."""
    try:
        _REQUEST_KEY.validate_python(value)
    except ValidationError:
        return False
    return True


class Form(Input):
    """Inventory forms and bodies."""


def _refused(problem: str | None, value: date) -> date:
    if problem:
        raise ValueError(problem)
    return value


class ReceiptIn(Form):
    product_id: Id
    lot_number: LotNumber
    # A shipment that came while the system was down: the day it arrived, so the doses given
    # from it on paper are entered with their real days (left out: today). Before the
    # expiration date, whose check reads it.
    received_on: Annotated[date | None, Blankable] = None
    expiration_date: date
    doses: Doses
    request_key: RequestKey

    @field_validator("expiration_date")
    @classmethod
    def _not_expired_nor_too_far(cls, value: date, info: ValidationInfo) -> date:
        """Said with the other fields' problems (it needs no database), from today in NC;
        not expired on the day the shipment came (its lot may have expired since)."""
        return _refused(receipt_expiry_problem(value, inventory_today(),
                                               info.data.get("received_on")), value)

    @field_validator("received_on")
    @classmethod
    def _a_day_that_has_come(cls, value: date | None) -> date | None:
        return value and _refused(received_day_problem(value, inventory_today()), value)


class AdjustmentIn(Form):
    kind: Literal["extra_doses", "wastage", "expired", "returned"]
    doses: Doses
    reason: Reason
    request_key: RequestKey
    # A count on paper entered after an outage: the day it happened (left out: today), never
    # before the lot arrived, nor so that the lot's ledger would show fewer than none that day
    occurred_on: Annotated[date | None, Blankable] = None

    @field_validator("occurred_on")
    @classmethod
    def _a_day_that_has_come(cls, value: date | None) -> date | None:
        return value and _refused(adjusted_day_problem(value, inventory_today()), value)


class ExpiryCorrectionIn(Form):
    """A lot's expiration date as its label says, when it was recorded wrong."""

    expiration_date: date
    # 400: the ledger's reason (500) also names both dates
    reason: Annotated[str, Field(min_length=1, max_length=400)]
    request_key: RequestKey
    # A lot expired as recorded, corrected to a day not passed, makes its doses usable again:
    # done only when the person confirms the label (or the manufacturer's extension) says so
    confirmed: bool = False

    @field_validator("expiration_date")
    @classmethod
    def _within_shelf_years(cls, value: date) -> date:
        return _refused(corrected_expiry_problem(value, inventory_today()), value)


class TransferIn(Form):
    kind: TransferKind
    from_location_id: Id
    to_location_id: Id
    lot_id: Id
    doses: Doses
    reason: Reason
    request_key: RequestKey


class TransferDecisionIn(Form):
    decision: Literal["approve", "deny"]
    reason: Annotated[str | None, Field(default=None, max_length=500)] = None


class TransferResolutionIn(Form):
    outcome: Literal["received", "returned"]


class TransferReceiptIn(Form):
    # Confirmed after an outage: the day the doses came, so the doses given from them on paper
    # are entered with their real days (left out: today); not before it was shipped, nor more
    # than a year back (the API checks both against the transfer: a day long past is first of
    # all before its shipment, and is told so with the day it shipped).
    received_on: Annotated[date | None, Blankable] = None

    @field_validator("received_on")
    @classmethod
    def _a_day_that_has_come(cls, value: date | None) -> date | None:
        today = inventory_today()
        return value and _refused(received_day_problem(value, today) if value > today else None,
                                  value)


class TransferShipmentIn(Form):
    # Marked after an outage: the day the doses left, so the receipt (and the doses given from
    # them on paper at the receiving site) can be dated when they came (left out: today); not
    # before the transfer was approved, nor ahead.
    shipped_on: Annotated[date | None, Blankable] = None

    @field_validator("shipped_on")
    @classmethod
    def _a_day_that_has_come(cls, value: date | None) -> date | None:
        today = inventory_today()
        return value and _refused(shipped_day_problem(value, today) if value > today else None,
                                  value)


class TransferStepIn(TransferReceiptIn, TransferShipmentIn):
    """A site's step's body: `received_on` for receive, `shipped_on` for ship."""


class ProductOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    manufacturer: str
    cvx_code: str
    doses_per_vial: int
    storage: str


class LotOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    product_id: int
    lot_number: str
    expiration_date: date
    on_hand: int
    expired: bool = False
    promised: int = Field(0, description="Doses on hand promised to approved transfers not "
                                         "yet shipped: not free to use")
    promised_to: list[str] = Field([], description="Those transfers' numbers")


class EntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    lot_id: int
    kind: EntryKind
    doses: int
    reason: str | None
    actor: str
    transfer_id: int | None
    created_at: datetime
    occurred_on: date | None = None  # the real day, when it differs from the recording's


class InventoryOut(BaseModel):
    location_id: int
    usable: list[LotOut] = Field(description="Lots with doses on hand, not expired")
    used_up: list[LotOut] = Field(description="Lots not expired with no dose left")
    expired: list[LotOut] = Field(description="Expired lots (they cannot be used)")
    in_transit_out: int


class TransferOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    number: str
    kind: TransferKind
    from_location_id: int
    to_location_id: int
    lot_number: str
    expiration_date: date
    product_id: int
    doses: int
    reason: str
    status: TransferStatus
    decision_reason: str | None
    escalated: bool
    flagged: bool
    one_organization_without_agreement: bool = Field(
        default=False, description="A transfer between two sites of one organization that has "
        "not signed the Supplemental Redistribution Agreement: only for an unplanned move (a "
        "planned one is a redistribution, which needs the agreement).")
    requested_at: datetime
