"""A recipient's personal link, handed over in person: for someone without an email address
(email is optional, SPEC 6), staff print or show the link that the invitation email would
have carried, with a QR code a phone can read. Every showing is written to the audit log."""

import base64
import io

import qrcode
from sqlmodel.ext.asyncio.session import AsyncSession

from core.settings import Settings
from models.accounts import User
from models.audit import AuditEvent
from models.recipient_rules import recipient_path
from models.recipients import Recipient


def _qr_data_uri(url: str) -> str:
    out = io.BytesIO()
    qrcode.make(url, box_size=6, border=4).save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def personal_link(session: AsyncSession, settings: Settings, user: User,
                  person: Recipient) -> dict[str, str]:
    """The link and its QR code, for a page to show; the showing is audited (the caller has
    checked that this person may see the recipient, and commits)."""
    url = settings.link(recipient_path(settings.secret_key.get_secret_value(), person.id,
                                       person.link_version))
    session.add(AuditEvent(subject_type="recipient", subject_id=person.id, action="link shown",
                           actor=user.audit_name,
                           detail={"user_id": user.id, "location_id": person.location_id}))
    return {"url": url, "qr": _qr_data_uri(url)}
