"""An organization the state created, linked by state staff to the vaccinating location that
serves it.

A Location Manager's organization belongs to their location from its creation; the state's
belonged to none, and nothing could give it one, so its points of contact could never upload
their employees (`recipients_scope`) and no location's manager could look after it. SPEC 5
names nobody for this; the state staff who create such organizations link them (and correct
a wrong link), to an enrolled site only. Linked, the location's Location Managers manage the
organization and its points of contact as their own (`scope.employer_for`), and its validated
points of contact upload their employees for that location."""

from sqlmodel.ext.asyncio.session import AsyncSession

from api.domain import sites
from api.domain.state_lists import pin
from core.db import one_at_a_time
from core.errors import Conflict, Forbidden, Invalid
from models.accounts import User
from models.audit import AuditEvent
from models.employers import Employer
from models.enrollment import Location
from models.enums import Role

LINKED = "location:linked"  # the audit log reads "Location: linked"
MANAGERS_OWN = ("{name} was added by a Healthcare Location Manager of {place}, so it belongs to "
                "that location: only an organization the state created is linked here.")


def named(location: Location) -> str:
    return f"{location.name} ({pin(location.id)})"


async def linkable(session: AsyncSession, employer: Employer) -> str | None:
    """Why state staff may not link this organization, or None: one a location's manager
    created belongs to that location."""
    creator = await session.get(User, employer.created_by)
    if creator is not None and creator.role == Role.REVIEWER:
        return None
    place = await session.get(Location, employer.location_id) if employer.location_id else None
    return MANAGERS_OWN.format(name=employer.name,
                               place=place.name if place else "another location")


async def site_named(session: AsyncSession, user: User, typed: str | None,
                     field: str) -> Location:
    """The enrolled site typed (a suggestion, a Provider PIN, an id, or a whole name); a site
    found but not enrolled is named, with its status."""
    try:
        return await session.get(Location, await sites.resolve(
            session, typed, field, enrolled_only=True, viewer=user))
    except Invalid as not_enrolled:
        try:
            found = await session.get(Location, await sites.resolve(session, typed, field,
                                                                    viewer=user))
        except Invalid:
            if not_enrolled.message == sites.NOT_FOUND and str(typed or "").strip():
                raise Invalid(f"No enrolled site is found for “{str(typed).strip()}”. "
                              f"{sites.NOT_FOUND}", field=field) from None
            raise not_enrolled from None
        raise Invalid(f"{named(found)} is not enrolled yet (its status: {found.status.label}): "
                      "only an enrolled site vaccinates, so only one can be linked. Choose an "
                      "enrolled site.", field=field) from None


async def link(session: AsyncSession, user: User, employer: Employer, typed: str | None,
               field: str = "location", seen: str | None = None) -> Location | None:
    """Links the organization to the site typed; returns the location it was linked to before
    (None: none). `seen`: the location the page showed (its id, or "" for none); a link
    changed since is not replaced unseen."""
    if user.role != Role.REVIEWER:
        raise Forbidden("Only state staff link an organization to a vaccinating location.")
    await one_at_a_time(session, Employer, employer.id)
    await session.refresh(employer)
    if refusal := await linkable(session, employer):
        raise Conflict(refusal, field=field)
    before = await session.get(Location, employer.location_id) if employer.location_id \
        else None
    if seen is not None and seen != str(employer.location_id or ""):
        raise Conflict(f"{employer.name} was linked to {named(before) if before else 'no site'} "
                       "since you opened this page (in another tab, or by a colleague), so "
                       "yours was not saved. What you typed is still below: check it and link "
                       "again.", field=field)
    location = await site_named(session, user, typed, field)
    if before is not None and before.id == location.id:
        raise Conflict(f"{employer.name} is already linked to {named(location)}.", field=field)
    employer.location_id = location.id
    session.add(employer)
    session.add(AuditEvent(subject_type="employer", subject_id=employer.id, action=LINKED,
                           actor=f"user:{user.id}", detail={
                               "name": employer.name, "location_id": location.id,
                               "location": named(location),
                               "before": named(before) if before else None}))
    return before
