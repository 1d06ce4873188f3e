"""Mail senders: SMTP through aiosmtplib, and an in-memory one for unit tests."""

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from email import policy
from email.generator import BytesGenerator
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from io import BytesIO
from typing import Protocol

import aiosmtplib

from core.settings import Settings


@dataclass(frozen=True)
class OutgoingEmail:
    to: tuple[str, ...]
    subject: str
    text: str
    html: str
    message_id: str
    cc: tuple[str, ...] = ()


# Header lines up to RFC 5322's 998-character limit: a subject (at most 200 characters, see
# notifications.render) is never folded onto a second line, as mail clients show folds badly.
WIRE_POLICY = policy.SMTP.clone(max_line_length=998)


class MailSender(Protocol):
    async def send(self, email: OutgoingEmail) -> None: ...


Send = Callable[[OutgoingEmail], Awaitable[None]]


@asynccontextmanager
async def connection(sender: MailSender) -> AsyncIterator[Send]:
    """One connection for many messages when the sender can (a bulk invitation run)."""
    opened = getattr(sender, "connection", None)
    if opened is None:
        yield sender.send
        return
    async with opened() as send:
        yield send


def to_mime(email: OutgoingEmail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(email.to)
    if email.cc:
        message["Cc"] = ", ".join(email.cc)
    message["Subject"] = email.subject
    message["Message-ID"] = email.message_id
    message["Date"] = formatdate(localtime=False)
    message.set_content(email.text)
    message.add_alternative(email.html, subtype="html")
    return message


def wire_bytes(message: EmailMessage) -> bytes:
    out = BytesIO()
    BytesGenerator(out, policy=WIRE_POLICY).flatten(message)
    return out.getvalue()


class SmtpSender:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Send]:
        s = self._settings
        client = aiosmtplib.SMTP(
            hostname=s.smtp_host, port=s.smtp_port, username=s.smtp_username,
            password=s.smtp_password.get_secret_value() if s.smtp_password else None,
            start_tls=s.smtp_starttls, use_tls=s.smtp_use_tls, timeout=s.smtp_timeout_seconds)
        await client.connect()
        try:
            async def send(email: OutgoingEmail) -> None:
                await client.sendmail(parseaddr(s.mail_from)[1], [*email.to, *email.cc],
                                      wire_bytes(to_mime(email, s.mail_from)))
            yield send
        finally:
            with suppress(aiosmtplib.SMTPException, OSError):
                await client.quit()

    async def send(self, email: OutgoingEmail) -> None:
        s = self._settings
        await aiosmtplib.send(
            wire_bytes(to_mime(email, s.mail_from)),
            sender=parseaddr(s.mail_from)[1],
            recipients=[*email.to, *email.cc],
            hostname=s.smtp_host,
            port=s.smtp_port,
            username=s.smtp_username,
            password=s.smtp_password.get_secret_value() if s.smtp_password else None,
            start_tls=s.smtp_starttls,
            use_tls=s.smtp_use_tls,
            timeout=s.smtp_timeout_seconds,
        )


@dataclass
class MemorySender:
    sent: list[OutgoingEmail] = field(default_factory=list)

    async def send(self, email: OutgoingEmail) -> None:
        self.sent.append(email)
