"""Emails the relay refused for good (a mistyped or closed mailbox: activities/mailer.py notes
each with the mail server's words), shown to whoever can correct the address or reach the person
another way: a help-desk case's agent, an organization's administrator for its coordinators and
officers, a location's staff for its recipients' invitations, its organizations' points of
contact's validation links and its portal accounts' invitations. The outbox's partial index
(`ix_sent_email_refused`) holds only the refused few."""

import re
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


_KEY = re.compile(r"[a-z-]+?-(\d+):")  # recipient-7:…, contact-7:…, portal-invite-7:…


def _at_address_now(refused: list[SentEmail], rows: Iterable) -> dict[int, SentEmail]:
    """The refusals (oldest first) of each of these rows' (`id`, `email`) emails, keyed
    "<kind>-<id>:…", sent to the address on file now, by id: the last one of each (corrected
    since, the new address is what counts)."""
    rows = {row.id: row for row in rows}
    found = {}
    for refusal in refused:
        key = _KEY.match(refusal.event_key)
        row = rows.get(int(key[1])) if key else None
        if row is not None and refusal.recipients.lower() == (row.email or "").lower():
            found[row.id] = refusal
    return found


async def invitations(session: AsyncSession, people: Iterable) -> dict[int, SentEmail]:
    """Each of these recipients (rows with `id` and `email`) whose invitation, or personal
    link's email, was refused at the address on file now, by id."""
    people = [person for person in people if person.email]
    return _at_address_now(await _refused(session, *(SentEmail.event_key.like(
        invitation_key(person.id).replace(":invitation", ":%")) for person in people)), people)


async def contact_links(session: AsyncSession, contacts: Iterable) -> dict[int, SentEmail]:
    """Each of these points of contact (rows with `id` and `email`) whose validation link (or
    a new one they asked for) was refused at the address on file now, by id."""
    contacts = list(contacts)
    return _at_address_now(await _refused(session, *(SentEmail.event_key.like(
        f"contact-{contact.id}:%") for contact in contacts)), contacts)


async def portal_invitation(session: AsyncSession, person) -> SentEmail | None:
    """The last invitation to this portal account (a row with `id` and `email`) refused at its
    address of now."""
    return _at_address_now(await _refused(session, SentEmail.event_key.like(
        f"portal-invite-{person.id}:%")), [person]).get(person.id)
