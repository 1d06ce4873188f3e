"""The one way a workflow's transition reaches the database: status, whom it waits on and
since when, and its audit event, written once (keyed) and never by an older transition."""

from collections.abc import Callable
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from models.audit import AuditEvent
from models.base import insert_or_skip, utcnow


async def project(session: AsyncSession, row: Any, *, subject_type: str, seq: int, status: str,
                  actor: str, detail: dict[str, Any],
                  apply: Callable[[], None] = lambda: None) -> bool:
    """Apply transition `seq` to `row` (a table with status and status_seq). False when this
    transition was already written (a retried activity)."""
    key = f"{subject_type}-{row.id}:status:{seq}"
    previous = row.status
    written = await session.exec(insert_or_skip(session.bind.dialect.name, AuditEvent).values(
        event_key=key, subject_type=subject_type, subject_id=row.id, action=f"status:{status}",
        actor=actor, detail={"from": previous, **detail}, at=utcnow(),
    ).on_conflict_do_nothing(index_elements=["event_key"]).returning(AuditEvent.id))
    if written.first() is None:
        return False
    if seq > row.status_seq:
        if previous != status and hasattr(row, "status_since"):
            row.status_since = utcnow()
        row.status, row.status_seq = status, seq
        apply()
        session.add(row)
    return True


def project_reminder(row: Any, due: Any) -> None:
    """Write the next reminder (a contracts.ReminderDue) into `row`, unless a newer one is
    already there (the workflow's writes can land out of order)."""
    if due is not None and due.seq > row.reminder_seq:
        row.next_reminder_at, row.reminders_sent, row.reminder_seq = due.at, due.sent, due.seq
