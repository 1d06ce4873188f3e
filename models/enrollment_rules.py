"""What Section A still lacks before it can be submitted: one rule for the pages, the API and
the submission activity."""

from pydantic import ValidationError
from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.accounts import User
from models.enrollment import Location, Organization, ResponsibleOfficer
from models.enrollment_enums import OfficerRole
from models.enrollment_schemas import OfficerIn, OrganizationDetailsIn
from models.enums import Role

# The accounts that may complete a location's Section B (api/access.py's writers): a
# coordinator's invitation is accepted only by one of them.
SECTION_B_ROLES = frozenset({Role.COORDINATOR, Role.ORG_ADMIN})


async def locations_of(session: AsyncSession, org: Organization) -> list[Location]:
    result = await session.exec(select(Location).where(Location.organization_id == org.id)
                                .order_by(Location.id))
    return list(result.all())


async def officers_of(session: AsyncSession,
                      org: Organization) -> dict[OfficerRole, ResponsibleOfficer]:
    result = await session.exec(select(ResponsibleOfficer).where(
        ResponsibleOfficer.organization_id == org.id))
    return {officer.role: officer for officer in result.all()}


async def coordinator_names(session: AsyncSession, location: Location) -> tuple[str, str]:
    """The coordinator's first and full name: their account's once registered (they may correct
    what the administrator typed in Section A), Section A's before."""
    user = (await session.get(User, location.coordinator_user_id)
            if location.coordinator_user_id else None)
    if user is not None:
        return user.first_name, user.full_name
    return location.coordinator_first_name, location.coordinator_name


def coordinator_and_admin(coordinator: str, location: Location, admin: User) -> str:
    """Whom an email to the coordinator with the administrator copied greets: both by first
    name (the administrator's copy greeted only the coordinator), one when they are the same."""
    if admin.email.lower() == location.coordinator_email.lower():
        return coordinator
    return f"{coordinator} and {admin.first_name}"


async def has_account(session: AsyncSession, email: str) -> bool:
    found = await session.exec(select(User.id).where(func.lower(User.email) == email.lower()))
    return found.first() is not None


def _officer_valid(officer: ResponsibleOfficer | None) -> bool:
    if officer is None:
        return False
    try:
        OfficerIn.model_validate(officer.model_dump(include=set(OfficerIn.model_fields)))
        return True
    except ValidationError:
        return False


def one_inbox_for_two(role: OfficerRole, name: str, email: str,
                      other: ResponsibleOfficer | None) -> str | None:
    """Why `role`'s officer, typed so, cannot share the other officer's address: two people
    (their names differ) at one address would have one inbox sign the agreement for both. One
    person holding both roles gives the same name and address for both."""
    if other is None or not email.strip() or not other.email:
        return None
    if email.strip().casefold() != other.email.strip().casefold():
        return None
    if " ".join(name.split()).casefold() == " ".join(other.name.split()).casefold():
        return None
    mine, theirs = role.value.upper(), other.role.value.upper()
    return (f"The {theirs}, {other.name}, already uses this address: each officer signs from "
            f"their own email, so enter the {mine}'s own address (or, if one person is both "
            f"{theirs} and {mine}, the same name for both).")


def details_complete(org: Organization) -> bool:
    """The details as the form requires them (a paused draft keeps them as typed)."""
    try:
        OrganizationDetailsIn.model_validate(
            {field: getattr(org, field) for field in OrganizationDetailsIn.model_fields})
        return True
    except ValidationError:
        return False


async def section_a_problems(session: AsyncSession, org: Organization) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not details_complete(org):
        problems["details"] = "Complete the organization details."
    if not await locations_of(session, org):
        problems["locations"] = "Add at least one location with its vaccine coordinator."
    officers = await officers_of(session, org)
    for role in OfficerRole:
        if not _officer_valid(officers.get(role)):
            problems[role.value] = (f"Name your {role.label} ({role.value.upper()}) with a "
                                    "title and a valid email address.")
    cmo = officers.get(OfficerRole.CMO)
    if cmo is not None and "cmo" not in problems and "ceo" not in problems:
        shared = one_inbox_for_two(OfficerRole.CMO, cmo.name, cmo.email,
                                   officers.get(OfficerRole.CEO))
        if shared:
            problems["cmo"] = shared
    return problems
