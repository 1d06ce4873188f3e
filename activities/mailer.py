"""Sends catalogue emails at most once per event key, through the `sent_email` outbox."""

import hashlib
from collections.abc import Sequence

from sqlmodel import select
from temporalio import activity
from temporalio.exceptions import ApplicationError

from core.db import SessionFactory, transaction
from core.settings import Settings
from models.base import utcnow
from models.outbox import SentEmail
from notifications.catalogue import EmailContext, EmailKind
from notifications.render import render
from notifications.sender import MailSender, OutgoingEmail


def message_id(event_key: str) -> str:
    """The same event always carries the same Message-ID, so a resend is recognisable."""
    digest = hashlib.sha256(event_key.encode()).hexdigest()[:40]
    return f"<{digest}@cvms.local>"


class Mailer:
    def __init__(self, sessions: SessionFactory, sender: MailSender, settings: Settings) -> None:
        self.sessions = sessions
        self.sender = sender
        self.settings = settings

    async def already_sent(self, event_key: str) -> bool:
        async with self.sessions() as session:
            row = await session.exec(select(SentEmail).where(SentEmail.event_key == event_key))
            found = row.first()
            return bool(found and found.sent_at)

    async def send(self, event_key: str, kind: EmailKind, to: Sequence[str],
                   context: EmailContext, cc: Sequence[str] = ()) -> bool:
        """Send unless this event's email already went; True when a message was sent."""
        if await self.already_sent(event_key):
            return False
        rendered = render(kind, context, portal_url=self.settings.public_base_url)
        addressed = {address.lower() for address in to}
        cc = tuple(dict.fromkeys(a for a in cc if a.lower() not in addressed))  # To wins over Cc
        email = OutgoingEmail(to=tuple(to), cc=cc, subject=rendered.subject,
                              text=rendered.text, html=rendered.html,
                              message_id=message_id(event_key))
        await self._record(event_key, kind, email)
        await self.sender.send(email)
        await self._mark_sent(event_key)
        return True

    async def _record(self, event_key: str, kind: EmailKind, email: OutgoingEmail) -> None:
        async with transaction(self.sessions) as session:
            result = await session.exec(select(SentEmail).where(SentEmail.event_key == event_key))
            if result.first() is None:
                session.add(SentEmail(event_key=event_key, kind=kind, subject=email.subject,
                                      recipients=", ".join(email.to + email.cc),
                                      message_id=email.message_id))

    async def _mark_sent(self, event_key: str) -> None:
        async with transaction(self.sessions) as session:
            result = await session.exec(select(SentEmail).where(SentEmail.event_key == event_key))
            row = result.one()
            row.sent_at = utcnow()
            session.add(row)


class MailingActivities:
    """Base for activity classes: the worker injects one mailer (which holds the sessions)."""

    def __init__(self, mailer: Mailer) -> None:
        self.mailer = mailer
        self.sessions = mailer.sessions
        self.settings = mailer.settings
        self.secret = mailer.settings.secret_key.get_secret_value()  # derives link tokens


# The API flushes a row, starts (or updates) the process, then commits: the process may look
# for the row a moment before it is visible. Keep looking for a while, then give up for good
# (the API's transaction did not commit, so there is nothing to do).
MISSING_ATTEMPTS = 8


def missing(what: str) -> ApplicationError:
    attempt = activity.info().attempt if activity.in_activity() else MISSING_ATTEMPTS
    final = attempt >= MISSING_ATTEMPTS
    return ApplicationError(f"{what} not found", type="NotFound" if final else "NotVisibleYet",
                            non_retryable=final)
