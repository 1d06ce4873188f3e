"""Bulk provider import against hostile files (issue 16 item 4).

Every malformed file is a 422 naming the problem; a 100,000-row sheet is refused, and a full
5,000-row one checked, without stalling the server; a file naming another location is refused; a
good file still imports. (The latency target itself is a figure of `bench.lists`.)
"""

import asyncio
import gc
import time
from contextlib import contextmanager
from typing import NamedTuple

import httpx
import pytest

from api.domain import case_imports, provider_import
from api.domain.provider_import import MAX_PROVIDER_ROWS
from api.domain.workbook import Unreadable, read_sheet
from tests.support.enrollment import complete_location, start_enrollment
from tests.support.helpdesk import corrupted, open_case, raw_workbook
from tests.support.web import api_client

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PLACE = "Import Guard Clinic"


class BulkCase(NamedTuple):
    staff: httpx.AsyncClient  # a bulk-uploads agent
    location_id: int
    attachments: dict[str, tuple[int, int]]  # file name -> (case, attachment)
    full: bytes  # the full 5,000-row sheet


@pytest.fixture(scope="module")
async def bulk_case(system) -> BulkCase:
    """A location waiting for its bulk upload, cases carrying every kind of file, an agent."""
    from models.enums import Role
    from tests.support.accounts import make_user

    enrollment = await start_enrollment(system, [PLACE])
    (email, location_id), = enrollment.locations.items()
    coordinator = await complete_location(system, email, location_id, providers=0)
    full = await asyncio.to_thread(raw_workbook, MAX_PROVIDER_ROWS, PLACE)
    batches = ({"huge": await asyncio.to_thread(raw_workbook, 100_000, PLACE), "full": full},
               {"broken": raw_workbook(50, PLACE, broken_at=30),
                "damaged": corrupted(raw_workbook(3_000, PLACE)),
                "elsewhere": raw_workbook(5, "Some Other Clinic"), "good": raw_workbook(7, PLACE)})
    agent = await make_user(system, Role.HELPDESK_AGENT, team="bulk_uploads")
    staff = await api_client(system, agent.email)
    attachments = {}  # file name -> (case, attachment)
    for files in batches:  # a case holds at most five files
        case = (await open_case(coordinator, "provider_bulk_upload", "Our providers",
                                location_id=location_id,
                                files=[(f"{name}.xlsx", data, XLSX)
                                       for name, data in files.items()])).json()
        detail = (await staff.get(f"/api/v1/helpdesk/cases/{case['id']}")).json()
        attachments |= {a["filename"].removesuffix(".xlsx"): (case["id"], a["id"])
                        for a in detail["attachments"]}
    return BulkCase(staff, location_id, attachments, full)


async def check(bulk_case: BulkCase, name: str, action: str = "imports/check"):
    case_id, attachment_id = bulk_case.attachments[name]
    return await bulk_case.staff.post(f"/api/v1/helpdesk/cases/{case_id}/{action}", json={
        "attachment_id": attachment_id, "location_id": bulk_case.location_id})


def where_it_ran(monkeypatch, module, name: str, seen: list[tuple[str, bool]]) -> None:
    """Wrap `module.name` to note, at each call, whether it ran on a thread that turns an event
    loop (the server's: every request waits while it runs) or on a worker thread."""
    real = getattr(module, name)

    def spy(*args, **kwargs):
        try:
            asyncio.get_running_loop()
            seen.append((name, True))
        except RuntimeError:
            seen.append((name, False))
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, spy)


async def test_big_sheets_are_read_without_stalling_the_server(system, bulk_case, monkeypatch):
    """Reading a sheet and validating its rows run on a worker thread, never on the server's
    event loop (the API runs in this test's loop), and /healthz keeps answering, its database
    reached, while a 100,000-row sheet is refused and a full one is checked. Done on the loop,
    the full sheet's check would hold every request for as long as it takes. How long the loop
    waits meanwhile is printed; the target is a figure of `bench.lists`, not a bound of this test
    (a fixed bound failed at 68 ms against 60 under the full suite's load). The answer's other
    parts are outside this process: under the whole suite's load Temporal once took longer than
    the check's 3 s, a 503 that said nothing of this server's loop."""
    seen: list[tuple[str, bool]] = []
    where_it_ran(monkeypatch, case_imports, "sheet_rows", seen)
    where_it_ran(monkeypatch, provider_import, "validate", seen)
    with frozen_heap():
        lags, answers = await watch_the_loop(system, bulk_case)
    print(f"during the uploads: the loop waited at most {max(lags) * 1000:.1f} ms; "
          f"{len(answers)} health checks")
    assert len(answers) >= 3, answers
    assert {answer["components"]["database"]["status"] for answer in answers} == {"ok"}, answers
    assert {name for name, _ in seen} == {"sheet_rows", "validate"}, seen
    assert not [name for name, on_loop in seen if on_loop], seen


@contextmanager
def frozen_heap():
    """What a server process does after start-up (core.heap): what exists so far is left out
    of the collector's walks. Here that is the whole test session's heap, whose full
    collection (~0.4 s) would otherwise be counted as the cost or the stall measured."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


async def watch_the_loop(system, bulk_case: BulkCase) -> tuple[list[float], list[dict]]:
    """How late each 5 ms heartbeat woke, and /healthz's answers, while the huge sheet is
    refused (check and import) and the full one checked."""
    lags, answers, done = [], [], asyncio.Event()

    async def heartbeat():
        while not done.is_set():
            started = time.perf_counter()
            await asyncio.sleep(0.005)
            lags.append(time.perf_counter() - started - 0.005)

    async def probe(http):
        while not done.is_set():
            answers.append((await http.get("/healthz")).json())
            await asyncio.sleep(0.01)

    async with system.http() as http:  # made before the watch: making one costs ~50 ms
        watching = asyncio.gather(heartbeat(), probe(http))
        try:
            await asyncio.sleep(0.1)
            for action in ("imports/check", "imports"):
                answer = await check(bulk_case, "huge", action)
                assert answer.status_code == 422, answer.text
                assert "more than 5,003 rows" in answer.json()["detail"]
                assert f"at most {MAX_PROVIDER_ROWS:,}" in answer.json()["detail"]
            answer = await check(bulk_case, "full")
            assert answer.status_code == 200, answer.text
            assert answer.json()["valid_rows"] == MAX_PROVIDER_ROWS
        finally:
            done.set()
            await watching
    return lags, answers


@pytest.mark.parametrize(("name", "problem"), [
    ("broken", "damaged and cannot be read"),
    ("damaged", "truncated or damaged"),
])
async def test_malformed_workbooks_answer_422_naming_the_problem(bulk_case, name, problem):
    for action in ("imports/check", "imports"):
        answer = await check(bulk_case, name, action)
        assert answer.status_code == 422, answer.text
        assert problem in answer.json()["detail"]
        assert "attachment_id" in answer.json()["errors"]


async def test_a_file_for_another_location_is_refused(bulk_case):
    answer = await check(bulk_case, "elsewhere", "imports")
    assert answer.status_code == 422, answer.text
    assert "Some Other Clinic" in answer.json()["detail"] and PLACE in answer.json()["detail"]
    assert "location_id" in answer.json()["errors"]


async def test_the_right_file_still_imports(bulk_case):
    answer = await check(bulk_case, "good", "imports")
    assert answer.status_code == 201, answer.text
    assert answer.json()["imported"] == 7


async def test_a_truncated_or_foreign_file_is_named_as_such():
    """Uploads refuse a truncated zip already; the reader refuses it too, wherever it comes
    from, and anything that is not a workbook at all."""
    good = raw_workbook(10, PLACE)
    for data, problem in ((good[: len(good) // 2], "truncated"),
                          (b"%PDF-1.7 not a workbook", "not an Excel workbook")):
        with pytest.raises(Unreadable) as refused:
            read_sheet(data, max_rows=10, header_rows=3, field="attachment_id")
        assert problem in refused.value.message
        assert refused.value.status_code == 422
