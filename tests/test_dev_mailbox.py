"""The built-in mail catcher keeps messages; the dev mailbox page lists and opens them."""

import asyncio
import uuid

import httpx

from activities.mailer import Mailer
from api.app import create_app
from notifications import catcher
from notifications.catalogue import EmailKind, VerifyEmailContext
from notifications.mailbox import CaughtMail
from notifications.sender import SmtpSender
from tests.support.smtp import free_port


async def test_caught_mail_is_listed_with_clickable_links(system, tmp_path):
    port = free_port()
    controller = catcher.start(tmp_path / "mailbox", port=port)
    try:
        settings = system.settings.model_copy(update={
            "environment": "development", "smtp_port": port, "data_dir": tmp_path})
        mailer = Mailer(system.sessions, SmtpSender(settings), settings)
        ctx = VerifyEmailContext(recipient_name="Dev", expires_on="soon",
                                 verify_url="http://127.0.0.1:8000/register/verify/tok123")
        await mailer.send(f"dev:{uuid.uuid4()}", EmailKind.VERIFY_EMAIL, ["dev@example.org"], ctx)
        app = create_app(settings, engine=system.engine,
                         gateway=system.gateway(settings))
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
                listing = (await http.get("/dev/mailbox")).text
                assert "Confirm your email" in listing
                key = listing.split('href="/dev/mailbox/')[1].split('"')[0]
                page = (await http.get(f"/dev/mailbox/{key}")).text
                assert ('<a href="http://127.0.0.1:8000/register/verify/tok123">' in page)
                # The message says when it arrived as the list does: Eastern time, in words.
                received = listing.split('<td data-label="Received">')[1].split("</td>")[0]
                assert received.endswith(("EST", "EDT")), received
                assert f"<dd>{received}</dd>" in page
                assert (await http.get("/dev/mailbox/nope")).status_code == 404
    finally:
        await asyncio.to_thread(controller.stop)


async def test_mailbox_is_hidden_outside_development(system):
    async with system.http() as http:
        response = await http.get("/dev/mailbox")
    assert response.status_code == 404


def test_a_link_ends_before_the_sentence_around_it():
    mail = CaughtMail(key="k", to="", cc="", subject="", date=None, html="",
                      text="Open the Help Desk (http://127.0.0.1:8000/help). Or http://x.test/a.")
    assert str(mail.linked_text) == (
        'Open the Help Desk (<a href="http://127.0.0.1:8000/help">http://127.0.0.1:8000/help</a>).'
        ' Or <a href="http://x.test/a">http://x.test/a</a>.')
