"""Stored files that nothing uses: removed once they are a week old.

A page keeps a file the moment it is sent with a form that is refused (a storage unit's photo,
a case's attachment), so the person need not choose it again; a form left there never uses it.
A file is used while a storage unit, a case attachment or a drawn signature names it, or, for a
storage unit's photo, while a review decision's Section B snapshot names its hash: the review's
changes view shows a removed unit's photos by their hash."""

from datetime import timedelta

from sqlalchemy import String, cast, delete, exists, or_
from sqlmodel import col, select
from temporalio import activity

from activities.mailer import MailingActivities
from core.db import transaction
from models.base import utcnow
from models.enrollment import StorageUnit, StoredFile
from models.helpdesk import CaseAttachment
from models.review import ReviewDecision
from models.signatures import Signature

# A form may still be open and send its kept files meanwhile; and a drawn signature's image is
# stored by the API before its process's step writes the signature row naming it: a worker or
# database away for days must not find the image gone when that step runs at last.
UNUSED_FOR = timedelta(days=7)
SWEEP_BATCH = 200  # files looked at, and removed, in one transaction


def _unused(before):
    """Older than `before`, and no row names it (anti-joins: no index on the naming columns
    needed on Postgres)."""
    named = (StorageUnit.inside_photo_id, StorageUnit.outside_photo_id, CaseAttachment.file_id,
             Signature.image_file_id)
    return (StoredFile.created_at < before,
            *(~exists().where(column == StoredFile.id) for column in named))


async def _photos_in_snapshots(session, photos: set[str]) -> set[str]:
    """Which of these storage-unit photos' hashes a review decision's Section B snapshot names
    (the review's changes view shows a removed unit's photos by their hash)."""
    if not photos:
        return set()
    text = cast(ReviewDecision.snapshot, String)
    rows = await session.exec(select(text).where(or_(*(text.contains(h) for h in photos))))
    return {h for row in rows.all() for h in photos if h in row}


class FileActivities(MailingActivities):
    @activity.defn
    async def remove_unused_files(self, after: int) -> int:
        """Remove the files past id `after` (up to SWEEP_BATCH looked at) older than UNUSED_FOR
        that nothing uses; the last id looked at, for the next call, or 0 when none was left.
        The delete asks again whether a row names each file, so one used meanwhile stays."""
        before = utcnow() - UNUSED_FOR
        async with transaction(self.sessions) as session:
            rows = (await session.exec(select(StoredFile.id, StoredFile.sha256, StoredFile.width)
                                       .where(StoredFile.id > after, *_unused(before))
                                       .order_by(StoredFile.id).limit(SWEEP_BATCH))).all()
            if not rows:
                return 0
            # a storage unit's photo is the one kind stored with its size (store_photo)
            named = await _photos_in_snapshots(session, {sha for _id, sha, width in rows
                                                         if width is not None})
            if ids := [file_id for file_id, sha, _width in rows if sha not in named]:
                removed = await session.exec(delete(StoredFile).where(
                    col(StoredFile.id).in_(ids), *_unused(before))
                    .execution_options(synchronize_session=False))
                activity.logger.info("removed %d stored files nothing used", removed.rowcount)
            return rows[-1][0] if len(rows) == SWEEP_BATCH else 0
