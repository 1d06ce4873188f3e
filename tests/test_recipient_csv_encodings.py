"""A recipient CSV file as the programs people use save it: Excel's "CSV (Comma delimited)" on
Windows writes its code page (Windows-1252), where the apostrophe Excel types in O'Brien and
its dash are bytes Latin-1 reads as control characters; other programs write UTF-16; and a
file of another kind is sometimes given a .csv name."""

import codecs

from sqlmodel import select

from models.recipients import Recipient
from tests.support.recipients import csv_file, location_manager, manager_api, rows, tag, upload
from tests.test_recipient_upload import upload_page


async def test_a_windows_excel_csv_keeps_its_curly_apostrophe_and_dash(system):
    """Found by the outside check: "O’Brien" and "1 Oak St – Apt 2" from Excel's Windows CSV
    were refused as "characters that cannot be typed" (the bytes 0x92 and 0x96 read as
    Latin-1's control characters), so a correct file could not be imported."""
    manager = await location_manager(system)
    http = await manager_api(system, manager)
    t = tag()
    lines = rows(2, t)
    lines[0][1] = f"O’Brien{t}"
    lines[0][5] = "1 Oak St – Apt 2"
    windows = csv_file(lines).decode().encode("cp1252")
    answer = await upload(http, manager, windows, name="staff.csv")
    assert answer.status_code == 201, answer.text
    assert answer.json()["status"] != "refused" and answer.json()["new_recipients"] == 2, (
        answer.json())
    async with system.sessions() as session:
        stored = (await session.exec(select(Recipient).where(
            Recipient.last_name == f"O’Brien{t}"))).one()
    assert stored.street == "1 Oak St – Apt 2"


async def test_a_utf16_csv_is_read_and_a_binary_file_named_csv_is_named_so(system):
    """Found by the outside check: a CSV saved as UTF-16 (with its byte-order mark), or an
    Excel workbook renamed to .csv, answered "Something went wrong" (500): the CSV reader
    stopped on their NUL bytes."""
    manager = await location_manager(system)
    http = await manager_api(system, manager)
    lines = rows(2, tag())
    utf16 = codecs.BOM_UTF16_LE + csv_file(lines, delimiter="\t").decode().encode("utf-16-le")
    answer = await upload(http, manager, utf16, name="staff.csv")
    assert answer.status_code == 201, answer.text
    assert answer.json()["new_recipients"] == 2, answer.json()
    renamed = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)) * 4
    refused = await upload(http, manager, renamed, name="staff.csv")
    assert refused.status_code == 422, refused.text
    message = refused.json()["errors"]["file"]
    assert message.startswith("This file cannot be read as a CSV file"), message
    _person, page = await upload_page(system, manager, "staff.csv", renamed)
    assert page.status_code == 422 and "cannot be read as a CSV file" in page.text, page.text


async def test_a_csv_cell_too_long_to_be_anyones_detail_is_named(system):
    """Found by the outside check: a CSV cell of more than 131,072 characters (a pasted blob,
    or a quote left open early in a long file, which joins the rest into one cell) answered
    "Something went wrong" (500) instead of naming the file's problem."""
    manager = await location_manager(system)
    http = await manager_api(system, manager)
    lines = rows(3, tag())
    lines[0][0] = '"' + lines[0][0]  # the stray quote
    opened = csv_file(lines).replace(b'"""', b'"', 1) + b"x" * 140_000 + b"\n"
    answer = await upload(http, manager, opened, name="staff.csv")
    assert answer.status_code == 422, answer.text
    message = answer.json()["errors"]["file"]
    assert message.startswith("A cell of this file holds more than 131,072 characters"), message
