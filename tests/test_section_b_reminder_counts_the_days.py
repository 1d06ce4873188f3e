"""Each Section B reminder said "has not been updated for 7 days", the second (14 days
without an update) and the one after an update alike, while the administrator's copy said 14
(found by the outside check). Now each says how long Section B has really waited."""

import asyncio
from datetime import timedelta

from tests.support.enrollment import STEP_BODIES, register_coordinator
from tests.test_section_b_reminders import REMINDER, one_location, reminders

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


def said(mail) -> str:
    return " ".join(mail.text.split())


async def test_each_reminder_says_how_long_section_b_waited(ts_system):
    email, location_id, admin_email = await one_location(ts_system, "Counted Clinic")
    await ts_system.env.sleep(7 * DAY + HOUR)
    await reminders(ts_system, email, 1)
    assert "has not been updated for 7 days" in said(
        ts_system.smtp.find(to=email, subject=REMINDER)[0])
    await ts_system.env.sleep(7 * DAY + HOUR)
    await reminders(ts_system, email, 2)
    second = ts_system.smtp.find(to=email, subject=REMINDER)[1]
    assert "has not been updated for 14 days" in said(second), said(second)
    await ts_system.smtp.one(to=admin_email, subject="not updated for 14 days")

    # an update, then 7 quiet days: the third reminder counts from the update
    coordinator = await register_coordinator(ts_system, email)
    saved = await coordinator.put(f"/api/v1/locations/{location_id}/section-b/location",
                                  json=STEP_BODIES["location"])
    assert saved.status_code == 200
    await asyncio.sleep(1)
    await ts_system.env.sleep(7 * DAY + 2 * HOUR)
    await reminders(ts_system, email, 3)
    third = ts_system.smtp.find(to=email, subject=REMINDER)[2]
    assert "has not been updated for 7 days" in said(third), said(third)
    escalations = ts_system.smtp.find(to=admin_email, subject="not updated for")
    assert "not updated for 21 days" not in " ".join(m.subject for m in escalations)
