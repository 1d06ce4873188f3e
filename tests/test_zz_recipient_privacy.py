"""Recipients' personal data never enters a Temporal history: every history of this test run
(every workflow on the dev server, payloads decoded) is scanned for the names, birth dates,
emails and phone numbers of every recipient in the database. Sorts last, after the other
recipient tests; it also runs an upload and a registration of its own."""

import base64
import contextlib
import json
import re
from datetime import date

from sqlmodel import select

from core.settings import Settings
from models.business_hours import holidays_of
from models.recipients import Recipient
from tests.support.recipients import location_manager, manager_api, rows, tag, upload, xlsx
from tests.support.web import browser

INVITATION = "Register for your COVID-19 vaccination"
HOLIDAYS = Settings.model_fields["helpdesk_holidays"].default  # the desk's, unless set


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


def traces(person: Recipient, holidays: set[date]) -> list[str]:
    """A recipient's name, birth date, phone and email, as a history would hold them. A birth
    date that is one of the help desk's holidays is not looked for: every case's input carries
    the desk's calendar (its `closed_on` dates), so a baby born on Thanksgiving could not be
    told from it (the point-of-care tests register one ten days before the run)."""
    born = person.date_of_birth
    digits = re.sub(r"\D", "", person.phone)
    dates = [] if born in holidays else [
        born.isoformat(), born.strftime("%m/%d/%Y")]
    found = [person.first_name, person.last_name, *dates, person.phone, digits]
    return [t.lower() for t in found + ([person.email] if person.email else [])]


WORD = re.compile(r"[^\W_]+")
EMAIL = re.compile(r"[\w.+-]+@[\w.-]+")
DIGITS = re.compile(r"[\d/-]{8,}")


def tokens(text: str) -> set[str]:
    """Every word, email address and date- or phone-like run of a history's text: a person's
    data shows as one of these (a trace of several words shows as all of its words)."""
    return set(WORD.findall(text)) | set(EMAIL.findall(text)) | set(DIGITS.findall(text))


def index(people: list[Recipient], holidays: str) -> dict[tuple[str, ...], int]:
    """Each trace as the tokens it is made of -> its recipient (looked up by set, not by
    scanning every history once per person: thousands of people, a thousand histories)."""
    found = {}
    calendar = set(holidays_of(holidays, sorted({person.date_of_birth.year for person in people})))
    for person in people:
        for trace in traces(person, calendar):
            parts = tokens(trace) if EMAIL.fullmatch(trace) or DIGITS.fullmatch(trace) else None
            found[tuple(sorted(parts or set(WORD.findall(trace))))] = person.id
    return found


def leaks_in(text: str, traces_of: dict[tuple[str, ...], int]) -> list[tuple[int, str]]:
    seen = tokens(text)
    return [(who, " ".join(words)) for words, who in traces_of.items()
            if words and words[0] in seen and all(word in seen for word in words)]


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
    traces_of = index(people, system.settings.helpdesk_holidays)
    histories, leaks = 0, []
    async for execution in system.client.list_workflows():
        handle = system.client.get_workflow_handle(execution.id, run_id=execution.run_id)
        text = readable((await handle.fetch_history()).to_json())
        histories += 1
        leaks += [(execution.id, who, trace) for who, trace in leaks_in(text, traces_of)]
    assert histories > 0
    assert not leaks, f"personal data in workflow histories: {leaks[:10]}"
