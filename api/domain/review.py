"""The Immunization Branch's review: the queue, everything submitted, decisions, the timeline."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, literal_column, or_
from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.domain import section_b
from api.domain.state_lists import actor_names
from api.processes import Gateway
from api.processes import enrollment as enrollment_process
from core.errors import Invalid
from models.accounts import User
from models.audit import AuditEvent
from models.contracts import DecisionResult
from models.enrollment import (
    Location,
    Organization,
    PracticingProvider,
    ResponsibleOfficer,
    StorageUnit,
)
from models.enrollment_enums import LocationStatus
from models.review import ReviewDecision, SigningRequest, SigningRound
from models.review_rules import REASON_NEEDED
from models.section_b_rules import coordinator_signatures  # noqa: F401 - used by the PDF
from models.section_b_snapshot import section_b_snapshot
from models.signatures import Signature

# The queue's condition and order, with the status written into the SQL (not a parameter), so
# that both databases answer them from the queue's partial index (models/enrollment.py).
IN_REVIEW = Location.status == literal_column(f"'{LocationStatus.PENDING_REVIEW.value}'")
PENDING = or_(IN_REVIEW, Location.amendment_pending)
SINCE = case((IN_REVIEW, Location.status_since), else_=Location.amendment_since)


@dataclass
class QueueRow:
    location_id: int
    location: str
    organization: str
    kind: str
    pending_since: datetime
    providers_pending: bool


async def queue(session: AsyncSession, limit: int = 50, offset: int = 0) -> tuple[int, list[QueueRow]]:
    """Locations waiting for a decision, the longest-waiting first."""
    total = (await session.exec(select(func.count()).select_from(Location).where(PENDING))).one()
    rows = await session.exec(
        select(Location, Organization.legal_name, SINCE.label("since"))
        .join(Organization, Organization.id == Location.organization_id)
        .where(PENDING).order_by(SINCE, Location.id).limit(limit).offset(offset))
    return total, [QueueRow(location_id=loc.id, location=loc.name, organization=org_name,
                            kind=_kind(loc), pending_since=since,
                            providers_pending=loc.providers_pending)
                   for loc, org_name, since in rows.all()]


def _kind(location: Location) -> str:
    if location.status != LocationStatus.PENDING_REVIEW:
        return "change to an enrolled site"
    return "resubmission" if location.resubmission else "enrollment"


def kind_label(location: Location) -> str:
    """What is reviewed, as the queue's filter names it ("Enrollment", "Resubmission",
    "Change to an enrolled site"): the page's column and the CSV."""
    kind = _kind(location)
    return kind[:1].upper() + kind[1:]


async def officer_signatures(session: AsyncSession, location: Location) -> list[Signature]:
    """The responsible officers' valid signatures covering this location."""
    rows = await session.exec(
        select(Signature, SigningRound.location_ids)
        .join(SigningRequest, SigningRequest.signature_id == Signature.id)
        .join(SigningRound, SigningRound.id == SigningRequest.round_id)
        .where(Signature.organization_id == location.organization_id,
               Signature.voided_at.is_(None)).order_by(Signature.id))
    return [signature for signature, covered in rows.all() if location.id in covered]


async def decisions(session: AsyncSession, location_id: int) -> list[ReviewDecision]:
    result = await session.exec(select(ReviewDecision).where(
        ReviewDecision.location_id == location_id).order_by(ReviewDecision.id))
    return list(result.all())


async def timeline(session: AsyncSession, location_id: int) -> list[AuditEvent]:
    result = await session.exec(select(AuditEvent).where(
        AuditEvent.subject_type == "location", AuditEvent.subject_id == location_id)
        .order_by(AuditEvent.at, AuditEvent.id))
    return list(result.all())


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        return {k: v for key, item in value.items()
                for k, v in _flatten(item, f"{prefix}{key}.").items()}
    if isinstance(value, list) and not any(isinstance(item, (dict, list)) for item in value):
        # a set of choices (a step's settings, populations): one answer, whatever the order
        return {prefix.rstrip("."): sorted(value, key=str)}
    if isinstance(value, list):
        return {k: v for index, item in enumerate(value)
                for k, v in _flatten(item, f"{prefix}{index + 1}.").items()}
    return {prefix.rstrip("."): value}


def changes(before: dict, after: dict) -> list[tuple[str, Any, Any]]:
    """Every field that differs between two Section B snapshots."""
    old, new = _flatten(before), _flatten(after)
    return [(key, old.get(key), new.get(key)) for key in sorted(set(old) | set(new))
            if old.get(key) != new.get(key)]


async def changes_since_rejection(session: AsyncSession, location: Location) -> list[tuple]:
    """What a resubmission changed: none once an approval followed the rejection (an enrolled
    site's later change is reviewed for itself, not against a rejection long settled)."""
    enrollment = [d for d in await decisions(session, location.id) if d.kind == "enrollment"]
    if not enrollment or enrollment[-1].approved:
        return []
    return changes(enrollment[-1].snapshot, await section_b_snapshot(session, location))


async def review_detail(session: AsyncSession, location: Location) -> dict[str, Any]:
    section = await section_b.section_of(session, location)
    providers = (await session.exec(select(PracticingProvider).where(
        PracticingProvider.location_id == location.id).order_by(PracticingProvider.id))).all()
    units = (await session.exec(select(StorageUnit).where(
        StorageUnit.location_id == location.id).order_by(StorageUnit.id))).all()
    events = await timeline(session, location.id)
    org = await session.get(Organization, location.organization_id)
    officers = (await session.exec(select(ResponsibleOfficer).where(
        ResponsibleOfficer.organization_id == org.id).order_by(ResponsibleOfficer.role))).all()
    return {
        "location": location, "org": org, "officers": officers,
        "admin": await session.get(User, org.admin_user_id),  # Section A's author, to reach
        "section": section, "units": units, "providers": providers,
        "officer_signatures": await officer_signatures(session, location),
        "coordinator_signatures": await coordinator_signatures(session, location.id),
        "decisions": await decisions(session, location.id),
        "changes": await changes_since_rejection(session, location),
        "timeline": events,
        "actor_names": await actor_names(session, {event.actor for event in events}),
    }


async def decide(gateway: Gateway, location: Location, reviewer: User, approve: bool,
                 reason: str | None, change_seen: int | None = None,
                 decisions_seen: int | None = None) -> DecisionResult:
    """`change_seen`: the added storage unit the reviewer decided (each is its own change, one
    at a time); refused if another is under review now. `decisions_seen`: the decisions the
    location had when the reviewer read it; refused if another was taken since."""
    if not approve and not (reason or "").strip():  # named on its field (422), before asking
        raise Invalid(REASON_NEEDED, field="reason")
    return await enrollment_process.decide(gateway, location.id, reviewer.id, reviewer.role,
                                           approve, reason, change_seen=change_seen,
                                           decisions_seen=decisions_seen)
