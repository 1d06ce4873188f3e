"""Reads the development mail catcher's Maildir for the dev mailbox page."""

import mailbox
import re
from dataclasses import dataclass
from datetime import datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

from markupsafe import Markup, escape

from notifications.sender import MESSAGE_POLICY

# A URL, without the sentence's stop or closing bracket after it ("(https://x/help).")
_URL = re.compile(r"https?://[^\s<>\"']*[^\s<>\"'.,;:!?)\]]")


@dataclass(frozen=True)
class CaughtMail:
    key: str
    to: str
    cc: str
    subject: str
    date: datetime | None
    text: str
    html: str

    @property
    def linked_text(self) -> Markup:
        """The text part, escaped, with every URL made clickable."""
        escaped = str(escape(self.text))
        linked = _URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped)
        return Markup(linked)  # noqa: S704 - built from the escaped text just above


def _parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    return (text.get_content() if text else "", html.get_content() if html else "")


def _parse(key: str, raw: bytes) -> CaughtMail:
    message = message_from_bytes(raw, policy=MESSAGE_POLICY)
    text, html = _parts(message)
    date = parsedate_to_datetime(message["Date"]) if message["Date"] else None
    return CaughtMail(key=key, to=str(message["To"] or ""), cc=str(message["Cc"] or ""),
                      subject=str(message["Subject"] or ""), date=date, text=text, html=html)


def list_mail(directory: Path, limit: int = 200) -> list[CaughtMail]:
    if not (directory / "cur").exists():
        return []
    box = mailbox.Maildir(directory, create=False)
    mails = [_parse(key, box.get_bytes(key)) for key in box.iterkeys()]
    mails.sort(key=lambda m: m.date.timestamp() if m.date else 0, reverse=True)
    return mails[:limit]


def get_mail(directory: Path, key: str) -> CaughtMail | None:
    if not (directory / "cur").exists() or "/" in key:
        return None
    box = mailbox.Maildir(directory, create=False)
    try:
        return _parse(key, box.get_bytes(key))
    except KeyError:
        return None
