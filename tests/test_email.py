"""Emails render from templates and go through a real SMTP conversation, once per event."""

import asyncio
import dataclasses
import re
import uuid
from email import policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import event

from activities.mailer import Mailer
from core.db import create_engine, session_factory
from notifications import sender
from notifications.catalogue import EmailKind, VerifyEmailContext
from notifications.render import render
from notifications.sender import MemorySender, OutgoingEmail, SmtpSender
from tests.support.smtp import free_port


def context(name: str = "Ana") -> VerifyEmailContext:
    return VerifyEmailContext(recipient_name=name, verify_url="http://x.test/register/verify/abc",
                              expires_on="December 1, 2026")


async def test_an_email_goes_through_smtp_and_is_read_back(system):
    mailer = Mailer(system.sessions, SmtpSender(system.settings), system.settings)
    to = f"ana-{uuid.uuid4().hex[:6]}@example.org"
    key = f"test:{uuid.uuid4()}"
    assert await mailer.send(key, EmailKind.VERIFY_EMAIL, [to], context(), cc=["cc@example.org"])
    mail = await system.smtp.one(to=to)
    assert mail.subject == "Confirm your email to finish registering with NC CVMS"
    assert "Hello Ana" in mail.text and "Hello Ana" in mail.html
    assert mail.links() == ["http://x.test/register/verify/abc",  # then the footer's help desk
                            f"{system.settings.public_base_url.rstrip('/')}/help"]
    assert mail.cc == "cc@example.org" and "cc@example.org" in system.smtp.find(to=to)[0].to
    assert mail.message["Message-ID"].endswith("@cvms.local>")
    assert not await mailer.send(key, EmailKind.VERIFY_EMAIL, [to], context()), "sent twice"
    assert len(system.smtp.find(to=to)) == 1


def test_html_part_escapes_what_people_typed():
    rendered = render(EmailKind.VERIFY_EMAIL, context("<script>x</script>"))
    assert "<script>x</script>" not in rendered.html
    assert "&lt;script&gt;" in rendered.html
    assert "<script>x</script>" in rendered.text


def test_a_template_refuses_the_wrong_context():
    with pytest.raises(TypeError):
        render(EmailKind.REGISTRATION_EXPIRED, context())


class Peers:
    """An SMTP relay that remembers which TCP connection carried each message."""

    def __init__(self) -> None:
        self.peers: list[tuple] = []

    async def handle_DATA(self, _server, session, _envelope) -> str:  # noqa: N802
        self.peers.append(session.peer)
        return "250 OK"


def relay(port: int, peers: Peers) -> Controller:
    controller = Controller(peers, hostname="127.0.0.1", port=port)
    controller.start()
    return controller


async def test_one_smtp_connection_carries_many_emails_and_a_dropped_one_is_reopened(system):
    port, peers = free_port(), Peers()
    sender = SmtpSender(system.settings.model_copy(update={"smtp_port": port}))
    controller = relay(port, peers)
    try:
        for n in range(3):
            await sender.send(OutgoingEmail(to=("a@example.org",), subject=f"n{n}", text="t",
                                            html="<p>t</p>", message_id=f"<{n}@cvms.local>"))
        assert len(peers.peers) == 3 and len(set(peers.peers)) == 1, peers.peers
        controller.stop()  # the relay goes away (and with it the kept connection)
        controller = relay(port, peers)
        await sender.send(OutgoingEmail(to=("a@example.org",), subject="again", text="t",
                                        html="<p>t</p>", message_id="<again@cvms.local>"))
        assert len(peers.peers) == 4 and peers.peers[3] != peers.peers[0]
    finally:
        await sender.close()
        controller.stop()


class SlowSender(MemorySender):
    async def send(self, email) -> None:
        await asyncio.sleep(0.2)  # the relay takes its time: a twin attempt arrives meanwhile
        await super().send(email)


async def test_an_email_is_two_statements_in_one_transaction_and_goes_once(system):
    engine = create_engine(system.settings.resolved_database_url)
    statements, commits = [], []
    event.listen(engine.sync_engine, "before_cursor_execute",
                 lambda _c, _cur, sql, *_a: statements.append(sql))
    event.listen(engine.sync_engine, "commit", lambda _conn: commits.append(1))
    sender = SlowSender()
    mailer = Mailer(session_factory(engine), sender, system.settings)
    key = f"test-twice:{uuid.uuid4()}"
    try:
        sent = await mailer.send(key, EmailKind.VERIFY_EMAIL, ["pat@example.org"], context())
        assert sent and len(sender.sent) == 1
        assert len(statements) == 2, statements
        assert statements[0].lstrip().upper().startswith("INSERT") and "UPDATE" in statements[1]
        assert len(commits) == 1
        # Two attempts of one event at the same moment (a retried activity overlapping the
        # first): one email.
        twin = f"test-twin:{uuid.uuid4()}"
        results = await asyncio.gather(*(mailer.send(twin, EmailKind.VERIFY_EMAIL,
                                                     ["pat@example.org"], context())
                                          for _ in range(2)))
        assert sorted(results) == [False, True] and len(sender.sent) == 2
    finally:
        await engine.dispose()


@pytest.mark.parametrize("subject, text", [
    ("Your signature is needed", "Hello\n" * 40),
    ("Recordatorio: su segunda dosis — mañana", "Señora José, ñ " * 100 + "\n"),
    ("x" * 300, "y" * 2000)])
def test_an_email_is_built_the_same_with_header_classes_made_once(subject, text, monkeypatch):
    """notifications.sender.HeaderClasses makes each header's class once (the standard registry
    makes one for every header it parses): the same bytes on the wire, no new class per email."""
    email = OutgoingEmail(to=("a@example.org", "Bé <b@example.org>"), cc=("c@example.org",),
                          subject=subject, text=text, html=f"<p>{text}</p>",
                          message_id="<abc@cvms.local>")
    monkeypatch.setattr(sender, "formatdate", lambda localtime: "Tue, 01 Dec 2026 14:00:00 -0000")

    def wire(message_policy, wire_policy) -> bytes:
        monkeypatch.setattr(sender, "MESSAGE_POLICY", message_policy)
        monkeypatch.setattr(sender, "WIRE_POLICY", wire_policy)
        sent = sender.wire_bytes(sender.to_mime(email, "NC CVMS <no-reply@cvms.example>"))
        return re.sub(rb"=+\d+==+", b"BOUNDARY", sent)

    made_once = (sender.MESSAGE_POLICY, sender.WIRE_POLICY)
    standard = wire(policy.default, policy.SMTP.clone(max_line_length=998))
    assert wire(*made_once) == standard
    first = sender.to_mime(email, "NC CVMS <no-reply@cvms.example>")
    second = sender.to_mime(email, "NC CVMS <no-reply@cvms.example>")
    assert type(first["Subject"]) is type(second["Subject"])
    assert type(first["To"]) is type(second["To"])
    # A header made from the same string is made once and serves every email that has it;
    # sharing it changes nothing in the email that had it first.
    assert first["From"] is second["From"] and first["Subject"] is second["Subject"]
    before = sender.wire_bytes(first)
    other = dataclasses.replace(email, to=("d@example.org",), subject="Another subject")
    sender.wire_bytes(sender.to_mime(other, "NC CVMS <no-reply@cvms.example>"))
    assert sender.wire_bytes(first) == before
    assert type(sender.HEADERS("Subject", subject)) is type(first["Subject"])
