"""Vaccine inventory: products, lots at locations, an append-only ledger, and transfers."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Index, UniqueConstraint, case, func, literal_column, text
from sqlmodel import Field, SQLModel, col

from models.base import created_at_field, time_field
from models.inventory_rules import (
    FLAGGED_STATUSES,
    EntryKind,
    TransferKind,
    TransferStatus,
    inventory_today,
)
from models.types import enum_field

# One dose's volume in mL from each product's label, by CVX code (a code is one formulation):
# Moderna 100 mcg in 0.5 mL, Pfizer-BioNTech 30 mcg in 0.3 mL (gray cap too), its 10 mcg
# (orange cap) and 3 mcg (maroon cap) in 0.2 mL, Novavax and Janssen 0.5 mL.
DOSE_ML = {"207": "0.5", "208": "0.3", "211": "0.5", "212": "0.5", "217": "0.3", "218": "0.2",
           "219": "0.2"}
# Moderna's booster was half a dose (0.25 mL) under the same code, but an additional primary
# dose a full one: past its primary series the amount is not known from the product alone.
BOOSTER_DIFFERS = {"207"}
# The ages a formulation is for, where its name says them (Pfizer-BioNTech's gray, orange and
# maroon caps), in months from the first birthday-month counted to the last excluded: 12
# years and older; 5 to 11 years; 6 months to 4 years. A dose outside them asks to confirm.
AGES_IN_MONTHS = {"217": (144, None, "12 years and older"), "218": (60, 144, "5 to 11 years"),
                  "219": (6, 60, "6 months to 4 years")}


class Product(SQLModel, table=True):
    __tablename__ = "vaccine_product"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    manufacturer: str = Field(max_length=120)
    cvx_code: str = Field(max_length=10, unique=True)
    doses_per_vial: int
    storage: str = Field(max_length=20)
    active: bool = True
    # The primary series: doses in it and the days from one dose to the next.
    doses_in_series: int = 1
    interval_days: int | None = None

    def dose_ml(self, dose_number: int) -> str | None:
        """The volume of dose `dose_number` in mL, None when the product does not tell."""
        if self.cvx_code in BOOSTER_DIFFERS and dose_number > self.doses_in_series:
            return None
        return DOSE_ML.get(self.cvx_code)


class Lot(SQLModel, table=True):
    """Doses of one product lot at one location; `on_hand` is the sum of its ledger."""

    __tablename__ = "inventory_lot"
    __table_args__ = (UniqueConstraint("location_id", "product_id", "lot_number"),
                      CheckConstraint("on_hand >= 0", name="on_hand_not_negative"))

    id: int | None = Field(default=None, primary_key=True)
    location_id: int = Field(foreign_key="location.id", index=True)
    product_id: int = Field(foreign_key="vaccine_product.id")
    lot_number: str = Field(max_length=40)
    expiration_date: date
    on_hand: int = 0
    created_at: datetime = created_at_field()

    def is_expired(self, today: date | None = None) -> bool:
        """Past its expiration date on `today` (by default North Carolina's today)."""
        return self.expiration_date < (today or inventory_today())


class LedgerEntry(SQLModel, table=True):
    """Every change to a lot: who, when, why. Never updated; the key makes it exactly-once."""

    __tablename__ = "inventory_ledger"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=120, unique=True)
    lot_id: int = Field(foreign_key="inventory_lot.id", index=True)
    location_id: int = Field(foreign_key="location.id", index=True)
    kind: EntryKind = enum_field(EntryKind)
    doses: int  # signed: what it did to on_hand
    reason: str | None = Field(default=None, max_length=500)
    actor: str = Field(max_length=200)
    transfer_id: int | None = Field(default=None, foreign_key="transfer.id")
    occurred_on: date | None = None  # the real day, when it differs from the recording's
    created_at: datetime = created_at_field()


# The state's queue (api/domain/state_lists.py `transfers`): requests awaiting its decision
# and shipments flagged late. Its page is read in order from a partial index of only those,
# not sorted from every transfer; the query spells the condition with the same literal values
# (SQLite uses a partial index only where it can see the query's condition implies the index's).
AWAITING_STATE = f"status = '{TransferStatus.REQUESTED.value}'"
FLAGGED_LATE = "status IN ({})".format(", ".join(f"'{s.value}'" for s in FLAGGED_STATUSES))


class Transfer(SQLModel, table=True):
    __tablename__ = "transfer"
    # A request key is its requester's: a double click is one request, while someone else
    # presenting the same key gets their own request, never a look at this one.
    __table_args__ = (UniqueConstraint("requested_by", "request_key",
                                       name="uq_transfer_requester_key"),
                      Index("ix_transfer_state_queue", "requested_at", "id",
                            sqlite_where=text(f"{AWAITING_STATE} OR {FLAGGED_LATE} AND flagged = 1"),
                            postgresql_where=text(f"{AWAITING_STATE} OR {FLAGGED_LATE} AND flagged")))

    id: int | None = Field(default=None, primary_key=True)
    kind: TransferKind = enum_field(TransferKind)
    from_location_id: int = Field(foreign_key="location.id", index=True)
    to_location_id: int = Field(foreign_key="location.id", index=True)
    requested_by_location_id: int = Field(foreign_key="location.id")
    requested_by: int = Field(foreign_key="user_account.id")
    lot_id: int = Field(foreign_key="inventory_lot.id")
    product_id: int = Field(foreign_key="vaccine_product.id")
    lot_number: str = Field(max_length=40)
    expiration_date: date
    doses: int
    reason: str = Field(max_length=500)
    request_key: str = Field(max_length=64)
    # The status projection the transfer workflow writes at every transition.
    status: TransferStatus = enum_field(TransferStatus, TransferStatus.REQUESTED, index=True)
    status_seq: int = 0
    decision_reason: str | None = Field(default=None, max_length=500)
    decided_by: int | None = Field(default=None, foreign_key="user_account.id")
    escalated: bool = False
    flagged: bool = False
    requested_at: datetime = created_at_field()
    decided_at: datetime | None = time_field()
    shipped_at: datetime | None = time_field()
    closed_at: datetime | None = time_field()

    @property
    def number(self) -> str:
        return f"TR{self.id:06d}"

    @property
    def in_status_since(self) -> datetime:
        """Since when the transfer is in its status, as the state's list ages it: shipped since
        its shipment, approved since its decision, otherwise since its request."""
        if self.status == TransferStatus.SHIPPED and self.shipped_at:
            return self.shipped_at
        if self.status == TransferStatus.APPROVED and self.decided_at:
            return self.decided_at
        return self.requested_at


# The state queue's two conditions, with the literal values its partial index names.
AWAITING_DECISION = Transfer.status == literal_column(f"'{TransferStatus.REQUESTED.value}'")
FLAGGED_LATE_SHIPMENT = col(Transfer.status).in_(
    [literal_column(f"'{s.value}'") for s in FLAGGED_STATUSES]) & Transfer.flagged
# Transfer.in_status_since in SQL (not "status_since": models/projection.py writes a row's
# status_since when it has one): the state list's age filter is of the age its rows show.
TRANSFER_STATUS_SINCE = case(
    (Transfer.status == TransferStatus.SHIPPED.value,
     func.coalesce(Transfer.shipped_at, Transfer.requested_at)),
    (Transfer.status == TransferStatus.APPROVED.value,
     func.coalesce(Transfer.decided_at, Transfer.requested_at)),
    else_=Transfer.requested_at)
