"""Found by the outside check: a recipient CSV whose first line was 90 KB of `,"a` kept the
API busy for about a minute: the separator was guessed (csv.Sniffer) from the whole first line,
and the guess's regular expressions take time growing with the square of its length, holding
the interpreter all along (a 10 MB line: days). The guess now reads the line's start only."""

import time

from tests.support.recipients import (
    HEADER,
    csv_file,
    location_manager,
    manager_api,
    rows,
    tag,
    upload,
)


async def test_a_huge_quoted_first_line_is_answered_at_once(system):
    manager = await location_manager(system)
    http = await manager_api(system, manager)
    started = time.monotonic()
    answer = await upload(http, manager, (',"a' * 30_000 + "\r\n").encode(), name="people.csv")
    took = time.monotonic() - started
    assert answer.status_code == 422, answer.text
    assert took < 10, f"answered after {took:.0f} s"


async def test_a_semicolon_header_is_still_told_from_its_start(system):
    manager = await location_manager(system)
    http = await manager_api(system, manager)
    long_header = [*HEADER, *(f"Note {n}" for n in range(300))]  # its start tells the separator
    data = csv_file([[*line, *[""] * 300] for line in rows(2, tag())], delimiter=";",
                    header=long_header)
    answer = await upload(http, manager, data, name="people.csv")
    assert answer.status_code == 201, answer.text
    assert answer.json()["valid_rows"] == 2, answer.json()
