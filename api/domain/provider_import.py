"""The Practicing Provider Bulk Upload template: download, validate by row and column, import."""

from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.domain import section_b
from api.domain.workbook import read_first_sheet
from api.forms import parse
from api.processes import Gateway
from api.processes import helpdesk as case_process
from core.errors import Conflict, Invalid
from core.timefmt import when
from models.accounts import User
from models.enrollment import Location, PracticingProvider, StoredFile
from models.enrollment_enums import LicenseType
from models.enrollment_schemas import ProviderIn
from models.helpdesk import Case, CaseAttachment, CaseMessage, ProviderImport
from models.helpdesk_rules import case_number
from models.helpdesk_schemas import ImportReport, RowError

COLUMNS = [("first_name", "First Name"), ("middle_initial", "Middle Initial"),
           ("last_name", "Last Name"), ("license_type", "License Type"),
           ("license_number", "License Number")]
HEADER_ROW = 3
MAX_PROVIDER_ROWS = 5_000  # one location's providers; far more is a mistake or an attack
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LICENSES = {t.value.lower(): t.value for t in LicenseType}


def template(location_name: str = "") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Practicing Providers"
    sheet["A1"], sheet["B1"] = "Location name", location_name
    for n, (_key, label) in enumerate(COLUMNS, start=1):
        sheet.cell(row=HEADER_ROW, column=n, value=label)
        sheet.column_dimensions["ABCDE"[n - 1]].width = 20
    choices = DataValidation(type="list", formula1='"MD,DO,NP,PA,RPh"', allow_blank=False)
    sheet.add_data_validation(choices)
    choices.add(f"D{HEADER_ROW + 1}:D2000")
    notes = book.create_sheet("Instructions")
    for n, line in enumerate([
            "One file per location: write the location's name in cell B1.",
            "One row per practicing provider, exactly as on the medical license.",
            "License Type: MD, DO, NP, PA or RPh. Middle Initial may be left empty.",
            "Send the completed file to the CVMS Help Desk in a Practicing provider bulk "
            "upload case naming the location."], start=1):
        notes.cell(row=n, column=1, value=line)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


async def read_rows(data: bytes) -> tuple[str, list[tuple[int, dict[str, Any]]]]:
    """The location named in B1 and every non-empty row under the header (parsed off the
    event loop; a malformed or oversized file is a 422 naming the problem)."""
    sheet = await read_first_sheet(data, max_rows=MAX_PROVIDER_ROWS, header_rows=HEADER_ROW,
                                   field="attachment_id")
    location_name, rows = "", []
    for number, cells in enumerate(sheet, start=1):
        if number == 1 and len(cells) > 1:
            location_name = _text(cells[1])
        if number <= HEADER_ROW or not any(c not in (None, "") for c in cells):
            continue
        values = list(cells) + [None] * len(COLUMNS)
        rows.append((number, {key: _text(values[i]) for i, (key, _) in enumerate(COLUMNS)}))
    return location_name, rows


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # spreadsheets store every number as a float: 12345.0 is 12345
    return "" if value is None else str(value).strip()


def _same_place(named: str, location: Location) -> bool:
    return " ".join(named.split()).casefold() == " ".join(location.name.split()).casefold()


def validate(rows: list[tuple[int, dict[str, Any]]],
             existing: set[tuple[str, str]]) -> tuple[list[ProviderIn], list[RowError]]:
    labels = dict(COLUMNS)
    valid, errors, seen = [], [], {}
    for number, values in rows:
        values["license_type"] = LICENSES.get(values["license_type"].lower(),
                                              values["license_type"])
        data, problems = parse(ProviderIn, values)
        row_errors = [RowError(row=number, column=labels.get(field, field), message=message)
                      for field, message in problems.items()]
        if data:
            key = (data.license_type.value, data.license_number.upper())
            if key in seen:
                row_errors.append(RowError(row=number, column="License Number", message=(
                    f"The same license appears on row {seen[key]}.")))
            elif key in existing:
                row_errors.append(RowError(row=number, column="License Number",
                                           message="This provider is already listed."))
            seen.setdefault(key, number)
        errors.extend(row_errors)
        if data and not row_errors:
            valid.append(data)
    return valid, errors


async def _existing(session: AsyncSession, location_id: int) -> set[tuple[str, str]]:
    rows = await session.exec(select(PracticingProvider).where(
        PracticingProvider.location_id == location_id, PracticingProvider.active))
    return {(p.license_type.value, p.license_number.upper()) for p in rows.all()}


async def check(session: AsyncSession, case: Case, attachment_id: int,
                location_id: int) -> tuple[CaseAttachment, Location, list[ProviderIn],
                                           list[RowError]]:
    attachment = await session.get(CaseAttachment, attachment_id)
    if attachment is None or attachment.case_id != case.id:
        raise Invalid("Choose a file attached to this case.", field="attachment_id")
    location = await session.get(Location, location_id)
    if location is None:
        raise Invalid("Choose the location the providers belong to.", field="location_id")
    stored = await session.get(StoredFile, attachment.file_id)
    named, rows = await read_rows(stored.data)
    if not named:
        raise Invalid("The file does not name its location: write the location's name in cell "
                      "B1, as the template asks.", field="attachment_id")
    if case.location_id is not None and case.location_id != location.id:
        about = await session.get(Location, case.location_id)
        raise Invalid(f"This case is about {about.name}, and the file (cell B1) is for "
                      f"“{named}”: a file is imported only into the location its case is "
                      "about. Ask the requester for the right file, or a case for the other "
                      "location.", field="location_id")
    if not _same_place(named, location):
        raise Invalid(f"This file is for “{named}” (cell B1), not for {location.name}. Choose "
                      "the location the file names, or ask for the right file.",
                      field="location_id")
    if not rows:
        raise Invalid("The file has no provider rows under the header row.",
                      field="attachment_id")
    valid, errors = validate(rows, await _existing(session, location.id))
    return attachment, location, valid, errors


async def _not_imported_before(session: AsyncSession, location: Location, digest: str) -> None:
    """The same file (by content), sent again in this or another case, is recognised."""
    earlier = (await session.exec(select(ProviderImport).where(
        ProviderImport.location_id == location.id,
        ProviderImport.file_sha256 == digest))).first()
    if earlier is not None:
        raise Conflict(f"This same file was already imported into {location.name} on "
                       f"{when(earlier.created_at)} (case {case_number(earlier.case_id)}, "
                       f"{earlier.imported} provider(s)). Nothing was imported again.",
                       field="attachment_id")


async def preview(session: AsyncSession, case: Case, attachment_id: int,
                  location_id: int) -> ImportReport:
    attachment, location, valid, errors = await check(session, case, attachment_id,
                                                      location_id)
    await _not_imported_before(session, location,
                               (await session.get(StoredFile, attachment.file_id)).sha256)
    return ImportReport(valid_rows=len(valid), errors=errors, location_id=location.id)


async def run_import(session: AsyncSession, gateway: Gateway, case: Case, agent: User,
                     attachment_id: int, location_id: int, valid_rows_only: bool) -> ImportReport:
    """All rows or none, unless the agent chooses to import only the valid ones; a file is
    imported at most once (a unique import record per attachment)."""
    done = await session.exec(select(ProviderImport).where(
        ProviderImport.attachment_id == attachment_id))
    if done.first() is not None:
        raise Conflict("This file was already imported.", field="attachment_id")
    attachment, location, valid, errors = await check(session, case, attachment_id, location_id)
    digest = (await session.get(StoredFile, attachment.file_id)).sha256
    await _not_imported_before(session, location, digest)
    if errors and not valid_rows_only:
        raise Invalid(f"Nothing was imported: {len(errors)} problem(s) in the file. Fix them, "
                      "or choose to import only the valid rows.", field="attachment_id")
    session.add(ProviderImport(case_id=case.id, attachment_id=attachment.id,
                               location_id=location.id, file_sha256=digest,
                               imported=len(valid),
                               skipped=len(errors), imported_by=agent.id))
    try:
        await session.flush()  # the unique attachment settles a double click here
    except IntegrityError as error:
        raise Conflict("This file was already imported.", field="attachment_id") from error
    if valid:
        connection = await session.connection()  # the bulk form, in the same transaction
        await connection.execute(insert(PracticingProvider), [
            {**row.model_dump(), "location_id": location.id, "source": "bulk",
             "active": True} for row in valid])
    message = CaseMessage(case_id=case.id, author_user_id=agent.id, author_name=agent.full_name,
                          author_kind="agent", body=f"Imported {len(valid)} practicing "
                          f"provider(s) into {location.name}." + (
                              f" {len(errors)} row(s) with problems were skipped."
                              if errors else ""))
    session.add(message)
    await section_b.providers_changed(session, gateway, location, "bulk_upload")
    await session.flush()
    # The import, its providers and the case's message commit together, once the case
    # accepts the message.
    await case_process.message(gateway, session, case.id, "post", message.id, agent.id)
    return ImportReport(valid_rows=len(valid), errors=errors, imported=len(valid),
                        location_id=location.id)
