"""Recipients' personal data never enters a Temporal history: every history of this test run
(every workflow on the dev server, payloads decoded) is scanned for the names, birth dates,
emails and phone numbers of every recipient in the database. Sorts last, after the other
recipient tests; it also runs an upload and a registration of its own."""

import base64
import contextlib
import json
import re

from sqlmodel import select

from models.recipients import Recipient
from tests.support.recipients import location_manager, manager_api, rows, tag, upload, xlsx
from tests.support.web import browser

INVITATION = "Register for your COVID-19 vaccination"


def readable(history_json: str) -> str:
    """A history as text a person's data would show in: its JSON plus every payload decoded
    (payloads are base64 in the JSON)."""
    found = [history_json]

    def walk(node) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("data"), str) and "metadata" in node:
                with contextlib.suppress(ValueError):
                    found.append(base64.b64decode(node["data"]).decode("utf-8", "replace"))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(history_json))
    return "\n".join(found).lower()


def traces(person: Recipient) -> list[str]:
    born = person.date_of_birth
    digits = re.sub(r"\D", "", person.phone)
    found = [person.first_name, person.last_name, born.isoformat(),
             born.strftime("%m/%d/%Y"), person.phone, digits]
    return [t.lower() for t in found + ([person.email] if person.email else [])]


def test_the_scanner_sees_inside_payloads():
    payload = base64.b64encode(b'{"first_name": "Rowanplanted"}').decode()
    history = json.dumps({"events": [{"input": {"payloads": [
        {"metadata": {"encoding": "anNvbi9wbGFpbg=="}, "data": payload}]}}]})
    assert "rowanplanted" in readable(history)


async def test_no_history_of_the_run_holds_a_recipients_personal_data(system):
    manager = await location_manager(system)
    http = await manager_api(system, manager)
    lines = rows(3, tag())
    assert (await upload(http, manager, xlsx(lines))).status_code == 201
    mail = await system.smtp.one(to=lines[0][4], subject=INVITATION)
    assert (await browser(system).get(mail.link("/r/"))).status_code == 200

    async with system.sessions() as session:
        people = (await session.exec(select(Recipient))).all()
    assert len(people) >= 3
    histories, leaks = 0, []
    async for execution in system.client.list_workflows():
        handle = system.client.get_workflow_handle(execution.id, run_id=execution.run_id)
        text = readable((await handle.fetch_history()).to_json())
        histories += 1
        for person in people:
            leaks += [(execution.id, t) for t in traces(person) if t in text]
    assert histories > 0
    assert not leaks, f"personal data in workflow histories: {leaks[:10]}"
