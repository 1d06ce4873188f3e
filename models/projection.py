"""The one way a workflow's transition reaches the database: status, whom it waits on and
since when, and its audit event, written once (keyed) and never by an older transition."""

from collections.abc import Callable
from typing import Any

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.audit import AuditEvent
from models.base import utcnow


async def project(session: AsyncSession, row: Any, *, subject_type: str, seq: int, status: str,
                  actor: str, detail: dict[str, Any],
                  apply: Callable[[], None] = lambda: None) -> bool:
    """Apply transition `seq` to `row` (a table with status and status_seq). False when this
    transition was already written (a retried activity)."""
    key = f"{subject_type}-{row.id}:status:{seq}"
    found = await session.exec(select(AuditEvent).where(AuditEvent.event_key == key))
    if found.first() is not None:
        return False
    previous = row.status
    if seq > row.status_seq:
        if previous != status and hasattr(row, "status_since"):
            row.status_since = utcnow()
        row.status, row.status_seq = status, seq
        apply()
        session.add(row)
    session.add(AuditEvent(event_key=key, subject_type=subject_type, subject_id=row.id,
                           action=f"status:{status}", actor=actor,
                           detail={"from": previous, **detail}))
    return True


def project_reminder(row: Any, due: Any) -> None:
    """Write the next reminder (a contracts.ReminderDue) into `row`, unless a newer one is
    already there (the workflow's writes can land out of order)."""
    if due is not None and due.seq > row.reminder_seq:
        row.next_reminder_at, row.reminders_sent, row.reminder_seq = due.at, due.sent, due.seq
