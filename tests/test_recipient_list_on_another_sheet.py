"""A workbook whose recipients are not on its first sheet (instructions or a cover page first)
was refused as "header row is missing" without naming a sheet. A first sheet with none of the
template's columns is passed over for the one other sheet that has the header row; a first
sheet with some of them is the list, its missing columns named with the sheet's name; two
lists, or none, are said naming the sheets."""

import io

import pytest
from openpyxl import Workbook

from api.domain.recipient_files import read_upload
from core.errors import Invalid
from tests.support.recipients import HEADER, location_manager, manager_api, person, tag, upload


def workbook(*sheets: tuple[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, lines in sheets:
        sheet = book.create_sheet(title)
        for line in lines:
            sheet.append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


NOTES = ("Read me", [["How to fill in this list"], ["One row per person."]])


async def refused(data: bytes) -> str:
    with pytest.raises(Invalid) as caught:
        await read_upload("people.xlsx", data)
    assert caught.value.errors.keys() == {"file"}
    return caught.value.message


async def test_the_list_on_the_second_sheet_is_read():
    t = tag()
    lines = [person(n, t) for n in range(3)]
    _kind, rows = await read_upload("people.xlsx", workbook(NOTES, ("Recipients",
                                                                   [HEADER, *lines])))
    assert [values["last_name"] for _n, values in rows] == [f"Quill{t}"] * 3
    assert [number for number, _values in rows] == [2, 3, 4]


async def test_a_first_sheet_with_some_columns_is_the_list_and_is_named():
    t = tag()
    said = await refused(workbook(("Mi lista", [HEADER[:4], person(1, t)[:4]]),
                                  ("Recipients", [HEADER, person(2, t)])))
    assert said.startswith('The header row (row 1) of the sheet "Mi lista" is missing these '
                           "columns: Street Address, City, State, ZIP Code, Industry."), said


async def test_no_list_on_any_sheet_or_two_lists_are_said_naming_the_sheets():
    said = await refused(workbook(NOTES, ("Notes 2", [["nothing here"]])))
    assert said.startswith('The first sheet, "Read me", has no recipient list'), said
    t = tag()
    said = await refused(workbook(NOTES, ("March", [HEADER, person(1, t)]),
                                  ("April", [HEADER, person(2, t)])))
    assert said.startswith('The sheets "March" and "April" each have the header row'), said
    said = await refused(workbook(("Only", [["Name", "Birthday"], ["Ana", "1/1/1990"]])))
    assert said.startswith('The header row (row 1) of the sheet "Only" is missing'), said


async def test_a_list_on_the_first_sheet_and_another_on_a_later_one_are_refused_by_name():
    """Found by the outside check: a workbook with people on "March" (first) and "April" had
    April's people dropped without a word, the page saying only "Read from the sheet
    “March”.". Two sheets with the header row and people under it are refused, naming both; a
    later sheet with the header row and nobody under it (a blank copy of the template) or with
    no header row (the template's instructions) is no second list."""
    t = tag()
    said = await refused(workbook(("March", [HEADER, person(1, t)]), NOTES,
                                  ("April", [HEADER, person(2, t)])))
    assert said.startswith('The sheets "March" and "April" each have the header row of a '
                           "recipient list"), said
    assert "upload one list per file" in said and "first sheet" not in said, said
    _kind, rows = await read_upload("people.xlsx", workbook(
        ("March", [HEADER, person(1, t)]), NOTES, ("Blank", [HEADER, [" "] * len(HEADER)])))
    assert [values["last_name"] for _n, values in rows] == [f"Quill{t}"]


async def test_an_upload_with_instructions_first_imports_the_list(system):
    manager = await location_manager(system)
    http = await manager_api(system, manager)
    t = tag()
    answer = await upload(http, manager, workbook(NOTES, ("Recipients",
                                                          [HEADER, person(4, t), person(5, t)])))
    assert answer.status_code == 201 and answer.json()["stored"] == 2, answer.text
