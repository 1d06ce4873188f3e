"""Bulk provider import against hostile files (issue 16 item 4).

Every malformed file is a 422 naming the problem; a 100,000-row sheet is refused without
stalling the server (/healthz stays under 100 ms throughout); a file naming another location is
refused; a good file still imports.
"""

import asyncio
import time

import pytest

from api.domain.provider_import import MAX_PROVIDER_ROWS
from api.domain.workbook import Unreadable, read_first_sheet
from tests.support.enrollment import complete_location, start_enrollment
from tests.support.helpdesk import corrupted, open_case, raw_workbook
from tests.support.web import api_client

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PLACE = "Import Guard Clinic"


@pytest.fixture(scope="module")
async def bulk_case(system):
    """A location waiting for its bulk upload, a case carrying every kind of file, an agent."""
    from models.enums import Role
    from tests.support.accounts import make_user

    enrollment = await start_enrollment(system, [PLACE])
    (email, location_id), = enrollment.locations.items()
    coordinator = await complete_location(system, email, location_id, providers=0)
    huge = await asyncio.to_thread(raw_workbook, 100_000, PLACE)
    files = {"huge": huge, "broken": raw_workbook(50, PLACE, broken_at=30),
             "damaged": corrupted(raw_workbook(3_000, PLACE)),
             "elsewhere": raw_workbook(5, "Some Other Clinic"), "good": raw_workbook(7, PLACE)}
    case = (await open_case(coordinator, "provider_bulk_upload", "Our providers",
                            location_id=location_id,
                            files=[(f"{name}.xlsx", data, XLSX)
                                   for name, data in files.items()])).json()
    agent = await make_user(system, Role.HELPDESK_AGENT, team="bulk_uploads")
    staff = await api_client(system, agent.email)
    detail = (await staff.get(f"/api/v1/helpdesk/cases/{case['id']}")).json()
    attachments = {a["filename"].removesuffix(".xlsx"): a["id"] for a in detail["attachments"]}
    return staff, case["id"], location_id, attachments


async def check(bulk_case, name: str, action: str = "imports/check"):
    staff, case_id, location_id, attachments = bulk_case
    return await staff.post(f"/api/v1/helpdesk/cases/{case_id}/{action}", json={
        "attachment_id": attachments[name], "location_id": location_id})


async def test_a_100000_row_sheet_is_refused_without_stalling_the_server(system, bulk_case):
    latencies, done = [], asyncio.Event()

    async def probe():
        async with system.http() as http:
            while not done.is_set():
                started = time.perf_counter()
                assert (await http.get("/healthz")).status_code == 200
                latencies.append(time.perf_counter() - started)
                await asyncio.sleep(0.01)

    prober = asyncio.create_task(probe())
    await asyncio.sleep(0.1)
    for action in ("imports/check", "imports"):
        answer = await check(bulk_case, "huge", action)
        assert answer.status_code == 422, answer.text
        assert "more than 5,003 rows" in answer.json()["detail"]
        assert f"at most {MAX_PROVIDER_ROWS:,}" in answer.json()["detail"]
    done.set()
    await prober
    print(f"healthz during the upload: {len(latencies)} probes, max {max(latencies) * 1000:.1f} ms")
    assert len(latencies) >= 3 and max(latencies) < 0.1, sorted(latencies)[-5:]


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
            await read_first_sheet(data, max_rows=10, header_rows=3, field="attachment_id")
        assert problem in refused.value.message
        assert refused.value.status_code == 422
