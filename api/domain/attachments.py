"""Case attachments: allowed by content (not by name), size-capped, stored in the database."""

import math
import zipfile
from io import BytesIO

from sqlmodel.ext.asyncio.session import AsyncSession

from api.domain.files import KIND_EXTENSIONS, kind_name, off_the_loop, reencode_photo, store_file
from api.domain.section_b import Upload
from api.domain.workbook import DAMAGED
from api.params import id_or_none
from core.errors import Invalid
from core.i18n import N_, gettext
from core.security import capability, capability_valid
from models.enrollment import StoredFile
from models.helpdesk import CaseAttachment

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 5
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Said to recipients too (the public question and its personal link): through the catalogue,
# in the language of the page, then filled in.
REFUSED = N_("{name}: we accept Excel workbooks (.xlsx), PDF, CSV or text files and pictures "
             "(JPEG, PNG), up to 10 MB each.")
EMPTY = N_("{name} is empty (0 bytes): attach the file again once it has its content.")
TOO_LARGE = N_("{name} is {size:.1f} MB: files up to 10 MB each are accepted.")
TOO_MANY = N_("Attach at most {most} files at a time.")
NOT_A_PICTURE = N_("{name} is not a picture we can open (it may be damaged): attach it again as "
                   "a JPEG or PNG picture, or as a PDF.")


def too_many() -> Invalid:
    return Invalid(gettext(TOO_MANY).format(most=MAX_ATTACHMENTS), field="attachments")


def _kind(upload: Upload) -> str | None:
    data = upload.data
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(BytesIO(data)) as archive:
                if "xl/workbook.xml" in archive.namelist():
                    return XLSX
        except DAMAGED:  # a damaged zip, however the reader names it
            return None
        return None
    if data[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if upload.filename.lower().endswith((".csv", ".txt")):
        try:
            data.decode("utf-8")
            return "text/csv" if upload.filename.lower().endswith(".csv") else "text/plain"
        except UnicodeDecodeError:
            return None
    return None


def sort_attachments(uploads: list[Upload]) -> tuple[list[tuple[Upload, str]], list[str]]:
    """The files we accept, each with its kind, and a sentence for each one we do not (every
    file's problem named at once, not the first one's only)."""
    checked, problems = [], []
    for upload in uploads:
        if not upload.data:
            problems.append(gettext(EMPTY).format(name=upload.filename))
        elif len(upload.data) > MAX_ATTACHMENT_BYTES:
            # rounded up: a few bytes over is "10.1 MB", not a size that reads as allowed
            size = math.ceil(len(upload.data) * 10 / 1024 / 1024) / 10
            problems.append(gettext(TOO_LARGE).format(name=upload.filename, size=size))
        elif (kind := _kind(upload)) is None:
            problems.append(gettext(REFUSED).format(name=upload.filename))
        else:
            checked.append((upload, kind))
    return checked, problems


def check_attachments(uploads: list[Upload]) -> list[tuple[Upload, str]]:
    """Every file checked before anything is stored: one bad file refuses them all."""
    if len(uploads) > MAX_ATTACHMENTS:
        raise too_many()
    checked, problems = sort_attachments(uploads)
    if problems:
        raise Invalid(" ".join(problems), field="attachments")
    return checked


async def _store(session: AsyncSession, upload: Upload, kind: str,
                 uploaded_by: int | None = None) -> StoredFile:
    data, name = upload.data, upload.filename
    picture = kind.startswith("image/")
    if picture:  # pictures are re-encoded, so no metadata leaks
        try:
            data, _w, _h = await off_the_loop(reencode_photo, upload.data, "attachments", True)
        except Invalid as error:  # a picture cut short or damaged: named, as the others are
            raise Invalid(gettext(NOT_A_PICTURE).format(name=upload.filename),
                          field="attachments") from error
        kind = "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"  # as re-saved
    # named as what it is: a PDF sent as scan.png, a workbook as report.pdf, are not kept so
    name = kind_name(name, "picture" if picture else "attachment", KIND_EXTENSIONS[kind])
    return await store_file(session, data, filename=name, content_type=kind,
                            uploaded_by=uploaded_by)


async def store_attachments(session: AsyncSession, case_id: int, message_id: int | None,
                            checked: list[tuple[Upload, str]],
                            kept: list[StoredFile] = ()) -> list[CaseAttachment]:
    """The checked uploads stored, plus files kept from an earlier step, attached to a case."""
    files = [await _store(session, upload, kind) for upload, kind in checked]
    stored = []
    for file in [*kept, *files]:
        attachment = CaseAttachment(case_id=case_id, message_id=message_id, file_id=file.id,
                                    filename=file.filename[:200],
                                    content_type=file.content_type, size=file.size)
        session.add(attachment)
        stored.append(attachment)
    await session.flush()
    return stored


# Files attached on a page that is shown again (the knowledge-base suggestions, a refused
# field) are checked and stored at once; the form carries a signed reference to each, bound to
# the person, so "Continue" never loses them and nobody can claim another's file. The person
# (`holder`) is an account's id, or for a visitor without one (the public question, a case's
# personal link) their browser's own random seed (api/page_files.py).
PENDING = "pending_attachment"


def _reference(secret: str, holder: int | str, file_id: int) -> str:
    return f"{file_id}.{capability(secret, f'{PENDING}:{holder}', file_id)}"


async def keep_pending(session: AsyncSession, secret: str, holder: int | str, uploads: list[Upload],
                       already: int = 0) -> tuple[list[tuple[str, str]], list[str]]:
    """Check and store uploads for a later submit: (reference, filename) for the form of each
    file we accept, and what is wrong with each one we do not (the good ones are kept)."""
    if len(uploads) + already > MAX_ATTACHMENTS:
        raise too_many()
    checked, problems = sort_attachments(uploads)
    kept = []
    for upload, kind in checked:
        try:
            # an account's file is theirs to open until it is attached (a visitor's, nobody's)
            file = await _store(session, upload, kind,
                                holder if isinstance(holder, int) else None)
        except Invalid as error:  # a damaged picture: named, the good files beside it kept
            problems.append(error.message)
            continue
        kept.append((_reference(secret, holder, file.id), file.filename))
    return kept, problems


async def pending_files(session: AsyncSession, secret: str, holder: int | str,
                        references: list[str]) -> list[StoredFile]:
    """The stored files the form's references name; a reference we did not issue to this
    person is ignored."""
    files = []
    for reference in dict.fromkeys(references):
        file_id = id_or_none(reference.partition(".")[0])
        if file_id is not None and capability_valid(secret, f"{PENDING}:{holder}", file_id,
                                                    reference.partition(".")[2]):
            file = await session.get(StoredFile, file_id)
            if file is not None:
                files.append(file)
    return files[:MAX_ATTACHMENTS]


def kept_list(files: list[StoredFile], secret: str,
              holder: int | str) -> list[tuple[str, str]]:
    return [(_reference(secret, holder, f.id), f.filename) for f in files]
