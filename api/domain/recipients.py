"""Recipient bulk uploads and the Location Manager's list of recipients.

Up to 100 rows are validated and stored in the request's own transaction (the uploader waits
a fraction of a second); larger files are stored as rows on the upload and handed to its
import process. Either way the import process sends the invitations.
"""

import asyncio
import json
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, exists, false, func, or_, update
from sqlalchemy.orm import defer
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.domain import recipient_files
from api.domain.care import keeps_details, served_at, typed_name
from api.domain.recipients_scope import (
    contact_employer,
    may_manage_recipients,
    recipient_location,
    upload_location,
)
from api.processes import Gateway
from api.processes import recipients as process
from core.db import EncodedJSON
from core.errors import Conflict, NotFound
from models.accounts import User
from models.administrations import RECORDED, Administration
from models.audit import AuditEvent
from models.eligibility import evaluate
from models.input import CONTROL
from models.inventory import Product
from models.recipient_rules import SMALL_FILE, repeats
from models.recipient_store import store
from models.recipients import Recipient, RecipientSite, RecipientUpload

PAGE_SIZE = 25
NO_UPLOAD = "We could not find that upload among the uploads you can open."
NOTHING_VALID = "No row of this file can be imported: fix the file and upload it again."
IMPORTING = ("This file's valid rows are being imported already: its import is among the "
             "uploads on the Bulk Registration page.")
NO_RECIPIENT = "We could not find that recipient among the people of your locations."


ENCODE_CHUNK = 250  # rows per json.dumps call (~0.6 ms): the event loop gets its turn between


def encode_rows(rows: list) -> EncodedJSON:
    """An upload's rows as the JSON its column stores, run in a thread so that the other
    requests are not held while it runs: 1.6 MB and 12-28 ms for 5,000 rows, which one
    json.dumps call would spend without letting the event loop's thread in (it keeps the GIL),
    so it encodes a few hundred rows at a time. The same bytes as json.dumps(rows)."""
    parts = (json.dumps(rows[i:i + ENCODE_CHUNK])[1:-1]
             for i in range(0, len(rows), ENCODE_CHUNK))
    return EncodedJSON("[" + ", ".join(parts) + "]")


async def upload(session: AsyncSession, gateway: Gateway, user: User, location_id: int,
                 filename: str, data: bytes, valid_rows_only: bool) -> RecipientUpload:
    location = await upload_location(session, user, location_id)
    kind, rows, sheet = await recipient_files.read_list(filename, data)
    employer = await contact_employer(session, user)
    if employer is not None:  # an organization's own employees: its name where left blank,
        for _number, cells in rows:  # and then its industry where that is blank too
            if not cells.get("employer"):
                cells["employer"] = employer.name
                cells["industry"] = cells.get("industry") or employer.industry
    total, background = len(rows), len(rows) > SMALL_FILE
    if background:  # its rows are read by the import process, not in this request
        rows = await asyncio.to_thread(encode_rows, rows)
    upload = RecipientUpload(location_id=location.id, uploaded_by=user.id,
                             filename=filename[-200:] or f"recipients.{kind}", file_kind=kind,
                             csv_separator=recipient_files.separator(kind, data),
                             sheet_name=sheet and sheet[:100], valid_rows_only=valid_rows_only,
                             total_rows=total, rows=rows, background=background)
    session.add(upload)
    await session.flush()
    if not upload.background:
        await store(session, upload)  # validated and stored while the uploader waits
    # Its process emails the outcome, a refusal too (nothing stored: it only tells the uploader)
    await process.start_import(gateway, session, upload.id, upload.total_rows)
    return upload


async def valid_rows_only(session: AsyncSession, gateway: Gateway, user: User,
                          upload_id: int) -> RecipientUpload:
    """The same file again, importing only its valid rows (after a refused upload), once: a
    second press (Back, another tab, a refused upload of the same rows) answers with the
    upload that imported them, importing nothing and emailing nobody again."""
    first = await upload_for(session, user, upload_id, with_rows=True)
    if first.status != "refused":
        raise Conflict("This upload was imported already.")
    if not first.valid_rows:
        raise Conflict(NOTHING_VALID)
    if (done := await valid_rows_import(session, user, first)) is not None:
        return done
    # Claimed by one press only: the refused upload marked as chosen for its valid rows, on
    # the condition that nobody has (two tabs at once: the second waits, then changes nothing).
    claimed = await session.exec(update(RecipientUpload).where(
        RecipientUpload.id == first.id, RecipientUpload.status == "refused",
        RecipientUpload.valid_rows_only.is_(False)).values(valid_rows_only=True)
        .execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        if (done := await valid_rows_import(session, user, first)) is not None:
            return done
        raise Conflict(IMPORTING)
    again = RecipientUpload(location_id=first.location_id, uploaded_by=user.id,
                            filename=first.filename, file_kind=first.file_kind,
                            csv_separator=first.csv_separator, sheet_name=first.sheet_name,
                            valid_rows_only=True, total_rows=first.total_rows, rows=first.rows,
                            background=first.background)
    session.add(again)
    await session.flush()
    if not again.background:
        await store(session, again)
    await process.start_import(gateway, session, again.id, again.total_rows)
    return again


async def valid_rows_import(session: AsyncSession, user: User,
                            upload: RecipientUpload) -> RecipientUpload | None:
    """The upload that imported a refused upload's valid rows: its own "valid rows only"
    import, or one of another upload of the very same rows at its location (the same file
    uploaded again, refused or with "valid rows only"), which this user may open."""
    if upload.status != "refused" or not upload.valid_rows:
        return None
    mine = ([RecipientUpload.uploaded_by == user.id]
            if await contact_employer(session, user) is not None else [])
    candidates = (await session.exec(select(RecipientUpload.id).where(
        RecipientUpload.location_id == upload.location_id, RecipientUpload.id != upload.id,
        RecipientUpload.valid_rows_only.is_(True), RecipientUpload.status != "refused",
        RecipientUpload.total_rows == upload.total_rows, *mine)
        .order_by(RecipientUpload.id).limit(20))).all()
    if not candidates:
        return None
    rows = (await session.exec(select(RecipientUpload.rows).where(
        RecipientUpload.id == upload.id))).one()
    for candidate in candidates:
        theirs = (await session.exec(select(RecipientUpload.rows).where(
            RecipientUpload.id == candidate))).one()
        if theirs == rows:
            return await session.get(RecipientUpload, candidate, options=[NO_ROWS])
    return None


# An upload's rows are up to 5,000 parsed rows (~1 MB of JSON): read only where they are used,
# never for its progress (polled every second by the progress bar) or in a list of uploads.
NO_ROWS = defer(RecipientUpload.rows)


async def upload_for(session: AsyncSession, user: User, upload_id: int,
                     with_rows: bool = False) -> RecipientUpload:
    """An upload its uploader's location managers may open; a point of contact, their own."""
    found = await session.get(RecipientUpload, upload_id,
                              options=[] if with_rows else [NO_ROWS])
    if found is None:
        raise NotFound(NO_UPLOAD)
    if await contact_employer(session, user) is not None:
        if found.uploaded_by != user.id:
            raise NotFound(NO_UPLOAD)
        return found
    try:
        await recipient_location(session, user, found.location_id)
    except NotFound as error:
        raise NotFound(NO_UPLOAD) from error
    return found


async def repeated_rows(session: AsyncSession, upload: RecipientUpload) -> list[tuple[int, int]]:
    """The valid rows of a checked upload that repeat a row above them in the same file: said
    before the uploader chooses to import a refused file's valid rows, and after an import
    (none is looked for when every stored row made a new recipient)."""
    if upload.status == "refused":
        if upload.valid_rows < 2:
            return []
    elif upload.status != "done" or upload.stored <= upload.new_recipients:
        return []
    rows = (await session.exec(select(RecipientUpload.rows).where(
        RecipientUpload.id == upload.id))).one()
    return await asyncio.to_thread(repeats, rows, {e["row"] for e in upload.errors})


def progress(upload: RecipientUpload) -> dict:
    """What the progress bar shows: small numbers only (no personal data)."""
    done = upload.status in ("done", "refused")
    steps = upload.total_rows * 2 + upload.to_invite
    reached = upload.validated + upload.stored + upload.invited
    checked = upload.status != "validating"  # rows are counted as errors once checked
    return {"id": upload.id, "status": upload.status, "finished": done,
            "total_rows": upload.total_rows, "validated": upload.validated,
            "valid_rows": upload.valid_rows, "errors": len(upload.errors),
            "error_rows": upload.total_rows - upload.valid_rows if checked else 0,
            "unchecked_rows": 0 if checked else upload.total_rows - upload.validated,
            "stored": upload.stored,
            "new_recipients": upload.new_recipients, "to_invite": upload.to_invite,
            "invited": upload.invited,
            # finished, the people with an address not invited: the relay refused theirs
            "undelivered": max(upload.to_invite - upload.invited, 0) if done else 0,
            "percent": 100 if done else min(99, int(100 * reached / max(steps, 1)))}


async def recent_uploads(session: AsyncSession, location_id: int,
                         uploaded_by: int | None = None) -> list[RecipientUpload]:
    mine = [RecipientUpload.uploaded_by == uploaded_by] if uploaded_by else []
    result = await session.exec(select(RecipientUpload).options(NO_ROWS).where(
        RecipientUpload.location_id == location_id, *mine)
        .order_by(col(RecipientUpload.id).desc()).limit(10))
    return list(result.all())


@dataclass(frozen=True)
class Vaccination:
    doses: int = 0  # the highest dose number recorded (0: none)
    last_on: date | None = None
    complete: bool = False


@dataclass
class RecipientPage:
    items: list[Recipient]
    total: int
    page: int
    pages: int
    vaccination: dict[int, Vaccination] = field(default_factory=dict)  # by recipient id


def _given(column, *where):
    """A recorded dose's `column`, aggregated per listed recipient: read in the page's own
    query (an index lookup per row on the page), never a query per row."""
    return (select(column).select_from(Administration)
            .where(Administration.recipient_id == Recipient.id,
                   Administration.status == RECORDED, *where)
            .correlate(Recipient).scalar_subquery())


VACCINATED = exists().where(Administration.recipient_id == Recipient.id,
                            Administration.status == RECORDED)
DOSES = _given(func.max(Administration.dose_number))
LAST_ON = _given(func.max(Administration.administered_on))
COMPLETE = _given(func.count(), exists().where(
    Product.id == Administration.product_id,
    Administration.dose_number >= Product.doses_in_series))


async def search(session: AsyncSession, location_id: int, q: str = "", status: str = "",
                 page: int = 1) -> RecipientPage:
    """Recipients of a location (registered there, or served there too), registered or
    invited, by name or email, a page at a time."""
    where = [served_at(location_id)]
    if CONTROL.search(q):  # no name holds one, and Postgres refuses a NUL in a parameter
        where.append(false())
    elif q.strip():
        by_email = and_(Recipient.location_id == location_id,  # their own only
                        func.lower(Recipient.email) == " ".join(q.split()).lower())
        named = typed_name(q)
        where.append(by_email if named is None else or_(named, by_email))
    if status == "registered":
        where.append(col(Recipient.registered_at).is_not(None))
    elif status == "invited":
        where.append(col(Recipient.registered_at).is_(None))
    elif status == "vaccinated":
        where.append(VACCINATED)
    total = (await session.exec(select(func.count()).select_from(Recipient)
                                .where(*where))).one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = (await session.exec(select(Recipient, DOSES, LAST_ON, COMPLETE).where(*where)
                               .order_by(Recipient.last_key, Recipient.first_key, Recipient.id)
                               .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE))).all()
    return RecipientPage(items=[r for r, *_ in rows], total=total, page=page, pages=pages,
                         vaccination={r.id: Vaccination(doses or 0, last_on, bool(complete))
                                      for r, doses, last_on, complete in rows})


def eligibility_now(person: Recipient) -> tuple[str, str | None]:
    """The status under today's rules (the state may change them; the stored projection is
    from the recipient's last save), for a registered person; else what is stored."""
    if person.registered_at is None:
        return person.eligibility, person.eligibility_group
    result = evaluate(person.date_of_birth, person.industry, person.answers)
    return result.status, result.group


async def recipient_for(session: AsyncSession, user: User, recipient_id: int) -> Recipient:
    """A recipient's record for staff; every view is written to the audit log."""
    found = await session.get(Recipient, recipient_id)
    if found is None:
        raise NotFound(NO_RECIPIENT)
    served = (await session.exec(select(RecipientSite.location_id).where(
        RecipientSite.recipient_id == found.id))).all()
    if not await _managed_sites(session, user, found, served):
        raise NotFound(NO_RECIPIENT)
    session.add(AuditEvent(subject_type="recipient", subject_id=found.id, action="viewed",
                           actor=user.audit_name,
                           detail={"user_id": user.id, "location_id": found.location_id}))
    return found


async def _managed_sites(session: AsyncSession, user: User, person: Recipient,
                         served: list[int]) -> list[int]:
    """The locations this staff member manages that have this person: where they registered,
    or serve them too."""
    return [i for i in (person.location_id, *served)
            if await may_manage_recipients(session, user, i)]


async def sees_details(session: AsyncSession, user: User, person: Recipient) -> bool:
    """May this manager see the person's contact details, answers and portal link: at a
    location of theirs that keeps them (care.keeps_details), not only one that serves them."""
    served = (await session.exec(select(RecipientSite.location_id).where(
        RecipientSite.recipient_id == person.id))).all()
    return any([await keeps_details(session, i, person)
                for i in await _managed_sites(session, user, person, list(served))])
