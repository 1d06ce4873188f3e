"""A location's status and next reminder, read from the projection its workflow writes: a
page showing many locations asks no workflow."""

from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.agreements import DOCUMENTS, DocumentKind
from models.base import as_utc
from models.contracts import REMINDER_EVERY
from models.enrollment import Location, Organization, SectionB
from models.enrollment_enums import WAITING_REVIEW, LocationStatus, OfficerRole
from models.enrollment_schemas import LocationOut, LocationStatusOut
from models.review import SigningRequest, SigningRound
from models.signatures import redistribution_signed


def next_reminder(location: Location, last_save: datetime | None) -> datetime | None:
    """When the next Section B reminder goes: the workflow's timer, or later when Section B was
    saved since (the timer reads the last save when it fires and re-arms from it)."""
    if location.next_reminder_at is None:
        return None
    due = as_utc(location.next_reminder_at)
    return max(due, as_utc(last_save) + REMINDER_EVERY) if last_save else due


async def next_reminders(session: AsyncSession,
                         locations: list[Location]) -> dict[int, datetime | None]:
    """Each location's next reminder, in one query for all of them."""
    waiting = [loc.id for loc in locations if loc.next_reminder_at is not None]
    saves = dict((await session.exec(select(SectionB.location_id, SectionB.updated_at).where(
        SectionB.location_id.in_(waiting)))).all()) if waiting else {}
    return {loc.id: next_reminder(loc, saves.get(loc.id)) for loc in locations}


async def officers_waiting(session: AsyncSession, locations: list[Location]) -> dict[int, str]:
    """Whom a location waiting for signatures waits on, and for which document ("Chief Medical
    Officer (CMO) Dana Smith: sign the CDC Supplemental ... Agreement"), from the open rounds'
    unsigned requests: one query for all the locations. The projection's words name both
    officers and the provider agreement whatever is left."""
    found = await _signed_before(session, locations)
    waiting = [loc for loc in locations if loc.status == LocationStatus.AWAITING_SIGNATURES]
    if not waiting:
        return found
    rows = (await session.exec(select(SigningRequest, SigningRound.location_ids).join(
        SigningRound, SigningRound.id == SigningRequest.round_id).where(
        SigningRequest.organization_id.in_({loc.organization_id for loc in waiting}),
        SigningRequest.status == "pending", SigningRound.status == "open")
        .order_by(SigningRequest.officer_role, SigningRequest.id))).all()
    for loc in waiting:
        who: dict[str, list[str]] = {}
        for request, covered in rows:
            if loc.id in covered:
                role = OfficerRole(request.officer_role)
                who.setdefault(f"{role.label} ({role.value.upper()}) {request.officer_name}",
                               []).append(DOCUMENTS[request.document].title)
        if who:
            found[loc.id] = "; ".join(f"{person}: sign the {' and the '.join(titles)}"
                                      for person, titles in who.items())
    return found


BEFORE_SIGNATURES = (LocationStatus.SUBMITTED, LocationStatus.AWAITING_SIGNATURES)


async def _signed_before(session: AsyncSession, locations: list[Location]) -> dict[int, str]:
    """A location just submitted (or resubmitted) whose officers' signatures already cover it
    waits on the review: its process sends it there in a moment, through "awaiting
    signatures", and its projection names the officers until then (the page right after the
    submission said they had to sign, and that they had)."""
    submitted = [loc for loc in locations if loc.status in BEFORE_SIGNATURES]
    if not submitted:
        return {}
    rounds = (await session.exec(select(SigningRound.status, SigningRound.location_ids).where(
        SigningRound.organization_id.in_({loc.organization_id for loc in submitted})))).all()
    # signed for, and no round still open for it (an addendum after a correction)
    signed = {i for status, ids in rounds if status == "complete" for i in ids}
    open_ = {i for status, ids in rounds if status == "open" for i in ids}
    return {loc.id: WAITING_REVIEW for loc in submitted if loc.id in signed - open_}


async def officers_signed(session: AsyncSession, location: Location) -> bool:
    """The officers' signatures already cover this location (a resubmission, or a Section B
    completed after they signed): it goes straight to review."""
    rounds = (await session.exec(select(SigningRound.location_ids).where(
        SigningRound.organization_id == location.organization_id,
        SigningRound.status == "complete"))).all()
    return any(location.id in covered for covered in rounds)


async def location_status(session: AsyncSession, location: Location) -> LocationStatusOut:
    reminders = await next_reminders(session, [location])
    return LocationStatusOut(location=LocationOut.model_validate(location),
                             reminders_sent=location.reminders_sent,
                             next_reminder_at=reminders[location.id])


async def redistribution_waiting(session: AsyncSession,
                                 organization_id: int) -> list[SigningRequest]:
    """The officers' open requests (emailed, not yet signed) to sign the organization's
    Supplemental Redistribution Agreement."""
    return list((await session.exec(select(SigningRequest).join(
        SigningRound, SigningRound.id == SigningRequest.round_id).where(
        SigningRequest.organization_id == organization_id, SigningRequest.status == "pending",
        SigningRequest.document == DocumentKind.REDISTRIBUTION_AGREEMENT,
        SigningRound.status == "open").order_by(SigningRequest.officer_role))).all())


async def redistribution_standing(session: AsyncSession, org: Organization | None) -> str | None:
    """Where a redistribution participant's Supplemental Redistribution Agreement stands, for
    its administrator: signed, or whom it waits on (none: the organization does not take part)."""
    if org is None or not org.redistribution_participant:
        return None
    if await redistribution_signed(session, org.id):
        return "Signed by the CEO and the CMO: your locations may request redistributions."
    waiting = await redistribution_waiting(session, org.id)
    if waiting:
        names = " and ".join(f"{OfficerRole(r.officer_role).label} ({r.officer_role.upper()}) "
                             f"{r.officer_name}" for r in waiting)
        return (f"Waiting for {names} to sign it from the link we emailed: your locations may "
                "request redistributions once both have signed.")
    statuses = (await session.exec(select(Location.status).where(
        Location.organization_id == org.id))).all()
    if statuses and all(status == LocationStatus.APPROVED for status in statuses):
        # no signing request will come of itself (a correction made before the enrollment
        # process asked for this agreement alone): a correction saved again asks for it
        return ("Not signed, and no signing request asks for it: save your organization's "
                "details (Correct the organization's details) to email the CEO and the CMO a "
                "link to sign it; until both have, your locations cannot request "
                "redistributions.")
    return ("Not signed yet: the CEO and the CMO are asked to sign it with their next signing "
            "request; until both have, your locations cannot request redistributions.")
