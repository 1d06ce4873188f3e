"""Point of care: check-ins and administered doses (each debits its lot through the ledger)."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import created_at_field, time_field

RECORDED = "recorded"
ENTERED_IN_ERROR = "entered_in_error"
# An appointment's states: booked; cancelled by the person; attended (its dose was given at
# that location on its day); released (its dose was recorded elsewhere or on another day);
# withdrawn (a dose corrected or removed as entered in error left it unfit for their doses).
BOOKED, CANCELLED, ATTENDED, RELEASED = "booked", "cancelled", "attended", "released"
WITHDRAWN = "withdrawn"


class CheckIn(SQLModel, table=True):
    __tablename__ = "check_in"

    id: int | None = Field(default=None, primary_key=True)
    recipient_id: int = Field(foreign_key="recipient.id", index=True)
    location_id: int = Field(foreign_key="location.id", index=True)
    checked_in_by: int = Field(foreign_key="user_account.id")
    checked_in_at: datetime = created_at_field()


class Administration(SQLModel, table=True):
    """One dose given. Removed as entered in error, never deleted: its dose goes back to the
    lot by a reversing ledger entry."""

    __tablename__ = "administration"
    # A save's request key is its recorder's: a double click records one dose.
    __table_args__ = (UniqueConstraint("recorded_by", "request_key",
                                       name="uq_administration_request"),)

    id: int | None = Field(default=None, primary_key=True)
    recipient_id: int = Field(foreign_key="recipient.id", index=True)
    location_id: int = Field(foreign_key="location.id", index=True)
    product_id: int = Field(foreign_key="vaccine_product.id")
    lot_id: int = Field(foreign_key="inventory_lot.id", index=True)
    dose_number: int
    administered_on: date = Field(index=True)
    site: str = Field(max_length=4)
    route: str = Field(max_length=4)
    provider_name: str = Field(max_length=160)  # the administering provider
    status: str = Field(default=RECORDED, max_length=20, index=True)
    entered_late: bool = False
    recorded_by: int = Field(foreign_key="user_account.id")
    request_key: str = Field(max_length=64)
    created_at: datetime = created_at_field()
    updated_at: datetime | None = time_field()
    removed_at: datetime | None = time_field()
    removed_by: int | None = Field(default=None, foreign_key="user_account.id")
    removal_reason: str | None = Field(default=None, max_length=500)

    @property
    def active(self) -> bool:
        return self.status == RECORDED


class AppointmentSlot(SQLModel, table=True):
    """Places to book at a location at a time; `booked` only grows while below capacity."""

    __tablename__ = "appointment_slot"
    __table_args__ = (CheckConstraint("booked <= capacity", name="booked_within_capacity"),)

    id: int | None = Field(default=None, primary_key=True)
    location_id: int = Field(foreign_key="location.id", index=True)
    starts_at: datetime = time_field(nullable=False, index=True)
    capacity: int
    booked: int = 0
    dose_number: int = 1


class Appointment(SQLModel, table=True):
    __tablename__ = "appointment"

    id: int | None = Field(default=None, primary_key=True)
    slot_id: int = Field(foreign_key="appointment_slot.id", index=True)
    recipient_id: int = Field(foreign_key="recipient.id", index=True)
    status: str = Field(default=BOOKED, max_length=20)
    moves: int = 0  # how many times the recipient moved it to another time (each emailed)
    created_at: datetime = created_at_field()
