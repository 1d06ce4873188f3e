"""Section A: the Organization Administrator's organization, locations and officers."""

import contextlib
from typing import Annotated

from babel.lists import format_list
from pydantic import TypeAdapter, ValidationError
from sqlalchemy import func, update
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.domain import throttle
from api.domain.status import redistribution_waiting
from api.processes import Gateway
from api.processes import enrollment as enrollment_process
from api.processes import signing as signing_process
from core import i18n
from core.errors import Conflict, Invalid, NotFound, StillWorking, Unavailable
from core.timefmt import day
from core.wording import counted
from models.accounts import AccessLink, User
from models.agreements import DOCUMENTS, DocumentKind
from models.audit import AuditEvent
from models.base import utcnow
from models.enrollment import Location, Organization, ResponsibleOfficer
from models.enrollment_enums import OfficerRole, OrganizationStatus
from models.enrollment_rules import (
    locations_of,
    officers_of,
    one_inbox_for_two,
    section_a_problems,
)
from models.enrollment_schemas import (
    CoordinatorIn,
    LocationIn,
    LocationOut,
    OfficerIn,
    OfficerOut,
    OrganizationDetailsIn,
    OrganizationOut,
)
from models.links import INVITE_PURPOSE
from models.review import SigningRequest, SigningRound
from models.section_b_snapshot import request_content
from models.signatures import redistribution_signed

SUBMITTED = ("Section A was already submitted on {}. Your dashboard has what can still change "
             "(the organization's details, a new location); for anything else, open a "
             "help-desk case.")


REDISTRIBUTION_TITLE = DOCUMENTS[DocumentKind.REDISTRIBUTION_AGREEMENT].title
ALREADY_TAKING_PART = ("Your organization already takes part in redistribution: the CEO and "
                       f"the CMO have signed the {REDISTRIBUTION_TITLE}.")
ALREADY_ASKED = ("Your organization already takes part in redistribution, and the CEO and the "
                 f"CMO were already emailed a link to sign the {REDISTRIBUTION_TITLE}: nothing "
                 "is sent again. Your locations may request redistributions once both have "
                 "signed.")

# Section A's submission invites every location's coordinator at once: a draft holds up to
# this many locations (more are added after it, within the organization's daily allowance of
# invitations: throttle.INVITING_ORGANIZATION).
MAX_LOCATIONS = 50
TOO_MANY_LOCATIONS = (
    "Section A takes up to {max} locations, and your list has {count}. Submit Section A with "
    "these, then add the others from your dashboard (their coordinators are invited as you "
    "add them, up to {daily} a day), or open a help-desk case.")



def _too_many(count: int) -> str:
    return TOO_MANY_LOCATIONS.format(max=MAX_LOCATIONS, count=count,
                                     daily=throttle.INVITING_ORGANIZATION.free)


def _ensure_draft(org: Organization) -> None:
    if org.status != OrganizationStatus.DRAFT:
        raise Conflict(SUBMITTED.format(day(org.submitted_at)))


async def save_details(session: AsyncSession, user: User, org: Organization | None,
                       data: OrganizationDetailsIn,
                       gateway: Gateway | None = None) -> Organization:
    """A draft's details are ours to save; after Section A the enrollment process stores a
    correction (and asks the officers to sign what changed)."""
    if org is not None and org.status == OrganizationStatus.SUBMITTED:
        await correct_details(session, gateway, org, user, data)
        return org
    org = org or Organization(admin_user_id=user.id)
    for field, value in data.model_dump().items():
        setattr(org, field, value)
    return await _kept(session, user, org)


async def correct_details(session: AsyncSession, gateway: Gateway, org: Organization,
                          user: User, data: OrganizationDetailsIn) -> str:
    """After Section A the enrollment process stores a correction: what happens next, said to
    the administrator (whether, and what, the officers are asked to sign)."""
    was_participant = org.redistribution_participant
    # taking part already, its agreement signed or asked for (the form sent again from an old
    # tab): nothing new is asked of the officers unless a detail changes
    signed = was_participant and await redistribution_signed(session, org.id)
    asked = signed or (was_participant and bool(await redistribution_waiting(session, org.id)))
    corrected = await enrollment_process.correct_details(gateway, org.id, user.id,
                                                         data.model_dump(mode="json"))
    await session.refresh(org)
    said = ["The organization's details are saved."]
    if asked and not corrected.changed:
        said.append(ALREADY_TAKING_PART if signed else ALREADY_ASKED)
    elif corrected.to_sign:
        titles = " and the ".join(DOCUMENTS[DocumentKind(kind)].title
                                  for kind in corrected.to_sign)
        said.append(f"The CEO and the CMO will each be emailed a link to sign the {titles}.")
        if DocumentKind.REDISTRIBUTION_AGREEMENT in corrected.to_sign:
            said.append("Your locations may request redistributions once both have signed.")
    if was_participant and not org.redistribution_participant:
        said.append("Your organization no longer takes part in redistribution: its locations "
                    "cannot request redistributions, and taking part again asks the CEO and "
                    "the CMO to sign the Supplemental Redistribution Agreement again.")
    return " ".join(said)


async def _kept(session: AsyncSession, user: User, org: Organization) -> Organization:
    session.add(org)
    await session.flush()
    if user.organization_id != org.id:
        user.organization_id = org.id
        session.add(user)
    return org


async def keep_details(session: AsyncSession, user: User, org: Organization | None,
                       values: dict) -> Organization:
    """Pause with the details half done: a draft keeps every field as typed (a field that is
    valid as it is, in its clean form; another, as the text typed, when its column holds it),
    so nothing is lost; Next and the submission check them whole (section_a_problems)."""
    org = org or Organization(admin_user_id=user.id)
    _ensure_draft(org)
    columns = Organization.__table__.c
    for name, field in OrganizationDetailsIn.model_fields.items():
        raw = values.get(name)
        typed = str(raw).strip() if isinstance(raw, str) else raw
        try:
            kind = (Annotated[field.annotation, *field.metadata] if field.metadata
                    else field.annotation)
            value = TypeAdapter(kind).validate_python(typed)
        except ValidationError:
            length = getattr(columns[name].type, "length", None)
            fits = isinstance(typed, str) and typed and length and len(typed) <= length
            value = typed if fits and name != "redistribution_participant" else None
        setattr(org, name, "" if value is None and name == "legal_name" else value)
    return await _kept(session, user, org)


def _same(text: str) -> str:
    return " ".join(text.split()).casefold()


async def _refuse_a_second(session: AsyncSession, org: Organization, data: LocationIn,
                           other_than: int | None = None) -> None:
    """One location per name and address in an organization: the same one typed again (or a
    double click) is named, not stored twice."""
    rows = (await session.exec(select(Location.id, Location.name, Location.street,
                                      Location.zip_code).where(
        Location.organization_id == org.id))).all()
    key = (_same(data.name), _same(data.street), data.zip_code[:5])
    if any((_same(name), _same(street), zip_code[:5]) == key
           for location_id, name, street, zip_code in rows if location_id != other_than):
        where = ("choose Edit next to it in the list to change it" if org.status ==
                 OrganizationStatus.DRAFT else "it is in your list of locations")
        raise Conflict(f"{data.name} at {data.street} is already one of your locations: "
                       f"{where}, instead of adding it again.", field="name")


async def add_location(session: AsyncSession, gateway: Gateway, org: Organization,
                       data: LocationIn, user: User) -> Location:
    """Part of the draft; after Section A the location joins the running enrollment (its
    coordinator is invited at once) in the same step as it is stored, within the day's
    allowance of invitations (`throttle.invitations_allowed`: refused, nothing is stored)."""
    await _refuse_a_second(session, org, data)
    if org.status != OrganizationStatus.SUBMITTED:
        count = len(await locations_of(session, org))
        if count >= MAX_LOCATIONS:
            raise Conflict(_too_many(count), field="name")
        return await _new_location(session, org, data)
    counted_keys = await throttle.invitations_allowed(session, [str(data.coordinator_email)],
                                                      org.id)
    async with throttle.given_back_if_not_done(session, counted_keys):
        location = await _new_location(session, org, data)
        await enrollment_process.add_location(gateway, session, org.id, location.id, user.id)
    return location


async def _new_location(session: AsyncSession, org: Organization, data: LocationIn) -> Location:
    location = Location(organization_id=org.id, **data.model_dump())
    location.coordinator_email = location.coordinator_email.lower()
    session.add(location)
    await session.flush()
    return location


class LocationRemoved(NotFound):
    """The location is no longer in the list: removed, perhaps from another tab."""


async def draft_location(session: AsyncSession, org: Organization, location_id: int) -> Location:
    _ensure_draft(org)
    location = await session.get(Location, location_id)
    if location is None:
        raise LocationRemoved("That location was already removed from your list (perhaps in "
                              "another tab or window).")
    if location.organization_id != org.id:
        raise NotFound("That location is not part of your organization.")
    return location


async def update_location(session: AsyncSession, org: Organization, location_id: int,
                          data: LocationIn) -> Location:
    location = await draft_location(session, org, location_id)
    await _refuse_a_second(session, org, data, other_than=location_id)
    for field, value in data.model_dump().items():
        setattr(location, field, value)
    location.coordinator_email = location.coordinator_email.lower()
    session.add(location)
    return location


# What a draft location can already hold (a help-desk import, an account given access, ...):
# removing it would delete these, so it is refused, naming them. Every table that refers to a
# location is asked (test_enrollment_api checks this list names them all).
HOLDINGS = {
    "practicing_provider": ("practicing provider", None),
    "storage_unit": ("storage unit", None),
    "section_b": ("Section B draft", None),
    "provider_import": ("help-desk import", None),
    "help_case": ("help-desk case", None),
    "user_location": ("portal account with access to it", "portal accounts with access to it"),
    "signature": ("signature", None),
    "review_decision": ("review decision", None),
    "employer": ("employer", None),
    "recipient": ("recipient", None),
    "recipient_site": ("recipient's site record", "recipients' site records"),
    "recipient_upload": ("recipient upload", None),
    "inventory_lot": ("vaccine lot", None),
    "inventory_ledger": ("inventory record", None),
    "transfer": ("vaccine transfer", None),
    "check_in": ("check-in", None),
    "administration": ("recorded dose", None),
    "appointment_slot": ("appointment slot", None),
}


def location_references() -> list[tuple[str, object]]:
    """(table name, column) of every column that refers to a location."""
    return sorted(((table.name, fk.parent) for table in Location.metadata.tables.values()
                   for fk in table.foreign_keys if fk.target_fullname == "location.id"),
                  key=lambda ref: (ref[0], ref[1].name))


async def holdings(session: AsyncSession, location_id: int) -> list[str]:
    """What rows refer to this location, counted in words ("2 practicing providers")."""
    counts: dict[str, int] = {}
    for table, column in location_references():
        n = (await session.exec(select(func.count()).select_from(column.table)
                                .where(column == location_id))).one()
        if n:
            counts[table] = counts.get(table, 0) + n
    return [counted(n, *HOLDINGS.get(table, ("other record", None)))
            for table, n in counts.items()]


async def removal_refused(session: AsyncSession, location: Location) -> str | None:
    """Why this draft location cannot be removed, and what to do, or None: one that already
    holds something (a help-desk import, an account given access) would lose it."""
    held = await holdings(session, location.id)
    if not held:
        return None
    return (f"{location.name} cannot be removed: it already holds {format_list(held, locale=i18n.locale())}, which "
            "removing it would delete. Keep it and correct its name, address or coordinator "
            f"with “Edit {location.name}”; if it must go, open a help-desk case saying so.")


async def remove_location(session: AsyncSession, org: Organization, location_id: int) -> None:
    location = await draft_location(session, org, location_id)
    if refused := await removal_refused(session, location):
        raise Conflict(refused, field="location_id")
    await session.delete(location)


async def set_officer(session: AsyncSession, org: Organization, role: OfficerRole,
                      data: OfficerIn, gateway: Gateway | None = None,
                      user: User | None = None) -> ResponsibleOfficer:
    """Part of the draft; after Section A, a correction (correct_officer)."""
    if org.status == OrganizationStatus.SUBMITTED and gateway is not None:
        await correct_officer(session, gateway, org, role, data, user)
        return (await officers_of(session, org))[role]
    await own_address(session, org, role, data)
    return await keep_officer(session, org, role, data.model_dump())


async def own_address(session: AsyncSession, org: Organization, role: OfficerRole,
                      data: OfficerIn) -> None:
    """Refused on the email: the other officer, another person, at this address (one inbox
    would sign for both officers)."""
    other = next(r for r in OfficerRole if r != role)
    shared = one_inbox_for_two(role, data.name, str(data.email),
                               (await officers_of(session, org)).get(other))
    if shared:
        raise Invalid(shared, field="email")


async def _unsigned(session: AsyncSession, org: Organization,
                    role: OfficerRole) -> list[tuple[SigningRequest, int]]:
    """The officer's requests still waiting for a signature, with their round's number."""
    rows = await session.exec(select(SigningRequest, SigningRound.number).join(
        SigningRound, SigningRound.id == SigningRequest.round_id).where(
        SigningRequest.organization_id == org.id, SigningRequest.officer_role == role,
        SigningRequest.status == "pending", SigningRound.status == "open")
        .order_by(SigningRequest.id))
    return list(rows.all())


async def correct_officer(session: AsyncSession, gateway: Gateway, org: Organization,
                          role: OfficerRole, data: OfficerIn, user: User | None) -> list[str]:
    """After Section A: the CEO or CMO corrected (a mistyped email reaches nobody). What they
    have still to sign goes to the corrected person: the round's process emails a fresh link
    (its send_links activity brings each request up to the officer named now, so the link
    carries the corrected content) and the links sent before stop working. Signatures already
    made stay. The correction is committed first, so the process reads it; a renewal refused
    or not done is asked again by saving again (a request still naming someone else).
    Returns the titles of the documents a new link is emailed for."""
    await own_address(session, org, role, data)
    officer = (await officers_of(session, org)).get(role)
    if officer is None:
        officer = ResponsibleOfficer(organization_id=org.id, role=role, name="", title="",
                                     email="")
    before = {"name": officer.name, "title": officer.title, "email": officer.email}
    after = {"name": data.name.strip(), "title": data.title.strip(),
             "email": str(data.email).strip().lower()}
    unsigned = await _unsigned(session, org, role)
    if unsigned and (after != before or any(
            (request.officer_name, request.officer_email) != (after["name"], after["email"])
            for request, _number in unsigned)):
        # a signing link goes out: within the day's allowance of the addresses the
        # administrator makes the program email (as a coordinator's), or nothing changes
        await throttle.invitations_allowed(session, [after["email"]], org.id, field="email")
    officer.name, officer.title, officer.email = after["name"], after["title"], after["email"]
    if after != before:
        session.add(officer)
        locations = [loc.id for loc in await locations_of(session, org)]
        for location_id in locations:
            session.add(AuditEvent(
                subject_type="location", subject_id=location_id, action="officer:corrected",
                actor=f"user:{user.id}" if user else "system",
                detail={"role": role.value, "from": before, "to": after}))
        await session.commit()  # the process reads the officer named now
    renewed = []
    for request, number in await _unsigned(session, org, role):
        stale = (request.officer_name, request.officer_email) != (officer.name, officer.email)
        if stale or after != before:
            await _renew(gateway, org, number, request)
            renewed.append(DOCUMENTS[request.document].title)
    return renewed


async def _renew(gateway: Gateway, org: Organization, number: int,
                 request: SigningRequest) -> None:
    """The round emails the request's officer a fresh link, the request brought up to date
    (activities.signing._up_to_date) and the older links dead."""
    with contextlib.suppress(StillWorking):  # accepted: the link goes out
        await signing_process.renew_link(gateway, org.id, number, request.id)


async def correct_coordinator(session: AsyncSession, gateway: Gateway, org: Organization,
                              location_id: int, data: CoordinatorIn) -> Location:
    """After Section A, a location whose coordinator has not registered: the name and email
    corrected, and the location's process asked for a new invitation, which goes to the
    corrected address. The links sent so far are dead from the commit on, written by nobody:
    each was sent to an address the invitation no longer names (models.links.readdressed).
    Saving again with nothing changed asks again if no invitation is live (one refused or not
    done)."""
    location = await session.get(Location, location_id)
    if location is None or location.organization_id != org.id:
        raise NotFound("That location is not part of your organization.")
    if location.coordinator_user_id is not None:
        raise Conflict(f"The coordinator of {location.name} has registered, so the invitation "
                       "can no longer be changed. The coordinator updates their own details "
                       "in their account; for another coordinator, open a help-desk case.",
                       field="coordinator_email")
    fields = data.model_dump()
    fields["coordinator_email"] = str(fields["coordinator_email"]).lower()
    changed = any(getattr(location, k) != v for k, v in fields.items())
    if not changed and await _live_invitation(session, location):
        return location  # nothing to send
    # an invitation goes out: within the day's allowance, or nothing changes
    counted_keys = await throttle.invitations_allowed(session, [fields["coordinator_email"]],
                                                      org.id)
    async with throttle.given_back_if_not_done(session, counted_keys,
                                               not_done=(Unavailable, Conflict)):
        await _readdress(session, gateway, org, location, fields, changed)
    return location


async def _readdress(session: AsyncSession, gateway: Gateway, org: Organization,
                     location: Location, fields: dict, changed: bool) -> None:
    if changed:
        moved = await session.exec(update(Location).where(
            Location.id == location.id, Location.coordinator_user_id.is_(None)).values(**fields)
            .execution_options(synchronize_session=False))
        if moved.rowcount != 1:
            raise Conflict(f"The coordinator of {location.name} has just registered, so the "
                           "invitation can no longer be changed.", field="coordinator_email")
        session.add(AuditEvent(subject_type="location", subject_id=location.id,
                               action="coordinator:corrected", actor=f"user:{org.admin_user_id}",
                               detail={"from": location.coordinator_email,
                                       "to": fields["coordinator_email"]}))
        await session.commit()
        await session.refresh(location)
    with contextlib.suppress(StillWorking):  # accepted: the invitation goes out
        await enrollment_process.renew_invitation(gateway, location.id)
    if changed:  # the officers' open requests that show the coordinator: re-sent as
        # corrected (their links would be refused as changed); a request not covering the
        # location is as it was, and its link stays the officer's to use
        for role in OfficerRole:
            for request, number in await _unsigned(session, org, role):
                signing_round = await session.get(SigningRound, request.round_id)
                if await request_content(session, request, signing_round) != request.content:
                    await _renew(gateway, org, number, request)


async def _live_invitation(session: AsyncSession, location: Location) -> bool:
    found = await session.exec(select(AccessLink.id).where(
        AccessLink.purpose == INVITE_PURPOSE, AccessLink.subject_id == location.id,
        AccessLink.bound_to == location.coordinator_email.lower(),
        AccessLink.used_at.is_(None), AccessLink.revoked_at.is_(None),
        AccessLink.expires_at > utcnow()))
    return found.first() is not None


async def keep_officer(session: AsyncSession, org: Organization, role: OfficerRole,
                       fields: dict[str, str]) -> ResponsibleOfficer:
    """Store the officer as typed (a draft may be incomplete; submission checks it)."""
    _ensure_draft(org)
    officer = (await officers_of(session, org)).get(role) or ResponsibleOfficer(
        organization_id=org.id, role=role, name="", title="", email="")
    officer.name = str(fields.get("name") or "").strip()[:160]
    officer.title = str(fields.get("title") or "").strip()[:120]
    officer.email = str(fields.get("email") or "").strip().lower()[:254]
    session.add(officer)
    return officer


async def submit_section_a(session: AsyncSession, gateway: Gateway, org: Organization,
                           user: User) -> Organization:
    """Submitted by the enrollment process (which it starts, once): a double click reaches
    the same single process and is told Section A is already submitted."""
    if org.status == OrganizationStatus.SUBMITTED:
        raise Conflict(SUBMITTED.format(day(org.submitted_at)))
    problems = await section_a_problems(session, org)
    count = len(await locations_of(session, org))
    if count > MAX_LOCATIONS:  # a list made before the limit: submitted as that many invites
        problems["locations"] = _too_many(count)
    if problems:  # the same rule the process applies; asked here first to answer at once
        raise Invalid("Section A is not complete: " + " ".join(problems.values()),
                      errors=problems)
    await session.commit()  # the process reads what was saved
    # every coordinator is invited: each address within the day's allowance (once, however
    # many of the locations name it); given back when not submitted (not done, or the other
    # send of a double click submitted it)
    counted_keys = await throttle.invitations_allowed(
        session, [loc.coordinator_email for loc in await locations_of(session, org)])
    async with throttle.given_back_if_not_done(session, counted_keys,
                                               not_done=(Unavailable, Conflict)):
        await enrollment_process.submit_section_a(gateway, org.id, user.id)
    await session.refresh(org)
    return org


async def registered_names(session: AsyncSession, locations: list[Location]) -> dict[int, str]:
    """Each registered coordinator's name as their account has it (they may correct the one
    typed in Section A), in one query."""
    ids = {loc.coordinator_user_id for loc in locations if loc.coordinator_user_id}
    if not ids:
        return {}
    users = {u.id: u for u in (await session.exec(select(User).where(User.id.in_(ids)))).all()}
    return {loc.id: users[loc.coordinator_user_id].full_name for loc in locations
            if loc.coordinator_user_id in users}


async def organization_out(session: AsyncSession, org: Organization) -> OrganizationOut:
    out = OrganizationOut.model_validate(org)
    out.locations = [LocationOut.model_validate(loc) for loc in await locations_of(session, org)]
    out.officers = [OfficerOut(role=o.role, name=o.name, title=o.title, email=o.email)
                    for o in (await officers_of(session, org)).values()]
    return out
