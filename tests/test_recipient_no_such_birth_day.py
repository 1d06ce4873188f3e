"""A date of birth written the template's way on a day that does not exist (2/30/1980, 13/01/1980
typed day first, 1980-02-30) is said to be no such day, on the row's Date of Birth: it was told
"Enter a date like 03/15/1980.", the very form it was written in (found by the outside check of
the recipient's journey). What is no date at all still gets the example."""

import pytest

from api.domain.recipient_files import read_upload
from models.recipient_rules import US_DATE_EXAMPLE, validate_rows
from tests.support.recipients import rows, xlsx

NO_SUCH_DAY = "Enter a real date: there is no such day (check the month and the day)."


@pytest.mark.parametrize("written", ["2/30/1980", "02/30/1980", "13/01/1980", "1980-02-30",
                                     "2/29/1981", "02-30-1980", "2/30/80", "0000-01-01"])
async def test_a_birth_day_that_does_not_exist_is_said_to_be_none(written):
    _kind, read = await read_upload("people.xlsx", xlsx(rows(1, "Noday", {0: {2: written}})))
    _valid, errors = validate_rows(read)
    assert [(e["column"], e["message"]) for e in errors] == [("Date of Birth", NO_SUCH_DAY)]


@pytest.mark.parametrize("written", ["March 1980", "15.03.1980", "yesterday", "3/15"])
async def test_what_is_no_date_is_shown_the_example(written):
    _kind, read = await read_upload("people.xlsx", xlsx(rows(1, "Nodate", {0: {2: written}})))
    _valid, errors = validate_rows(read)
    assert [(e["column"], e["message"]) for e in errors] == [("Date of Birth", US_DATE_EXAMPLE)]
