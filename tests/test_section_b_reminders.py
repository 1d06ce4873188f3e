"""The 7-day Section B reminder is a durable timer: tested as days, skipped, on the test server."""

import asyncio
from datetime import timedelta

from models.base import as_utc
from tests.support.enrollment import (
    STEP_BODIES,
    complete_location,
    projected,
    register_coordinator,
    start_enrollment,
)

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
REMINDER = "Reminder: complete Section B"


async def reminders(system, email: str, expected: int) -> None:
    """Exactly `expected` reminders: wait for them, then make sure no more arrive."""
    if expected:
        await system.smtp.wait_for(to=email, subject=REMINDER, count=expected)
    await asyncio.sleep(1.0)
    got = system.smtp.find(to=email, subject=REMINDER)
    assert len(got) == expected, [m.subject for m in got]


async def one_location(system, name: str) -> tuple[str, int, str]:
    enrollment = await start_enrollment(system, [name])
    (email, location_id), = enrollment.locations.items()
    await system.smtp.one(to=email, subject="Primary Vaccine Coordinator")
    return email, location_id, enrollment.admin_email


async def test_no_update_for_7_days_sends_one_reminder_then_another_after_7_more(ts_system):
    email, location_id, admin_email = await one_location(ts_system, "Idle Clinic")
    await ts_system.env.sleep(6 * DAY + 23 * HOUR)
    await reminders(ts_system, email, 0)
    await ts_system.env.sleep(2 * HOUR)
    await reminders(ts_system, email, 1)
    first = ts_system.smtp.find(to=email, subject=REMINDER)[0]
    assert "/invite/" in first.text, "an unregistered coordinator gets a fresh invitation link"
    await ts_system.env.sleep(7 * DAY + HOUR)
    await reminders(ts_system, email, 2)
    escalation = await ts_system.smtp.one(to=admin_email, subject="not updated for 14 days")
    assert email in escalation.text
    # the pages read the count and the next reminder from the projection
    shown = await projected(ts_system, location_id, lambda loc: loc.reminders_sent == 2)
    now = await ts_system.env.get_current_time()
    assert timedelta(days=6) < as_utc(shown.next_reminder_at) - now <= 7 * DAY


async def test_an_update_on_day_6_means_no_reminder_on_day_7(ts_system):
    email, location_id, _admin = await one_location(ts_system, "Busy Clinic")
    await ts_system.env.sleep(6 * DAY)
    coordinator = await register_coordinator(ts_system, email)
    saved = await coordinator.put(f"/api/v1/locations/{location_id}/section-b/location",
                                  json=STEP_BODIES["location"])
    assert saved.status_code == 200
    await ts_system.env.sleep(DAY + 2 * HOUR)
    await reminders(ts_system, email, 0)
    await ts_system.env.sleep(6 * DAY)  # day 13 and 2 hours: 7 days after the update
    await reminders(ts_system, email, 1)
    reminder = ts_system.smtp.find(to=email, subject=REMINDER)[0]
    assert f"/locations/{location_id}/section-b" in reminder.text


async def test_completed_section_b_is_never_reminded(ts_system):
    email, location_id, _admin = await one_location(ts_system, "Done Clinic")
    await complete_location(ts_system, email, location_id)
    await ts_system.smtp.one(to=email, subject="Section B submitted")
    await ts_system.env.sleep(30 * DAY)
    await reminders(ts_system, email, 0)
