"""A real SMTP server on loopback (aiosmtpd) whose messages tests read and whose links they follow."""

import asyncio
import contextlib
import re
import socket
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from email import message_from_bytes
from email.message import EmailMessage
from functools import cached_property

from aiosmtpd.controller import Controller

from notifications.sender import MESSAGE_POLICY

URL = re.compile(r"https?://[^\s<>\"')]+")


@dataclass
class Mail:
    to: list[str]
    raw: bytes  # exactly as it came over SMTP

    @cached_property
    def message(self) -> EmailMessage:
        """Parsed when first read: parsing is ~3 ms a message, and a benchmark that counts
        thousands of invitations would otherwise spend a core on it beside the system."""
        return message_from_bytes(self.raw, policy=MESSAGE_POLICY)

    @cached_property
    def subject(self) -> str:
        """Read once: a search by subject looks at every message the run received (thousands
        after the 5,000-row imports), each poll of a wait, and a header read is ~4 us."""
        return str(self.message["Subject"])

    @cached_property
    def subject_folded(self) -> str:
        return self.subject.lower()

    @property
    def cc(self) -> str:
        return str(self.message["Cc"] or "")

    @property
    def text(self) -> str:
        return self.message.get_body(preferencelist=("plain",)).get_content()

    @property
    def html(self) -> str:
        return self.message.get_body(preferencelist=("html",)).get_content()

    def links(self) -> list[str]:
        return URL.findall(self.text)

    def link(self, containing: str) -> str:
        found = [url for url in self.links() if containing in url]
        assert found, f"no link containing {containing!r} in {self.subject!r}: {self.links()}"
        return found[0]


def free_port() -> int:
    return free_ports(1)[0]


def free_ports(count: int) -> list[int]:
    """`count` different ports nothing listens on: held open together while they are chosen
    (one at a time, a port just let go may be handed out again: a run command's mail catcher
    was once given its Temporal server's port)."""
    with contextlib.ExitStack() as held:
        socks = [held.enter_context(socket.socket()) for _ in range(count)]
        for sock in socks:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in socks]


# An address a relay would refuse for good ("550 5.1.1 no such user"), as real relays refuse one
# that does not exist: the catcher refuses every address whose local part starts with it.
NO_SUCH_USER = "refused-"


class _Handler:
    def __init__(self, box: "SmtpCapture") -> None:
        self.box = box

    async def handle_RCPT(self, _server, _session, envelope, address, _options) -> str:  # noqa: N802
        if address.lower().startswith(NO_SUCH_USER):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server, _session, envelope) -> str:  # noqa: N802
        self.box.add(Mail(to=[r.lower() for r in envelope.rcpt_tos],
                          raw=envelope.original_content))
        return "250 OK"


class SmtpCapture:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._mails: list[Mail] = []
        # each recipient's messages: a wait for one person's mail reads theirs, not the run's
        # thousands (a 5,000-row import's invitations) at every message that arrives
        self._by_recipient: dict[str, list[Mail]] = defaultdict(list)
        # who waits for the next message: (their loop, their event); the SMTP server runs on
        # its own thread and loop, so a message wakes each waiter through its loop
        self._waiting: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()
        self.port = free_port()
        # SMTPUTF8, as real relays take it: an address in its own letters (josé@…)
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port,
                                     enable_SMTPUTF8=True)

    def start(self) -> "SmtpCapture":
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def add(self, mail: Mail) -> None:
        with self._lock:
            self._mails.append(mail)
            for address in mail.to:
                self._by_recipient[address].append(mail)
            waiting = list(self._waiting)
        for loop, arrived in waiting:
            with contextlib.suppress(RuntimeError):  # that loop has closed: nobody waits
                loop.call_soon_threadsafe(arrived.set)

    @contextlib.contextmanager
    def arrivals(self):
        """An event set when a message arrives from now on (clear it to wait for the next)."""
        waiter = (asyncio.get_running_loop(), asyncio.Event())
        with self._lock:
            self._waiting.add(waiter)
        try:
            yield waiter[1]
        finally:
            with self._lock:
                self._waiting.discard(waiter)

    def all(self) -> list[Mail]:
        with self._lock:
            return list(self._mails)

    def find(self, to: str | None = None, subject: str | None = None) -> list[Mail]:
        if to is None:
            mails = self.all()
        else:
            with self._lock:
                mails = list(self._by_recipient.get(to.lower(), ()))
        if subject is None:
            return mails
        return [m for m in mails if subject.lower() in m.subject_folded]

    async def wait_for(self, to: str | None = None, subject: str | None = None, count: int = 1,
                       timeout: float = 20.0) -> list[Mail]:
        """Wait until at least `count` matching messages arrived; return them all."""
        deadline = time.monotonic() + timeout
        with self.arrivals() as arrived:  # woken by each message, not a poll's interval
            while time.monotonic() < deadline:
                arrived.clear()
                found = self.find(to, subject)
                if len(found) >= count:
                    return found
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(arrived.wait(), deadline - time.monotonic())
        raise AssertionError(f"expected {count} mail(s) to={to!r} subject~{subject!r}; got "
                             f"{[(m.to, m.subject) for m in self.all()][-10:]}")

    async def one(self, to: str | None = None, subject: str | None = None,
                  timeout: float = 20.0) -> Mail:
        return (await self.wait_for(to, subject, 1, timeout))[-1]
