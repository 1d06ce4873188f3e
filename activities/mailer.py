"""Sends catalogue emails at most once per event key, through the `sent_email` outbox."""

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import update
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio import activity
from temporalio.exceptions import ApplicationError

from core.db import SessionFactory, transaction
from core.settings import Settings
from models.base import insert_or_skip, utcnow
from models.outbox import SentEmail
from notifications.catalogue import EmailContext, EmailKind
from notifications.render import render
from notifications.sender import MailSender, OutgoingEmail, connection, refused_for_good

T = TypeVar("T")
log = logging.getLogger("cvms.mail")


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
        """The event's email went, or the relay refused it for good: nothing more to do."""
        async with self.sessions() as session:
            row = await session.exec(select(SentEmail).where(SentEmail.event_key == event_key))
            found = row.first()
            return bool(found and (found.sent_at or found.refused_at))

    async def refused(self, event_key: str) -> bool:
        """The relay refused the event's email for good (it was never sent)."""
        async with self.sessions() as session:
            refused_at = (await session.exec(select(SentEmail.refused_at).where(
                SentEmail.event_key == event_key))).first()  # None: no row, or not refused
            return refused_at is not None

    async def send(self, event_key: str, kind: EmailKind, to: Sequence[str],
                   context: EmailContext, cc: Sequence[str] = ()) -> bool:
        """Send unless this event's email already went; True when a message was sent.

        Two statements in one transaction around the SMTP conversation: claim the event's row
        (INSERT ... ON CONFLICT DO NOTHING RETURNING), send, stamp it sent. The row commits
        only with the email accepted by the relay, so a row means "sent"; a second attempt
        at the same moment waits on the first's row (Postgres) and then sends nothing. A crash
        after the relay accepted but before the commit resends the same message (same
        Message-ID, same links), the one window no outbox can close."""
        email = self._compose(event_key, kind, to, context, cc)
        await self.sender.open()  # connect outside the transaction: it holds the row's lock
        async with transaction(self.sessions) as session:
            if not await self._claim(session, event_key, kind, email):
                return False
            try:
                await self.sender.send(email)
            except Exception as error:
                refusal = refused_for_good(error)
                if refusal is None:
                    raise  # the relay away or "try later": the activity tries again
                await self._mark_refused(session, event_key, refusal)
                return False
            await self._mark_sent(session, event_key)
        return True

    def _compose(self, event_key: str, kind: EmailKind, to: Sequence[str],
                 context: EmailContext, cc: Sequence[str]) -> OutgoingEmail:
        rendered = render(kind, context, portal_url=self.settings.public_base_url)
        # one person named twice (an administrator who is also the coordinator) is one
        # recipient; To wins over Cc
        first: dict[str, str] = {}
        for address in to:
            first.setdefault(address.lower(), address)
        to, addressed = tuple(first.values()), set(first)
        cc = tuple(dict.fromkeys(a for a in cc if a.lower() not in addressed))
        return OutgoingEmail(to=to, cc=cc, subject=rendered.subject,
                             text=rendered.text, html=rendered.html,
                             message_id=message_id(event_key))

    @staticmethod
    async def _claim(session: AsyncSession, event_key: str, kind: EmailKind,
                     email: OutgoingEmail) -> bool:
        """Insert the event's row; False when it exists (the email already went)."""
        statement = insert_or_skip(session.bind.dialect.name, SentEmail)
        claimed = await session.exec(statement.values(
            event_key=event_key, kind=kind, subject=email.subject,
            recipients=", ".join(email.to + email.cc), message_id=email.message_id,
            created_at=utcnow(),
        ).on_conflict_do_nothing(index_elements=["event_key"]).returning(SentEmail.id))
        return claimed.first() is not None

    @staticmethod
    async def _mark_refused(session: AsyncSession, event_key: str, refusal: str) -> None:
        """The relay refused it for good (no such mailbox): noted with its reason, never tried
        again, and the process that asked goes on (its later emails and timers would otherwise
        wait behind an activity retried for ever)."""
        log.warning("the relay refused %s for good: %s", event_key, refusal)
        await session.exec(update(SentEmail).where(SentEmail.event_key == event_key)
                           .values(refused_at=utcnow(), refusal=refusal)
                           .execution_options(synchronize_session=False))

    async def _mark_sent(self, session: AsyncSession, event_key: str) -> None:
        # No outbox row is loaded in this session: nothing for the ORM to synchronise (its
        # default evaluates the condition against every object held, ~0.3 ms a statement).
        await session.exec(update(SentEmail).where(SentEmail.event_key == event_key)
                           .values(sent_at=utcnow()).execution_options(synchronize_session=False))


@dataclass(frozen=True)
class Letter:
    """One email of a batch: its event key (the outbox's), its kind, address and context."""

    event_key: str
    kind: EmailKind
    to: str
    context: EmailContext


AfterSent = Callable[[AsyncSession, Letter], Awaitable[None]]


async def uninterrupted(step: Awaitable[T]) -> T:
    """Finish a send-and-mark step even if the activity is cancelled meanwhile (a worker
    shutting down): the message and the outbox row that says it went stay together."""
    task = asyncio.ensure_future(step)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        await task
        raise


# Messages sent between two outbox commits. One: a worker killed outright (SIGKILL, power)
# resends at most the message each SMTP connection had just sent and not yet noted, instead of
# a whole group per connection; the commit costs less than rendering the message.
GROUP = 1
LANES = 4  # SMTP connections at once


def beat() -> None:
    """Tell Temporal this batch is alive (the SDK throttles the calls)."""
    if activity.in_activity():
        activity.heartbeat()


class BatchMailer(Mailer):
    async def send_batch(self, letters: Sequence[Letter], after: AfterSent) -> int:
        """Many emails over one SMTP connection, each at most once per event key. `after`
        runs in the transaction that marks a letter sent (a recipient's invited_at)."""
        beat()
        keys = [letter.event_key for letter in letters]
        async with self.sessions() as session:
            known = (await session.exec(select(SentEmail).where(
                SentEmail.event_key.in_(keys)))).all()
        sent = {row.event_key for row in known if row.sent_at}
        refused = {row.event_key for row in known if row.refused_at}
        recorded = {row.event_key for row in known}
        todo = [(letter, self._outgoing(letter)) for letter in letters
                if letter.event_key not in sent | refused]
        async with transaction(self.sessions) as session:
            for letter in letters:
                if letter.event_key in sent:
                    await after(session, letter)  # went before; make sure it is noted
            new = [{"event_key": letter.event_key, "kind": letter.kind,
                    "subject": email.subject, "recipients": letter.to,
                    "message_id": email.message_id, "created_at": utcnow()}
                   for letter, email in todo if letter.event_key not in recorded]
            if new:  # another attempt may be recording the same letters at this moment
                insert = insert_or_skip(session.bind.dialect.name, SentEmail)
                await session.exec(insert.values(new).on_conflict_do_nothing(
                    index_elements=["event_key"]))
        groups = [todo[start:start + GROUP] for start in range(0, len(todo), GROUP)]
        # One lane failing fails the attempt, which is retried: the others stop with it, each
        # finishing the message in hand (`uninterrupted`). Left running (as `gather` leaves
        # them), they sent on beside the retry, which on SQLite (no row locks) sent the same
        # letters again.
        try:
            async with asyncio.TaskGroup() as lanes:
                sending = [lanes.create_task(self._lane(groups[n::LANES], after))
                           for n in range(LANES)]
        except ExceptionGroup as failed:
            raise failed.exceptions[0] from None  # as the lane raised it (a retryable error)
        return sum(task.result() for task in sending)

    async def _lane(self, groups: list, after: AfterSent) -> int:
        """One SMTP connection's share: lanes overlap the round trips of a conversation."""
        if not groups:
            return 0
        async with connection(self.sender) as send:
            return sum([await uninterrupted(self._deliver(send, group, after))
                        for group in groups])

    def _outgoing(self, letter: Letter) -> OutgoingEmail:
        rendered = render(letter.kind, letter.context,
                          portal_url=self.settings.public_base_url)
        return OutgoingEmail(to=(letter.to,), subject=rendered.subject, text=rendered.text,
                             html=rendered.html, message_id=message_id(letter.event_key))

    async def _deliver(self, send, group: list[tuple[Letter, OutgoingEmail]],
                       after: AfterSent) -> int:
        """The group's messages not sent yet, each sent while its outbox row is held, and
        noted sent in the same transaction. On Postgres the rows are locked: another attempt
        of the same batch running at once (a retry after a missed heartbeat, its first attempt
        still alive) skips them instead of sending them again. How many this one sent."""
        keys = [letter.event_key for letter, _ in group]
        async with transaction(self.sessions) as session:
            free = set((await session.exec(select(SentEmail.event_key).where(
                SentEmail.event_key.in_(keys), SentEmail.sent_at.is_(None),
                SentEmail.refused_at.is_(None)).with_for_update(skip_locked=True))).all())
            mine = [(letter, email) for letter, email in group if letter.event_key in free]
            refused: dict[str, str] = {}
            for letter, email in mine:
                try:
                    await send(email)
                except Exception as error:
                    refusal = refused_for_good(error)
                    if refusal is None:
                        raise
                    refused[letter.event_key] = refusal
                beat()
            for key, refusal in refused.items():
                await self._mark_refused(session, key, refusal)
            mine = [(letter, email) for letter, email in mine if letter.event_key not in refused]
            if mine:
                await session.exec(update(SentEmail).where(SentEmail.event_key.in_(
                    [letter.event_key for letter, _ in mine])).values(sent_at=utcnow())
                    .execution_options(synchronize_session=False))
                for letter, _email in mine:
                    await after(session, letter)
            return len(mine)


class MailingActivities:
    """Base for activity classes: the worker injects one mailer (which holds the sessions)."""

    def __init__(self, mailer: Mailer) -> None:
        self.mailer = mailer
        self.sessions = mailer.sessions
        self.settings = mailer.settings
        self.secret = mailer.settings.secret_key.get_secret_value()  # derives link tokens


# The API flushes a row, starts (or updates) the process, then commits: the process may look
# for the row a moment before it is visible. Look again a few times within the attempt (the
# commit follows the acceptance by milliseconds: a failed attempt would cost a retry a second
# later, which the person waits for), then across attempts for a while, then give up for good
# (the API's transaction did not commit, so there is nothing to do).
LOOK_AGAIN_AFTER = (0.01, 0.02, 0.05, 0.1, 0.2, 0.4)  # seconds: 0.78 in all
MISSING_ATTEMPTS = 8


async def present(session: AsyncSession, model: type[T], key: Any, what: str,
                  **options: Any) -> T:
    """The row an activity was given the id of, or `missing` ("location 12 not found").

    Each look is a statement of its own, which sees rows committed since the last one (read
    committed on Postgres; on SQLite a read opens no transaction of its own). `options` go to
    `session.get` (loader options)."""
    row = await session.get(model, key, **options)
    for pause in LOOK_AGAIN_AFTER:
        if row is not None:
            return row
        await asyncio.sleep(pause)
        row = await session.get(model, key, **options)
    if row is None:
        raise missing(f"{what} {key}")
    return row


async def as_told(session: AsyncSession, model: type[T], key: Any, what: str,
                  told: Callable[[T], bool]) -> T:
    """The row as the change that told of this activity left it (`told` says it is): the
    process starts just before that change commits (a registration, an address corrected),
    and read before it, an email would go to the old address with the old link."""
    for pause in (0, *LOOK_AGAIN_AFTER):
        await asyncio.sleep(pause)
        row = await present(session, model, key, what, populate_existing=True)
        if told(row):
            return row
    raise missing(f"the change told of {what} {key}")


def missing(what: str) -> ApplicationError:
    attempt = activity.info().attempt if activity.in_activity() else MISSING_ATTEMPTS
    final = attempt >= MISSING_ATTEMPTS
    return ApplicationError(f"{what} not found", type="NotFound" if final else "NotVisibleYet",
                            non_retryable=final)
