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


__all__ = ["ReminderDetail", "ReminderInput", "ReminderPlan", "ReminderRef"]
