"""A date of birth written with a time after it, as a database export or Excel's US date-time
format writes it, is read as its day (found by the outside check of recipients: each such row
was refused, so a whole exported list could not be imported)."""

from datetime import date

import pytest

from api.domain.recipient_files import read_upload
from models.recipient_rules import birth_day, validate_rows
from tests.support.recipients import rows, xlsx


@pytest.mark.parametrize("written", [
    "1980-03-15 00:00:00", "1980-03-15T00:00:00", "1980-03-15 00:00:00.000",
    "3/15/1980 12:00:00 AM", "03/15/1980 0:00", "3/15/1980 12:00 am",
])
def test_a_date_of_birth_with_a_time_is_its_day(written):
    assert birth_day(written) == date(1980, 3, 15)


@pytest.mark.parametrize("written", ["1980-03-15 noon", "1980-03-15 00", "March 1980 00:00"])
def test_what_is_no_date_still_is_refused(written):
    with pytest.raises(ValueError):
        birth_day(written)


async def test_a_file_exported_with_times_imports_every_row():
    """Through the upload's own reading of a workbook: each row's date with its time is valid."""
    people = rows(3, "Timed", {n: {2: "1980-03-15 00:00:00"} for n in range(3)})
    _kind, read = await read_upload("export.xlsx", xlsx(people))
    valid, errors = validate_rows(read)
    assert not errors and len(valid) == 3, errors
    assert {values["date_of_birth"] for _number, values in valid} == {date(1980, 3, 15)}
