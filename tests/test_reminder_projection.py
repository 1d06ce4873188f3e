"""The next Section B reminder is projected by the location's workflow: pages that list
locations read the database and ask no workflow."""

from datetime import datetime, timedelta

from api.processes.gateway import Gateway
from core.timefmt import day
from models.base import as_utc
from tests.support.enrollment import (
    STEP_BODIES,
    projected,
    register_coordinator,
    start_enrollment,
)
from tests.support.web import browser

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
