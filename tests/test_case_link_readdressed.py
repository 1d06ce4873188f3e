"""A public question's personal link dies with the address it was sent to: a help-desk agent
correcting the requester's mistyped email address on the case page moves the link on (the
correction on the case's history: who, when, old and new), the old link answers "no longer
valid" with a way to have the current one emailed, and the corrected address is emailed the
new link. The current link can be asked for by address, with the same answer whether or not
the address is on file. Links sent before links had versions keep working until then; only
the help desk corrects an address, and a bad one is named on its field."""

import asyncio

from sqlmodel import select

from activities.helpdesk import HelpdeskActivities
from activities.mailer import Mailer
from api.processes.helpdesk import email_link
from core.security import capability
from models.audit import AuditEvent
from models.contracts import CaseLinkRef
from models.enums import Role
from models.helpdesk import Case
from models.helpdesk_rules import CASE_LINK, requester_case_path
from notifications.sender import SmtpSender
from tests.support.accounts import make_user
from tests.support.late import commit_late
from tests.support.web import browser, unique_email

NO_LONGER = "This link is no longer valid"
UPDATED = "updated"  # the case update email's subject ("Case CS... updated: ...")
ASKED = "If a question to the help desk was asked with this email address, we emailed"


async def _asked_with_typo(system, tag: str):
    """A question asked with a mistyped address (its receipt, and the link, went there): the
    case's id, the wrong address and the link sent to it."""
    wrong = unique_email(f"typo-{tag}")
    async with system.http() as http:
        asked = await http.post("/api/v1/helpdesk/questions", json={
            "name": "Robin Readdress", "question": f"Where is my second dose? ({tag})",
            "email": wrong})
    assert asked.status_code == 201, asked.text
    received = await system.smtp.one(to=wrong, subject="We received your case")
    link = received.link("/help/c/")
    return asked.json()["id"], wrong, "/" + link.split("/", 3)[3]


async def _agent(system):
    staff = await make_user(system, Role.HELPDESK_AGENT, team="recipients")
    agent = browser(system)
    await agent.login(staff.email)
    return staff, agent


async def _corrected(system, tag: str):
    """A question asked with a mistyped address, corrected by an agent (the new address has
    its email): the case's id, the wrong address and the right one."""
    case_id, wrong, _old_link = await _asked_with_typo(system, tag)
    _staff, agent = await _agent(system)
    right = unique_email(f"right-{tag}")
    page = f"/helpdesk/cases/{case_id}"
    done = await agent.submit(page, {"requester_email": right}, action=f"{page}/requester-email")
    assert done.status_code == 200, done.text[:300]
    await system.smtp.one(to=right, subject=UPDATED)
    return case_id, wrong, right


def test_links_sent_before_versions_keep_their_key():
    """Version 0 is the key every case link sent before this change carried: a deploy kills
    none."""
    assert requester_case_path("s3cret", 41, False) == \
        f"/help/c/41/{capability('s3cret', CASE_LINK, 41)}"
    assert requester_case_path("s3cret", 41, False, 1) not in (
        requester_case_path("s3cret", 41, False), requester_case_path("s3cret", 41, False, 2))


async def test_an_agent_correcting_the_address_kills_the_old_link_and_mails_the_new(system):
    case_id, wrong, old_link = await _asked_with_typo(system, "kills")
    stranger = browser(system)
    assert (await stranger.get(old_link)).status_code == 200  # works until corrected

    staff, agent = await _agent(system)
    right = unique_email("right-case")
    page = f"/helpdesk/cases/{case_id}"
    done = await agent.submit(page, {"requester_email": f"  {right}  "},
                              action=f"{page}/requester-email")
    assert done.status_code == 200 and "no longer works" in done.text, done.text[:500]
    assert f"corrected it from {wrong} to {right}" in done.text  # on the case's history
    async with system.sessions() as session:
        case = await session.get(Case, case_id)
        events = (await session.exec(select(AuditEvent).where(
            AuditEvent.subject_type == "case", AuditEvent.subject_id == case_id,
            AuditEvent.action == "requester email corrected"))).all()
    assert case.requester_email == right and case.link_version == 1
    assert [(e.detail["before"], e.detail["after"], e.detail["user_id"]) for e in events] == [
        (wrong, right, staff.id)]

    gone = await stranger.get(old_link)
    assert gone.status_code == 410 and NO_LONGER in gone.text
    assert '?next=/help/new-link"' in gone.text
    assert "Robin" not in gone.text and "second dose" not in gone.text  # nothing of the case
    assert (await stranger.get(old_link + "/files/1")).status_code == 410
    replied = await stranger.http.post(old_link + "/reply", data={"body": "hi"})
    assert replied.status_code in (403, 410)  # no CSRF token from a dead page; never taken

    mail = await system.smtp.one(to=right, subject=UPDATED)
    assert "corrected your email address" in mail.text
    assert "Use this link to open your case from now on." in mail.text
    new_link = "/" + mail.link("/help/c/").split("/", 3)[3]
    assert new_link != old_link
    opened = await browser(system).get(new_link)
    assert opened.status_code == 200 and "second dose" in opened.text
    # later emails about the case go to the new address, with the new link
    replied = await agent.submit(page, {"body": "Friday, at the clinic."},
                                 action=f"{page}/reply")
    assert replied.status_code == 200, replied.text[:300]
    answer = (await system.smtp.wait_for(to=right, subject=UPDATED, count=2))[-1]
    assert answer.link("/help/c/").endswith(new_link)
    assert not system.smtp.find(to=wrong, subject=UPDATED)  # nothing more to the stranger


async def test_a_bad_or_unchanged_address_is_named_and_kept(system):
    case_id, wrong, old_link = await _asked_with_typo(system, "bad")
    _staff, agent = await _agent(system)
    page = f"/helpdesk/cases/{case_id}"
    bad = await agent.submit(page, {"requester_email": "robin at example"},
                             action=f"{page}/requester-email")
    assert bad.status_code in (400, 422)
    assert 'id="requester_email-error"' in bad.text
    assert "Enter an email address like name@example.org." in bad.text
    assert 'value="robin at example"' in bad.text
    same = await agent.submit(page, {"requester_email": wrong.upper()},
                              action=f"{page}/requester-email")
    assert same.status_code == 422 and "the address on file already" in same.text
    async with system.sessions() as session:
        case = await session.get(Case, case_id)
    assert case.requester_email == wrong and case.link_version == 0
    assert (await browser(system).get(old_link)).status_code == 200
    mangled = await browser(system).get(old_link[:-4])  # cut short: not valid, not gone
    assert mangled.status_code == 404 and '?next=/help/new-link"' in mangled.text


async def test_only_the_help_desk_corrects_a_requesters_address(system):
    case_id, wrong, old_link = await _asked_with_typo(system, "denied")
    for role in (Role.REQUESTER, Role.PROVIDER, Role.REVIEWER):
        someone = await make_user(system, role)
        signed_in = browser(system)
        await signed_in.login(someone.email)
        tried = await signed_in.submit("/help", {"requester_email": "me@example.org"},
                                       action=f"/helpdesk/cases/{case_id}/requester-email")
        assert tried.status_code == 403, role
    visitor = browser(system)  # not signed in: to sign-in, never a change
    anon = await visitor.submit("/help/ask", {"requester_email": "me@example.org"},
                                action=f"/helpdesk/cases/{case_id}/requester-email")
    assert anon.status_code in (401, 403) or "/login" in str(anon.url)
    async with system.sessions() as session:
        case = await session.get(Case, case_id)
    assert case.requester_email == wrong and case.link_version == 0


async def test_the_current_link_is_emailed_on_asking_the_same_answer_either_way(system):
    _case_id, wrong, right = await _corrected(system, "ask")

    me = browser(system)
    refused = await me.submit("/help/new-link", {"email": "nope"})
    assert refused.status_code == 400 and 'id="email-error"' in refused.text
    assert 'value="nope"' in refused.text
    nobody = await me.submit("/help/new-link", {"email": unique_email("nobody-case")})
    mine = await me.submit("/help/new-link", {"email": right.upper()})
    for answer in (nobody, mine):
        assert answer.status_code == 200 and ASKED in answer.text
    sent = await system.smtp.wait_for(to=right, subject=UPDATED, count=2)
    assert "You asked for the link to your case" in sent[-1].text
    assert sent[-1].link("/help/c/") == sent[0].link("/help/c/")  # the current link
    for number in range(3):  # past 3 asks an hour for the address, nothing more is sent
        again = await me.submit("/help/new-link", {"email": right,  # (the form opened again)
                                                   "request_key": f"fresh-form-{number:04d}"})
        assert ASKED in again.text
    assert len(await system.smtp.wait_for(to=right, subject=UPDATED, count=4)) == 4
    assert len(system.smtp.find(to=right, subject=UPDATED)) == 4
    assert not system.smtp.find(to=wrong, subject=UPDATED)


async def test_the_link_email_retried_is_sent_once(system):
    """The activity run again (a worker lost after sending, the process started twice) finds
    the email in the outbox: the new address gets one."""
    case_id, _wrong, right = await _corrected(system, "retried")
    activities = HelpdeskActivities(Mailer(system.sessions, SmtpSender(system.settings),
                                           system.settings))
    again = CaseLinkRef(case_id=case_id, version=1)
    await activities.send_case_link(again)
    await email_link(system.gateway(), None, case_id, 1)  # the same process, asked again
    await asyncio.sleep(1)
    assert len(system.smtp.find(to=right, subject=UPDATED)) == 1


async def test_an_address_added_to_a_phone_only_question_keeps_its_link_and_gets_it(system):
    """Nothing was sent anywhere, so the link (shown when the question was asked) stays; the
    address given is emailed it, in the language the question was asked in."""
    async with system.http() as http:
        asked = await http.post("/api/v1/helpdesk/questions", json={
            "name": "Lía Teléfono", "question": "¿Dónde está mi cita?", "phone": "919-555-0142",
            "language": "es"})
    assert asked.status_code == 201, asked.text
    case_id = asked.json()["id"]
    _staff, agent = await _agent(system)
    given = unique_email("phone-only")
    page = f"/helpdesk/cases/{case_id}"
    done = await agent.submit(page, {"requester_email": given}, action=f"{page}/requester-email")
    assert "corrected it from none (phone only) to" in done.text
    mail = await system.smtp.one(to=given, subject="actualizado")
    assert "La mesa de ayuda corrigió su correo electrónico" in mail.text
    link = "/" + mail.link("/help/c/").split("/", 3)[3]
    assert link == requester_case_path(system.settings.secret_key.get_secret_value(), case_id,
                                       False)  # version 0: the link it always had
    assert (await browser(system).get(link)).status_code == 200


async def test_an_address_given_to_a_phone_only_question_committed_late_gets_the_link(
        system, monkeypatch):
    """The email's process starts just before the address commits: reading the case first, it
    found no address (the link's version does not move when there was none) and sent nothing
    at all. It now waits for the address."""
    from api.processes import helpdesk as process

    async with system.http() as http:
        asked = await http.post("/api/v1/helpdesk/questions", json={
            "name": "Lou Late", "question": "When is my appointment?", "phone": "919-555-0199"})
    assert asked.status_code == 201, asked.text
    case_id = asked.json()["id"]
    _staff, agent = await _agent(system)
    commit_late(monkeypatch, process, "email_link", 1.5)
    given = unique_email("phone-late")
    page = f"/helpdesk/cases/{case_id}"
    done = await agent.submit(page, {"requester_email": given}, action=f"{page}/requester-email")
    assert "corrected it from none (phone only) to" in done.text, done.text[:500]
    mail = await system.smtp.one(to=given, subject=UPDATED)
    assert "corrected your email address" in mail.text
