"""What every bulk upload that arrives as a help-desk case shares: the attached workbook, the
location it names in cell B1, its rows by column, and an import recorded once per file with
a message on the case. Practicing providers and portal users are imported through it."""

import asyncio
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.domain import helpdesk
from api.domain.workbook import read_sheet
from api.processes import Gateway
from api.processes import helpdesk as case_process
from core.errors import Conflict, Invalid
from core.timefmt import when
from core.wording import counted
from models.accounts import User
from models.enrollment import Location, StoredFile
from models.helpdesk import Case, CaseAttachment, CaseMessage, ProviderImport
from models.helpdesk_rules import case_number
from models.helpdesk_schemas import ImportReport, RowError

Rows = list[tuple[int, dict[str, Any]]]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def template(title: str, location_name: str, columns: list[tuple[str, str]], *,
             header_row: int, choices: dict[str, list[str]], instructions: list[str]) -> bytes:
    """A workbook to fill in: the location in B1, the column labels on the header row, lists
    to choose from where a column is a closed vocabulary, and an Instructions sheet."""
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet["A1"], sheet["B1"] = "Location name", location_name
    for n, (_key, label) in enumerate(columns, start=1):
        sheet.cell(row=header_row, column=n, value=label)
        sheet.column_dimensions[get_column_letter(n)].width = 22
    for column, values in choices.items():
        listed = DataValidation(type="list", formula1='"' + ",".join(values) + '"',
                                allow_blank=False)
        sheet.add_data_validation(listed)
        listed.add(f"{column}{header_row + 1}:{column}2000")
    notes = book.create_sheet("Instructions")
    for n, line in enumerate(instructions, start=1):
        notes.cell(row=n, column=1, value=line)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # spreadsheets store every number as a float: 12345.0 is 12345
    return "" if value is None else str(value).strip()


async def read_rows(data: bytes, keys: list[str], *, header_row: int,
                    max_rows: int) -> tuple[str, Rows]:
    """The location named in B1 and every non-empty row under the header (read and shaped off
    the event loop; a malformed or oversized file is a 422 naming the problem)."""
    return await asyncio.to_thread(sheet_rows, data, keys, header_row, max_rows)


def sheet_rows(data: bytes, keys: list[str], header_row: int,
               max_rows: int) -> tuple[str, Rows]:
    """`read_rows` in the calling thread."""
    sheet = read_sheet(data, max_rows, header_row, "attachment_id")
    location_name, rows = "", []
    for number, cells in enumerate(sheet, start=1):
        if number == 1 and len(cells) > 1:
            location_name = cell_text(cells[1])
        if number <= header_row or not any(c not in (None, "") for c in cells):
            continue
        values = list(cells) + [None] * len(keys)
        rows.append((number, {key: cell_text(values[i]) for i, key in enumerate(keys)}))
    return location_name, rows


# What a case's file that is not a workbook is, in words (attachments are checked by content)
KINDS = {"image/png": "a picture", "image/jpeg": "a picture", "application/pdf": "a PDF",
         "text/csv": "a CSV file", "text/plain": "a text file"}


async def _not_a_workbook(session: AsyncSession, case: Case, attachment: CaseAttachment) -> str:
    """A picture or a PDF chosen to import: what it is, and the case's workbook to choose."""
    workbooks = (await session.exec(select(CaseAttachment.filename).where(
        CaseAttachment.case_id == case.id, CaseAttachment.content_type == XLSX_TYPE))).all()
    said = (f"{attachment.filename} is {KINDS.get(attachment.content_type, 'not a workbook')}, "
            "not an Excel workbook (.xlsx): ")
    if len(workbooks) == 1:
        return said + f"choose {workbooks[0]}."
    if workbooks:
        return said + "choose one of the case's workbooks."
    return said + "ask the requester for the template filled in and saved as .xlsx."


def same_place(named: str, location: Location) -> bool:
    return " ".join(named.split()).casefold() == " ".join(location.name.split()).casefold()


async def case_sheet(session: AsyncSession, case: Case, attachment_id: int, location_id: int,
                     keys: list[str], *, header_row: int, max_rows: int,
                     what: str) -> tuple[CaseAttachment, Location, Rows]:
    """The case's attached file, for the location it names, with its rows; `what` names the
    rows in messages ("provider", "user")."""
    attachment = await session.get(CaseAttachment, attachment_id)
    if attachment is None or attachment.case_id != case.id:
        raise Invalid("Choose a file attached to this case.", field="attachment_id")
    if attachment.content_type != XLSX_TYPE:
        raise Invalid(await _not_a_workbook(session, case, attachment), field="attachment_id")
    location = await session.get(Location, location_id)
    if location is None:
        raise Invalid(f"Choose the location the {what}s belong to.", field="location_id")
    stored = await session.get(StoredFile, attachment.file_id)
    named, rows = await read_rows(stored.data, keys, header_row=header_row, max_rows=max_rows)
    if not named:
        raise Invalid("The file does not name its location: write the location's name in cell "
                      "B1, as the template asks.", field="attachment_id")
    if case.location_id is not None and case.location_id != location.id:
        about = await session.get(Location, case.location_id)
        raise Invalid(f"This case is about {about.name}, and the file (cell B1) is for "
                      f"“{named}”: a file is imported only into the location its case is "
                      "about. Ask the requester for the right file, or a case for the other "
                      "location.", field="location_id")
    if not same_place(named, location):
        raise Invalid(f"This file is for “{named}” (cell B1), not for {location.name}. " + (
            f"This case is about {location.name}, and a file is imported only into the location "
            f"its case is about: ask the requester for the file for {location.name}, or to open "
            f"a case for “{named}”." if case.location_id is not None else
            "Choose the location the file names, or ask for the right file."),
            field="location_id")
    if not rows:
        raise Invalid(f"The file has no {what} rows under the header row.",
                      field="attachment_id")
    return attachment, location, rows


async def _already(session: AsyncSession, earlier: ProviderImport, same: str = "") -> Conflict:
    """The refusal of a file imported before, saying when and where (README)."""
    location = await session.get(Location, earlier.location_id)
    return Conflict(f"This {same}file was already imported into {location.name} on "
                    f"{when(earlier.created_at)} (case {case_number(earlier.case_id)}, "
                    f"{counted(earlier.imported, 'row')}). Nothing was imported again.",
                    field="attachment_id")


async def not_imported_yet(session: AsyncSession, attachment_id: int) -> None:
    earlier = (await session.exec(select(ProviderImport).where(
        ProviderImport.attachment_id == attachment_id))).first()
    if earlier is not None:
        raise await _already(session, earlier)


async def not_imported_before(session: AsyncSession, location: Location, digest: str) -> None:
    """The same file (by content), sent again in this or another case, is recognised."""
    earlier = (await session.exec(select(ProviderImport).where(
        ProviderImport.location_id == location.id,
        ProviderImport.file_sha256 == digest))).first()
    if earlier is not None:
        raise await _already(session, earlier, "same ")


class NothingImported(Invalid):
    """An import of all rows refused for the file's problems, with the check's report: the
    page lists them by row, as "Check the file" does."""

    def __init__(self, message: str, report: ImportReport) -> None:
        super().__init__(message, field="attachment_id")
        self.report = report


def nothing_imported(errors: list, report: ImportReport) -> NothingImported:
    """An import of all rows refused for the file's problems (`report`: the file checked)."""
    return NothingImported(f"Nothing was imported: {counted(len(errors), 'problem')} in the "
                           f"file. Fix {'it' if len(errors) == 1 else 'them'}, or choose to "
                           "import only the valid rows.", report)


def skipped_rows(errors: list[RowError], limit: int = 50) -> str:
    """For the requester: how many rows were skipped and each problem by row and column (the
    first `limit`), so they can fix them and send those rows again."""
    if not errors:
        return ""
    rows = len({e.row for e in errors})
    lines = [f"- Row {e.row}, {e.column}: {e.message}" for e in errors[:limit]]
    if len(errors) > limit:
        lines.append(f"- and {counted(len(errors) - limit, 'more problem')}")
    return (f" {counted(rows, 'row')} with problems {'was' if rows == 1 else 'were'} skipped. "
            f"Fix {'it' if rows == 1 else 'them'} and send {'it' if rows == 1 else 'them'} "
            "in a new file:\n" + "\n".join(lines))


async def record_import(session: AsyncSession, gateway: Gateway, case: Case,
                        attachment: CaseAttachment, location: Location, agent: User,
                        imported: int, skipped: int, digest: str | None = None) -> None:
    """The import's record: its unique attachment settles a double click here. Like a reply,
    the import picks up a new case: first, before this request writes anything (the case's
    workflow writes the assignment in a transaction of its own)."""
    await helpdesk.still_open(session, case, agent, "nothing was imported", "attachment_id")
    await helpdesk.not_held_by_another(session, case, agent, "attachment_id")
    await helpdesk.pick_up(session, gateway, case, agent)
    session.add(ProviderImport(case_id=case.id, attachment_id=attachment.id,
                               location_id=location.id, file_sha256=digest, imported=imported,
                               skipped=skipped, imported_by=agent.id))
    try:
        await session.flush()
    except IntegrityError as error:
        raise Conflict("This file was already imported.", field="attachment_id") from error


async def tell_the_case(session: AsyncSession, gateway: Gateway, case: Case, agent: User,
                        body: str) -> None:
    """The import and its rows commit with this message, once the case accepts it."""
    message = CaseMessage(case_id=case.id, author_user_id=agent.id, author_name=agent.full_name,
                          author_kind="agent", body=body)
    session.add(message)
    await session.flush()
    await case_process.message(gateway, session, case.id, "post", message.id, agent.id)
