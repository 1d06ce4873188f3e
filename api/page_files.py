"""Files sent with a page's form (help-desk cases, replies, notes): read from the file input,
and kept, by signed references, through a form shown again after a refusal."""

from typing import Annotated

from fastapi import File, Request, UploadFile

from api.domain.attachments import keep_pending, kept_list, pending_files
from api.domain.section_b import Upload
from api.services import secret
from core.errors import CVMSError
from models.enrollment import StoredFile

Attachments = Annotated[list[UploadFile] | None, File(description="Up to 5 files")]


async def files_of(attachments: list[UploadFile] | None) -> list[Upload]:
    """The files a page's file input sent (an empty input sends one nameless part)."""
    return [Upload(item.filename, await item.read()) for item in attachments or []
            if item.filename]


def kept_references(values: dict) -> list[str]:
    kept = values.pop("kept", [])
    return [str(k) for k in (kept if isinstance(kept, list) else [kept]) if k]


async def keep_files(request: Request, session, user, values: dict,
                     uploads: list[Upload]) -> tuple[list[StoredFile], dict[str, str]]:
    """Files from earlier steps (by their signed references) plus this post's new files,
    stored now so a page shown again still has them: the files and any refusal."""
    values.pop("attachments", None)
    kept = await pending_files(session, secret(request), user.id, kept_references(values))
    errors = {}
    if uploads:
        try:
            refs, problems = await keep_pending(session, secret(request), user.id, uploads,
                                                len(kept))
            kept += await pending_files(session, secret(request), user.id,
                                        [r for r, _name in refs])
            if problems:  # the good files are kept (listed on the form), the bad ones named
                errors = {"attachments": " ".join(problems) + (
                    " Your other files are kept." if refs else "")}
        except CVMSError as error:
            errors = error.problems("attachments")
    values["kept_files"] = kept_list(kept, secret(request), user.id)
    return kept, errors
