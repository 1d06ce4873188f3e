"""Reading an uploaded .xlsx safely: every malformed file becomes a 422 naming the problem,
oversized sheets are refused before their cells are parsed; callers read in a worker thread.

An .xlsx is a zip of XML parts. The zip and the first sheet's row count are checked first by
streaming its XML through zlib (which releases the GIL), so a 100,000-row sheet or a zip bomb is
refused in a fraction of a second without building a single cell; only a sheet within the cap
is then parsed, by python-calamine (Rust, ~30 ms for 5,000 rows), in a worker thread.
"""

import html
import posixpath
import re
import time
import zipfile
import zlib
from io import BytesIO
from typing import Any
from xml.etree import ElementTree

import python_calamine

from core.errors import Invalid

MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # far above any real provider list: a zip bomb is not
CHUNK = 256 * 1024
# Between chunks the reading thread sleeps this long, so the event loop gets the GIL at once
# rather than after the interpreter's 5 ms switch interval at each of its wake-ups.
PAUSE = 0.0005
DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"')
MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
ROW_TAGS = (b"<row ", b"<row>", b":row ", b":row>")
# The reader builds the rectangle from A1 to the furthest cell holding a value, so that corner
# is bounded before it reads: first roughly, from every row's and cell's `r` (~30 ms for 5,000
# rows), then, only when that passes the limits, exactly from the tags (`_Reach`).
# The reader takes `r = "a1"` too (spaces about the "=", letters in either case).
ROUGH_PLACE = re.compile(rb'\sr\s*=\s*["\']([A-Za-z]*)(\d+)')
# Every row and cell tag: one without `r` sits after the one before it, so a row of 1,000,000
# such cells is 1,000,000 columns wide with no place written anywhere (then only the exact
# reading tells how far it reaches).
ROW_OR_CELL = re.compile(rb'<(?:\w+:)?(?:c|row)[\s/>]')
OPENING = re.compile(rb'<(?:\w+:)?(row|c)\b([^>]*?)(/?)>')
PLACE = re.compile(rb'\br\s*=\s*["\']([A-Za-z]*)(\d+)["\']')
MAX_COLUMNS = 256  # IV, Excel 2003's last column: far right of any list we take


# What reading a damaged zip raises besides BadZipFile: a format version or a compression method
# the reader does not know (NotImplementedError), an entry placed before the file's start
# (ValueError: a negative seek), a part cut short (EOFError, zlib.error). Each went out as a 500.
DAMAGED = (zipfile.BadZipFile, zlib.error, NotImplementedError, OSError, EOFError, ValueError)


class Unreadable(Invalid):
    """The file is not a workbook we can read; the message says why."""


def read_sheet(data: bytes, max_rows: int, header_rows: int, field: str,
               *, formulas: bool = False, sheet: int = 0) -> list[list[Any]]:
    """Every row of the first sheet (or the `sheet`th, from 0, in the workbook's order; from
    A1) as plain values, or a 422 on `field`; at most `max_rows` rows under the
    `header_rows`. With `formulas`, a formula cell is its formula ("=1+1"), not the value it
    last computed, so the reader can refuse it. Blocking: callers run it, with the shaping of
    its rows, in a worker thread (`asyncio.to_thread`)."""
    index = sheet
    with _open_zip(data, field) as archive:
        sheet = _sheet_parts(archive, field)[index][1]
        rows, rough = _count_rows(archive, sheet, field, max_rows + header_rows)
        if rows <= max_rows + header_rows and formulas:
            typed = _formula_cells(archive, sheet, field)
        if rows <= max_rows + header_rows and _too_far(*rough, max_rows + header_rows):
            reach = _reach(archive, sheet, field)
            if reach.doubtful:
                reach.far_row, reach.far_column = rough
            _refuse_far_cells(reach, max_rows + header_rows, field)
        _refuse_overcounted_strings(archive, field)
    if rows > max_rows + header_rows:
        raise Unreadable(f"This file has more than {max_rows + header_rows:,} rows; a file may "
                         f"have at most {max_rows:,} rows under its header. Split it into "
                         "several files.", field=field)
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(BytesIO(data))
        values = book.get_sheet_by_index(index).to_python(skip_empty_area=False)
    except Exception as error:  # noqa: BLE001 - calamine's errors name the broken part
        raise Unreadable(f"This workbook is damaged and cannot be read ({_short(error)}). "
                         "Save it again from Excel, or start from the template.",
                         field=field) from error
    for (row, column), formula in (typed.items() if formulas else ()):
        while len(values) <= row:
            values.append([])
        line = values[row] = list(values[row])
        line.extend([""] * (column + 1 - len(line)))
        line[column] = formula
    return values


# A formula's text holds no "<" (XML writes it &lt;), so the search for its end stops at the next
# tag: with ".*?" each unclosed <f> scanned to the sheet's end, and 8,000 of them in one row took
# 12 s with the interpreter held (a 1 MB sheet: minutes), before the reader saw it was broken.
# Nor do a tag's attributes hold "<": each cell's opening is read once (possessively) up to its
# end, and its place found in it after (a formula's own tag ends at "/>" or ">"). Read lazily up
# to a place and on to a ">", 30,000 "<c." never closed (each scanned on to the one ">" after
# them) or one opening holding 60,000 places (each tried in turn) held the interpreter for
# minutes.
FORMULA_CELL = re.compile(rb'<(?:\w+:)?c\b([^<>]*+)>\s*+'
                          rb'<(?:\w+:)?f\b([^<>]*?)(?:/>|>([^<]*+)</(?:\w+:)?f>)')
CELL_PLACE = re.compile(rb'\br="([A-Z]+)(\d+)"')


def _formula_cells(archive: zipfile.ZipFile, part: str, field: str) -> dict[tuple[int, int], str]:
    """{(row, column) from 0: "=formula"} of the sheet's formula cells (a cell sharing
    another's formula holds none of its own: it reads "=")."""
    try:
        xml = archive.read(part)  # within the row cap, counted above
    except (KeyError, *DAMAGED) as error:
        raise Unreadable("This workbook is truncated or damaged: its first sheet cannot be "
                         "unpacked.", field=field) from error
    found = {}
    for attributes, _formula_attributes, text in FORMULA_CELL.findall(xml):
        if (place := CELL_PLACE.search(attributes)) is None:
            continue
        letters, number = place.groups()
        column = 0
        for letter in letters.decode():
            column = column * 26 + ord(letter) - 64
        formula = html.unescape((text or b"").decode("utf-8", "replace"))
        found[(int(number) - 1, column - 1)] = "=" + formula
    return found


def _open_zip(data: bytes, field: str) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except DAMAGED as error:
        raise Unreadable("This file is not an Excel workbook (.xlsx), or it is truncated: its "
                         "zip structure is incomplete.", field=field) from error
    if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
        # one reader for every list (providers, portal contacts, recipients): named by none
        raise Unreadable("This file unpacks to far more data than any spreadsheet we take can "
                         "hold: it is not a list saved from Excel. Start from the template.",
                         field=field)
    return archive


def sheet_names(data: bytes, field: str) -> list[str]:
    """The workbook's sheets' names (the tabs), in its order: `read_sheet`'s `sheet` indexes
    them."""
    with _open_zip(data, field) as archive:
        return [name for name, _part in _sheet_parts(archive, field)]


def _sheet_parts(archive: zipfile.ZipFile, field: str) -> list[tuple[str, str]]:
    """(name, zip member) of each of the workbook's sheets, as the workbook lists them."""
    try:
        book = _small_xml(archive, "xl/workbook.xml")
        rels = _small_xml(archive, "xl/_rels/workbook.xml.rels")
        targets = {r.get("Id"): r.get("Target")
                   for r in rels.iter(f"{PKG_REL_NS}Relationship")}
        found = [(sheet.get("name") or "", _member(targets[sheet.get(f"{REL_NS}id")]))
                 for sheet in book.iterfind(f"{MAIN_NS}sheets/{MAIN_NS}sheet")]
        if not found:
            raise KeyError("no sheet")
    except (KeyError, ElementTree.ParseError, AttributeError, TypeError, *DAMAGED) as error:
        raise Unreadable("This file is not an Excel workbook (.xlsx): it has no readable list "
                         "of sheets.", field=field) from error
    return found


def _member(target: str) -> str:
    """A relationship's target as a zip member: absolute, or relative to xl/."""
    return target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)


def _small_xml(archive: zipfile.ZipFile, name: str) -> ElementTree.Element:
    """A small index part, parsed only when it has no DOCTYPE: no entity can expand in it."""
    if archive.getinfo(name).file_size > 1024 * 1024:
        raise ElementTree.ParseError(f"{name} is too large")
    data = archive.read(name)
    if b"<!DOCTYPE" in data.upper():
        raise ElementTree.ParseError(f"{name} declares a DOCTYPE")
    return ElementTree.fromstring(data)  # noqa: S314 - small, and no DOCTYPE (above)


def _count_rows(archive: zipfile.ZipFile, part: str, field: str,
                limit: int) -> tuple[int, tuple[int, int]]:
    """Count the sheet's rows from its streamed XML, without parsing a cell; stop as soon as
    the count (or the sheet's own <dimension>, as Excel writes it) passes the limit. Also the
    furthest row and column any row or cell names, empty or not (ROUGH_PLACE)."""
    count, tail, far_row, far_column, unplaced = 0, b"", 0, 0, 0
    try:
        with archive.open(part) as stream:
            while chunk := stream.read(CHUNK):
                if not tail and (declared := _declared_rows(chunk)) > limit:
                    return declared, (0, 0)
                window = tail + chunk
                count += sum(window.count(tag) for tag in ROW_TAGS)
                count -= sum(tail.count(tag) for tag in ROW_TAGS)  # counted last time
                if count > limit:
                    return count, (0, 0)
                # the window again: a place cut by the last chunk's end is whole in it
                places = ROUGH_PLACE.findall(window)
                unplaced += (len(ROW_OR_CELL.findall(window)) - len(ROW_OR_CELL.findall(tail))
                             - len(places) + len(ROUGH_PLACE.findall(tail)))
                tail = window[-24:]
                if places:
                    far_row = max(far_row, *map(int, {number for _l, number in places}))
                    far_column = max(far_column, *map(
                        _column_number, {letters for letters, _n in places}))
                time.sleep(PAUSE)  # hand the GIL to the event loop between chunks
    except (KeyError, *DAMAGED) as error:
        raise Unreadable("This workbook is truncated or damaged: its first sheet cannot be "
                         "unpacked.", field=field) from error
    # a tag without its place: how far it reaches is for the exact reading to tell
    return count, (far_row, far_column if unplaced <= 0 else MAX_COLUMNS + 1)


def _too_far(far_row: int, far_column: int, limit: int) -> bool:
    return far_row > limit or far_column > MAX_COLUMNS


def _reach(archive: zipfile.ZipFile, part: str, field: str) -> "_Reach":
    reach = _Reach()
    try:
        with archive.open(part) as stream:
            while chunk := stream.read(CHUNK):
                reach.feed(chunk)
    except (KeyError, *DAMAGED) as error:
        raise Unreadable("This workbook is truncated or damaged: its first sheet cannot be "
                         "unpacked.", field=field) from error
    return reach


class _Reach:
    """The furthest row and column holding a value, from the sheet's streamed tags (one
    without `r` sits in its row's, after the one before it). The row
    count alone does not bound the reader's work: two <row>s, the second numbered 1,048,576
    with a value in column XFD, made it allocate 17 billion cells (its failure aborts the
    process). An empty cell (`<c .../>`, Excel's formatting) is not a value and reaches
    nothing, as for the reader."""

    LONGEST_TAG = 64 * 1024  # no row or cell Excel writes comes near

    def __init__(self) -> None:
        self.pending, self.row, self.column, self.far_row, self.far_column = b"", 0, 0, 0, 0
        self.doubtful = False  # a tag too long to follow: trust the rough reach instead

    def feed(self, chunk: bytes) -> None:
        text = self.pending + chunk
        cut = text.rfind(b">") + 1  # a tag cut by the chunk's end waits for the next
        self.pending = text[cut:]
        if len(self.pending) > self.LONGEST_TAG:
            self.doubtful, self.pending = True, self.pending[-self.LONGEST_TAG:]
        for name, attributes, empty in OPENING.findall(text[:cut]):
            place = PLACE.search(attributes)
            if name == b"row":
                self.row, self.column = (int(place[2]) if place else self.row + 1), 0
                continue
            if place and place[1]:
                self.column, self.row = _column_number(place[1]), int(place[2])
            else:
                self.column += 1
            if not empty:
                self.far_row = max(self.far_row, self.row)
                self.far_column = max(self.far_column, self.column)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, left = divmod(number - 1, 26)
        letters = chr(65 + left) + letters
    return letters


def _refuse_far_cells(reach: _Reach, limit: int, field: str) -> None:
    """A value below the last row a list may have (`limit`, the header's included: the caller
    may refuse fewer rows in its own words), or right of any list's columns, is refused where it
    is, before the reader builds the rectangle up to it."""
    if reach.far_row > limit:
        raise Unreadable(f"This sheet has a value in row {reach.far_row:,}, far below any list "
                         "we take. Delete what is below your list, or start from the template.",
                         field=field)
    if reach.far_column > MAX_COLUMNS:
        raise Unreadable(f"This sheet has a value in column "
                         f"{_column_letters(reach.far_column)}, far right of any list we take. "
                         "Delete what is right of your list, or start from the template.",
                         field=field)


SHARED_STRINGS_COUNT = re.compile(rb'<(?:\w+:)?sst\b[^>]*?\suniqueCount=["\'](\d+)')
SHORTEST_STRING = len(b"<si/>")


def _refuse_overcounted_strings(archive: zipfile.ZipFile, field: str) -> None:
    """The reader reserves room for as many shared strings as the table's `uniqueCount` says
    before reading one: 4,000,000,000 was 96 GB, and the reservation's failure aborted the
    process. No honest table counts more strings than its bytes could hold."""
    for info in archive.infolist():
        if not info.filename.lower().endswith("sharedstrings.xml"):
            continue
        try:
            with archive.open(info) as stream:
                head = stream.read(4096)
        except DAMAGED as error:
            raise Unreadable("This workbook is truncated or damaged: its text cannot be "
                             "unpacked.", field=field) from error
        counted = SHARED_STRINGS_COUNT.search(head)
        if counted and int(counted[1]) > info.file_size // SHORTEST_STRING:
            raise Unreadable("This workbook is damaged: its table of text claims far more "
                             "entries than it holds. Save it again from Excel, or start from "
                             "the template.", field=field)


def _declared_rows(head: bytes) -> int:
    found = DIMENSION.search(head[:65536])
    return int(found[1]) if found else 0


def _short(error: Exception) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text[:160]
