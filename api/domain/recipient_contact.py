"""A recipient's email address corrected, by the person on their page or by staff on the
recipient's page (an address mistyped in an upload: the invitation went nowhere, and the person
never got the link to fix it). Either way the same steps: the links sent to the old address
stop working (`move_link_on`), and the new address is emailed the link as it is now."""

from sqlmodel.ext.asyncio.session import AsyncSession

from api.domain.recipient_portal import move_link_on
from api.processes import recipients as recipient_processes
from models.accounts import User
from models.audit import AuditEvent
from models.base import utcnow
from models.recipient_schemas import ContactIn
from models.recipients import Recipient

CORRECTED = "contact corrected"


async def email_new_link(gateway, session: AsyncSession, person: Recipient) -> bool:
    """After the email address was corrected: the link as it is now goes to the address on
    file, told that the address was corrected (someone not registered yet is invited again,
    there); nothing without an address. With the change in `session`: it commits only once the
    email's process has started. True when an email is on its way."""
    if not person.email:
        return False
    await recipient_processes.email_link(gateway, session, person.id, person.link_version,
                                         "readdressed")
    return True


async def correct_contact(session: AsyncSession, gateway, user: User, person: Recipient,
                          data: ContactIn) -> str:
    """Staff correct the person's email address and phone (the caller checked they keep the
    person's details, and commits): audited with the old and new values; a changed address
    moves the link on and is emailed it. What happened, for the page."""
    before = {"email": person.email, "phone": person.phone}
    changed = {key: {"from": old, "to": getattr(data, key)}
               for key, old in before.items() if getattr(data, key) != old}
    if not changed:
        return "Nothing changed: the email address and phone were already these."
    version = person.link_version
    person.email, person.phone = data.email, data.phone
    move_link_on(person, before["email"])
    person.updated_at = utcnow()
    session.add(person)
    session.add(AuditEvent(subject_type="recipient", subject_id=person.id, action=CORRECTED,
                           actor=user.audit_name,
                           detail={"user_id": user.id, "location_id": person.location_id,
                                   "changed": changed, "link_version": person.link_version}))
    if "email" not in changed:
        return "Their phone number is saved."
    await email_new_link(gateway, session, person)
    if not person.email:
        return (f"Their email address is removed and nothing was emailed: the link sent to "
                f"{before['email']} no longer works. Print or show their new link to them.")
    invited = person.registered_at is None
    if person.link_version != version:
        what = "an invitation with a new link" if invited else "a new link"
        return f"We emailed {what} to {person.email}; the old link no longer works."
    what = "an invitation with their link" if invited else "their link"
    return f"We emailed {what} to {person.email}."
