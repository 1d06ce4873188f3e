"""The projection helper on a real database: a transition's audit event is written once by
whichever attempt gets there first (an INSERT that skips a written key, no read before it),
and an older transition never overwrites a newer status."""

import asyncio

from sqlalchemy import event
from sqlmodel import select

from models.audit import AuditEvent
from models.enrollment import Location
from models.enrollment_enums import LocationStatus
from models.projection import project
from tests.support.recipients import location_manager


async def _project(system, location_id: int, seq: int, status: LocationStatus) -> bool:
    async with system.sessions() as session:
        location = await session.get(Location, location_id)
        written = await project(session, location, subject_type="location", seq=seq,
                                status=status, actor="test", detail={"seq": seq})
        await session.commit()
        return written


async def test_a_transition_is_written_once_and_never_goes_back(system):
    location_id = (await location_manager(system)).location_id
    twins = await asyncio.gather(*(_project(system, location_id, 5, LocationStatus.IN_PROGRESS)
                                   for _ in range(3)))
    assert sorted(twins) == [False, False, True], "a retried activity writes nothing again"
    statements = []

    def seen(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(system.engine.sync_engine, "before_cursor_execute", seen)
    try:
        assert await _project(system, location_id, 3, LocationStatus.NEW), "late, but audited"
    finally:
        event.remove(system.engine.sync_engine, "before_cursor_execute", seen)
    assert [s.split()[0] for s in statements if "audit_event" in s] == ["INSERT"], statements
    async with system.sessions() as session:
        location = await session.get(Location, location_id)
        assert (location.status, location.status_seq) == (LocationStatus.IN_PROGRESS, 5)
        events = (await session.exec(select(AuditEvent).where(
            AuditEvent.subject_type == "location", AuditEvent.subject_id == location_id)
            .order_by(AuditEvent.id))).all()
    assert [(e.event_key, e.action, e.detail) for e in events] == [
        (f"location-{location_id}:status:5", "status:in_progress",
         {"from": "new", "seq": 5}),
        (f"location-{location_id}:status:3", "status:new", {"from": "in_progress", "seq": 3})]
