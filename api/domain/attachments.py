"""Case attachments: allowed by content (not by name), size-capped, stored in the database."""

import zipfile
from io import BytesIO

from sqlmodel.ext.asyncio.session import AsyncSession

from api.domain.files import reencode_photo, store_file
from api.domain.section_b import Upload
from core.errors import Invalid
from models.helpdesk import CaseAttachment

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 5
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REFUSED = ("{name}: we accept Excel workbooks (.xlsx), PDF, CSV or text files and pictures "
           "(JPEG, PNG), up to 10 MB each.")


def _kind(upload: Upload) -> str | None:
    data = upload.data
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(BytesIO(data)) as archive:
                if "xl/workbook.xml" in archive.namelist():
                    return XLSX
        except zipfile.BadZipFile:
            return None
        return None
    if data[:3] == b"\xff\xd8\xff" or data.startswith(b"\x89PNG"):
        return "image/jpeg"
    if upload.filename.lower().endswith((".csv", ".txt")):
        try:
            data.decode("utf-8")
            return "text/csv" if upload.filename.lower().endswith(".csv") else "text/plain"
        except UnicodeDecodeError:
            return None
    return None


def check_attachments(uploads: list[Upload]) -> list[tuple[Upload, str]]:
    """Every file checked before anything is stored: one bad file refuses them all."""
    if len(uploads) > MAX_ATTACHMENTS:
        raise Invalid(f"Attach at most {MAX_ATTACHMENTS} files at a time.", field="attachments")
    checked = []
    for upload in uploads:
        kind = _kind(upload)
        if kind is None or len(upload.data) > MAX_ATTACHMENT_BYTES:
            raise Invalid(REFUSED.format(name=upload.filename), field="attachments")
        checked.append((upload, kind))
    return checked


async def store_attachments(session: AsyncSession, case_id: int, message_id: int | None,
                            checked: list[tuple[Upload, str]]) -> list[CaseAttachment]:
    stored = []
    for upload, kind in checked:
        data = upload.data
        if kind == "image/jpeg":  # pictures are re-encoded, so no metadata leaks
            data, _w, _h = reencode_photo(upload.data, "attachments")
        file = await store_file(session, data, filename=upload.filename, content_type=kind)
        attachment = CaseAttachment(case_id=case_id, message_id=message_id, file_id=file.id,
                                    filename=upload.filename[:200], content_type=kind,
                                    size=len(data))
        session.add(attachment)
        stored.append(attachment)
    await session.flush()
    return stored
