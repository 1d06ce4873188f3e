"""A 5,000-row file with 3 bad rows: the errors are named by row and column, "valid rows
only" imports 4,997 people and emails 4,997 invitations, none twice, even with the worker
killed mid-file (its activities cancelled at once, not drained) and restarted, and with the
same file uploaded again."""

import asyncio
from collections import Counter
from datetime import timedelta

from sqlalchemy import func
from sqlmodel import select

from models.recipients import Recipient
from tests.support.recipients import location_manager, manager_api, rows, tag, upload, xlsx
from worker import build_worker

INVITATION = "Register for your COVID-19 vaccination"
BAD = {100: {2: "13/45/1980"}, 2500: {3: "919-555"}, 4998: {7: "Carolina"}}


async def progress(http, upload_id: int) -> dict:
    return (await http.get(f"/api/v1/recipient-uploads/{upload_id}")).json()


async def until(http, upload_id: int, check, timeout: float = 300) -> dict:
    for _ in range(int(timeout * 5)):
        now = await progress(http, upload_id)
        if check(now):
            return now
        await asyncio.sleep(0.2)
    raise AssertionError(f"upload {upload_id} stuck at {now}")


async def kill_worker_mid_file(system, http, upload_id: int) -> dict:
    """Swap in a worker whose shutdown cancels running activities at once, wait until the
    invitations are under way, kill it, and start the system's worker again."""
    await system.stop_worker()
    system.worker = build_worker(system.client, system.settings, engine=system.engine,
                                 graceful=timedelta(0))
    system._worker_task = asyncio.create_task(system.worker.run())
    mid = await until(http, upload_id, lambda p: p["invited"] >= 800)
    await system.stop_worker()
    await asyncio.sleep(1)
    await system.start_worker()
    return mid


async def test_4997_of_5000_imported_and_invited_exactly_once_across_a_killed_worker(system):
    manager = await location_manager(system)
    http = await manager_api(system, manager)
    t = tag()
    data = xlsx(rows(5000, t, BAD))
    whole = (await upload(http, manager, data)).json()
    whole = await until(http, whole["id"], lambda p: p["finished"])
    assert whole["status"] == "refused" and whole["stored"] == 0 and whole["error_rows"] == 3
    errors = (await http.get(f"/recipients/uploads/{whole['id']}")).text
    for row, column in ((102, "Date of Birth"), (2502, "Phone"), (5000, "State")):
        assert f'data-label="Row">{row}</td><td data-label="Column">{column}</td>' in errors

    started = (await upload(http, manager, data, valid_rows_only=True)).json()
    mid = await kill_worker_mid_file(system, http, started["id"])
    assert mid["invited"] < 4997, "the worker was killed before the file was done"
    done = await until(http, started["id"], lambda p: p["finished"])
    assert done["status"] == "done" and done["stored"] == 4997, done
    assert done["new_recipients"] == 4997 and done["invited"] == 4997

    suffix = f".{t.lower()}@example.org"
    mails = [m for m in system.smtp.find(subject=INVITATION) if m.to[0].endswith(suffix)]
    twice = {to: n for to, n in Counter(m.to[0] for m in mails).items() if n > 1}
    assert not twice, f"invited twice: {list(twice)[:5]}"
    assert len(mails) == 4997

    again = (await upload(http, manager, data, valid_rows_only=True)).json()
    again = await until(http, again["id"], lambda p: p["finished"])
    assert again["new_recipients"] == 0 and again["invited"] == 0
    async with system.sessions() as session:
        stored = (await session.exec(select(func.count()).select_from(Recipient).where(
            Recipient.last_name == f"Quill{t}"))).one()
    assert stored == 4997
    await asyncio.sleep(1)
    assert len([m for m in system.smtp.find(subject=INVITATION)
                if m.to[0].endswith(suffix)]) == 4997, "the same file again invited nobody"
