"""Stored files (storage-unit photos, drawn signatures), for those who may see them."""

from fastapi.responses import Response
from sqlmodel import or_, select

from api.deps import CurrentUser, SessionDep
from api.domain.files import disposition, served_name
from api.domain.helpdesk import NO_FILE, attached_file, case_for
from api.domain.scope import location_for
from api.params import Id
from api.routing import Router
from core.errors import NotFound
from models.enrollment import StorageUnit, StoredFile
from models.enums import Role
from models.helpdesk import CaseAttachment

router = Router(include_in_schema=False)


@router.get("/files/{file_id}")
async def stored_file(file_id: Id, user: CurrentUser, session: SessionDep) -> Response:
    unit = (await session.exec(select(StorageUnit).where(or_(
        StorageUnit.inside_photo_id == file_id, StorageUnit.outside_photo_id == file_id)))).first()
    attachment = (await session.exec(select(CaseAttachment).where(
        CaseAttachment.file_id == file_id))).first()
    try:  # another's location or case: the file is not available (not "that location")
        if unit is not None:
            await location_for(session, user, unit.location_id)
        elif attachment is not None:  # not an internal note's, for its requester
            case = await case_for(session, user, attachment.case_id)
            return file_response(await attached_file(session, case, user, file_id))
    except NotFound:
        raise NotFound(NO_FILE) from None
    if unit is None and attachment is None and user.role != Role.REVIEWER:
        # signatures, and photos a resubmission replaced
        raise NotFound(NO_FILE)
    stored = await session.get(StoredFile, file_id)
    if stored is None:
        raise NotFound(NO_FILE)
    return file_response(stored)


def file_response(stored: StoredFile) -> Response:
    """The file under its cleaned name (files kept before names were cleaned are cleaned
    here), ending as what it is: plain letters for old browsers, the name as written for the
    others (RFC 6266)."""
    return Response(stored.data, media_type=stored.content_type,
                    headers={"Cache-Control": "private, no-store", "Content-Disposition":
                             disposition(served_name(stored.filename, stored.content_type),
                                         "inline")})
