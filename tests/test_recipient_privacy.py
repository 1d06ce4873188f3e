"""Recipients' personal data never enters a Temporal history. Every history of every test
process is scanned as the process ends (tests/support/replay.py: its dev server's workflows,
payloads decoded, against every recipient in its database), whichever tests it ran; here the
scanner itself, and the check of what an upload and a registration start."""

import asyncio
import base64
import json
from datetime import UTC, date, datetime, timedelta

import pytest

from core.settings import Settings
from models.recipients import Recipient
from tests.support.privacy import index, leaks_in, readable
from tests.support.recipients import location_manager, manager_api, rows, tag, upload, xlsx
from tests.support.replay import check_this_run
from tests.support.web import browser

INVITATION = "Register for your COVID-19 vaccination"
HOLIDAYS = Settings.model_fields["helpdesk_holidays"].default  # the desk's, unless set


def test_the_scanner_sees_inside_payloads():
    payload = base64.b64encode(b'{"first_name": "Rowanplanted"}').decode()
    history = json.dumps({"events": [{"input": {"payloads": [
        {"metadata": {"encoding": "anNvbi9wbGFpbg=="}, "data": payload}]}}]})
    assert "rowanplanted" in readable(history)


def test_the_scanner_finds_each_kind_of_trace_and_nothing_else():
    person = Recipient(id=7, first_name="Ana María", last_name="Rowanplanted",
                       date_of_birth=date(1980, 4, 2), phone="919-555-0100",
                       email="ana.r+1@example.org", location_id=1, first_key="", last_key="",
                       street="", city="", state="NC", zip_code="", industry="other")
    traces_of = index([person], HOLIDAYS)
    for leaked in ('{"name": "rowanplanted"}', '"ana maría"', "ana.r+1@example.org",
                   "born 1980-04-02", "04/02/1980", "tel 919-555-0100", "9195550100"):
        assert leaks_in(leaked, traces_of), leaked
    assert not leaks_in('{"recipient_id": 7, "upload_id": 3, "rows": 5000, "ana": 1}',
                        traces_of)
    # born on Thanksgiving: the desk's calendar in a case's input is not the baby's birth date
    baby = person.model_copy(update={"id": 8, "first_name": "Elm", "last_name": "Yarrowfield",
                                     "date_of_birth": date(2026, 11, 26), "email": None})
    calendar = '{"hours": {"closed_on": ["2026-11-26", "2026-12-25"]}}'
    assert not leaks_in(calendar, index([baby], HOLIDAYS))
    assert leaks_in(calendar + " yarrowfield", index([baby], HOLIDAYS))


async def test_an_upload_and_a_registration_leave_no_personal_data_in_histories(system):
    """What this test starts is checked here (its process checks everything as it ends)."""
    since = datetime.now(UTC) - timedelta(seconds=1)
    manager = await location_manager(system)
    http = await manager_api(system, manager)
    lines = rows(3, tag())
    assert (await upload(http, manager, xlsx(lines))).status_code == 201
    mail = await system.smtp.one(to=lines[0][4], subject=INVITATION)
    assert (await browser(system).get(mail.link("/r/"))).status_code == 200

    started = f'StartTime >= "{since.isoformat(timespec="seconds")}"'
    checked = await check_this_run(system, query=started)  # replayed, and scanned
    assert "RecipientImportWorkflow" in checked, sorted(checked)


async def test_the_check_fails_on_a_history_that_holds_a_recipients_name(system):
    """The check itself: a workflow whose input holds a recipient's name (started with no worker:
    its first event holds its input) fails it. The person is renamed after, so that this
    history does not fail the process's own check as it ends."""
    manager = await location_manager(system)
    t = tag()
    async with system.sessions() as session:
        person = Recipient(location_id=manager.location_id, first_name=f"Probe{t}",
                           last_name=f"Leak{t}", first_key=f"probe{t.lower()}",
                           last_key=f"leak{t.lower()}",
                           date_of_birth=date(1990, 5, 6), phone="919-555-0188", street="1 Elm",
                           city="Raleigh", state="NC", zip_code="27601", industry="other")
        session.add(person)
        await session.commit()
        await session.refresh(person)
    probe = f"privacy-probe-{t}"
    handle = await system.client.start_workflow(
        "PrivacyProbe", {"note": f"about Probe{t} Leak{t}"}, id=probe, task_queue=probe)
    query = f"WorkflowId = '{probe}'"
    try:
        for _ in range(50):  # the dev server lists a new workflow within moments
            if [w async for w in system.client.list_workflows(query)]:
                break
            await asyncio.sleep(0.2)
        with pytest.raises(AssertionError, match=f"(?i)personal data in workflow histories.*'leak{t}'"):
            await check_this_run(system, query=query)
    finally:
        await handle.terminate()
        async with system.sessions() as session:
            person = await session.get(Recipient, person.id)
            person.first_name = person.last_name = f"Gone{t}"
            person.first_key = person.last_key = f"gone{t.lower()}"
            session.add(person)
            await session.commit()
    await check_this_run(system, query=query)  # passes now: its history names nobody any more
