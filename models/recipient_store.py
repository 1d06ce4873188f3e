"""Storing an upload's valid rows: one INSERT ... ON CONFLICT DO NOTHING for the whole file.

The unique (legal name, date of birth) constraint decides who is new, in the database: a row
for a person already known (from another file, or the same file uploaded again) adds nobody,
and only people this upload created are invited by it. A person the file names who registered
at another location is served by the uploading location too (`RecipientSite`), as a walk-in
there would be: its managers then find them in their list.
"""

from typing import Any

from sqlalchemy import bindparam, func, literal, literal_column, tuple_
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.audit import SERVED_ELSEWHERE, AuditEvent
from models.base import UtcDateTime, insert_or_skip, utcnow
from models.recipient_rules import validate_rows
from models.recipients import Recipient, RecipientSite, RecipientUpload

STORED_COLUMNS = ("first_name", "last_name", "first_key", "last_key", "date_of_birth", "phone",
                  "email", "street", "city", "state", "zip_code", "employer", "industry",
                  "language")


async def insert_recipients(session: AsyncSession, upload: RecipientUpload,
                            records: list[dict[str, Any]]) -> int:
    """Every record in one INSERT ... ON CONFLICT DO NOTHING, executed by the driver's own
    executemany (the column types' bind processors run once per value, not SQLAlchemy's
    per-row parameter machinery); returns how many people this upload added."""
    if not records:
        return 0
    connection = await session.connection()
    dialect = connection.dialect
    if dialect.name != "sqlite":
        return await _insert_unnest(session, connection, upload, records)
    constant = {"location_id": upload.location_id, "upload_id": upload.id,
                "eligibility": "unknown", "registered_late": False, "link_version": 0,
                "created_at": utcnow()}
    columns = [*STORED_COLUMNS, *constant]
    # No questionnaire answers yet: an empty JSON object, written into the statement itself.
    statement = insert_or_skip(dialect.name, Recipient).values(
        {**{c: bindparam(c) for c in columns}, "answers": literal_column("'{}'")})
    compiled = statement.on_conflict_do_nothing(
        index_elements=["first_key", "last_key", "date_of_birth"]).compile(dialect=dialect)
    table = Recipient.__table__
    bind = {c: table.c[c].type.bind_processor(dialect) or (lambda v: v) for c in columns}
    fixed = {c: bind[c](v) for c, v in constant.items()}
    converters = [(c, bind[c]) for c in STORED_COLUMNS]
    rows = [{**{c: convert(r[c]) for c, convert in converters}, **fixed} for r in records]
    if compiled.positiontup is not None:  # qmark / format styles (SQLite): tuples in order
        order = compiled.positiontup
        rows = [tuple(row[c] for c in order) for row in rows]
    await connection.exec_driver_sql(str(compiled), rows)
    return await count(session, Recipient.upload_id == upload.id)


async def serve_known(session: AsyncSession, location_id: int,
                      records: list[dict[str, Any]], chunk: int = 1000) -> int:
    """The file's people registered at another location: the uploading one serves them too
    (one INSERT ... SELECT per thousand rows, matched on the unique identity's index). How many
    it serves from now on."""
    connection = await session.connection()
    stamp = utcnow()
    now = literal(stamp, type_=UtcDateTime())
    for start in range(0, len(records), chunk):
        keys = [(r["first_key"], r["last_key"], r["date_of_birth"])
                for r in records[start:start + chunk]]
        known = select(Recipient.id, literal(location_id), now).where(
            tuple_(Recipient.first_key, Recipient.last_key, Recipient.date_of_birth).in_(keys),
            Recipient.location_id != location_id)
        await session.exec(insert_or_skip(connection.dialect.name, RecipientSite).from_select(
            ["recipient_id", "location_id", "created_at"], known).on_conflict_do_nothing())
    # counted, not the driver's rowcount (psycopg answers -1 for this INSERT ... SELECT)
    return (await session.exec(select(func.count()).select_from(RecipientSite).where(
        RecipientSite.location_id == location_id, RecipientSite.created_at == stamp))).one()


# Postgres: the whole file as one array per column, unnested into the table by one statement
# (one round trip; psycopg's executemany and multi-row VALUES were several times slower).
PG_TYPES = {"date_of_birth": "date"}


async def _insert_unnest(session: AsyncSession, connection, upload: RecipientUpload,
                         records: list[dict[str, Any]]) -> int:
    arrays = ", ".join(f"%({c})s::{PG_TYPES.get(c, 'varchar')}[]" for c in STORED_COLUMNS)
    columns = ", ".join(STORED_COLUMNS)
    # Column names come from STORED_COLUMNS only; every value is a parameter.
    sql = (
        f"INSERT INTO recipient ({columns}, location_id, upload_id, answers, eligibility, "  # noqa: S608
        f"created_at) SELECT *, %(location_id)s, %(upload_id)s, '{{}}'::json, 'unknown', "
        f"%(created_at)s FROM unnest({arrays}) "
        "ON CONFLICT (first_key, last_key, date_of_birth) DO NOTHING")
    params = {c: [r[c] for r in records] for c in STORED_COLUMNS}
    params.update(location_id=upload.location_id, upload_id=upload.id, created_at=utcnow())
    await connection.exec_driver_sql(sql, params)
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
    records = [r for _, r in valid]
    upload.new_recipients = await insert_recipients(session, upload, records)
    if upload.new_recipients < len(records):  # some were known: maybe at another location
        served = await serve_known(session, upload.location_id, records)
        if served:  # records registered elsewhere opened here: audited, as a walk-in's is
            session.add(AuditEvent(
                subject_type="recipient_upload", subject_id=upload.id,
                action=SERVED_ELSEWHERE, actor=f"user:{upload.uploaded_by}",
                detail={"location_id": upload.location_id, "people": served, "how": "upload"}))
    upload.stored = upload.valid_rows
    upload.to_invite = await count(session, Recipient.upload_id == upload.id,
                                   Recipient.email.is_not(None))
    upload.status = "inviting" if upload.to_invite else "done"
    if not upload.to_invite:
        upload.finished_at = utcnow()
    session.add(upload)
