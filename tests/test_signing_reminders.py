"""Officers who never sign are reminded every 3 days; after 10 days the administrator is told."""

import asyncio
from datetime import timedelta

from tests.support.enrollment import complete_location, start_enrollment
from tests.support.review import SIGNING_SUBJECT, signing_tokens

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


async def exactly(system, to: str, subject: str, count: int) -> list:
    if count:
        await system.smtp.wait_for(to=to, subject=subject, count=count)
    await asyncio.sleep(1.0)
    found = system.smtp.find(to=to, subject=subject)
    assert len(found) == count, [m.subject for m in found]
    return found


async def test_unsigned_requests_are_reminded_on_schedule_and_escalated(ts_system):
    enrollment = await start_enrollment(ts_system, ["Slow Officers Clinic"])
    (email, location_id), = enrollment.locations.items()
    await complete_location(ts_system, email, location_id)
    first = await ts_system.smtp.one(to=enrollment.ceo_email, subject=SIGNING_SUBJECT)
    await ts_system.smtp.one(to=enrollment.cmo_email, subject=SIGNING_SUBJECT)
    await ts_system.env.sleep(2 * DAY + 23 * HOUR)
    await exactly(ts_system, enrollment.ceo_email, "Reminder: please sign", 0)
    await ts_system.env.sleep(2 * HOUR)
    for officer in (enrollment.ceo_email, enrollment.cmo_email):
        reminders = await exactly(ts_system, officer, "Reminder: please sign", 1)
    newer = signing_tokens(reminders[0])
    assert newer and newer != signing_tokens(first), "each reminder carries a fresh link"
    await ts_system.env.sleep(3 * DAY)
    await exactly(ts_system, enrollment.cmo_email, "Reminder: please sign", 2)
    await exactly(ts_system, enrollment.admin_email, "still unsigned", 0)
    await ts_system.env.sleep(3 * DAY)
    await exactly(ts_system, enrollment.ceo_email, "Reminder: please sign", 3)
    await ts_system.env.sleep(DAY)
    escalation = await exactly(ts_system, enrollment.admin_email, "still unsigned after 10 days", 1)
    assert "Chief Executive Officer" in escalation[0].text
    assert "Chief Medical Officer" in escalation[0].text
