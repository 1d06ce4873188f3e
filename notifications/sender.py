"""Mail senders: SMTP through aiosmtplib, and an in-memory one for unit tests."""

from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate
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


class MailSender(Protocol):
    async def send(self, email: OutgoingEmail) -> None: ...


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


class SmtpSender:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    async def send(self, email: OutgoingEmail) -> None:
        s = self._settings
        await aiosmtplib.send(
            to_mime(email, s.mail_from),
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
