"""Files kept for a refused form and never sent again do not stay in `stored_file` for ever:
the worker's sweep (workflows/files.py, on the real Temporal dev server) removes those a day
old that nothing uses, and leaves a storage unit's photos, a file kept an hour ago, and a
photo whose hash a review decision's Section B snapshot names (the review's changes view
shows a removed unit's photo by it)."""

import asyncio
import hashlib
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import col, select

from models.base import utcnow
from models.enrollment import StorageUnit, StoredFile
from tests.support.review import enrolled_site
from workflows import ids
from workflows.files import start_file_sweep


async def _stored(system, data: bytes, age: timedelta, sha: str | None = None) -> int:
    """A file as a refused form keeps it (a photo, with its size)."""
    async with system.sessions() as session:
        file = StoredFile(sha256=sha or hashlib.sha256(data).hexdigest(),
                          content_type="image/jpeg", filename="kept.jpg", size=len(data),
                          width=640, height=480, data=data, created_at=utcnow() - age)
        session.add(file)
        await session.commit()
        return file.id


async def _left(system, file_ids: list[int]) -> set[int]:
    async with system.sessions() as session:
        return set((await session.exec(select(StoredFile.id).where(
            col(StoredFile.id).in_(file_ids)))).all())


async def test_files_kept_for_a_form_and_never_used_are_removed_after_a_week(system):
    location_id = (await enrolled_site(system, "Sweep Clinic")).location_id  # a unit, reviewed
    async with system.sessions() as session:
        unit = (await session.exec(select(StorageUnit).where(
            StorageUnit.location_id == location_id))).one()
        photos = [unit.inside_photo_id, unit.outside_photo_id]
        reviewed_sha = (await session.get(StoredFile, unit.inside_photo_id)).sha256
        await session.exec(update(StoredFile).where(col(StoredFile.id).in_(photos))
                           .values(created_at=utcnow() - timedelta(days=10)))
        await session.commit()
    abandoned = await _stored(system, b"abandoned kept file", timedelta(days=8))
    # two days: a drawn signature's image whose row a process away for days has yet to write
    fresh = await _stored(system, b"kept two days ago", timedelta(days=2))
    # a removed unit's photo: no row names it, the reviewed Section B names its hash
    reviewed = await _stored(system, b"a removed unit's photo", timedelta(days=8), reviewed_sha)

    await start_file_sweep(system.client, system.task_queue)
    await start_file_sweep(system.client, system.task_queue)  # started again: the same run
    try:
        for _ in range(200):
            if abandoned not in await _left(system, [abandoned]):
                break
            await asyncio.sleep(0.1)
        assert await _left(system, [abandoned, fresh, reviewed, *photos]) == {
            fresh, reviewed, *photos}
    finally:
        await system.client.get_workflow_handle(ids.file_sweep(system.task_queue)).terminate()
