"""A ZIP code Excel kept as a number has lost its leading zero (02134 is the number 2134): a
number cell's ZIP code is padded back (ZIP+4 too), a typed "2134" is refused naming the
field."""

from sqlmodel import select

from api.domain.recipient_files import read_upload
from models.recipient_rules import validate_rows
from models.recipients import Recipient
from tests.support.recipients import (
    HEADER,
    csv_file,
    location_manager,
    manager_api,
    person,
    tag,
    upload,
    xlsx,
)

ZIP = HEADER.index("ZIP Code")


async def test_a_zip_code_excel_kept_as_a_number_gets_its_leading_zero_back():
    t = tag()
    lines = [person(n, t) for n in range(5)]
    for line, number in zip(lines, (2134, 27701, 21341234, 276011234, 501), strict=True):
        line[ZIP] = number
    _kind, read = await read_upload("people.xlsx", xlsx(lines))
    assert [values["zip_code"] for _n, values in read] == [
        "02134", "27701", "02134-1234", "27601-1234", "00501"]
    valid, errors = validate_rows(read)
    assert not errors and [r["zip_code"] for _n, r in valid] == [
        "02134", "27701", "02134-1234", "27601-1234", "00501"]


async def test_a_zip_code_typed_as_four_digits_is_refused_naming_the_field():
    t = tag()
    typed = [person(n, t) for n in range(2)]
    typed[0][ZIP], typed[1][ZIP] = "2134", "02134-1234"
    for name, data in (("people.csv", csv_file(typed)), ("people.xlsx", xlsx(typed))):
        _kind, read = await read_upload(name, data)
        assert [values["zip_code"] for _n, values in read] == ["2134", "02134-1234"], name
        valid, errors = validate_rows(read)
        assert errors == [{"row": 2, "column": "ZIP Code",
                           "message": "Enter a 5-digit ZIP code, like 27601."}], name
        assert [r["zip_code"] for _n, r in valid] == ["02134-1234"]


async def test_an_uploaded_number_zip_code_is_stored_with_its_zero(system):
    manager = await location_manager(system)
    http = await manager_api(system, manager)
    t = tag()
    line = person(3, t)
    line[ZIP] = 2134
    answer = await upload(http, manager, xlsx([line]))
    assert answer.status_code == 201 and answer.json()["stored"] == 1, answer.text
    async with system.sessions() as session:
        stored = (await session.exec(select(Recipient).where(
            Recipient.last_name == f"Quill{t}"))).one()
    assert stored.zip_code == "02134"
