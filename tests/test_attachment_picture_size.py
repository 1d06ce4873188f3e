"""A case's picture is re-saved (so no metadata leaks), a PNG as a PNG up to 4096 px: a 5.6 MB
PNG of fine detail (6,300 px square) was kept as a 47 MB PNG, though attachments are "up to
10 MB each" - from the public question form too, 25 files an hour from one address without an
account. A picture whose PNG would pass the limit is kept as a JPEG (smaller still when even
that would), named and served as one."""

import os
from io import BytesIO

from PIL import Image
from sqlmodel import select

from models.enrollment import StoredFile
from models.helpdesk import CaseAttachment
from tests.support.helpdesk import open_case, register_requester

LIMIT = 10 * 1024 * 1024


def detailed_png(side: int = 6300) -> bytes:
    """Noise in 256 px tiles: the PNG sent compresses (the tiles repeat), the re-saved one,
    resampled to 4096 px, does not."""
    tile = Image.frombytes("RGB", (256, 256), os.urandom(256 * 256 * 3))
    picture = Image.new("RGB", (side, side))
    for x in range(0, side, 256):
        for y in range(0, side, 256):
            picture.paste(tile, (x, y))
    out = BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


async def test_a_picture_is_never_kept_larger_than_attachments_may_be(system):
    sent = detailed_png()
    assert len(sent) < LIMIT
    requester, _ = await register_requester(system)
    answer = await open_case(requester, "other", "A detailed picture",
                             files=[("detail.png", sent, "image/png")])
    assert answer.status_code == 201, answer.text
    async with system.sessions() as session:
        attachment = (await session.exec(select(CaseAttachment).where(
            CaseAttachment.case_id == answer.json()["id"]))).one()
        stored = await session.get(StoredFile, attachment.file_id)
    assert stored.size <= LIMIT, f"kept {stored.size / 1024 / 1024:.1f} MB"
    served = await requester.get(f"/files/{attachment.file_id}")
    assert served.content.startswith(b"\xff\xd8\xff")  # a JPEG, and said to be one
    assert served.headers["content-type"] == "image/jpeg"
    assert attachment.filename == "detail.jpg" and attachment.content_type == "image/jpeg"
    assert max(Image.open(BytesIO(served.content)).size) <= 4096
