"""A point of contact who left their organization: deactivated by whoever may edit the
organization's contacts (its location's Location Managers, or the state: `scope.employer_for`),
and reactivated the same way, as a Location Manager deactivates a portal account.

Deactivated, their validation links stop working (whichever round), and once they validated,
their Organization Portal account is deactivated and signed out at once; nothing about them
changes until they are reactivated. The audit log keeps who did it and when. SPEC 5 names no
least number of points of contact (an organization has none until its first is added), so the
last active one may be deactivated: the page warns first and says so after, since nobody can
confirm the organization's details or upload its employees until another is added."""

from sqlalchemy import func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.domain.accounts import user_by_email
from api.domain.employers import resend
from api.processes import Gateway
from api.sessions import end_all_sessions
from core.db import one_at_a_time
from core.errors import Conflict
from models.accounts import User
from models.audit import AuditEvent
from models.base import utcnow
from models.employers import Employer, EmployerContact
from models.enums import AccountStatus
from models.links import CONTACT_PURPOSE, revoke_links
from models.portal_rules import ContactStatus

DEACTIVATED = "point_of_contact:deactivated"  # the audit log reads "Point of contact: deactivated"
REACTIVATED = "point_of_contact:reactivated"


def field_of(contact: EmployerContact) -> str:
    """Where a page says why a contact's (de)activation was refused: beside its button."""
    return f"contact-{contact.id}"


async def others_active(session: AsyncSession, contact: EmployerContact) -> int:
    """The organization's other points of contact not deactivated."""
    return int((await session.exec(select(func.count()).select_from(EmployerContact).where(
        EmployerContact.employer_id == contact.employer_id, EmployerContact.id != contact.id,
        EmployerContact.deactivated_at.is_(None)))).one())


async def _their_turn(session: AsyncSession, employer: Employer,
                      contact: EmployerContact) -> None:
    """Two managers (or two tabs) at once take turns, the second reading what the first did."""
    await one_at_a_time(session, Employer, employer.id)
    await session.refresh(contact)


def _audit(session: AsyncSession, user: User, contact: EmployerContact, action: str) -> None:
    session.add(AuditEvent(subject_type="employer", subject_id=contact.employer_id,
                           action=action, actor=f"user:{user.id}",
                           detail={"contact_id": contact.id, "name": contact.full_name,
                                   "email": contact.email}))


def not_yet_deactivated(contact: EmployerContact) -> None:
    if not contact.active:
        raise Conflict(f"{contact.full_name} is already deactivated (perhaps from another tab, "
                       "or by another manager). Reactivate them to give their access back.",
                       field=field_of(contact))


async def deactivate(session: AsyncSession, user: User, employer: Employer,
                     contact: EmployerContact) -> int:
    """Returns how many active points of contact the organization keeps."""
    await _their_turn(session, employer, contact)
    not_yet_deactivated(contact)
    contact.deactivated_at = utcnow()
    session.add(contact)
    await revoke_links(session, CONTACT_PURPOSE, contact.id)
    if contact.user_id is not None:
        account = await session.get(User, contact.user_id)
        account.status = AccountStatus.DEACTIVATED
        session.add(account)
        await end_all_sessions(session, account.id)
    _audit(session, user, contact, DEACTIVATED)
    return await others_active(session, contact)


async def reactivate(session: AsyncSession, gateway: Gateway, user: User, employer: Employer,
                     contact: EmployerContact) -> bool:
    """Their access back: a validated contact logs in with the password they had; one who had
    not validated is sent a new link (their old ones stay dead), unless their address has an
    account by now. True when a link was sent."""
    await _their_turn(session, employer, contact)
    if contact.active:
        raise Conflict(f"{contact.full_name} is active already (perhaps reactivated from "
                       "another tab, or by another manager).", field=field_of(contact))
    contact.deactivated_at = None
    session.add(contact)
    _audit(session, user, contact, REACTIVATED)
    if contact.user_id is not None:
        account = await session.get(User, contact.user_id)
        account.status = AccountStatus.ACTIVE
        session.add(account)
        return False
    if contact.status == ContactStatus.VALIDATED or await user_by_email(session, contact.email):
        return False
    await resend(session, gateway, user, contact)
    return True
