"""An email the relay refuses for good ("550 no such user", or an address in its own letters and
a relay without SMTPUTF8) is noted on its outbox row with the relay's reason and never tried
again: the process that asked for it goes on. Before, its activity was retried for ever, and a
help-desk case's later emails and timers waited behind it. A refusal that may pass later (a 4xx,
the relay away) is still retried."""

import asyncio
import uuid

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select

from activities.mailer import BatchMailer, Letter, Mailer
from models.accounts import User
from models.outbox import SentEmail
from notifications.catalogue import EmailKind, VerifyEmailContext
from notifications.sender import SmtpSender
from tests.support.helpdesk import agent
from tests.support.smtp import NO_SUCH_USER, free_port
from tests.support.web import browser, unique_email


def context() -> VerifyEmailContext:
    return VerifyEmailContext(recipient_name="Ana", verify_url="http://x.test/register/verify/a",
                              expires_on="December 1, 2026")


async def outbox_row(system, key: str) -> SentEmail:
    async with system.sessions() as session:
        return (await session.exec(select(SentEmail).where(SentEmail.event_key == key))).one()


async def test_a_mailbox_that_does_not_exist_is_noted_once_and_not_tried_again(system):
    mailer = Mailer(system.sessions, SmtpSender(system.settings), system.settings)
    gone, key = f"{NO_SUCH_USER}{uuid.uuid4().hex[:8]}@example.org", f"test:{uuid.uuid4()}"
    assert not await mailer.send(key, EmailKind.VERIFY_EMAIL, [gone], context())
    row = await outbox_row(system, key)
    assert row.sent_at is None and row.refused_at is not None
    assert gone in row.refusal and "550" in row.refusal and "No such user" in row.refusal
    assert await mailer.already_sent(key), "a refused email is done with"
    assert not await mailer.send(key, EmailKind.VERIFY_EMAIL, [gone], context())
    # the connection the refusal came on still sends the next email
    fine = unique_email("fine")
    assert await mailer.send(f"test:{uuid.uuid4()}", EmailKind.VERIFY_EMAIL, [fine], context())
    await system.smtp.one(to=fine)


class Refusing:
    """A relay refusing every recipient with `code` (and, unless `utf8`, without SMTPUTF8)."""

    def __init__(self, code: int) -> None:
        self.code, self.tried = code, 0

    async def handle_RCPT(self, _server, _session, _envelope, _address, _options) -> str:  # noqa: N802
        self.tried += 1
        return f"{self.code} {'4.2.1 Try again later' if self.code < 500 else '5.1.1 Gone'}"


@pytest.fixture
def relay():
    """A real SMTP server of the test's own, answering as `handler` says: its settings."""
    started = []

    def start(system, handler, utf8: bool = True):
        port = free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port, enable_SMTPUTF8=utf8)
        controller.start()
        started.append(controller)
        return system.settings.model_copy(update={"smtp_port": port})

    yield start
    for controller in started:
        controller.stop()


async def test_a_refusal_that_may_pass_later_is_tried_again(system, relay):
    refusing = Refusing(450)
    settings = relay(system, refusing)
    mailer = Mailer(system.sessions, SmtpSender(settings), settings)
    key = f"test:{uuid.uuid4()}"
    with pytest.raises(Exception, match="Try again later"):
        await mailer.send(key, EmailKind.VERIFY_EMAIL, ["pat@example.org"], context())
    assert refusing.tried == 1
    async with system.sessions() as session:  # nothing noted: the next attempt sends it
        assert (await session.exec(select(SentEmail).where(SentEmail.event_key == key))
                ).first() is None


async def test_an_address_in_its_own_letters_and_a_relay_without_smtputf8(system, relay):
    refusing = Refusing(250)
    settings = relay(system, refusing, utf8=False)
    mailer = Mailer(system.sessions, SmtpSender(settings), settings)
    key = f"test:{uuid.uuid4()}"
    assert not await mailer.send(key, EmailKind.VERIFY_EMAIL, ["josé@example.org"], context())
    row = await outbox_row(system, key)
    assert row.refused_at is not None and "SMTPUTF8" in row.refusal, row.refusal
    assert refusing.tried == 0


async def test_a_batch_sends_the_others_and_notes_the_refused_one(system):
    mailer = BatchMailer(system.sessions, SmtpSender(system.settings), system.settings)
    run = uuid.uuid4().hex[:8]
    good = [unique_email(f"batch{n}") for n in range(3)]
    gone = f"{NO_SUCH_USER}{run}@example.org"
    letters = [Letter(f"batch-{run}:{to}", EmailKind.VERIFY_EMAIL, to, context())
               for to in (good[0], gone, *good[1:])]
    noted = []

    async def after(_session, letter: Letter) -> None:
        noted.append(letter.to)

    assert await mailer.send_batch(letters, after) == 3
    assert sorted(noted) == sorted(good), "only what went is noted as sent"
    for to in good:
        await system.smtp.one(to=to)
    row = await outbox_row(system, f"batch-{run}:{gone}")
    assert row.sent_at is None and "550" in row.refusal
    noted.clear()  # again (a retried activity): nothing is sent, the refused one not tried
    assert await mailer.send_batch(letters, after) == 0
    assert sorted(noted) == sorted(good)


async def test_a_case_whose_requester_address_bounces_still_reaches_its_agent(system):
    """The public question's "We received your case" goes to a mailbox that does not exist;
    the case's process goes on, and the agent a lead assigns it to is emailed."""
    gone = f"{NO_SUCH_USER}{uuid.uuid4().hex[:8]}@example.org"
    async with system.http() as http:
        asked = await http.post("/api/v1/helpdesk/questions", json={
            "name": "Pat Public", "email": gone,
            "question": "Can I bring my child to the Elm St clinic?"})
    assert asked.status_code == 201, asked.text
    case = asked.json()
    lead, _ = await agent(system, "recipients", lead=True)
    _, helper_id = await agent(system, "recipients")
    async with system.sessions() as session:
        helper = await session.get(User, helper_id)
    assigned = await lead.post(f"/api/v1/helpdesk/cases/{case['id']}/assign",
                               json={"agent_id": helper_id})
    assert assigned.status_code == 200, assigned.text
    told = await system.smtp.one(to=helper.email, subject=case["number"])
    assert "assigned to you" in told.text, told.text
    async with system.sessions() as session:
        received = (await session.exec(select(SentEmail).where(
            SentEmail.event_key.like(f"case-{case['id']}:%:received:%")))).one()
    assert received.sent_at is None and "550" in received.refusal
    # the agent's page says so, and what to do
    reader = browser(system)
    await reader.login(helper.email)
    page = (await reader.http.get(f"/helpdesk/cases/{case['id']}")).text
    assert "1 email could not be delivered" in page, page
    assert f"to {gone}. The mail server said: {gone}: 550 5.1.1 No such user here" in page
    assert "correct the requester's email address below" in page


class OneLaneBreaks:
    """A relay that answers one address "451 try again later" at once (a failure of the
    attempt, not a refusal for good) while it takes its time over the others' messages."""

    def __init__(self, breaks: str) -> None:
        self.breaks, self.sent = breaks, []

    async def handle_RCPT(self, _server, _session, envelope, address, _options) -> str:  # noqa: N802
        if address == self.breaks:
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server, _session, envelope) -> str:  # noqa: N802
        await asyncio.sleep(0.05)
        self.sent.append(envelope.rcpt_tos[0])
        return "250 OK"


async def test_a_failed_lane_stops_the_batchs_other_lanes_before_the_activity_ends(system, relay):
    """A batch's lanes share its attempt: when one fails the attempt fails and is retried, so
    the other lanes must stop with it (each finishing the message in hand). Left running, they
    went on sending beside the retry, which sent the same letters again on SQLite (no row locks
    there): invitations twice after a killed worker."""
    breaking = OneLaneBreaks(breaks="broken@example.org")
    settings = relay(system, breaking)
    mailer = BatchMailer(system.sessions, SmtpSender(settings), settings)
    run = uuid.uuid4().hex[:8]
    addresses = ["broken@example.org", *(f"lane{n}-{run}@example.org" for n in range(39))]
    letters = [Letter(f"lanes-{run}:{to}", EmailKind.VERIFY_EMAIL, to, context())
               for to in addresses]

    async def after(_session, _letter) -> None:
        return None

    with pytest.raises(Exception, match="Try again later"):
        await mailer.send_batch(letters, after)
    stopped = len(breaking.sent)
    await asyncio.sleep(0.5)  # ten messages' time per lane
    assert len(breaking.sent) == stopped, "lanes went on sending after the attempt ended"
    assert stopped < 39
