"""A date of birth written with a two-digit year, as a spreadsheet set to the short date format
saves it in a CSV ("3/15/55"): the person was born in the last such year that has come, as
Excel itself reads it, not in Python's 2055."""

from datetime import date

from sqlmodel import select

from models.recipients import Recipient
from tests.support.recipients import (
    csv_file,
    finished,
    location_manager,
    manager_api,
    rows,
    tag,
    upload,
)
from tests.support.web import browser


async def test_a_two_digit_birth_year_is_the_last_such_year_that_has_come(system):
    """Found by the outside check: '3/15/55' was refused as "The date of birth cannot be in the
    future" (2055), and '03/15/1955' in the same file was not named as its repeat."""
    manager = await location_manager(system)
    http = await manager_api(system, manager)
    t = tag()
    lines = rows(3, t)
    lines[0][2] = "3/15/55"
    lines[1][2] = "12/31/05"  # a child: 2005, which has come
    lines[2][:3] = [lines[0][0], lines[0][1], "03/15/1955"]  # row 2 again, written in full
    answer = await upload(http, manager, csv_file(lines), name="staff.csv")
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["status"] != "refused" and body["row_errors"] == [], body
    assert (await finished(http, body["id"]))["new_recipients"] == 2
    person = browser(system)
    await person.login(manager.email)
    shown = " ".join((await person.get(f"/recipients/uploads/{body['id']}")).text.split())
    assert "Row 4 repeats row 2" in shown, shown
    async with system.sessions() as session:
        born = {r.first_name: r.date_of_birth for r in (await session.exec(select(Recipient).where(
            Recipient.last_name == f"Quill{t}"))).all()}
    assert born == {lines[0][0]: date(1955, 3, 15), lines[1][0]: date(2005, 12, 31)}, born
