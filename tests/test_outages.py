"""Temporal goes down: every action that starts or drives a process either took full effect or
none (503, nothing stored), and the retry once it is back completes it exactly once."""

import asyncio
import time
import uuid
from collections.abc import Awaitable
from datetime import timedelta

import httpx
from sqlalchemy import func
from sqlmodel import select

from api.processes.gateway import MARGIN
from models.accounts import User
from models.audit import AuditEvent
from models.enrollment import Location, Organization
from models.enrollment_enums import OrganizationStatus
from models.helpdesk import Case
from models.review import ReviewDecision
from tests.support.enrollment import (
    STEP_BODIES,
    complete_location,
    register_coordinator,
    start_enrollment,
)
from tests.support.helpdesk import agent, register_requester
from tests.support.outage import ACTION_TIMEOUT
from tests.support.review import decide, reviewer, sign_until, wait_for_status
from tests.support.web import NOT_DONE, PASSWORD, browser, said, unique_email, until_done
from workflows.health import HealthWorkflow

# Refused unsent takes milliseconds; an attempt that is sent waits out ACTION_TIMEOUT (5 s). The
# bound leaves room for a loaded CI machine without letting a sent attempt pass.
AT_ONCE = ACTION_TIMEOUT / 2


async def count(system, statement) -> int:
    async with system.sessions() as session:
        return (await session.exec(statement)).one()


async def back(temporal, system) -> None:
    """Start the server again and wait until the system's client has reconnected and the worker
    takes new processes again (a person retrying a moment earlier would be told 'not done' once
    more, which is also true: the worker's pollers back off while the server is away).

    `/healthz` asks the worker's cached health process, which the worker answers as soon as it
    polls its own (sticky) queue; a new process's first task waits on the shared queue, whose
    poller may still be backing off, so a fresh process must answer too."""
    await temporal.start()
    async with system.http() as http:
        for _ in range(100):
            components = (await http.get("/healthz")).json()["components"]
            if all(components[part]["status"] == "ok" for part in ("temporal", "worker")):
                break
            await asyncio.sleep(0.2)
        else:
            raise AssertionError("the system did not reconnect to Temporal")
    probe = await system.client.start_workflow(
        HealthWorkflow.run, id=f"outage-probe-{uuid.uuid4().hex[:8]}",
        task_queue=system.settings.temporal_task_queue)
    # Answered only once a worker took the new process's first task from the shared queue.
    assert await probe.query(HealthWorkflow.ping, rpc_timeout=timedelta(seconds=30)) == "ok"
    await _sticky_steady(probe)
    await probe.terminate()


async def _sticky_steady(probe) -> None:
    """A running process's next task goes to the worker's own (sticky) queue, whose pollers
    come back on their own back-off: one round trip right after the restart took 1.9 s here,
    and an action's deadline is ACTION_TIMEOUT. A signal gives the cached probe a task and the
    query after it is answered only once that task is done: three quick round trips in a row
    mean the worker takes a running process's tasks again."""
    quick = 0
    deadline = time.monotonic() + 30
    while quick < 3:
        assert time.monotonic() < deadline, "the worker's own queue did not settle"
        started = time.monotonic()
        await probe.signal("nudge")
        await probe.query(HealthWorkflow.ping, rpc_timeout=timedelta(seconds=30))
        quick = quick + 1 if time.monotonic() - started < 1.0 else 0


async def refused_while_down(request: Awaitable[httpx.Response]) -> None:
    """Not done, said within the action's timeout (and its margin) even when it is the first
    action to find the server gone: the SDK's own retries once kept that one waiting ~10 s."""
    started = time.monotonic()
    response = await request
    assert time.monotonic() - started < ACTION_TIMEOUT + MARGIN.total_seconds()
    assert response.status_code == 503, response.text
    assert NOT_DONE in response.json()["detail"]


async def test_administrator_registration(outage):
    temporal, system = outage
    email = unique_email("outage-oa")
    body = {"first_name": "Olga", "last_name": "Admin", "email": email, "password": PASSWORD,
            "password_confirm": PASSWORD}
    await temporal.stop()
    async with system.http() as http:
        await refused_while_down(http.post("/api/v1/registrations", json=body))
        assert await count(system, select(func.count()).select_from(User).where(
            User.email == email)) == 0, "no account without its confirmation process"
        await back(temporal, system)
        assert (await http.post("/api/v1/registrations", json=body)).status_code == 202
        mails = await system.smtp.wait_for(to=email, subject="Confirm your email")
        token = mails[0].link("/register/verify/").rsplit("/", 1)[1]
        assert (await http.post("/api/v1/registrations/confirm",
                                json={"token": token})).status_code == 200
    assert len(system.smtp.find(to=email, subject="Confirm your email")) == 1


async def test_help_desk_registration_and_a_public_question(outage):
    temporal, system = outage
    email = unique_email("outage-req")
    registration = {"first_name": "Rex", "last_name": "Requester", "email": email,
                    "registration_code": "VAC2021"}
    question = {"name": "Quinn Public", "email": email, "question": f"Where? {email}"}
    await temporal.stop()
    async with system.http() as http:
        await refused_while_down(http.post("/api/v1/helpdesk/registrations", json=registration))
        # Temporal could not be reached a moment ago: the next action is refused at once,
        # unsent, instead of waiting out its timeout too.
        started = time.monotonic()
        await refused_while_down(http.post("/api/v1/helpdesk/questions", json=question))
        assert time.monotonic() - started < AT_ONCE
        # The page keeps the form and what was typed (it was a whole-page error, in English
        # on the Spanish page too): said in the visitor's language.
        visitor = browser(system)
        question = {**question, "email": unique_email("outage-page-q")}  # its own 3 an hour
        asked = await visitor.submit("/help/ask", question)
        assert asked.status_code == 503 and NOT_DONE in asked.text, asked.text[:400]
        assert f"Where? {email}" in asked.text
        await visitor.http.get("/language/es?next=/help/ask")
        pregunta = await visitor.submit("/help/ask", question)
        assert pregunta.status_code == 503 and '<html lang="es">' in pregunta.text
        assert "así que esto no se hizo" in pregunta.text and f"Where? {email}" in pregunta.text
        assert await count(system, select(func.count()).select_from(User).where(
            User.email == email)) == 0
        assert await count(system, select(func.count()).select_from(Case).where(
            Case.requester_email == email)) == 0
        await back(temporal, system)
        assert (await http.post("/api/v1/helpdesk/registrations",
                                json=registration)).status_code == 202
        assert (await http.post("/api/v1/helpdesk/questions", json={
            **question, "email": email})).status_code == 201
    await system.smtp.one(to=email, subject="username and temporary password")
    assert await count(system, select(func.count()).select_from(Case).where(
        Case.requester_email == email)) == 1


async def test_a_new_case(outage):
    temporal, system = outage
    requester, email = await register_requester(system)
    body = {"category": "other", "subject": "Outage case", "description": "Help"}
    await temporal.stop()
    await refused_while_down(requester.post("/api/v1/helpdesk/cases", data=body))
    await back(temporal, system)
    created = await requester.post("/api/v1/helpdesk/cases", data=body)
    assert created.status_code == 201, created.text
    await system.smtp.one(to=email, subject="received")
    assert await count(system, select(func.count()).select_from(Case).where(
        Case.requester_email == email)) == 1, "the retry made one case, not two"


async def test_section_a_submission(outage):
    temporal, system = outage
    enrollment = await start_enrollment(system, ["Outage Clinic"], submit=False)
    (coordinator, _location), = enrollment.locations.items()
    submit = f"/api/v1/organizations/{enrollment.org_id}/submit"
    await temporal.stop()
    await refused_while_down(enrollment.admin.post(submit))
    async with system.sessions() as session:
        assert (await session.get(Organization, enrollment.org_id)).status == \
            OrganizationStatus.DRAFT
    await back(temporal, system)
    assert (await enrollment.admin.post(submit)).status_code == 200
    await system.smtp.one(to=coordinator, subject="Primary Vaccine Coordinator")
    again = await enrollment.admin.post(submit)
    assert again.status_code == 409
    assert len(system.smtp.find(to=coordinator, subject="Primary Vaccine Coordinator")) == 1


async def test_a_section_b_save_is_kept_and_its_hint_waits_for_no_one(outage):
    """Section B lives in the database: while Temporal is away a save is kept. Its hint to
    the location's process (which reads the truth itself) is skipped, and once Temporal was
    found unreachable it no longer keeps the next coordinator waiting either."""
    temporal, system = outage
    enrollment = await start_enrollment(system, ["Saved North", "Saved South"])
    people = [(await register_coordinator(system, email), location_id)
              for email, location_id in enrollment.locations.items()]
    step, body = next(iter(STEP_BODIES.items()))
    await temporal.stop()
    for n, (coordinator, location_id) in enumerate(people):
        started = time.monotonic()
        saved = await coordinator.put(f"/api/v1/locations/{location_id}/section-b/{step}",
                                      json=body)
        assert saved.status_code == 200, saved.text
        if n:  # the first hint found no server; the second is not even tried
            assert time.monotonic() - started < AT_ONCE
        again = await coordinator.get(f"/api/v1/locations/{location_id}/section-b")
        assert again.status_code == 200 and again.json()[step], again.text
    await back(temporal, system)


async def test_a_review_decision(outage):
    temporal, system = outage
    enrollment = await start_enrollment(system, ["Decided Clinic"])
    (email, location_id), = enrollment.locations.items()
    await complete_location(system, email, location_id)
    await sign_until(system, enrollment, [location_id])
    state = await reviewer(system)
    await temporal.stop()
    await refused_while_down(decide(state, location_id, "approve"))
    async with system.sessions() as session:
        assert (await session.get(Location, location_id)).status == "pending_review"
    assert await count(system, select(func.count()).select_from(ReviewDecision).where(
        ReviewDecision.location_id == location_id)) == 0
    await back(temporal, system)
    assert (await decide(state, location_id, "approve")).status_code == 200
    await wait_for_status(system, location_id, "approved")
    await system.smtp.one(to=email, subject="approved")
    assert await count(system, select(func.count()).select_from(ReviewDecision).where(
        ReviewDecision.location_id == location_id)) == 1


async def test_with_the_worker_stopped_an_action_is_not_done_and_health_says_why(outage):
    _temporal, system = outage
    requester, _email = await register_requester(system)
    case = (await requester.post("/api/v1/helpdesk/cases", data={
        "category": "other", "subject": "Worker down", "description": "Help"})).json()
    staff, agent_id = await agent(system, "general")
    await system.stop_worker()
    try:
        started = time.monotonic()
        taken = await staff.post(f"/api/v1/helpdesk/cases/{case['id']}/assign", json={})
        assert taken.status_code == 503 and NOT_DONE in taken.json()["detail"]
        # The acceptance is waited for in at most two long polls of the action timeout plus
        # the margin (the SDK asks again when the server answers 'admitted, not accepted').
        assert time.monotonic() - started < 2 * (ACTION_TIMEOUT + MARGIN.total_seconds()) + 2
        async with system.http() as http:
            health = await http.get("/healthz")
        assert health.status_code == 503
        assert health.json()["components"]["worker"]["status"] == "failing"
        assert health.json()["components"]["temporal"]["status"] == "ok"
    finally:
        await system.start_worker()
    await asyncio.sleep(2)  # the late action reaches the workflow now, and is refused
    async with system.sessions() as session:
        assert (await session.get(Case, case["id"])).assignee_id is None, "not done means not done"
    assert (await staff.post(f"/api/v1/helpdesk/cases/{case['id']}/assign",
                             json={})).status_code == 200
    async with system.sessions() as session:
        assert (await session.get(Case, case["id"])).assignee_id == agent_id
        assigned = await session.exec(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.subject_type == "case", AuditEvent.subject_id == case["id"],
            AuditEvent.action == "status:in_progress"))
        assert assigned.one() == 1, "the retry happened once"


async def test_the_pages_say_not_done_and_keep_what_was_typed(outage):
    """Found by the outside check: while Temporal was down, the registration page came back
    with no word at all, and the coordinator's sign-up said "You already have an account" (the
    account written for the process was still in the page's session)."""
    temporal, system = outage
    enrollment = await start_enrollment(system, ["Outage Page Clinic"])
    (coordinator, _location), = enrollment.locations.items()
    mail = await system.smtp.one(to=coordinator, subject="Primary Vaccine Coordinator")
    invitation = mail.link("/invite/")
    email = unique_email("outage-page")
    await temporal.stop()
    person = browser(system)
    registered = await person.submit("/register", {
        "first_name": "Paula", "last_name": "Pages", "email": email, "password": PASSWORD,
        "password_confirm": PASSWORD})
    assert registered.status_code == 503, registered.text[:400]
    assert NOT_DONE in registered.text and f'value="{email}"' in registered.text
    signed_up = await browser(system).submit(invitation, {
        "first_name": "Cora", "last_name": "Coordinator", "password": PASSWORD,
        "password_confirm": PASSWORD})
    assert signed_up.status_code == 503, signed_up.text[:400]
    assert NOT_DONE in signed_up.text and "You already have an account" not in signed_up.text
    assert 'value="Cora"' in signed_up.text
    await back(temporal, system)
    # the first action on a process from before the outage took over the 5 s action timeout
    # once, in a whole run on a machine a quarter slower than usual: the person tries again
    again = await until_done(lambda: browser(system).submit(invitation, {
        "first_name": "Cora", "last_name": "Coordinator", "password": PASSWORD,
        "password_confirm": PASSWORD}))
    assert "You are the vaccine coordinator for Outage Page Clinic" in again.text, \
        f"{again.status_code}: {said(again.text)}"


async def test_health_says_the_worker_could_not_be_asked_while_temporal_is_away(outage):
    """Found by the outside check: with Temporal stopped, /healthz put a person's words under
    the worker ("...so this was not done. Nothing you entered was lost; try again in a
    minute."), telling the operator nothing of why."""
    temporal, system = outage
    await temporal.stop()
    try:
        async with system.http() as http:
            for _ in range(2):  # the first finds the server gone; the next is refused unsent
                health = await http.get("/healthz")
                assert health.status_code == 503
                components = health.json()["components"]
                assert components["temporal"]["status"] == "failing"
                worker = components["worker"]
                assert worker["status"] == "failing"
                assert "entered" not in worker["error"] and "Temporal" in worker["error"], worker
    finally:
        await back(temporal, system)
