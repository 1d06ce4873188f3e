"""The next Section B reminder is projected by the location's workflow: pages that list
locations read the database and ask no workflow."""

from datetime import datetime, timedelta

from temporalio.api.enums.v1 import EventType

from api.processes.gateway import Gateway
from core.timefmt import day
from models.base import as_utc
from models.enrollment import Location, SectionB
from models.enrollment_enums import LocationStatus
from tests.fast.fakes import eventually
from tests.support.enrollment import (
    STEP_BODIES,
    projected,
    register_coordinator,
    start_enrollment,
)
from tests.support.web import browser
from workflows import ids

WEEK = timedelta(days=7)


async def test_the_dashboard_reads_the_projection_and_asks_no_workflow(system, monkeypatch):
    enrollment = await start_enrollment(system, ["Proj North", "Proj South", "Proj East"])
    rows = {lid: await projected(system, lid) for lid in enrollment.locations.values()}
    for location in rows.values():
        gap = as_utc(location.next_reminder_at) - as_utc(location.status_since)
        assert abs(gap - WEEK) < timedelta(minutes=1), gap
        assert location.reminders_sent == 0

    async def no_workflow(*_args, **_kwargs):
        raise AssertionError("a page listing locations asked a workflow")

    monkeypatch.setattr(Gateway, "query", no_workflow)
    admin = browser(system)
    await admin.login(enrollment.admin_email)
    page = await admin.get("/organization")
    assert page.status_code == 200
    for location in rows.values():
        assert location.name in page.text
        assert f"Next reminder {day(location.next_reminder_at)}" in page.text


async def test_a_save_the_workflow_has_not_read_moves_the_reminder_shown(system):
    enrollment = await start_enrollment(system, ["Proj Saved"])
    (email, location_id), = enrollment.locations.items()
    before = await projected(system, location_id)
    coordinator = await register_coordinator(system, email)
    saved = await coordinator.put(f"/api/v1/locations/{location_id}/section-b/location",
                                  json=STEP_BODIES["location"])
    assert saved.status_code == 200
    status = (await coordinator.get(f"/api/v1/locations/{location_id}/status")).json()
    assert status["reminders_sent"] == 0
    shown = datetime.fromisoformat(status["next_reminder_at"])
    assert shown > as_utc(before.next_reminder_at), "the save pushed the reminder back"
    # The first save wakes the workflow ('in progress'), which re-arms from that save and
    # projects the same time the page derived before it knew.
    after = await projected(system, location_id, lambda loc: loc.status == "in_progress")
    assert as_utc(after.next_reminder_at) == shown


async def _hints(system, location_id: int) -> int:
    history = await system.client.get_workflow_handle(ids.location(location_id)).fetch_history()
    return sum(1 for event in history.events
               if event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED
               and event.workflow_execution_signaled_event_attributes.signal_name
               == "section_b_started")


async def test_a_burst_of_saves_wakes_the_process_once_and_a_lost_hint_is_sent_again(system):
    enrollment = await start_enrollment(system, ["Proj Burst"])
    (email, location_id), = enrollment.locations.items()
    coordinator = await register_coordinator(system, email)
    base = f"/api/v1/locations/{location_id}/section-b"
    for step in ("location", "coordinators", "availability"):
        assert (await coordinator.put(f"{base}/{step}", json=STEP_BODIES[step])).status_code == 200
    await projected(system, location_id, lambda loc: loc.status == "in_progress")
    assert await _hints(system, location_id) == 1, "one wake-up for the first save, not one a step"
    # A location still shown as new whose last save is older than a minute: its hint was
    # lost (say, Temporal was away), so the next save sends it again.
    async with system.sessions() as session:
        location = await session.get(Location, location_id)
        section = await session.get(SectionB, location_id)
        location.status = LocationStatus.NEW
        section.updated_at = as_utc(section.updated_at) - timedelta(minutes=2)
        session.add_all([location, section])
        await session.commit()
    assert (await coordinator.put(f"{base}/location", json=STEP_BODIES["location"])).status_code \
        == 200

    async def sent_again() -> bool:
        return await _hints(system, location_id) == 2

    await eventually(sent_again, timeout=5)


async def test_a_location_whose_process_has_not_written_yet_shows_its_invitation_on_its_way(
        system):
    enrollment = await start_enrollment(system, ["Proj Early"])
    (_email, location_id), = enrollment.locations.items()
    await projected(system, location_id)
    async with system.sessions() as session:  # as in the seconds before the first write
        location = await session.get(Location, location_id)
        location.waiting_on, location.status = None, LocationStatus.NEW
        await session.commit()
    admin = browser(system)
    await admin.login(enrollment.admin_email)
    page = await admin.get("/organization")
    assert "CVMS: sending the vaccine coordinator&#39;s invitation" in page.text
