"""Emails the relay refused for good (a mistyped or closed mailbox: activities/mailer.py notes
each with the mail server's words), shown to whoever can correct the address or reach the person
another way: a help-desk case's agent, an organization's administrator for its coordinators and
officers, a location's staff for its recipients' invitations, its organizations' points of
contact's validation links and its portal accounts' invitations. The outbox's partial index
(`ix_sent_email_refused`) holds only the refused few."""

from collections.abc import Iterable

from sqlalchemy import ColumnElement, func, or_
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.enrollment import ResponsibleOfficer
from models.helpdesk import Case
from models.outbox import SentEmail
from models.recipient_rules import invitation_key


async def _refused(session: AsyncSession, *matching: ColumnElement[bool]) -> list[SentEmail]:
    if not matching:
        return []
    return list((await session.exec(select(SentEmail).where(
        SentEmail.refused_at.is_not(None), or_(*matching))
        .order_by(SentEmail.refused_at))).all())


async def of_case(session: AsyncSession, case: Case) -> list[SentEmail]:
    """The case's emails refused so, oldest first (to its requester or to an agent)."""
    return await _refused(session, SentEmail.event_key.like(f"case-{case.id}:%"))


async def of_organization(session: AsyncSession, locations: Iterable,
                          officers: Iterable[ResponsibleOfficer]
                          ) -> tuple[dict[int, SentEmail], dict[str, SentEmail]]:
    """The last email refused to each location's coordinator (`locations`: rows or their
    projections, with `id` and `coordinator_email`) (its invitation, a reminder) and
    to each officer (a signing request), by location id and by officer role: only those refused
    at the address on file now (once corrected, the new address's emails are what count)."""
    locations, officers = list(locations), list(officers)
    refused = await _refused(
        session, *(SentEmail.event_key.like(f"location-{loc.id}:%") for loc in locations),
        *([SentEmail.event_key.like("signing-round-%")
           & func.lower(SentEmail.recipients).in_({o.email.lower() for o in officers})]
          if officers else []))
    by_location: dict[int, SentEmail] = {}
    by_role: dict[str, SentEmail] = {}
    for row in refused:  # oldest first: the last one stays
        to = row.recipients.lower()
        for loc in locations:
            if row.event_key.startswith(f"location-{loc.id}:") and (
                    to == (loc.coordinator_email or "").lower()):
                by_location[loc.id] = row
        for officer in officers:
            if row.event_key.startswith("signing-round-") and to == officer.email.lower():
                by_role[officer.role.value] = row
    return by_location, by_role


async def invitations(session: AsyncSession, people: Iterable) -> dict[int, SentEmail]:
    """Each of these recipients (rows with `id` and `email`) whose invitation, or personal
    link's email, was refused at the address on file now, by id (corrected since, the new
    address is what counts)."""
    people = {person.id: person for person in people if person.email}
    if not people:
        return {}
    refused = await _refused(session, *(SentEmail.event_key.like(
        invitation_key(person_id).replace(":invitation", ":%")) for person_id in people))
    return {person_id: row for row in refused
            if (person_id := int(row.event_key.split("-", 1)[1].split(":", 1)[0])) in people
            and row.recipients.lower() == people[person_id].email.lower()}


async def contact_links(session: AsyncSession, contacts: Iterable) -> dict[int, SentEmail]:
    """Each of these points of contact (rows with `id` and `email`) whose validation link (or
    a new one they asked for) was refused at the address on file now, by id."""
    contacts = {contact.id: contact for contact in contacts}
    refused = await _refused(session, *(SentEmail.event_key.like(f"contact-{contact_id}:%")
                                        for contact_id in contacts))
    return {contact_id: row for row in refused
            if (contact_id := int(row.event_key.split("-", 1)[1].split(":", 1)[0])) in contacts
            and row.recipients.lower() == contacts[contact_id].email.lower()}


async def portal_invitation(session: AsyncSession, person) -> SentEmail | None:
    """The last invitation to this portal account (a row with `id` and `email`) refused at its
    address of now."""
    refused = await _refused(session, SentEmail.event_key.like(f"portal-invite-{person.id}:%"))
    at_now = [row for row in refused if row.recipients.lower() == person.email.lower()]
    return at_now[-1] if at_now else None
