"""Many portal users at once: the HCP user onboarding template, sent to the help desk in a
User onboarding case by a Location Manager and imported by an agent, with errors by row and
column - through the same case-import machinery as the practicing providers."""

import asyncio
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.domain import case_imports, helpdesk, portal_accounts
from api.domain.accounts import user_by_email
from api.domain.scope import may_manage
from api.forms import parse
from api.processes import Gateway
from api.processes import portal as portal_process
from core.errors import Conflict, Forbidden, NotFound
from core.wording import counted
from models.accounts import User
from models.enrollment import Location, UserLocation
from models.enums import AccountStatus, Role
from models.helpdesk import Case
from models.helpdesk_rules import Category
from models.helpdesk_schemas import ImportReport, RowError
from models.portal_rules import PROFILES
from models.portal_schemas import CaseLocationGrant, LocationGrant, PortalContactIn

COLUMNS = [("first_name", "First Name"), ("last_name", "Last Name"), ("email", "Email"),
           ("profile", "Profile"), ("username", "Username"), ("title", "Title"),
           ("phone", "Phone")]
KEYS = [key for key, _ in COLUMNS]
HEADER_ROW = 3
MAX_USER_ROWS = 500  # each row starts an invitation; a bigger staff list comes in parts
PROFILE_NAMES = {name.lower(): role for role in PROFILES for name in (role.label, role.value)}


def template(location_name: str = "") -> bytes:
    return case_imports.template(
        "Portal Users", location_name, COLUMNS, header_row=HEADER_ROW,
        choices={"D": [role.label for role in PROFILES]}, instructions=[
            "One file per location: write the location's name in cell B1.",
            "One row per person: first and last name, the email address of their NCID, the "
            "profile, and the login username. Title and Phone may be left empty.",
            "Profile: Healthcare Location Manager, Healthcare Provider or Healthcare Provider "
            "(read-only).",
            "Send the completed file to the CVMS Help Desk in a User onboarding case naming "
            "the location. Each person is emailed an invitation to choose a password."])


async def _taken(session: AsyncSession, rows: list[tuple[int, dict[str, Any]]]) -> set[str]:
    """Emails and usernames (lower case) that already belong to an account."""
    emails = [v["email"].lower() for _, v in rows if v["email"]]
    names = [v["username"].lower() for _, v in rows if v["username"]]
    found = await session.exec(select(User.email, User.username).where(or_(
        func.lower(User.email).in_(emails), func.lower(User.username).in_(names))))
    return {value.lower() for pair in found.all() for value in pair if value}


def validate(rows, location_id: int, taken: set[str]) -> tuple[list[PortalContactIn],
                                                               list[RowError]]:
    labels = dict(COLUMNS)
    valid, errors, seen = [], [], {}
    for number, values in rows:
        values = {**values, "location_id": location_id}
        values["profile"] = PROFILE_NAMES.get(values["profile"].lower(), values["profile"])
        data, problems = parse(PortalContactIn, values)
        row_errors = [RowError(row=number, column=labels.get(field, field), message=message)
                      for field, message in problems.items()]
        for key in ("email", "username"):
            value = (values[key] or "").lower()
            if value and value in seen:
                row_errors.append(RowError(row=number, column=labels[key], message=(
                    f"The same {key} appears on row {seen[value]}.")))
            elif value in taken:
                row_errors.append(RowError(row=number, column=labels[key], message=(
                    f"An account with this {key} exists: add the location to that person's "
                    "record in Account Management instead.")))
            seen.setdefault(value, number)
        errors.extend(row_errors)
        if data and not row_errors:
            valid.append(data)
    return valid, errors


async def _requesting_manager(session: AsyncSession, case: Case, location_id: int,
                              field: str) -> User:
    """The requester of a User onboarding case, a Location Manager of the location: the desk
    adds staff to a location only at the request of someone who may add them there."""
    if case.category != Category.USER_ONBOARDING:
        raise Conflict("Portal users are added from a User onboarding case.", field=field)
    requester = await session.get(User, case.requester_user_id) if case.requester_user_id \
        else None
    if requester is None or not await may_manage(session, requester, location_id):
        raise Forbidden("The person who opened this case is not a Location Manager of that "
                        "location, so they cannot add its staff.", field="location_id")
    return requester


async def check(session: AsyncSession, case: Case, attachment_id: int, location_id: int):
    """The file, checked: a User onboarding case whose requester manages the location."""
    requester = await _requesting_manager(session, case, location_id, "attachment_id")
    attachment, location, rows = await case_imports.case_sheet(
        session, case, attachment_id, location_id, KEYS, header_row=HEADER_ROW,
        max_rows=MAX_USER_ROWS, what="user")
    taken = await _taken(session, rows)
    valid, errors = await asyncio.to_thread(validate, rows, location.id, taken)  # off the loop
    return attachment, location, requester, valid, errors


async def preview(session: AsyncSession, case: Case, attachment_id: int,
                  location_id: int) -> ImportReport:
    _a, location, _r, valid, errors = await check(session, case, attachment_id, location_id)
    return ImportReport(valid_rows=len(valid), errors=errors, location_id=location.id)


async def run_import(session: AsyncSession, gateway: Gateway, case: Case, agent: User,
                     attachment_id: int, location_id: int, valid_rows_only: bool) -> ImportReport:
    """All rows or none (unless the agent chooses the valid ones), once per file; each new
    person is invited as if their manager had added them."""
    await case_imports.not_imported_yet(session, attachment_id)
    attachment, location, manager, valid, errors = await check(session, case, attachment_id,
                                                               location_id)
    if errors and not valid_rows_only:
        raise case_imports.nothing_imported(errors, ImportReport(
            valid_rows=len(valid), errors=errors, location_id=location.id))
    await case_imports.record_import(session, gateway, case, attachment, location, agent,
                                     len(valid), len(errors))
    people = [User(email=row.email.lower(), username=row.username, first_name=row.first_name,
                   last_name=row.last_name, title=row.title, phone=row.phone, role=row.profile,
                   active_location_id=location.id) for row in valid]
    session.add_all(people)
    await session.flush()
    session.add_all([UserLocation(user_id=person.id, location_id=location.id,
                                  profile=person.role, direct=True, granted_by=manager.id)
                     for person in people])
    for person in people:
        await portal_process.invite(gateway, session, person.id, manager.id, location.id)
    await case_imports.tell_the_case(session, gateway, case, agent, (
        f"Imported {counted(len(valid), 'portal user')} into {location.name}; each is emailed "
        "an invitation." + case_imports.skipped_rows(errors)))
    return ImportReport(valid_rows=len(valid), errors=errors, imported=len(valid),
                        location_id=location.id)


async def _requester_to_staff(session: AsyncSession, gateway: Gateway, manager: User,
                             person: User, location_id: int) -> None:
    """Someone who registered for the help desk becomes staff of the manager's location, as a
    manager's new contact is (the profile granted is their role, the location their active and
    direct one), keeping their login, password and cases; they are emailed where they work."""
    person.role = (await session.get(UserLocation, (person.id, location_id))).profile
    person.active_location_id = location_id
    session.add(person)
    await portal_process.tell_location_access(gateway, session, person.id, manager.id,
                                              location_id)


async def add_location(session: AsyncSession, gateway: Gateway, case: Case, agent: User,
                       data: CaseLocationGrant) -> tuple[User, User]:
    """A manager's location added to the account of someone who has one already (at another
    organization's location: a record the manager may not change, so a manager's form sends
    them here), at the manager's request in a User onboarding case, as if the manager had
    granted it; the case tells the manager. A help-desk requester's account becomes the
    location's staff (`_requester_to_staff`); the state's and the desk's are refused. The
    person and the manager."""
    manager = await _requesting_manager(session, case, data.location_id, "location_id")
    await helpdesk.still_open(session, case, agent, "the location was not added", "email")
    await helpdesk.not_held_by_another(session, case, agent, "email")
    person = await user_by_email(session, data.email)
    if person is None or person.status != AccountStatus.ACTIVE:
        raise NotFound("No active CVMS account has this email address. Ask the requester for "
                       "the address the person signs in with, or import them as a new portal "
                       "user from the onboarding template.", field="email")
    staff = bool(await portal_accounts.relations(session, person.id))
    if not staff and person.role != Role.REQUESTER:
        # the state's or the desk's account: no location's staff, and not to become one
        raise Conflict("This account works at no location (it is not a provider portal "
                       "account), so no location is added to it. Import the person as a new "
                       "portal user from the onboarding template, with another address.",
                       field="email")
    await portal_accounts.grant(session, manager, person, LocationGrant(
        location_id=data.location_id, profile=data.profile))
    await helpdesk.pick_up(session, gateway, case, agent)  # before any write: SQLite's lock
    if not staff:
        await _requester_to_staff(session, gateway, manager, person, data.location_id)
    location = await session.get(Location, data.location_id)
    profile = (await session.get(UserLocation, (person.id, location.id))).profile
    await case_imports.tell_the_case(session, gateway, case, agent, (
        f"{person.full_name} ({person.email}) can now work at {location.name} as "
        f"{profile.label}, with the same login. They choose the location at the top of the "
        "portal after they next sign in."))
    return person, manager
