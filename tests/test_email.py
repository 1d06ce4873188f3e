"""Emails render from templates and go through a real SMTP conversation, once per event."""

import uuid

import pytest

from activities.mailer import Mailer
from notifications.catalogue import EmailKind, VerifyEmailContext
from notifications.render import render
from notifications.sender import SmtpSender


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
    assert mail.links() == ["http://x.test/register/verify/abc"]
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
