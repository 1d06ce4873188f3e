"""Storing an upload's valid rows: one INSERT ... ON CONFLICT DO NOTHING for the whole file.

The unique (legal name, date of birth) constraint decides who is new, in the database: a row
for a person already known (from another file, or the same file uploaded again) adds nobody,
and only people this upload created are invited by it.
"""

from typing import Any

from sqlalchemy import func, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.base import utcnow
from models.recipient_rules import validate_rows
from models.recipients import Recipient, RecipientUpload

STORED_COLUMNS = ("first_name", "last_name", "first_key", "last_key", "date_of_birth", "phone",
                  "email", "street", "city", "state", "zip_code", "employer", "industry",
                  "language")


def _insert(dialect: str):
    if dialect == "postgresql":
        return postgresql.insert(Recipient)
    if dialect == "sqlite":
        return sqlite.insert(Recipient)
    return insert(Recipient)


async def insert_recipients(session: AsyncSession, upload: RecipientUpload,
                            records: list[dict[str, Any]]) -> int:
    """Every record in one statement; returns how many people are new."""
    if not records:
        return 0
    now = utcnow()
    values = [{**{k: r[k] for k in STORED_COLUMNS}, "location_id": upload.location_id,
               "upload_id": upload.id, "answers": {}, "eligibility": "unknown",
               "created_at": now} for r in records]
    connection = await session.connection()
    statement = _insert(connection.dialect.name).on_conflict_do_nothing(
        index_elements=["first_key", "last_key", "date_of_birth"])
    await connection.execute(statement, values)
    return await count(session, Recipient.upload_id == upload.id)


async def count(session: AsyncSession, *where) -> int:
    result = await session.exec(select(func.count()).select_from(Recipient).where(*where))
    return result.one()


def check(upload: RecipientUpload) -> list[tuple[int, dict[str, Any]]]:
    """Validate the upload's rows and record the outcome on it; the valid rows."""
    valid, errors = validate_rows(upload.rows)
    upload.validated = upload.total_rows
    # A row naming a person named higher up in the file is valid too: the same person.
    upload.valid_rows = upload.total_rows - len({e["row"] for e in errors})
    upload.errors = errors
    return valid


def refused(upload: RecipientUpload) -> bool:
    """A file with problems imports nothing unless the uploader chose the valid rows only."""
    return bool(upload.errors) and not upload.valid_rows_only


async def store(session: AsyncSession, upload: RecipientUpload) -> None:
    """Validate and store in one transaction (the caller's): all valid rows, or none."""
    valid = check(upload)
    if refused(upload):
        upload.status = "refused"
        upload.finished_at = utcnow()
        session.add(upload)
        return
    upload.new_recipients = await insert_recipients(session, upload, [r for _, r in valid])
    upload.stored = upload.valid_rows
    upload.to_invite = await count(session, Recipient.upload_id == upload.id,
                                   Recipient.email.is_not(None))
    upload.status = "inviting" if upload.to_invite else "done"
    if not upload.to_invite:
        upload.finished_at = utcnow()
    session.add(upload)
