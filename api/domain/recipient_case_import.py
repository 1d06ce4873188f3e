"""Recipient lists larger than one upload (more than 5,000 rows): the Location Manager or
organization contact attaches the file to a Recipient bulk upload case, and a help-desk agent
imports it from the case, in parts of at most 5,000 rows, each part an ordinary upload handled
by the same import process (validated, stored, invited once, its progress on its own page).

The whole file is checked first: with problems, nothing is imported unless the agent chooses
the valid rows only. The file is imported once (by attachment, and by content into the same
location), and the parts belong to the requester, who sees them among their uploads."""

from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from api.domain import case_imports, recipient_files
from api.domain.recipients_scope import may_upload_recipients
from api.processes import Gateway
from api.processes import recipients as process
from core.errors import Conflict, Forbidden, Invalid
from core.wording import counted
from models.accounts import User
from models.enrollment import Location, StoredFile
from models.helpdesk import Case, CaseAttachment
from models.helpdesk_rules import Category
from models.helpdesk_schemas import ImportReport, RowError
from models.recipient_rules import MAX_ROWS, validate_rows
from models.recipients import RecipientUpload

MAX_CASE_ROWS = 50_000  # ten parts; a bigger list comes in several cases
FIELD = "attachment_id"


def parts_of(rows: list, size: int = MAX_ROWS) -> list[list]:
    return [rows[start:start + size] for start in range(0, len(rows), size)]


@dataclass
class CaseFile:
    attachment: CaseAttachment
    stored: StoredFile
    location: Location
    requester: User
    kind: str
    rows: list
    errors: list


async def check(session: AsyncSession, case: Case, attachment_id: int,
                location_id: int) -> CaseFile:
    """The case's file for a location its requester may upload recipients for, validated."""
    if case.category != Category.RECIPIENT_BULK_UPLOAD:
        raise Conflict("Recipients are imported from a Recipient bulk upload case.", field=FIELD)
    attachment = await session.get(CaseAttachment, attachment_id)
    if attachment is None or attachment.case_id != case.id:
        raise Invalid("Choose a file attached to this case.", field=FIELD)
    location = await session.get(Location, location_id)
    if location is None:
        raise Invalid("Choose the location the recipients register at.", field="location_id")
    if case.location_id is not None and case.location_id != location.id:
        about = await session.get(Location, case.location_id)
        raise Invalid(f"This case is about {about.name}: its file is imported only there.",
                      field="location_id")
    requester = await session.get(User, case.requester_user_id) if case.requester_user_id \
        else None
    if requester is None or not await may_upload_recipients(session, requester, location.id):
        raise Forbidden("The person who opened this case may not upload recipients for that "
                        "location (a Location Manager of it, or the point of contact of an "
                        "organization it registered).", field="location_id")
    stored = await session.get(StoredFile, attachment.file_id)
    try:
        kind, rows = await recipient_files.read_upload(attachment.filename, stored.data,
                                                       max_rows=MAX_CASE_ROWS, field=FIELD)
    except recipient_files.TooManyRows as error:
        raise Invalid(f"This file has more than {MAX_CASE_ROWS:,} rows: ask the requester to "
                      "split it over several cases.", field=FIELD) from error
    _valid, errors = validate_rows(rows)
    return CaseFile(attachment, stored, location, requester, kind, rows, errors)


def _report(rows, errors, location: Location, imported: bool = False) -> ImportReport:
    """The rows without a problem (the same person twice in a file is one row's worth, as in
    an upload); on an import, those are the ones imported."""
    valid_rows = len(rows) - len({e["row"] for e in errors})
    return ImportReport(valid_rows=valid_rows, imported=valid_rows if imported else 0,
                        errors=[RowError(**e) for e in errors[:500]], location_id=location.id)


async def preview(session: AsyncSession, case: Case, attachment_id: int,
                  location_id: int) -> ImportReport:
    found = await check(session, case, attachment_id, location_id)
    return _report(found.rows, found.errors, found.location)


async def run_import(session: AsyncSession, gateway: Gateway, case: Case, agent: User,
                     attachment_id: int, location_id: int, valid_rows_only: bool,
                     link: Callable[[str], str] = str) -> ImportReport:
    """`link` makes a path the address the requester opens from the case's email."""
    await case_imports.not_imported_yet(session, attachment_id)
    found = await check(session, case, attachment_id, location_id)
    attachment, location, rows, errors = found.attachment, found.location, found.rows, found.errors
    if errors and not valid_rows_only:
        raise case_imports.nothing_imported(errors, _report(rows, errors, location))
    await case_imports.not_imported_before(session, location, found.stored.sha256)
    report = _report(rows, errors, location, imported=True)
    await case_imports.record_import(session, gateway, case, attachment, location, agent,
                                     report.imported, len(rows) - report.imported,
                                     found.stored.sha256)
    parts = parts_of(rows)
    stem = attachment.filename.rsplit(".", 1)[0]
    uploads = []
    for n, part in enumerate(parts, start=1):
        upload = RecipientUpload(
            location_id=location.id, uploaded_by=found.requester.id, file_kind=found.kind,
            csv_separator=recipient_files.separator(found.kind, found.stored.data),
            filename=f"{stem} (part {n} of {len(parts)}).{found.kind}"[-200:],
            valid_rows_only=valid_rows_only, total_rows=len(part), rows=part, background=True)
        session.add(upload)
        await session.flush()
        uploads.append(upload)
        await process.start_import(gateway, session, upload.id, upload.total_rows)
    await case_imports.tell_the_case(session, gateway, case, agent, (
        f"Your file is being imported into {location.name} in {counted(len(parts), 'part')} "
        f"of at most {MAX_ROWS:,} rows: {counted(report.imported, 'recipient row')}"
        + (f", {counted(len(rows) - report.imported, 'row')} with problems skipped" if errors
           else "")
        + ". Each new person is emailed an invitation once, and you are emailed as each part "
        "finishes. Follow them among your uploads: "
        + ", ".join(link(f"/recipients/uploads/{u.id}") for u in uploads)))
    return report
