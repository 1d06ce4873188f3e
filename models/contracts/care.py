"""Second-dose reminder contracts: ids and times only, never a person's details."""

from datetime import datetime

from pydantic import BaseModel


class ReminderInput(BaseModel):
    administration_id: int
    due: datetime


class ReminderRef(BaseModel):
    administration_id: int


class ReminderPlan(BaseModel):
    due: datetime | None = None  # None: no reminder is needed any more


class ReminderDetail(BaseModel):
    administration_id: int
    due: datetime
    state: str = "waiting"


class AppointmentInput(BaseModel):
    appointment_id: int
    starts_at: datetime  # the process ends once the appointment time has passed
    release: int = 0  # the release that started the run (workflows/releases.py); 0: before them


class AppointmentEmail(BaseModel):
    appointment_id: int
    change: str  # booked, moved (to another time) or cancelled


class AppointmentRef(BaseModel):
    appointment_id: int
    # a change the process was told of just before its commit: wait until it is visible
    moves_at_least: int = 0
    cancelled: bool = False


class BookingChange(BaseModel):
    """A recipient moved (its move count once committed) or cancelled their booking."""

    moves: int = 0
    cancelled: bool = False


class AppointmentBooking(BaseModel):
    """The booking as the database has it when the process looks."""

    status: str  # booked, cancelled (a release reads as cancelled) or attended
    moves: int = 0  # each move to another time counts one
    starts_at: datetime | None = None  # the current time (None: the fake ring's "unchanged")


__all__ = ["AppointmentBooking", "AppointmentEmail", "AppointmentInput", "AppointmentRef",
           "BookingChange", "ReminderDetail", "ReminderInput", "ReminderPlan", "ReminderRef"]
