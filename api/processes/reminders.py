"""Second-dose reminders: one process per first dose of a two-dose product (its id only)."""

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from api.processes.gateway import Gateway
from models.contracts import ReminderDetail, ReminderInput
from workflows import ids
from workflows.second_dose import SecondDoseReminderWorkflow as Reminder


async def start(gateway: Gateway, session: AsyncSession, administration_id: int,
                due: datetime) -> None:
    """With the dose in `session`: it is recorded with its reminder, or not at all."""
    await gateway.start(Reminder.run, ReminderInput(administration_id=administration_id,
                                                    due=due),
                        id=ids.second_dose_reminder(administration_id), session=session)


async def recheck(gateway: Gateway, administration_id: int) -> None:
    """After the change is committed: the reminder reads the database again (and ends when it
    is no longer needed). A reminder that already finished, or Temporal being away, changes
    nothing: the email step checks the database itself before sending."""
    await gateway.signal(ids.second_dose_reminder(administration_id), Reminder.recheck)


async def detail(gateway: Gateway, administration_id: int) -> ReminderDetail | None:
    return await gateway.query(ids.second_dose_reminder(administration_id), Reminder.detail)
