"""Pictures are checked and re-encoded off the event loop: while a storage unit's photos are
being re-encoded (a 12-megapixel phone photo is ~280 ms of CPU), the API goes on answering
everyone else. The re-encoding here is held until another request has been answered, so on the
event loop it would hold that request too (and give up waiting after 5 s)."""

import asyncio
import threading

from api.domain import files
from tests.support.enrollment import (
    add_storage_unit,
    photo,
    register_coordinator,
    start_enrollment,
)


async def test_other_requests_are_answered_while_photos_are_reencoded(system, monkeypatch):
    enrollment = await start_enrollment(system, ["Busy Photo Clinic"])
    (email, location_id), = enrollment.locations.items()
    coordinator = await register_coordinator(system, email)
    reencode = files.reencode_photo
    started, answered = threading.Event(), threading.Event()
    waits: list[bool] = []

    def held(raw: bytes, field: str):
        started.set()
        waits.append(answered.wait(5))
        return reencode(raw, field)

    monkeypatch.setattr(files, "reencode_photo", held)
    upload = asyncio.create_task(add_storage_unit(coordinator, location_id, photo(),
                                                  photo("white")))
    assert await asyncio.to_thread(started.wait, 10), "the upload never reached its photos"
    status = await coordinator.get(f"/api/v1/locations/{location_id}/status")
    answered.set()
    assert status.status_code == 200
    unit = await upload
    assert unit.status_code == 201, unit.text
    assert waits == [True, True], "a photo's re-encoding held the event loop"
