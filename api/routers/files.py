"""Stored files (storage-unit photos, drawn signatures, case attachments), for those who may
see what they are attached to."""

from fastapi.responses import Response
from sqlalchemy import String, cast
from sqlmodel import or_, select

from api.access import STATE_STAFF
from api.deps import CurrentUser, SessionDep
from api.domain.files import disposition, served_name
from api.domain.helpdesk import NO_FILE, attached_file, case_for
from api.domain.scope import location_for
from api.params import Id
from api.routing import Router
from core.errors import NotFound
from models.accounts import User
from models.enrollment import StorageUnit, StoredFile
from models.helpdesk import CaseAttachment
from models.review import ReviewDecision
from models.signatures import Signature

router = Router(include_in_schema=False)


@router.get("/files/{file_id}")
async def stored_file(file_id: Id, user: CurrentUser, session: SessionDep) -> Response:
    """Who may open a file is who may open what it is attached to; another's is not available
    (not "that location")."""
    try:
        attachment = (await session.exec(select(CaseAttachment).where(
            CaseAttachment.file_id == file_id))).first()
        if attachment is not None:  # not an internal note's, for its requester
            case = await case_for(session, user, attachment.case_id)
            return file_response(await attached_file(session, case, user, file_id))
        if not await _may_open(session, user, file_id):
            raise NotFound(NO_FILE)
    except NotFound:
        raise NotFound(NO_FILE) from None
    return file_response(await session.get(StoredFile, file_id))


async def _may_open(session, user: User, file_id: int) -> bool:
    """A storage unit's photo: whoever may open its location. A drawn signature: the state's
    staff. A photo a review decision's Section B snapshot names (its unit removed, or the photo
    replaced, since): whoever may open that location. A file attached to nothing (kept for a
    form shown again, or left there): only the account that uploaded it (files record nothing
    of what they are for until attached)."""
    unit_at = (await session.exec(select(StorageUnit.location_id).where(or_(
        StorageUnit.inside_photo_id == file_id, StorageUnit.outside_photo_id == file_id)))).first()
    if unit_at is not None:
        return await _opens_location(session, user, unit_at)
    if (await session.exec(select(Signature.id).where(
            Signature.image_file_id == file_id))).first() is not None:
        return user.role in STATE_STAFF
    found = (await session.exec(select(StoredFile.sha256, StoredFile.width,
                                       StoredFile.uploaded_by)
                                .where(StoredFile.id == file_id))).first()
    if found is None:
        return False
    sha, width, uploader = found
    if width is not None:  # a storage unit's photo is the one kind stored with its size
        snapshot = cast(ReviewDecision.snapshot, String)
        locations = (await session.exec(select(ReviewDecision.location_id).distinct().where(
            snapshot.contains(sha)))).all()
        for location_id in locations:
            if await _opens_location(session, user, location_id):
                return True
    return uploader is not None and uploader == user.id


async def _opens_location(session, user: User, location_id: int) -> bool:
    try:
        await location_for(session, user, location_id)
    except NotFound:
        return False
    return True


def file_response(stored: StoredFile) -> Response:
    """The file under its cleaned name (files kept before names were cleaned are cleaned
    here), ending as what it is: plain letters for old browsers, the name as written for the
    others (RFC 6266)."""
    return Response(stored.data, media_type=stored.content_type,
                    headers={"Cache-Control": "private, no-store", "Content-Disposition":
                             disposition(served_name(stored.filename, stored.content_type),
                                         "inline")})
