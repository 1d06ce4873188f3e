"""Files sent with a page's form (help-desk cases, replies, notes, the public question and its
personal link): read from the file input, and kept, by signed references, through a form shown
again after a refusal."""

from typing import Annotated

from fastapi import File, Request, UploadFile

from api.csrf import browser_seed
from api.domain import throttle
from api.domain.attachments import keep_pending, kept_list, pending_files
from api.domain.section_b import Upload
from api.services import secret
from api.sessions import client_address
from core.errors import CVMSError
from core.i18n import N_, gettext
from models.enrollment import StoredFile

Attachments = Annotated[list[UploadFile] | None, File(description="Up to 5 files")]
OTHERS_KEPT = N_("Your other files are kept.")


async def files_of(attachments: list[UploadFile] | None) -> list[Upload]:
    """The files a page's file input sent (an empty input sends one nameless part)."""
    return [Upload(item.filename, await item.read()) for item in attachments or []
            if item.filename]


def kept_references(values: dict) -> list[str]:
    """The kept files the form sends: those whose "Remove" box is unchecked."""
    removed = set(_listed(values.pop("remove", [])))
    return [k for k in _listed(values.pop("kept", [])) if k not in removed]


def _listed(value) -> list[str]:
    return [str(k) for k in (value if isinstance(value, list) else [value]) if k]


def holder(request: Request, user) -> int | str:
    """Whose kept files a form may name: an account's, or a visitor's without one (a public
    question, a case's personal link) bound to their browser, so a reference copied into
    another browser's form names nothing."""
    user_id = getattr(user, "id", None)
    return user_id if user_id is not None else f"visitor:{browser_seed(request)}"


async def kept_files(request: Request, session, user, references: list[str]) -> list[StoredFile]:
    """The files an earlier step kept for this person, by the form's references."""
    return await pending_files(session, secret(request), holder(request, user), references)


async def public_files_allowed(request: Request, session, user, count: int) -> None:
    """A visitor without an account stores a bounded number of files an hour (429 past it)."""
    if getattr(user, "id", None) is None:
        await throttle.public_files_allowed(session, client_address(request), count)


async def keep_files(request: Request, session, user, values: dict,
                     uploads: list[Upload]) -> tuple[list[StoredFile], dict[str, str]]:
    """Files from earlier steps (by their signed references) plus this post's new files,
    stored now so a page shown again still has them: the files and any refusal."""
    values.pop("attachments", None)
    owner = holder(request, user)
    kept = await pending_files(session, secret(request), owner, kept_references(values))
    errors = {}
    if uploads:
        try:
            await public_files_allowed(request, session, user, len(uploads))
            refs, problems = await keep_pending(session, secret(request), owner, uploads,
                                                len(kept))
            kept += await pending_files(session, secret(request), owner,
                                        [r for r, _name in refs])
            if problems:  # the good files are kept (listed on the form), the bad ones named
                errors = {"attachments": " ".join(problems) + (
                    " " + gettext(OTHERS_KEPT) if refs else "")}
        except CVMSError as error:
            errors = error.problems("attachments")
    values["kept_files"] = kept_list(kept, secret(request), owner)
    return kept, errors
