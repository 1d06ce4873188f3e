"""A large recipient upload's rows (1.6 MB of JSON at 5,000 rows, ~28 ms to encode) are
encoded off the event loop: while they are, the API goes on answering everyone else. The
encoding here is held until another request has been answered, so on the event loop (or in the
database write, as before) it would hold that request too (and give up waiting after 5 s). The
rows then reach the import process intact, on either database."""

import asyncio
import json
import threading

from api.domain import recipients
from tests.support.recipients import (
    finished,
    location_manager,
    manager_api,
    people,
    rows,
    tag,
    upload,
    xlsx,
)


async def test_other_requests_are_answered_while_an_uploads_rows_are_encoded(system,
                                                                              monkeypatch):
    manager = await location_manager(system)
    http = await manager_api(system, manager)
    encode = recipients.encode_rows
    started, answered = threading.Event(), threading.Event()
    waits: list[bool] = []

    def held(lines: list):
        started.set()
        waits.append(answered.wait(5))
        return encode(lines)

    monkeypatch.setattr(recipients, "encode_rows", held)
    t = tag()
    sending = asyncio.create_task(upload(http, manager, xlsx(rows(150, t))))
    assert await asyncio.to_thread(started.wait, 10), "the upload never reached its rows"
    me = await http.get("/api/v1/me")
    answered.set()
    assert me.status_code == 200
    answer = await sending
    assert answer.status_code == 201, answer.text
    assert waits == [True], "encoding the rows held the event loop"
    progress = await finished(http, answer.json()["id"], timeout=60)
    assert progress["total_rows"] == 150 and progress["stored"] == 150, progress
    assert await people(system, f"Quill{t}") == 150


def test_rows_are_encoded_a_few_hundred_at_a_time_into_the_same_json():
    lines = [[n, {"first_name": f"Ana {n}", "note": "ñ \"quoted\""}] for n in range(1, 1_202)]
    for part in (lines, lines[:1], lines[:recipients.ENCODE_CHUNK], []):
        assert recipients.encode_rows(part) == json.dumps(part)
