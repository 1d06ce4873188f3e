"""A workbook whose zip structure is damaged in ways the zip reader names other than "bad zip
file" - a version of the format it does not know, a compression method it has none of, a
central directory pointing before the file's start - answered a recipient list's upload with
a 500, and a case's attachment with one too (the public question's form included: no account
needed). Each is now refused on the file's field as a damaged workbook (an attachment whose
damage shows only when it is read is kept, as before)."""

import struct

import pytest

from tests.support.helpdesk import open_case, register_requester
from tests.support.recipients import location_manager, manager_api, rows, tag, upload, xlsx

CENTRAL = b"PK\x01\x02"
END = b"PK\x05\x06"


def each_entry(book: bytes, offset: int, value: bytes) -> bytes:
    """Every central directory entry with `value` written at `offset` into it."""
    data, at = bytearray(book), book.find(CENTRAL)
    while at != -1:
        data[at + offset:at + offset + len(value)] = value
        at = book.find(CENTRAL, at + 4)
    return bytes(data)


def unknown_version(book: bytes) -> bytes:
    return each_entry(book, 6, struct.pack("<H", 238))  # "needs version 23.8 to extract"


def unknown_compression(book: bytes) -> bytes:
    return each_entry(book, 10, struct.pack("<H", 99))


def directory_too_far(book: bytes) -> bytes:
    """The end record says the central directory starts later than it does: every entry's
    place falls before the file's start."""
    data, at = bytearray(book), book.rfind(END)
    start = struct.unpack_from("<I", data, at + 16)[0]
    struct.pack_into("<I", data, at + 16, start + 100_000)
    return bytes(data)


DAMAGES = [unknown_version, unknown_compression, directory_too_far]


@pytest.mark.parametrize("damage", DAMAGES, ids=lambda damage: damage.__name__)
async def test_a_damaged_recipient_workbook_is_refused_on_its_field(system, damage):
    manager = await location_manager(system)
    http = await manager_api(system, manager)
    answer = await upload(http, manager, damage(xlsx(rows(2, tag()))))
    assert answer.status_code == 422, answer.text
    assert "file" in answer.json()["errors"], answer.json()


async def test_a_damaged_workbook_attached_to_a_case_is_refused_or_kept_never_a_500(system):
    """A zip whose directory the reader cannot take is no workbook, refused on the field; one
    whose damage shows only when a part is read is kept as sent (as any damaged workbook is),
    and reading it names the damage (the test above)."""
    requester, _ = await register_requester(system)
    for damage, status in ((unknown_version, 422), (unknown_compression, 201),
                           (directory_too_far, 201)):
        answer = await open_case(requester, "other", "A damaged list", files=[
            ("list.xlsx", damage(xlsx(rows(2, tag()))),
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")])
        assert answer.status_code == status, (damage.__name__, answer.text)
        if status == 422:
            assert "attachments" in answer.json()["errors"], answer.json()
