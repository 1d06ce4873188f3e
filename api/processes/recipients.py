"""Recipient bulk uploads: the import process of one upload (its id and row count only); a
person registered at the point of care: their personal link's email."""

from sqlmodel.ext.asyncio.session import AsyncSession

from api.processes.gateway import Gateway
from models.contracts import ImportProgress, RecipientImportInput, RecipientRef
from workflows import ids
from workflows.recipient_import import RecipientImportWorkflow as Import
from workflows.recipient_import import RecipientLinkWorkflow


async def start_import(gateway: Gateway, session: AsyncSession, upload_id: int,
                       rows: int) -> None:
    """With the upload in `session`: it commits only once its process has started."""
    await gateway.start(Import.run, RecipientImportInput(upload_id=upload_id, rows=rows),
                        id=ids.recipient_import(upload_id), session=session)


async def import_detail(gateway: Gateway, upload_id: int) -> ImportProgress | None:
    return await gateway.query(ids.recipient_import(upload_id), Import.detail)


async def email_link(gateway: Gateway, session: AsyncSession | None, recipient_id: int,
                     version: int = 0, reason: str = "registered", request: str = "") -> None:
    """With the registration (or the corrected address) in `session`: it commits only once
    its email's process has started (so a registration is never left without its email, nor
    an email without it). The link of each version is emailed once, and once per ask."""
    await gateway.start(RecipientLinkWorkflow.run,
                        RecipientRef(recipient_id=recipient_id, reason=reason, request=request,
                                     version=version),
                        id=ids.recipient_link(recipient_id, version, request), session=session)
