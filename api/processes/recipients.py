"""Recipient bulk uploads: the import process of one upload (its id and row count only)."""

from sqlmodel.ext.asyncio.session import AsyncSession

from api.processes.gateway import Gateway
from models.contracts import ImportProgress, RecipientImportInput
from workflows import ids
from workflows.recipient_import import RecipientImportWorkflow as Import


async def start_import(gateway: Gateway, session: AsyncSession, upload_id: int,
                       rows: int) -> None:
    """With the upload in `session`: it commits only once its process has started."""
    await gateway.start(Import.run, RecipientImportInput(upload_id=upload_id, rows=rows),
                        id=ids.recipient_import(upload_id), session=session)


async def import_detail(gateway: Gateway, upload_id: int) -> ImportProgress | None:
    return await gateway.query(ids.recipient_import(upload_id), Import.detail)
