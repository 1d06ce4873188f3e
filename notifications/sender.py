"""Mail senders: SMTP through aiosmtplib, and an in-memory one for unit tests."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from email import policy
from email.generator import BytesGenerator
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from functools import lru_cache
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


HEADERS_KEPT = 128


class HeaderClasses(HeaderRegistry):
    """The standard registry, making each header's class once, and each header made from a
    string once for the same name and value.

    The standard one makes a new class for every header it parses (`type(...)` in
    `HeaderRegistry.__getitem__`), though the class depends on the header's name only: ~1 ms
    of an email's 3.2 ms, and ~1 KiB of garbage a header that only a full collection frees
    (8-12 KiB per new case in the worker). And it parses every header anew, though most of an
    email's repeat from one email to the next (From, MIME-Version, each part's Content-Type
    and transfer encoding, a subject): a header is immutable (a `str` with its parse tree),
    so the one made for the last email serves the next; 2.6 -> 1.7 ms an invitation. The
    recently used ones are kept (`HEADERS_KEPT`); a recipient, a date or a message id is
    made, kept a while and dropped."""

    def __init__(self) -> None:
        super().__init__()
        self._made: dict[str, type[BaseHeader]] = {}
        self._header = lru_cache(maxsize=HEADERS_KEPT)(super().__call__)

    def __call__(self, name: str, value):
        if type(value) is str:
            return self._header(name, value)
        return super().__call__(name, value)

    def __getitem__(self, name: str) -> type[BaseHeader]:
        key = name.lower()
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = super().__getitem__(name)
        return made


HEADERS = HeaderClasses()
MESSAGE_POLICY = policy.default.clone(header_factory=HEADERS)
# Header lines up to RFC 5322's 998-character limit: a subject (at most 200 characters, see
# notifications.render) is never folded onto a second line, as mail clients show folds badly.
WIRE_POLICY = policy.SMTP.clone(max_line_length=998, header_factory=HEADERS)
WIRE_UTF8_POLICY = WIRE_POLICY.clone(utf8=True)


log = logging.getLogger("cvms.smtp")


class MailSender(Protocol):
    async def open(self) -> None:
        """Be ready to send (a no-op when already connected)."""

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


def deliverable(address: str) -> str:
    """An address as an SMTP envelope carries it: a domain in its own letters (clínica.org) as
    the DNS spells it (xn--clnica-4va.org), which every relay takes; a local part in its own
    letters (josé@…) stays, sent with SMTPUTF8 (RFC 6531; see `Envelope`)."""
    if address.isascii():
        return address
    local, at, domain = address.rpartition("@")
    if not at or domain.isascii():
        return address
    try:
        return f"{local}@{domain.encode('idna').decode('ascii')}"
    except UnicodeError:  # not a name the DNS could hold: sent as written, refused if so
        return address


def refused_for_good(error: BaseException) -> str | None:
    """The relay's reason when it refused a message for good, so sending it again cannot
    succeed: every recipient refused with a 5xx code ("550 5.1.1 no such user"), or an address
    in its own letters (josé@…) and a relay without SMTPUTF8. None for anything else (a 4xx
    "try later", a lost connection, the relay refusing our own sender or login: the system's
    trouble, not the address's), which the email's activity retries."""
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused):
        refusals = error.recipients
        if refusals and all(500 <= refusal.code < 600 for refusal in refusals):
            return "; ".join(f"{refusal.recipient}: {refusal.code} {refusal.message}"
                             for refusal in refusals)[:REFUSAL_LENGTH]
    if isinstance(error, aiosmtplib.SMTPNotSupported):
        return f"the relay: {error}"[:REFUSAL_LENGTH]
    return None


REFUSAL_LENGTH = 300


def to_mime(email: OutgoingEmail, sender: str) -> EmailMessage:
    message = EmailMessage(policy=MESSAGE_POLICY)
    message["From"] = sender
    message["To"] = ", ".join(map(deliverable, email.to))
    if email.cc:
        message["Cc"] = ", ".join(map(deliverable, email.cc))
    message["Subject"] = email.subject
    message["Message-ID"] = email.message_id
    message["Date"] = formatdate(localtime=False)
    message.set_content(email.text)
    message.add_alternative(email.html, subtype="html")
    return message


def wire_bytes(message: EmailMessage, utf8: bool = False) -> bytes:
    """The message as sent; `utf8`: its headers in UTF-8 (an SMTPUTF8 message's addresses),
    not as encoded words, which no address may be."""
    out = BytesIO()
    BytesGenerator(out, policy=WIRE_UTF8_POLICY if utf8 else WIRE_POLICY).flatten(message)
    return out.getvalue()


@dataclass(frozen=True)
class Envelope:
    """What one SMTP conversation sends: an address whose local part is not ASCII (josé@…)
    goes with SMTPUTF8, its headers in UTF-8; without it aiosmtplib cannot even write the
    RCPT command, and the email's activity would retry for ever."""

    sender: str
    recipients: list[str]
    message: bytes
    options: list[str]

    @classmethod
    def of(cls, email: OutgoingEmail, mail_from: str) -> "Envelope":
        sender = parseaddr(mail_from)[1]
        recipients = [deliverable(a) for a in (*email.to, *email.cc)]
        utf8 = not all(a.isascii() for a in (sender, *recipients))
        return cls(sender, recipients, wire_bytes(to_mime(email, mail_from), utf8),
                   ["SMTPUTF8"] if utf8 else [])


class SmtpSender:
    """One SMTP connection per process, kept open between emails.

    Opening a connection (TCP, EHLO, STARTTLS, AUTH) costs more than sending a message, so
    the worker keeps one and sends through it one message at a time. A connection the relay
    dropped while idle is opened again and the message sent once more; a fresh connection
    that fails raises, and the activity retries later."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._smtp: aiosmtplib.SMTP | None = None
        self._lock = asyncio.Lock()

    def _client(self) -> aiosmtplib.SMTP:
        s = self._settings
        return aiosmtplib.SMTP(
            hostname=s.smtp_host, port=s.smtp_port, username=s.smtp_username,
            password=s.smtp_password.get_secret_value() if s.smtp_password else None,
            start_tls=s.smtp_starttls, use_tls=s.smtp_use_tls, timeout=s.smtp_timeout_seconds)

    async def _connected(self) -> tuple[aiosmtplib.SMTP, bool]:
        """The open connection, and whether it was just made."""
        if self._smtp is not None and self._smtp.is_connected:
            return self._smtp, False
        self._smtp = self._client()
        await self._smtp.connect()
        return self._smtp, True

    async def open(self) -> None:
        async with self._lock:
            await self._connected()

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Send]:
        """A connection of its own (a bulk run's group sends beside the kept one)."""
        s = self._settings
        client = self._client()
        await client.connect()
        try:
            async def send(email: OutgoingEmail) -> None:
                sent = Envelope.of(email, s.mail_from)
                await client.sendmail(sent.sender, sent.recipients, sent.message,
                                      mail_options=sent.options)
            yield send
        finally:
            with contextlib.suppress(aiosmtplib.SMTPException, OSError):
                await client.quit()

    async def send(self, email: OutgoingEmail) -> None:
        sent = Envelope.of(email, self._settings.mail_from)
        async with self._lock:
            smtp, fresh = await self._connected()
            try:
                await self._sendmail(smtp, sent)
            except (aiosmtplib.SMTPServerDisconnected, ConnectionError) as error:
                if fresh:
                    raise
                log.info("the SMTP relay closed the kept connection (%s); reconnecting", error)
                smtp, _fresh = await self._connected()
                await self._sendmail(smtp, sent)

    async def _sendmail(self, smtp: aiosmtplib.SMTP, sent: Envelope) -> None:
        try:
            await smtp.sendmail(sent.sender, sent.recipients, sent.message,
                                mail_options=sent.options)
        except BaseException:
            self._drop()  # a broken, refused or cancelled conversation: the next starts clean
            raise

    def _drop(self) -> None:
        if self._smtp is not None:
            self._smtp.close()
        self._smtp = None

    async def close(self) -> None:
        async with self._lock:
            if self._smtp is not None and self._smtp.is_connected:
                with contextlib.suppress(aiosmtplib.SMTPException):
                    await self._smtp.quit()
            self._drop()


@dataclass
class MemorySender:
    sent: list[OutgoingEmail] = field(default_factory=list)

    async def open(self) -> None:
        return None

    async def send(self, email: OutgoingEmail) -> None:
        self.sent.append(email)
