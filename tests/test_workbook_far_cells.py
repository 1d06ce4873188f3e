"""Found by the outside check: a 1.5 KB workbook with one value in its first row and one in
cell XFD1048576 (and no <dimension>, so its two <row>s passed the row count) made the
spreadsheet reader allocate the whole rectangle between them - 17 billion cells - and the
allocation's failure aborted the process serving everyone (a Location Manager's upload, a
help-desk import). A value far below or far right of the list is now refused, naming where it
is, before any cell is built."""

import io
import re
import zipfile

from tests.support.recipients import location_manager, manager_api, rows, tag, upload, xlsx


def with_value_at(book: bytes, row: int, column: str, written: str = '{name}="{place}"',
                  long_attribute: int = 0) -> bytes:
    """The workbook with one more value at column+row, and no <dimension> saying how far the
    sheet reaches (the part a reader may not trust)."""
    source, out = zipfile.ZipFile(io.BytesIO(book)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb"<dimension [^>]*/>", b"", data)
                row_place = written.format(name="r", place=row)
                cell_place = written.format(name="r", place=f"{column}{row}")
                padding = f' x="{"y" * long_attribute}"' if long_attribute else ""
                far = (f'<row {row_place}><c {cell_place} t="inlineStr"{padding}><is><t>x</t>'
                       f"</is></c></row></sheetData>").encode()
                data = data.replace(b"</sheetData>", far)
            archive.writestr(info, data)
    return out.getvalue()


async def test_a_value_far_below_the_list_is_refused_naming_its_row(system):
    manager = await location_manager(system)
    http = await manager_api(system, manager)
    answer = await upload(http, manager, with_value_at(xlsx(rows(2, tag())), 1_000_000, "A"))
    assert answer.status_code == 422, answer.text
    message = answer.json()["errors"]["file"]
    assert "row 1,000,000" in message, message


async def test_a_value_far_right_of_the_list_is_refused_naming_its_column(system):
    manager = await location_manager(system)
    http = await manager_api(system, manager)
    answer = await upload(http, manager, with_value_at(xlsx(rows(2, tag())), 4, "XFD"))
    assert answer.status_code == 422, answer.text
    message = answer.json()["errors"]["file"]
    assert "column XFD" in message, message


def with_shared_strings_counted(book: bytes, unique: int) -> bytes:
    """The workbook with its first cell a shared string, the table claiming `unique` of them."""
    source, out = zipfile.ZipFile(io.BytesIO(book)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<c r="A1" t="inlineStr"><is><t>([^<]*)</t></is></c>',
                              rb'<c r="A1" t="s"><v>0</v></c>', data)
            if info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", (
                    b'<Relationship Id="rIdS" Target="sharedStrings.xml" Type="http://schemas.'
                    b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
                    b"</Relationships>"))
            archive.writestr(info, data)
        archive.writestr("xl/sharedStrings.xml", (
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'count="1" uniqueCount="{unique}"><si><t>Legal First Name</t></si></sst>'))
    return out.getvalue()


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
    source, out = zipfile.ZipFile(io.BytesIO(xlsx(rows(2, tag())))), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                broken = b"".join(b'<c r="M%d"><f>1' % n for n in range(2, 12_002))
                data = data.replace(b'<row r="2">', b'<row r="2">' + broken, 1)
            archive.writestr(info, data)
    started = time.monotonic()
    answer = await upload(http, manager, out.getvalue())
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
    source, out = zipfile.ZipFile(io.BytesIO(xlsx(rows(2, tag())))), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                wide = b"<c><v>1</v></c>" * 2_000
                data = data.replace(b"</sheetData>", b'<row r="4">' + wide + b"</row></sheetData>")
            archive.writestr(info, data)
    answer = await upload(http, manager, out.getvalue())
    assert answer.status_code == 422, answer.text
    assert "column BXX" in answer.json()["errors"]["file"], answer.json()
