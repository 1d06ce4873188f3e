"""Found by the outside check: a 1.5 KB workbook with one value in its first row and one in
cell XFD1048576 (and no <dimension>, so its two <row>s passed the row count) made the
spreadsheet reader allocate the whole rectangle between them - 17 billion cells - and the
allocation's failure aborted the process serving everyone (a Location Manager's upload, a
help-desk import). A value far below or far right of the list is now refused, naming where it
is, before any cell is built."""

import io
import re
import zipfile
from collections.abc import Callable

import pytest

from tests.support.recipients import location_manager, manager_api, rows, tag, upload, xlsx

SHEET = "xl/worksheets/sheet1.xml"


def rewritten(book: bytes, change: Callable[[str, bytes], bytes],
              added: dict[str, str] | None = None) -> bytes:
    """The workbook with each part passed through `change` (its name, its bytes) and `added`
    parts written beside them."""
    source, out = zipfile.ZipFile(io.BytesIO(book)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info, change(info.filename, source.read(info)))
        for name, text in (added or {}).items():
            archive.writestr(name, text)
    return out.getvalue()


def with_value_at(book: bytes, row: int, column: str, written: str = '{name}="{place}"',
                  long_attribute: int = 0) -> bytes:
    """The workbook with one more value at column+row, and no <dimension> saying how far the
    sheet reaches (the part a reader may not trust)."""
    row_place = written.format(name="r", place=row)
    cell_place = written.format(name="r", place=f"{column}{row}")
    padding = f' x="{"y" * long_attribute}"' if long_attribute else ""
    far = (f'<row {row_place}><c {cell_place} t="inlineStr"{padding}><is><t>x</t>'
           f"</is></c></row></sheetData>").encode()
    return rewritten(book, lambda name, data: data if name != SHEET else re.sub(
        rb"<dimension [^>]*/>", b"", data).replace(b"</sheetData>", far))


@pytest.mark.parametrize(("row", "column", "named"), [(1_000_000, "A", "row 1,000,000"),
                                                      (4, "XFD", "column XFD")],
                         ids=["far below, its row named", "far right, its column named"])
async def test_a_value_far_from_the_list_is_refused_naming_where(system, row, column, named):
    manager = await location_manager(system)
    http = await manager_api(system, manager)
    answer = await upload(http, manager, with_value_at(xlsx(rows(2, tag())), row, column))
    assert answer.status_code == 422, answer.text
    message = answer.json()["errors"]["file"]
    assert named in message, message


def with_shared_strings_counted(book: bytes, unique: int) -> bytes:
    """The workbook with its first cell a shared string, the table claiming `unique` of them."""
    def change(name: str, data: bytes) -> bytes:
        if name == SHEET:
            return re.sub(rb'<c r="A1" t="inlineStr"><is><t>([^<]*)</t></is></c>',
                          rb'<c r="A1" t="s"><v>0</v></c>', data)
        if name == "xl/_rels/workbook.xml.rels":
            return data.replace(b"</Relationships>", (
                b'<Relationship Id="rIdS" Target="sharedStrings.xml" Type="http://schemas.'
                b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
                b"</Relationships>"))
        return data

    return rewritten(book, change, {"xl/sharedStrings.xml": (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="1" uniqueCount="{unique}"><si><t>Legal First Name</t></si></sst>')})


async def test_a_shared_strings_table_claiming_billions_is_refused(system):
    """Its `uniqueCount` of 4,000,000,000 made the reader reserve 96 GB before reading one, and
    the reservation's failure aborted the process."""
    manager = await location_manager(system)
    http = await manager_api(system, manager)
    answer = await upload(http, manager,
                          with_shared_strings_counted(xlsx(rows(2, tag())), 4_000_000_000))
    assert answer.status_code == 422, answer.text
    assert "damaged" in answer.json()["errors"]["file"]


async def test_a_shared_strings_table_counted_right_is_read(system):
    manager = await location_manager(system)
    http = await manager_api(system, manager)
    answer = await upload(http, manager, with_shared_strings_counted(xlsx(rows(2, tag())), 1))
    assert answer.status_code == 201, answer.text


async def test_a_row_of_unclosed_formulas_is_answered_at_once(system):
    """Each <f> left unclosed made the search for formulas scan to the sheet's end: 12,000 of
    them in one row held the interpreter, and everyone's requests, for half a minute."""
    import time

    manager = await location_manager(system)
    http = await manager_api(system, manager)
    broken = b"".join(b'<c r="M%d"><f>1' % n for n in range(2, 12_002))
    book = rewritten(xlsx(rows(2, tag())), lambda name, data: data if name != SHEET else
                     data.replace(b'<row r="2">', b'<row r="2">' + broken, 1))
    started = time.monotonic()
    answer = await upload(http, manager, book)
    took = time.monotonic() - started
    assert answer.status_code == 422, answer.text
    assert took < 5, f"answered after {took:.0f} s"


async def test_a_far_value_written_unusually_is_refused_too(system):
    """The reader takes `r = "a1000000"` (spaces, small letters), and a cell whose tag is
    longer than one read of the sheet: each once passed as near."""
    manager = await location_manager(system)
    http = await manager_api(system, manager)
    for written, padding in (('{name} = "{place}"', 0), ("{name}='{place}'", 0),
                             ('{name}="{place}"', 300_000)):
        book = with_value_at(xlsx(rows(2, tag())), 1_000_000, "a" if not padding else "A",
                             written, padding)
        answer = await upload(http, manager, book)
        assert answer.status_code == 422, (written, padding, answer.text)
        assert "row 1,000,000" in answer.json()["errors"]["file"], (written, padding)


async def test_a_row_of_cells_without_places_too_wide_is_refused(system):
    """A cell without `r` sits after the one before it: 2,000 of them in one row reach column
    BXX with no place written (a million, and a value in the last row allowed: 5 billion
    cells for the reader to allocate)."""
    manager = await location_manager(system)
    http = await manager_api(system, manager)
    wide = b'<row r="4">' + b"<c><v>1</v></c>" * 2_000 + b"</row></sheetData>"
    book = rewritten(xlsx(rows(2, tag())), lambda name, data: data if name != SHEET else
                     data.replace(b"</sheetData>", wide))
    answer = await upload(http, manager, book)
    assert answer.status_code == 422, answer.text
    assert "column BXX" in answer.json()["errors"]["file"], answer.json()


@pytest.mark.parametrize("written", [b"<c." * 30_000, b"<c" + b' r="A1"' * 60_000],
                         ids=["cell openings never closed", "one opening's place repeated"])
async def test_cell_openings_that_lead_nowhere_are_answered_at_once(system, written):
    """The search for formula cells went on from each "<c" to the next ">", and back from it:
    30,000 "<c." in a comment (a 6 KB file) held the interpreter, and everyone's requests, for
    ~30 s, and one opening with 60,000 places longer still (each doubling of either takes four
    times as long). Each opening is now read once, up to where it ends."""
    import time

    manager = await location_manager(system)
    http = await manager_api(system, manager)
    book = rewritten(xlsx(rows(2, tag())), lambda name, data: data if name != SHEET else
                     data.replace(b"</sheetData>", b"</sheetData><!--" + written + b"-->", 1))
    started = time.monotonic()
    answer = await upload(http, manager, book)
    took = time.monotonic() - started
    assert answer.status_code == 201, answer.text
    assert took < 5, f"answered after {took:.0f} s"
