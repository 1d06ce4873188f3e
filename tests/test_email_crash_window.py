"""Exactly-once email across the crash window (issue 16 item 11).

If the worker dies after the SMTP server accepted a message but before the outbox marked it
sent, the activity runs again and the message goes again (the outbox cannot know). That second
copy must carry the same link as the first, and that link must work: a link is part of its
step, derived from a stored nonce, never minted anew by a retry.
"""

import asyncio
import uuid
from collections import Counter

import pytest

from activities.mailer import Mailer
from models.enums import Role
from notifications.catalogue import EmailKind, RegistrationExpiredContext
from notifications.sender import SmtpSender
from tests.support.accounts import make_user
from tests.support.web import unique_email

NEW = "A-new-password-77"
SUBJECT = "Reset your NC CVMS password"


async def test_a_resend_after_the_crash_window_carries_the_same_working_link(system,
                                                                            monkeypatch):
    user = await make_user(system, Role.REVIEWER)
    mark_sent, crashed = Mailer._mark_sent, []

    async def die_once_after_smtp(self, session, event_key: str) -> None:
        if event_key.startswith(f"account-{user.id}:reset") and not crashed:
            crashed.append(event_key)  # the SMTP server has the message; the outbox never hears
            raise RuntimeError("worker died between SMTP acceptance and the outbox update")
        await mark_sent(self, session, event_key)

    monkeypatch.setattr(Mailer, "_mark_sent", die_once_after_smtp)
    async with system.http() as http:
        asked = await http.post("/api/v1/auth/password-reset", json={"email": user.email})
        assert asked.status_code == 202
        first, second = await system.smtp.wait_for(to=user.email, subject=SUBJECT, count=2)
        assert crashed, "the crash was simulated"
        assert first.message["Message-ID"] == second.message["Message-ID"]
        link = first.link("/password/reset/")
        assert second.link("/password/reset/") == link, "the retry minted a different link"
        assert first.text == second.text
        token = link.rsplit("/", 1)[1]
        done = await http.post(f"/api/v1/auth/password-reset/{token}",
                               json={"password": NEW, "password_confirm": NEW})
        assert done.status_code == 204, done.text
        logged_in = await http.post("/api/v1/auth/token",
                                    json={"email": user.email, "password": NEW})
        assert logged_in.status_code == 200


@pytest.mark.parametrize("shouting", [False, True])
async def test_nobody_is_both_to_and_cc(system, shouting):
    mailer = Mailer(system.sessions, SmtpSender(system.settings), system.settings)
    to, other = unique_email("to"), unique_email("cc")
    cc_twin = to.upper() if shouting else to  # addresses compare without case
    context = RegistrationExpiredContext(recipient_name="Pat", register_url="https://x/register")
    assert await mailer.send(f"test-cc-{uuid.uuid4().hex}", EmailKind.REGISTRATION_EXPIRED,
                             [to], context, cc=[cc_twin, other, other])
    mail = await system.smtp.one(to=to)
    assert mail.cc == other
    assert to.lower() not in mail.cc.lower()


async def test_an_address_named_twice_is_addressed_once(system):
    """Found by the emails' outside check: an Organization Administrator who is also the
    location's coordinator was sent its approval addressed 'To: casey@..., casey@...' (the
    coordinator and the administrator, one person), the relay asked to deliver it twice."""
    mailer = Mailer(system.sessions, SmtpSender(system.settings), system.settings)
    to = unique_email("both")
    context = RegistrationExpiredContext(recipient_name="Pat", register_url="https://x/register")
    assert await mailer.send(f"test-to-{uuid.uuid4().hex}", EmailKind.REGISTRATION_EXPIRED,
                             [to, to.upper()], context)
    mail = await system.smtp.one(to=to)
    assert mail.to == [to], "one RCPT TO"
    assert str(mail.message["To"]).lower() == to


async def test_two_attempts_of_one_batch_at_once_send_each_invitation_once(system):
    """A batch retried while its first attempt is still alive (a heartbeat missed under
    load): on Postgres each message's outbox row is locked while it is sent, so the two
    attempts share the letters instead of both sending them. On SQLite (one writer, no row
    locks) each still goes at least once and is noted sent."""
    from sqlmodel import select

    from activities.mailer import BatchMailer, Letter
    from models.outbox import SentEmail
    from notifications.catalogue import RecipientInvitationContext
    from tests.support.databases import backend

    batch = BatchMailer(system.sessions, SmtpSender(system.settings), system.settings)
    tag = uuid.uuid4().hex[:8]
    letters = [Letter(event_key=f"overlap-{tag}-{n}", kind=EmailKind.RECIPIENT_INVITATION,
                      to=f"overlap{n}.{tag}@example.org", context=RecipientInvitationContext(
                          recipient_name=f"Person {n}", location_name="Overlap Clinic",
                          register_url="http://localhost/r/1/x", language="en"))
              for n in range(40)]

    async def noted(_session, _letter) -> None:
        return None

    sent = await asyncio.gather(batch.send_batch(letters, noted),
                                batch.send_batch(letters, noted))
    await system.smtp.wait_for(subject="Register for your COVID-19 vaccination",
                               count=len(letters))
    await asyncio.sleep(0.5)
    got = Counter(m.to[0] for m in system.smtp.all() if tag in m.to[0])
    assert set(got) == {letter.to for letter in letters}, "every letter went"
    async with system.sessions() as session:
        rows = (await session.exec(select(SentEmail).where(
            SentEmail.event_key.startswith(f"overlap-{tag}-")))).all()
    assert len(rows) == len(letters) and all(row.sent_at for row in rows)
    if backend() == "postgres":
        assert max(got.values()) == 1, {to: n for to, n in got.items() if n > 1}
        assert sum(sent) == len(letters), sent
