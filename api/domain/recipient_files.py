"""The Recipient Bulk Upload template (xlsx; CSV accepted), reading an upload into rows, and
the same file given back with an Errors column."""

import asyncio
import codecs
import csv
import io
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet.datavalidation import DataValidation

from api.domain.attachments import EMPTY
from api.domain.workbook import Unreadable, read_sheet, sheet_names
from core.cells import safe_cell
from core.errors import CVMSError, Invalid
from core.i18n import gettext
from models.enrollment_enums import US_STATES
from models.input import visible
from models.recipient_rules import COLUMNS, INDUSTRIES, KEYS, MAX_ROWS, TITLES

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
READ_CAP = MAX_ROWS * 4  # read past the limit to say how far over a file is, within reason
FIELD = "file"
NOT_A_LIST = ("This file is not an Excel (.xlsx) or CSV file: upload the Recipient Bulk Upload "
              "template, filled in and saved as .xlsx (or as .csv).")
HELP_SUBJECT = "Recipient bulk upload of more than 5,000 rows"
INSTRUCTIONS = [
    "One row per person, with their legal first and last name (no nicknames or aliases).",
    "Date of Birth: MM/DD/YYYY. Phone: 10 digits. Email: optional (without it, no email "
    "invitation or reminders).",
    "State: the two-letter code (NC) or the full name (North Carolina). Employer: optional.",
    "Industry: one of " + "; ".join(INDUSTRIES.values()) + ".",
    "Preferred Language: English or Spanish (the invitation email is sent in it).",
    f"Up to 100 rows are imported at once; 101 to {MAX_ROWS:,} in the background. Larger "
    "lists: open a help-desk case.",
]


class TooManyRows(CVMSError):
    status_code = 413
    code = "too_many_rows"

    def __init__(self, rows: int | None) -> None:
        counted = f"has {rows:,} rows" if rows else f"has more than {READ_CAP:,} rows"
        super().__init__(f"This file {counted}; a file may have at most {MAX_ROWS:,} "
                         "recipients. Send larger lists to the help desk in a Recipient bulk "
                         "upload case, and an agent imports them for you.", field=FIELD)
        self.help_url = help_case_url()


def help_case_url(location_id: int | None = None) -> str:
    """The new case form for a list too large to upload, about `location_id`'s list when
    known (the form then has that location chosen)."""
    from urllib.parse import urlencode
    about = {"location_id": location_id} if location_id is not None else {}
    return "/help/cases/new?" + urlencode({"category": "recipient_bulk_upload",
                                           "subject": HELP_SUBJECT, **about})


def template() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Recipients"
    for n, (_key, title) in enumerate(COLUMNS, start=1):
        sheet.cell(row=1, column=n, value=title)
        sheet.column_dimensions[chr(64 + n)].width = 22
    for formula, col in ((",".join(INDUSTRIES.values()), "K"), ("English,Spanish", "L")):
        rule = DataValidation(type="list", formula1=f'"{formula}"', allow_blank=False)
        sheet.add_data_validation(rule)
        rule.add(f"{col}2:{col}{MAX_ROWS + 1}")
    states = DataValidation(type="list", formula1='"' + ",".join(US_STATES) + '"')
    sheet.add_data_validation(states)
    states.add(f"H2:H{MAX_ROWS + 1}")
    notes = book.create_sheet("Instructions")
    for n, line in enumerate(INSTRUCTIONS, start=1):
        notes.cell(row=n, column=1, value=line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text(value: Any) -> str:
    if type(value) is str:  # most cells: the fast path for 60,000 of them
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # spreadsheets keep numbers (a phone, a ZIP code) as floats
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value).strip()


def _a_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _number_zip(value: float) -> str:
    """A ZIP code Excel kept as a number (a cell of the General, Number or "Zip Code"
    format): its leading zeros are gone (02134 is 2134, 02134-1234 is 21341234). Its digits are
    padded back, to 5 (a ZIP code) or, past 5, to 9 (ZIP+4, hyphenated). Text (a CSV file, a
    text cell) is taken as typed: "2134" there is refused as a mistyped ZIP code."""
    if not float(value).is_integer() or value < 0:
        return _text(value)
    digits = str(int(value))
    if len(digits) <= 5:
        return digits.zfill(5)
    if len(digits) <= 9:
        digits = digits.zfill(9)
        return f"{digits[:5]}-{digits[5:]}"
    return digits


async def read_upload(filename: str, data: bytes, *, max_rows: int = MAX_ROWS,
                      field: str = FIELD) -> tuple[str, list[list[Any]]]:
    """(kind, [[row number, {column key: text}], ...]) of a template-shaped file. A help-desk
    agent reads larger files (`max_rows`), imported in parts of at most MAX_ROWS. Read and
    shaped off the event loop."""
    kind, rows, _sheet = await read_list(filename, data, max_rows=max_rows, field=field)
    return kind, rows


async def read_list(filename: str, data: bytes, *, max_rows: int = MAX_ROWS,
                    field: str = FIELD) -> tuple[str, list[list[Any]], str | None]:
    """`read_upload`, with the name of the workbook's sheet the list was read from (None for
    a CSV file), which the upload's page names."""
    if not data:  # a file was chosen (it has a name) but holds nothing
        raise Invalid(gettext(EMPTY).format(name=filename or "The file"), field=field)
    kind = filename.lower().rsplit(".", 1)[-1]
    if kind not in ("csv", "xlsx"):
        raise Invalid(NOT_A_LIST, field=field)
    rows, sheet = await asyncio.to_thread(_read, kind, data, max_rows, field)
    return kind, rows, sheet


def _read(kind: str, data: bytes, max_rows: int, field: str
          ) -> tuple[list[list[Any]], str | None]:
    cap = max(READ_CAP, max_rows)
    sheet, name = (_csv(data, cap, field), None) if kind == "csv" else _xlsx(data, cap, field)
    if not sheet:
        raise Invalid("This file is empty. Start from the template.", field=FIELD)
    positions = _columns(sheet[0])
    zip_at = positions["zip_code"]
    rows = []
    for number, cells in enumerate(sheet[1:], start=2):
        if not _blank_row(cells):
            values = {key: _text(cells[i]) if i < len(cells) else ""
                      for key, i in positions.items()}
            if zip_at < len(cells) and _a_number(cells[zip_at]):
                values["zip_code"] = _number_zip(cells[zip_at])
            rows.append([number, values])
    if len(rows) > max_rows:
        raise TooManyRows(len(rows))
    if not rows:
        raise Invalid("The file has no recipients under its header row.", field=field)
    return rows, name


def _blank_row(cells: list[Any]) -> bool:
    """A row with nothing visible in it (cells empty, or holding only spaces): no person."""
    return all(c is None or (isinstance(c, str) and not visible(c)) for c in cells)


MAX_SHEETS = 20  # sheets looked through for the list when the first is not it


def _xlsx(data: bytes, cap: int, field: str) -> tuple[list[list[Any]], str]:
    """The workbook's list and its sheet's name: its first sheet, as the template has it. A
    first sheet that is no list of recipients (instructions, a cover page: none of the columns
    on its row 1) is passed over for the one other sheet that has the header row; a first
    sheet with some of the columns is the list, its missing columns named with the sheet's
    name."""
    first = _sheet(data, cap, field, 0)
    header = first[0] if first else []
    names = sheet_names(data, field)
    if not _missing(header):
        # Another sheet with people under the header row would be dropped without a word.
        lists = [name for index, name in enumerate(names[1:MAX_SHEETS], start=1)
                 if (rows := _sheet(data, cap, field, index, probe=True)) and not _missing(rows[0])
                 and any(not _blank_row(cells) for cells in rows[1:])]
        if lists:
            raise Invalid(_several_lists([names[0], *lists]), field=field)
        return first, names[0]
    if len(_missing(header)) < len(REQUIRED_TITLES) or len(names) == 1:
        if not first:
            return first, names[0]  # "This file is empty."
        raise Invalid(_missing_columns(header, names[0]), field=field)
    lists = [(name, rows) for index, name in enumerate(names[1:MAX_SHEETS], start=1)
             if (rows := _sheet(data, cap, field, index, probe=True)) and not _missing(rows[0])]
    if len(lists) == 1:
        return lists[0][1], lists[0][0]
    if lists:
        raise Invalid(_several_lists([name for name, _rows in lists]), field=field)
    raise Invalid(f"The first sheet, \"{names[0]}\", has no recipient list (its row 1 has "
                  f"none of the template's columns), and neither has any other sheet. Put "
                  "the list on the first sheet, with the template's header row in row 1.",
                  field=field)


def _sheet(data: bytes, cap: int, field: str, index: int, probe: bool = False
           ) -> list[list[Any]]:
    """The sheet's rows; a sheet looked through (`probe`) that cannot be read as one (a chart
    sheet) has none."""
    try:
        return read_sheet(data, cap, 1, field, formulas=True, sheet=index)
    except Unreadable as error:
        if error.message.startswith("This file has more than"):
            raise TooManyRows(None) from error
        if probe:
            return []
        raise


def _several_lists(names: list[str]) -> str:
    return (f"The sheets {_named(names)} each have the header row of a recipient list, and only "
            "one list is read from a file: upload one list per file (one sheet each, or their "
            "people together on one sheet).")


def _named(names) -> str:
    quoted = [f'"{name}"' for name in names]
    return ", ".join(quoted[:-1]) + " and " + quoted[-1] if len(quoted) > 1 else quoted[0]


NOT_TEXT = ("This file cannot be read as a CSV file: it is another kind of file named .csv, or "
            "text in an encoding we cannot tell. Save it from Excel as .xlsx (or as CSV UTF-8) "
            "and upload it again.")
HUGE_CELL = ("A cell of this file holds more than {limit:,} characters: no recipient's detail is "
             "that long (a quote left open joins the rest of the file into one cell). Check the "
             "file, or start from the template.")
UTF16 = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def _decoded(data: bytes, errors: str = "strict") -> str:
    """The file's text: UTF-16 after its byte-order mark, else UTF-8, else the Windows code
    page Excel's "CSV (Comma delimited)" writes (its ’ and – are control characters in
    Latin-1), Latin-1 for the five bytes that page leaves undefined."""
    if data.startswith(UTF16):
        return data.decode("utf-16", errors)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def separator(kind: str, data: bytes) -> str:
    """The separator an uploaded CSV file uses, for its errors file to use it too (a comma for
    an xlsx file, which has none)."""
    return _delimiter(_decoded(data[:64 * 1024], "replace")) if kind == "csv" else ","


def _csv(data: bytes, cap: int = READ_CAP, field: str = FIELD) -> list[list[Any]]:
    """The file's rows; a file no CSV reader can read (NUL bytes: a workbook or other binary
    file named .csv, broken UTF-16) is named as such, never a 500."""
    try:
        text = _decoded(data)
        rows = []
        for row in csv.reader(io.StringIO(text), delimiter=_delimiter(text)):
            rows.append(row)
            if len(rows) > cap + 1:
                raise TooManyRows(None)
    except (UnicodeDecodeError, csv.Error) as error:
        if str(error).startswith("field larger than field limit"):
            raise Invalid(HUGE_CELL.format(limit=csv.field_size_limit()), field=field) from error
        raise Invalid(NOT_TEXT, field=field) from error
    return rows


# How much of the header line the separator is guessed from: the template's is ~130
# characters. csv.Sniffer's regular expressions take time growing with the square of the text
# (a 60 KB line of `,"a`: 17 s, holding the interpreter), so a file's first line, whatever its
# length, is never handed to it whole.
SNIFFED = 2048


def _delimiter(text: str) -> str:
    """The file's separator, from its header line: a comma, or the semicolon (or tab) Excel
    writes as "CSV" where the comma is the decimal mark (Spanish and European settings)."""
    header = text[:SNIFFED + 1].lstrip("\ufeff").split("\n", 1)[0][:SNIFFED]
    try:
        return csv.Sniffer().sniff(header, delimiters=",;\t").delimiter
    except csv.Error:  # one column, or no separator it can tell: the comma, as before
        return ","


OPTIONAL_COLUMNS = ("email", "employer", "language")  # may be left out of a file
REQUIRED_TITLES = [title for key, title in COLUMNS if key not in OPTIONAL_COLUMNS]


def _positions(header: list[Any]) -> dict[str, int]:
    """{column key: its index} of the columns the header row names."""
    by_title = {" ".join(str(h or "").split()).casefold(): i for i, h in enumerate(header)}
    return {key: by_title[title.casefold()] for key, title in COLUMNS
            if title.casefold() in by_title}


def _missing(header: list[Any]) -> list[str]:
    found = _positions(header)
    return [title for key, title in COLUMNS if key not in OPTIONAL_COLUMNS and key not in found]


def _missing_columns(header: list[Any], sheet: str | None = None) -> str:
    where = f'of the sheet "{sheet}" ' if sheet is not None else ""
    return (f"The header row (row 1) {where}is missing these columns: "
            + ", ".join(_missing(header)) + ". Start from the template.")


def _columns(header: list[Any]) -> dict[str, int]:
    if _missing(header):
        raise Invalid(_missing_columns(header), field=FIELD)
    return _positions(header)


def _text_cell(sheet: Any, value: Any) -> Any:
    """A cell of the errors workbook: text stays text (openpyxl would make `=1+1` a formula)."""
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def error_file(kind: str, rows: list[list[Any]], errors: list[dict[str, Any]],
               delimiter: str = ",") -> bytes:
    """The uploaded rows, in their rows, with an Errors column naming each problem; a CSV file
    with the separator the upload used (Excel in Spanish settings opens a semicolon one)."""
    problems: dict[int, list[str]] = {}
    for error in errors:
        problems.setdefault(error["row"], []).append(f"{error['column']}: {error['message']}")
    header = [TITLES[k] for k in KEYS] + ["Errors"]
    lines: list[list[Any]] = [header]
    for number, values in rows:
        while len(lines) < number - 1:
            lines.append([])  # keep every row where it was in the uploaded file
        lines.append([values.get(k, "") for k in KEYS] + ["; ".join(problems.get(number, []))])
    if kind == "csv":  # a cell that would run as a formula is written as text
        out = io.StringIO()
        csv.writer(out, delimiter=delimiter).writerows([safe_cell(cell) for cell in line] for line in lines)
        return out.getvalue().encode("utf-8-sig")
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Recipients")
    for line in lines:
        sheet.append([_text_cell(sheet, cell) for cell in line])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
