"""Who may upload and see recipients for a location: the checks every recipient endpoint calls.

- A Healthcare Location Manager of the location (their profile there, api/domain/scope.py)
  uploads files and sees the location's recipients.
- An organization's validated point of contact uploads their employees for the location that
  registered the organization (the employer's location) and sees their own uploads only - never
  the location's list of people, which holds other employers' staff.
"""

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.domain.scope import contact_of, managed_location_ids, may_manage
from core.errors import NotFound
from models.accounts import User
from models.employers import Employer
from models.enrollment import Location
from models.enums import Role
from models.portal_rules import ContactStatus

RECIPIENT_ROLES = (Role.LOCATION_MANAGER,)
UPLOADER_ROLES = (Role.LOCATION_MANAGER, Role.ORG_CONTACT)
NO_LOCATION = "We could not find that location among the ones whose recipients you manage."
NO_EMPLOYER_LOCATION = ("Your organization is not linked to a vaccinating location yet, so "
                        "there is nowhere to register your employees. Ask the Healthcare Location "
                        "Manager or the state program who added your organization to link it.")


async def may_manage_recipients(session: AsyncSession, user: User, location_id: int) -> bool:
    """THE check: may this user see the recipients of this location (and upload for it)?"""
    return await may_manage(session, user, location_id)


async def contact_employer(session: AsyncSession, user: User) -> Employer | None:
    """The organization a validated point of contact uploads for; None for anyone else. Asked
    once per request (its id kept in the session), though scope checks and the upload each
    ask. The id, not the row: a refused upload's rollback expires every row the session holds,
    and the page that names the refusal reads the employer again (`session.get` reloads an
    expired row; reading an attribute of a kept one would load it outside the event loop)."""
    if user.role != Role.ORG_CONTACT:
        return None
    known = session.info.setdefault("contact_employer", {})
    if user.id not in known:
        contact = await contact_of(session, user)
        known[user.id] = None if contact is None or contact.status != ContactStatus.VALIDATED \
            else contact.employer_id
    return None if known[user.id] is None else await session.get(Employer, known[user.id])


async def may_upload_recipients(session: AsyncSession, user: User, location_id: int) -> bool:
    employer = await contact_employer(session, user)
    if employer is not None:
        return employer.location_id == location_id
    return await may_manage_recipients(session, user, location_id)


async def recipient_location(session: AsyncSession, user: User, location_id: int) -> Location:
    location = await session.get(Location, location_id)
    if location is None or not await may_manage_recipients(session, user, location_id):
        raise NotFound(NO_LOCATION)
    return location


async def upload_location(session: AsyncSession, user: User, location_id: int) -> Location:
    location = await session.get(Location, location_id)
    if location is None or not await may_upload_recipients(session, user, location_id):
        raise NotFound(NO_LOCATION)
    return location


async def recipient_locations(session: AsyncSession, user: User) -> list[Location]:
    ids = await managed_location_ids(session, user)
    return list((await session.exec(select(Location).where(Location.id.in_(ids))
                                    .order_by(Location.name))).all())


async def upload_locations(session: AsyncSession, user: User) -> list[Location]:
    """The locations this user may upload recipients for."""
    employer = await contact_employer(session, user)
    if user.role == Role.ORG_CONTACT:
        if employer is None or employer.location_id is None:
            raise NotFound(NO_EMPLOYER_LOCATION)
        return [await session.get(Location, employer.location_id)]
    return await recipient_locations(session, user)
