"""A location's status and next reminder, read from the projection its workflow writes: a
page showing many locations asks no workflow."""

from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import as_utc
from models.contracts import REMINDER_EVERY
from models.enrollment import Location, SectionB
from models.enrollment_schemas import LocationOut, LocationStatusOut


def next_reminder(location: Location, last_save: datetime | None) -> datetime | None:
    """When the next Section B reminder goes: the workflow's timer, or later when Section B was
    saved since (the timer reads the last save when it fires and re-arms from it)."""
    if location.next_reminder_at is None:
        return None
    due = as_utc(location.next_reminder_at)
    return max(due, as_utc(last_save) + REMINDER_EVERY) if last_save else due


async def next_reminders(session: AsyncSession,
                         locations: list[Location]) -> dict[int, datetime | None]:
    """Each location's next reminder, in one query for all of them."""
    waiting = [loc.id for loc in locations if loc.next_reminder_at is not None]
    saves = dict((await session.exec(select(SectionB.location_id, SectionB.updated_at).where(
        SectionB.location_id.in_(waiting)))).all()) if waiting else {}
    return {loc.id: next_reminder(loc, saves.get(loc.id)) for loc in locations}


async def location_status(session: AsyncSession, location: Location) -> LocationStatusOut:
    reminders = await next_reminders(session, [location])
    return LocationStatusOut(location=LocationOut.model_validate(location),
                             reminders_sent=location.reminders_sent,
                             next_reminder_at=reminders[location.id])
